// Every route × method × form action (found by walking src/routes: tests/support/routes.ts) and every
// registered shared-document kind, against every role, checked on the running server. A page, action,
// endpoint method or document kind with no row fails the test by name: decide who may use it, then list it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeServer, startServer, type RunningServer } from '../support/server.ts';
import { withSql } from '../support/sql.ts';
import * as Y from 'yjs';
import { accept, connect, demoIds, destroy, get, invite, personId, rawSocket, signIn, synced, waitFor } from '../support/clients.ts';
import { handlerName, routeHandlers, type RouteHandler } from '../support/routes.ts';
import { DOC_KINDS, type DocKind } from '../../src/lib/domain/doc-id.ts';

/**
 * The demo's staff, one column each: Sam (caseworker), Dana (facilitator) and Lee (supervisor) each hold only
 * that assignment on the case (checked in beforeAll), so a rule for one of them shows in its own column;
 * Riley is a caseworker with no access to the case; Morgan an administrator.
 */
const STAFF = ['admin', 'outsider', 'caseworker', 'facilitator', 'supervisor'] as const;
/**
 * parent: Daniel Ortiz, invited to the demo meeting (joint session). survivor: Ana Rivera, invited to the
 * whole case, meets in her own separate session, kept apart from Daniel. observer: Jordan Lee, a trainee
 * observer invited to the meeting (read-only).
 */
const PARTICIPANTS = ['parent', 'survivor', 'observer'] as const;
const ROLES = ['anonymous', ...STAFF, ...PARTICIPANTS] as const;
type Role = (typeof ROLES)[number];
type Expect = Record<Role, number>;

type OnCase = { caseworker: number; facilitator: number; supervisor: number };
/** `onCase`: the same for the three staff of the case, unless one of them is named apart. */
function row(anonymous: number, staff: { onCase: number; admin: number; outsider: number } & Partial<OnCase>, family: { parent: number; survivor: number; observer: number }): Expect {
	const { onCase, admin, outsider, ...apart } = staff;
	return { anonymous, admin, outsider, caseworker: onCase, facilitator: onCase, supervisor: onCase, ...apart, ...family };
}
const everyone = (status: number): Expect => row(status, { onCase: status, admin: status, outsider: status }, { parent: status, survivor: status, observer: status });
/** Staff on the case only: the admin and outsider refused, family members refused. */
const caseStaff = (ok: number): Expect => row(303, { onCase: ok, admin: 403, outsider: 403 }, { parent: 403, survivor: 403, observer: 403 });
const anyStaff = (ok: number): Expect => row(303, { onCase: ok, admin: ok, outsider: ok }, { parent: 403, survivor: 403, observer: 403 });
const signedIn = (ok: number, anonymous = 303): Expect => row(anonymous, { onCase: ok, admin: ok, outsider: ok }, { parent: ok, survivor: ok, observer: ok });
const adminOnly = (ok: number): Expect => row(303, { onCase: 403, admin: ok, outsider: 403 }, { parent: 403, survivor: 403, observer: 403 });
/** The audit trail: supervisors (of their cases) and administrators (the agency's security events); caseworkers, facilitators and families never. */
const auditReaders = (ok: number): Expect => row(303, { onCase: 403, supervisor: ok, admin: ok, outsider: 403 }, { parent: 403, survivor: 403, observer: 403 });
/** One case's audit: its supervisor only (administrators never read a case's entries). */
const caseAudit = (ok: number): Expect => ({ ...auditReaders(ok), admin: 403 });

type Ids = { caseId: string; meetingId: string; versionId: string; proposalId: string; jointSessionId: string; anaSessionId: string; familyTimeId: string; grace: string; tom: string; lucia: string; ana: string; daniel: string; rosa: string; jordan: string; sofia: string };
/**
 * One request per role. Which handler it reaches: a `POST` to `…?/name` the form action `name`; another
 * `POST` the page's default action if it has one, else the endpoint; a `GET` the page if there is one, else
 * the endpoint. `endpoint: true` sends it to the endpoint where a page shares the route (SvelteKit sends a
 * request that does not prefer HTML there).
 */
type Entry = { route: string; method: 'GET' | 'POST'; path: (ids: Ids) => string; body?: (ids: Ids) => Record<string, string>; endpoint?: true; expect: Expect };

const BOGUS = 'aaaaaaaaaaaaaaaaaaaaaaaa';
/** Route parameters as SvelteKit names them, for test names. */
const PLACEHOLDERS = { caseId: '[caseId]', meetingId: '[meetingId]', versionId: '[versionId]', proposalId: '[proposalId]', grace: '[personId]' } as Ids;

/** A whole meeting plan (Grace by video), but with a facilitator who is on no case. */
const planForm = (i: Ids): Record<string, string> => ({
	kind: 'FTDM',
	meetingType: 'PLACEMENT_CHANGE',
	date: '2026-12-04',
	time: '10:30',
	timeZone: 'America/Chicago',
	durationMinutes: '60',
	location: '',
	locationEs: '',
	facilitatorId: BOGUS,
	person: i.grace,
	[`mode-${i.grace}`]: 'VIDEO'
});

/** Route ids as SvelteKit names them (groups stripped), with what each role gets. */
const MATRIX: Entry[] = [
	{ route: '/', method: 'GET', path: () => '/', expect: everyone(303) },
	{ route: '/sign-in', method: 'GET', path: () => '/sign-in', expect: signedIn(303, 200) },
	{ route: '/sign-in', method: 'POST', path: () => '/sign-in', body: () => ({ email: 'x@demo.test', password: 'wrong-password' }), expect: signedIn(303, 400) },
	{ route: '/sign-out', method: 'POST', path: () => '/sign-out', expect: everyone(303) },
	// The same for a script or another client (not a browser's form).
	{ route: '/sign-out', method: 'POST', path: () => '/sign-out', endpoint: true, expect: everyone(303) },
	// Before signing out, a family member reads how to come back; someone not signed in has nothing to sign out of.
	{ route: '/sign-out', method: 'GET', path: () => '/sign-out', expect: signedIn(200) },
	{ route: '/language', method: 'POST', path: () => '/language', body: () => ({ locale: 'en', next: '/' }), expect: everyone(303) },
	{ route: '/sessions', method: 'GET', path: () => '/sessions', expect: signedIn(200) },
	{ route: '/sessions', method: 'POST', path: () => '/sessions?/end', body: () => ({ ref: 'aaaaaaaa' }), expect: signedIn(404) },
	{ route: '/cases', method: 'GET', path: () => '/cases', expect: anyStaff(200) },
	{ route: '/cases/[caseId]', method: 'GET', path: (i) => `/cases/${i.caseId}`, expect: caseStaff(200) },
	// Opening a case: staff who carry cases (caseworkers and supervisors, on this case or not); never a
	// facilitator, an administrator or a family member. The empty form is "please fix" for them alone.
	{ route: '/cases/new', method: 'GET', path: () => '/cases/new', expect: row(303, { onCase: 200, facilitator: 403, admin: 403, outsider: 200 }, { parent: 403, survivor: 403, observer: 403 }) },
	{ route: '/cases/new', method: 'POST', path: () => '/cases/new', body: () => ({ name: '' }), expect: row(303, { onCase: 400, facilitator: 403, admin: 403, outsider: 400 }, { parent: 403, survivor: 403, observer: 403 }) },
	// Adding a person to the family network: the case's staff.
	{ route: '/cases/[caseId]/people/new', method: 'GET', path: (i) => `/cases/${i.caseId}/people/new`, expect: caseStaff(200) },
	{ route: '/cases/[caseId]/people/new', method: 'POST', path: (i) => `/cases/${i.caseId}/people/new`, body: () => ({ role: 'NOT_A_ROLE', givenName: 'A', familyName: 'B', locale: 'en' }), expect: caseStaff(400) },
	{ route: '/cases/[caseId]', method: 'POST', path: (i) => `/cases/${i.caseId}?/revoke`, body: () => ({ inviteId: BOGUS }), expect: caseStaff(404) },
	{ route: '/cases/[caseId]/invite', method: 'GET', path: (i) => `/cases/${i.caseId}/invite`, expect: caseStaff(200) },
	{ route: '/cases/[caseId]/invite', method: 'POST', path: (i) => `/cases/${i.caseId}/invite`, body: (i) => ({ personId: i.grace, meetingId: '', channel: 'in_person', locale: 'en' }), expect: caseStaff(200) },
	{ route: '/cases/[caseId]/safety', method: 'GET', path: (i) => `/cases/${i.caseId}/safety`, expect: caseStaff(200) },
	{ route: '/cases/[caseId]/safety', method: 'POST', path: (i) => `/cases/${i.caseId}/safety?/labels`, body: (i) => ({ personId: i.grace }), expect: caseStaff(200) },
	// Grace and Tom are both in the joint session: keeping them apart is refused until one is moved.
	{ route: '/cases/[caseId]/safety', method: 'POST', path: (i) => `/cases/${i.caseId}/safety?/addPair`, body: (i) => ({ personA: i.grace, personB: i.tom }), expect: caseStaff(409) },
	// Grace and Tom were never kept apart: removing that pair is refused as not found (nothing changed).
	{ route: '/cases/[caseId]/safety', method: 'POST', path: (i) => `/cases/${i.caseId}/safety?/removePair`, body: (i) => ({ personA: i.grace, personB: i.tom }), expect: caseStaff(404) },
	// Staff record what Grace agreed to share (here: nothing, as on record: no change).
	{ route: '/cases/[caseId]/safety', method: 'POST', path: (i) => `/cases/${i.caseId}/safety?/sharing`, body: (i) => ({ personId: i.grace }), expect: caseStaff(200) },
	// When a family member can meet (issue 22): the person themself on /family/availability, staff on the case for
	// anyone on it (Grace here; an empty form is refused as 400, and the rules are in availability.test.ts).
	// Good times for a meeting, ranked from everyone's availability: the case's staff (who may schedule it).
	{ route: '/cases/[caseId]/meetings/[meetingId]/times', method: 'GET', path: (i) => `/cases/${i.caseId}/meetings/${i.meetingId}/times`, expect: caseStaff(200) },
	// Propose and choose (issue 22): the case's caseworker and facilitator send times and confirm one (policy
	// `propose-times`, `confirm-time`; not the supervisor). A single time is "please fix" (400), as is a time
	// that is not among those proposed; the rules and the answers are in time-proposals.test.ts.
	{ route: '/cases/[caseId]/meetings/[meetingId]/times', method: 'POST', path: (i) => `/cases/${i.caseId}/meetings/${i.meetingId}/times?/propose`, body: () => ({ picked: String(Date.now() + 7 * 86_400_000), durationMinutes: '60' }), expect: row(303, { onCase: 403, caseworker: 400, facilitator: 400, admin: 403, outsider: 403 }, { parent: 403, survivor: 403, observer: 403 }) },
	{ route: '/cases/[caseId]/meetings/[meetingId]/times', method: 'POST', path: (i) => `/cases/${i.caseId}/meetings/${i.meetingId}/times?/confirm`, body: () => ({ optionId: BOGUS, reason: '' }), expect: row(303, { onCase: 403, caseworker: 400, facilitator: 400, admin: 403, outsider: 403 }, { parent: 403, survivor: 403, observer: 403 }) },
	// Staff on the case enter a family member's answer after a call (Grace's, here without answers: 400); a family
	// member never answers for someone else.
	{ route: '/cases/[caseId]/meetings/[meetingId]/times', method: 'POST', path: (i) => `/cases/${i.caseId}/meetings/${i.meetingId}/times?/answerFor`, body: (i) => ({ proposalId: i.proposalId, personId: i.grace }), expect: caseStaff(400) },
	// The family's own page to answer the times: family members invited to the meeting (Daniel; Ana, in her own part),
	// never an observer; staff are sent to their own pages. An empty answer is "please fix" (400).
	{ route: '/family/times/[proposalId]', method: 'GET', path: (i) => `/family/times/${i.proposalId}`, expect: row(303, { onCase: 303, admin: 303, outsider: 303 }, { parent: 200, survivor: 200, observer: 403 }) },
	{ route: '/family/times/[proposalId]', method: 'POST', path: (i) => `/family/times/${i.proposalId}`, expect: row(303, { onCase: 303, admin: 303, outsider: 303 }, { parent: 400, survivor: 400, observer: 403 }) },
	{ route: '/cases/[caseId]/people/[personId]/availability', method: 'GET', path: (i) => `/cases/${i.caseId}/people/${i.grace}/availability`, expect: caseStaff(200) },
	{ route: '/cases/[caseId]/people/[personId]/availability', method: 'POST', path: (i) => `/cases/${i.caseId}/people/${i.grace}/availability`, body: () => ({ timeZone: 'Mars/Base' }), expect: caseStaff(400) },
	// Staff are sent to their own pages, as from /family.
	{ route: '/family/availability', method: 'GET', path: () => '/family/availability', expect: row(303, { onCase: 303, admin: 303, outsider: 303 }, { parent: 200, survivor: 200, observer: 200 }) },
	{ route: '/family/availability', method: 'POST', path: () => '/family/availability', body: () => ({ timeZone: 'Mars/Base' }), expect: row(303, { onCase: 303, admin: 303, outsider: 303 }, { parent: 400, survivor: 400, observer: 400 }) },
	{ route: '/cases/[caseId]/people/[personId]', method: 'GET', path: (i) => `/cases/${i.caseId}/people/${i.grace}`, expect: caseStaff(200) },
	{ route: '/cases/[caseId]/people/[personId]', method: 'POST', path: (i) => `/cases/${i.caseId}/people/${i.grace}`, body: () => ({ code: 'FAMILY_FRIEND', side: '', noteEn: '', noteEs: '', birthDate: '' }), expect: caseStaff(200) },
	{ route: '/cases/[caseId]/meetings/[meetingId]/place', method: 'GET', path: (i) => `/cases/${i.caseId}/meetings/${i.meetingId}/place`, expect: caseStaff(200) },
	{
		route: '/cases/[caseId]/meetings/[meetingId]/place',
		method: 'POST',
		path: (i) => `/cases/${i.caseId}/meetings/${i.meetingId}/place`,
		body: () => ({ en: 'Family Services office, Room 2 (or by video)', es: 'Oficina de Servicios Familiares, sala 2 (o por video)' }),
		expect: caseStaff(200)
	},
	// Planning the case's meetings (policy `schedule`): the case's staff. The forms below name a facilitator who is
	// on no case, and cancelling is not confirmed: refused as "fix the form" (400), so nothing changes.
	{ route: '/cases/[caseId]/meetings/plan/[[meetingId]]', method: 'GET', path: (i) => `/cases/${i.caseId}/meetings/plan`, expect: caseStaff(200) },
	{ route: '/cases/[caseId]/meetings/plan/[[meetingId]]', method: 'POST', path: (i) => `/cases/${i.caseId}/meetings/plan?/save`, body: (i) => planForm(i), expect: caseStaff(400) },
	{ route: '/cases/[caseId]/meetings/plan/[[meetingId]]', method: 'GET', path: (i) => `/cases/${i.caseId}/meetings/plan/${i.meetingId}`, expect: caseStaff(200) },
	{ route: '/cases/[caseId]/meetings/plan/[[meetingId]]', method: 'POST', path: (i) => `/cases/${i.caseId}/meetings/plan/${i.meetingId}?/save`, body: (i) => planForm(i), expect: caseStaff(400) },
	{ route: '/cases/[caseId]/meetings/plan/[[meetingId]]', method: 'POST', path: (i) => `/cases/${i.caseId}/meetings/plan/${i.meetingId}?/cancel`, body: () => ({ confirm: 'no' }), expect: caseStaff(400) },
	// Cancelling no meeting at all: refused like a meeting nobody may see.
	{ route: '/cases/[caseId]/meetings/plan/[[meetingId]]', method: 'POST', path: (i) => `/cases/${i.caseId}/meetings/plan?/cancel`, body: () => ({ confirm: 'yes' }), expect: row(303, { onCase: 403, admin: 403, outsider: 403 }, { parent: 403, survivor: 403, observer: 403 }) },
	// The case plan: staff on the case, and family members invited to the whole case (Ana, who reads it only:
	// kept apart from Daniel); Daniel and Jordan were invited to one meeting only.
	{ route: '/cases/[caseId]/plan', method: 'GET', path: (i) => `/cases/${i.caseId}/plan`, expect: row(303, { onCase: 200, admin: 403, outsider: 403 }, { parent: 403, survivor: 200, observer: 403 }) },
	// The plan's saved versions are part of the plan (policy `document` of kind `plan`): who reads the plan lists,
	// opens and compares them (Ana too); who edits it saves one: Ana, kept apart from Daniel, only reads the plan.
	{ route: '/cases/[caseId]/plan/versions', method: 'GET', path: (i) => `/cases/${i.caseId}/plan/versions`, expect: row(303, { onCase: 200, admin: 403, outsider: 403 }, { parent: 403, survivor: 200, observer: 403 }) },
	{ route: '/cases/[caseId]/plan/versions', method: 'POST', path: (i) => `/cases/${i.caseId}/plan/versions`, body: () => ({ name: 'Checked by the matrix' }), expect: row(303, { onCase: 200, admin: 403, outsider: 403 }, { parent: 403, survivor: 403, observer: 403 }) },
	// A name that does not parse: whoever may not save one is refused as such, not told what was wrong with it.
	{ route: '/cases/[caseId]/plan/versions', method: 'POST', path: (i) => `/cases/${i.caseId}/plan/versions`, body: () => ({ name: '' }), expect: row(303, { onCase: 400, admin: 403, outsider: 403 }, { parent: 403, survivor: 403, observer: 403 }) },
	{ route: '/cases/[caseId]/plan/versions/[versionId]', method: 'GET', path: (i) => `/cases/${i.caseId}/plan/versions/${i.versionId}`, expect: row(303, { onCase: 200, admin: 403, outsider: 403 }, { parent: 403, survivor: 200, observer: 403 }) },
	// A version's id under another case's address is refused like a forbidden one.
	{ route: '/cases/[caseId]/plan/versions/[versionId]', method: 'GET', path: (i) => `/cases/${i.caseId}/plan/versions/${BOGUS}`, expect: row(303, { onCase: 403, admin: 403, outsider: 403 }, { parent: 403, survivor: 403, observer: 403 }) },
	{ route: '/cases/[caseId]/plan/compare', method: 'GET', path: (i) => `/cases/${i.caseId}/plan/compare?from=${i.versionId}&to=current`, expect: row(303, { onCase: 200, admin: 403, outsider: 403 }, { parent: 403, survivor: 200, observer: 403 }) },
	{ route: '/meetings/[meetingId]', method: 'GET', path: (i) => `/meetings/${i.meetingId}`, expect: row(303, { onCase: 200, admin: 403, outsider: 403 }, { parent: 200, survivor: 200, observer: 200 }) },
	{ route: '/meetings/[meetingId]', method: 'POST', path: (i) => `/meetings/${i.meetingId}?/addMember`, body: (i) => ({ meetingSessionId: i.jointSessionId, personId: i.lucia }), expect: caseStaff(200) },
	{ route: '/meetings/[meetingId]', method: 'POST', path: (i) => `/meetings/${i.meetingId}?/addMember`, body: (i) => ({ meetingSessionId: i.anaSessionId, personId: i.tom }), expect: caseStaff(200) },
	{ route: '/meetings/[meetingId]', method: 'POST', path: (i) => `/meetings/${i.meetingId}?/removeMember`, body: (i) => ({ meetingSessionId: i.anaSessionId, personId: i.tom }), expect: caseStaff(200) },
	{ route: '/meetings/[meetingId]', method: 'POST', path: (i) => `/meetings/${i.meetingId}?/separate`, body: (i) => ({ personId: i.tom }), expect: caseStaff(200) },
	{ route: '/meetings/[meetingId]', method: 'POST', path: (i) => `/meetings/${i.meetingId}?/familyTime`, expect: caseStaff(200) },
	// Recording the decision: the case's facilitator only (her empty form gets "please fix": 400).
	{ route: '/meetings/[meetingId]', method: 'POST', path: (i) => `/meetings/${i.meetingId}?/decision`, body: () => ({ consensus: 'yes' }), expect: row(303, { onCase: 403, facilitator: 400, admin: 403, outsider: 403 }, { parent: 403, survivor: 403, observer: 403 }) },
	// Running the agenda (stages, timer): the case's facilitator only (setting it up twice is still 200).
	{ route: '/meetings/[meetingId]', method: 'POST', path: (i) => `/meetings/${i.meetingId}?/agenda`, body: () => ({ do: 'start' }), expect: row(303, { onCase: 403, facilitator: 200, admin: 403, outsider: 403 }, { parent: 403, survivor: 403, observer: 403 }) },
	// Closing the meeting: its facilitator, or the case's supervisor (a form without the box ticked gets "please fix": 400, and closes nothing).
	{ route: '/meetings/[meetingId]/close', method: 'GET', path: (i) => `/meetings/${i.meetingId}/close`, expect: row(303, { onCase: 403, facilitator: 200, supervisor: 200, admin: 403, outsider: 403 }, { parent: 403, survivor: 403, observer: 403 }) },
	{ route: '/meetings/[meetingId]/close', method: 'POST', path: (i) => `/meetings/${i.meetingId}/close?/close`, body: () => ({ confirm: 'no' }), expect: row(303, { onCase: 403, facilitator: 400, supervisor: 400, admin: 403, outsider: 403 }, { parent: 403, survivor: 403, observer: 403 }) },
	// Correcting the summary: only once the meeting is closed, so refused to everyone while it is open (meeting-close.test.ts closes one).
	{ route: '/meetings/[meetingId]/close', method: 'POST', path: (i) => `/meetings/${i.meetingId}/close?/correct`, body: () => ({ note: 'x' }), expect: row(303, { onCase: 403, admin: 403, outsider: 403 }, { parent: 403, survivor: 403, observer: 403 }) },
	// A child's own words (Three Houses): the page for whoever may see the meeting (each child's words only as
	// the policy allows: child-voice.test.ts); writing them, the case's staff (a form without a child: 400).
	{ route: '/meetings/[meetingId]/houses', method: 'GET', path: (i) => `/meetings/${i.meetingId}/houses`, expect: row(303, { onCase: 200, admin: 403, outsider: 403 }, { parent: 200, survivor: 200, observer: 200 }) },
	{ route: '/meetings/[meetingId]/houses', method: 'POST', path: (i) => `/meetings/${i.meetingId}/houses?/save`, body: () => ({ worries: 'x' }), expect: row(303, { onCase: 400, admin: 403, outsider: 403 }, { parent: 403, survivor: 403, observer: 403 }) },
	// "Add to my calendar": whoever may see the meeting (its iCalendar file: meeting-plan.test.ts reads it).
	{ route: '/meetings/[meetingId]/calendar.ics', method: 'GET', path: (i) => `/meetings/${i.meetingId}/calendar.ics`, expect: row(303, { onCase: 200, admin: 403, outsider: 403 }, { parent: 200, survivor: 200, observer: 200 }) },
	// The summary: whoever may see the meeting (before close it says it is not ready yet).
	{ route: '/meetings/[meetingId]/summary', method: 'GET', path: (i) => `/meetings/${i.meetingId}/summary`, expect: row(303, { onCase: 200, admin: 403, outsider: 403 }, { parent: 200, survivor: 200, observer: 200 }) },
	// The family's survey (policy `feedback` `give`): the family's own people invited to the meeting, never staff or an
	// observer. Before the meeting is held the page says so (200), and an answer is refused to everyone (the rules and
	// the answers once held: meeting-feedback.test.ts).
	{ route: '/meetings/[meetingId]/feedback', method: 'GET', path: (i) => `/meetings/${i.meetingId}/feedback`, expect: row(303, { onCase: 403, admin: 403, outsider: 403 }, { parent: 200, survivor: 200, observer: 403 }) },
	{ route: '/meetings/[meetingId]/feedback', method: 'POST', path: (i) => `/meetings/${i.meetingId}/feedback?/give`, body: () => ({ 'a-respect': '5' }), expect: row(303, { onCase: 403, admin: 403, outsider: 403 }, { parent: 403, survivor: 403, observer: 403 }) },
	// The survey's aggregates: supervisors only (agency-wide), never the caseworker or the facilitator.
	{ route: '/feedback', method: 'GET', path: () => '/feedback', expect: row(303, { onCase: 403, supervisor: 200, admin: 403, outsider: 403 }, { parent: 403, survivor: 403, observer: 403 }) },
	// No such family time: refused alike for everyone signed in (ids are not to be probed); the rules are in family-access.test.ts.
	{ route: '/meetings/[meetingId]', method: 'POST', path: (i) => `/meetings/${i.meetingId}?/endFamilyTime`, body: () => ({ meetingSessionId: BOGUS }), expect: row(303, { onCase: 403, admin: 403, outsider: 403 }, { parent: 403, survivor: 403, observer: 403 }) },
	{ route: '/meetings/[meetingId]', method: 'POST', path: (i) => `/meetings/${i.meetingId}?/shareFamilyTime`, body: () => ({ meetingSessionId: BOGUS }), expect: row(303, { onCase: 403, admin: 403, outsider: 403 }, { parent: 403, survivor: 403, observer: 403 }) },
	{ route: '/family', method: 'GET', path: () => '/family', expect: row(303, { onCase: 303, admin: 303, outsider: 303 }, { parent: 200, survivor: 200, observer: 200 }) },
	// A family member stops sharing their own phone and email (none of them shares it: no change); staff have
	// no family page (refused, then sent to their own, as for the page itself).
	{ route: '/family', method: 'POST', path: () => '/family?/share', body: () => ({ detail: 'contact', share: 'no' }), expect: row(303, { onCase: 303, admin: 303, outsider: 303 }, { parent: 200, survivor: 200, observer: 200 }) },
	// A link nobody was given: 404 with the plain "we could not find this link" page.
	{ route: '/invite/[token]', method: 'GET', path: () => `/invite/${'a'.repeat(32)}`, expect: everyone(404) },
	{ route: '/invite/[token]', method: 'POST', path: () => `/invite/${'a'.repeat(32)}`, expect: everyone(404) },
	{ route: '/join', method: 'GET', path: () => '/join', expect: everyone(200) },
	{ route: '/join', method: 'POST', path: () => '/join?/lookup', body: () => ({ shortCode: 'AAAAA-AAAAA' }), expect: everyone(404) },
	{ route: '/join', method: 'POST', path: () => '/join?/accept', body: () => ({ shortCode: 'AAAAA-AAAAA' }), expect: everyone(410) },
	// A new sign-in code: the same answer for a phone number nobody has as for any other (family-sign-in-again.test.ts).
	{ route: '/join', method: 'POST', path: () => '/join?/sendCode', body: () => ({ destination: '+15555550000' }), expect: everyone(200) },
	{ route: '/join', method: 'POST', path: () => '/join?/codeSignIn', body: () => ({ via: 'destination', value: '+15555550000', code: '123456' }), expect: everyone(400) },
	{ route: '/admin/users', method: 'GET', path: () => '/admin/users', expect: adminOnly(200) },
	// Form actions: a refused person gets the 403 page; an administrator's empty form gets "please fix".
	{ route: '/admin/users', method: 'POST', path: () => '/admin/users?/add', body: () => ({ name: '' }), expect: adminOnly(400) },
	{ route: '/admin/users', method: 'POST', path: () => '/admin/users?/toggle', body: () => ({ userId: BOGUS, disabled: 'true' }), expect: adminOnly(404) },
	{ route: '/audit', method: 'GET', path: () => '/audit', expect: auditReaders(200) },
	{ route: '/audit', method: 'GET', path: (i) => `/audit?case=${i.caseId}`, expect: caseAudit(200) },
	{ route: '/audit/export', method: 'GET', path: () => '/audit/export', expect: auditReaders(200) },
	{ route: '/audit/export', method: 'GET', path: (i) => `/audit/export?case=${i.caseId}`, expect: caseAudit(200) }
];

/** Shared documents, by kind (DOC_KINDS): 101 = the socket opens (read-only roles too: their edits are dropped, see family-access tests). */
const DOCUMENTS: { kind: DocKind; what: string; docId: (i: Ids) => string; expect: Expect }[] = [
	{ kind: 'meeting', what: 'the joint session', docId: (i) => `meeting:${i.meetingId}`, expect: { ...caseDoc(101), parent: 101, survivor: 403, observer: 101 } },
	{ kind: 'session', what: 'Ana’s separate session', docId: (i) => `session:${i.anaSessionId}`, expect: { ...caseDoc(101), parent: 403, survivor: 101, observer: 403 } },
	// Private family time, not shared with the team: the family members of the joint session, no agency role.
	{ kind: 'session', what: 'private family time', docId: (i) => `session:${i.familyTimeId}`, expect: { ...caseDoc(403), parent: 101, survivor: 403, observer: 403 } },
	// The joint session's document is `meeting:<id>` alone: under `session:` it names nothing, for everyone.
	{ kind: 'session', what: 'the joint session under session:', docId: (i) => `session:${i.jointSessionId}`, expect: { ...caseDoc(403), parent: 403, survivor: 403, observer: 403 } },
	{ kind: 'plan', what: 'the case plan', docId: (i) => `plan:${i.caseId}`, expect: { ...caseDoc(101), parent: 403, survivor: 101, observer: 403 } }
];
function caseDoc(onCase: number): Omit<Expect, (typeof PARTICIPANTS)[number]> {
	return { anonymous: 401, admin: 403, outsider: 403, caseworker: onCase, facilitator: onCase, supervisor: onCase };
}

/** The handler of src/routes an entry's request reaches, as tests/support/routes.ts names it. */
function handlerOf(entry: Entry, handlers: RouteHandler[]): string {
	const here = handlers.filter((h) => h.route === entry.route);
	const action = /\?\/(\w+)/.exec(entry.path(PLACEHOLDERS))?.[1];
	const kind = entry.endpoint
		? 'endpoint'
		: entry.method === 'GET'
			? here.some((h) => h.kind === 'page')
				? 'page'
				: 'endpoint'
			: action || here.some((h) => h.kind === 'action' && h.action === 'default')
				? 'action'
				: 'endpoint';
	return handlerName({ method: entry.method, route: entry.route, kind, action: kind === 'action' ? (action ?? 'default') : null });
}

let server: RunningServer;
let ids: Ids;
const cookies = new Map<Role, string | undefined>();
const signInAgain = new Map<Role, () => Promise<string>>();

beforeAll(async () => {
	server = await startServer();
	cookies.set('anonymous', undefined);
	for (const role of STAFF) {
		signInAgain.set(role, () => signIn(server.url, `${role}@demo.test`));
		cookies.set(role, await signInAgain.get(role)!());
	}
	const staff = cookies.get('caseworker')!;
	const demo = await demoIds(server.url, staff);
	const meetingHtml = await (await get(server.url, `/meetings/${demo.meetingId}`, staff)).text();
	const sessionIds = [...meetingHtml.matchAll(/name="meetingSessionId" value="([a-z2-7]+)"/g)].map((m) => m[1]);
	const [jointSessionId, anaSessionId] = [...new Set(sessionIds)];
	const who = async (name: string) => personId(server.url, staff, demo.caseId, name);
	// Private family time, on from the start (one at a time: the matrix's own press finds it open).
	const started = await fetch(`${server.url}/meetings/${demo.meetingId}?/familyTime`, {
		method: 'POST',
		headers: { cookie: staff, origin: server.url, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
		redirect: 'manual'
	});
	if (started.status !== 200) throw new Error(`family time did not start: ${started.status}`);
	const afterStart = await (await get(server.url, `/meetings/${demo.meetingId}`, staff)).text();
	const familyTimeId = /action="\?\/endFamilyTime"[\s\S]*?name="meetingSessionId" value="([a-z2-7]+)"/.exec(afterStart)![1];
	// A saved version of the plan, for the rows of its pages.
	const saved = await fetch(`${server.url}/cases/${demo.caseId}/plan/versions`, {
		method: 'POST',
		headers: { cookie: staff, origin: server.url, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
		body: new URLSearchParams({ name: 'Before the matrix' }),
		redirect: 'manual'
	});
	if (saved.status !== 200) throw new Error(`the plan's version was not saved: ${saved.status}`);
	const versionId = /\/plan\/versions\/([a-z2-7]+)"/.exec(await (await get(server.url, `/cases/${demo.caseId}/plan/versions`, staff)).text())![1];
	// Times proposed for the demo meeting (issue 22), so that the family's answer page has one to show.
	const week = Math.ceil((Date.now() + 7 * 86_400_000) / 3_600_000) * 3_600_000;
	const proposed = await fetch(`${server.url}/cases/${demo.caseId}/meetings/${demo.meetingId}/times?/propose`, {
		method: 'POST',
		headers: { cookie: staff, origin: server.url, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
		body: new URLSearchParams([['picked', String(week)], ['picked', String(week + 86_400_000)], ['durationMinutes', '90']]),
		redirect: 'manual'
	});
	if (proposed.status !== 200) throw new Error(`times were not proposed: ${proposed.status}`);
	const proposalId = (await withSql(server, (db) => db.get<{ id: string }>('select id from time_proposals where meeting_id = ?', [demo.meetingId]), { readonly: true }))!.id;
	ids = {
		...demo,
		versionId,
		proposalId,
		jointSessionId,
		anaSessionId,
		familyTimeId,
		grace: await who('Grace Whitfield'),
		tom: await who('Tom Baker'),
		lucia: await who('Lucia Ortiz'),
		ana: await who('Ana Rivera'),
		daniel: await who('Daniel Ortiz'),
		rosa: await who('Rosa Rivera'),
		jordan: await who('Jordan Lee'),
		sofia: await who('Sofia Rivera')
	};
	const invited: Record<(typeof PARTICIPANTS)[number], () => Promise<string>> = {
		parent: async () => accept(server.url, await invite(server.url, staff, demo.caseId, await who('Daniel Ortiz'), { meetingId: demo.meetingId })),
		survivor: async () => accept(server.url, await invite(server.url, staff, demo.caseId, ids.ana, { requireCode: true })),
		observer: async () => accept(server.url, await invite(server.url, staff, demo.caseId, await who('Jordan Lee'), { meetingId: demo.meetingId }))
	};
	for (const role of PARTICIPANTS) {
		signInAgain.set(role, invited[role]);
		cookies.set(role, await invited[role]());
	}
});

/** Who holds which assignment on the demo case, by sign-in email, read from the server's database. */
async function assignments(): Promise<Record<string, string>> {
	const rows = await withSql(server, (db) => db.all<{ email: string; role: string }>('select u.email, a.role from case_assignments a join users u on u.id = a.user_id where a.case_id = ?', [ids.caseId]), { readonly: true });
	return Object.fromEntries(rows.map((r) => [r.email, r.role]));
}

afterAll(async () => {
	await server?.stop();
	if (server) await removeServer(server);
});

describe('authorization matrix', () => {
	it('has a row for every page, form action and endpoint method in src/routes, and none for what is gone', () => {
		const handlers = routeHandlers();
		const listed = new Set(MATRIX.map((e) => handlerOf(e, handlers)));
		const found = handlers.map(handlerName);
		expect(found.length, 'routes found').toBeGreaterThan(30);
		const missing = found.filter((h) => !listed.has(h));
		expect(missing, 'no row in the authorization matrix (MATRIX in tests/integration/authorization-matrix.test.ts): decide who may use each, then add its row').toEqual([]);
		expect([...listed].filter((h) => !found.includes(h)), 'rows for no page, action or endpoint of src/routes').toEqual([]);
	});

	it('has a row for every registered kind of shared document', () => {
		const listed = new Set(DOCUMENTS.map((d) => d.kind));
		expect(
			DOC_KINDS.filter((kind) => !listed.has(kind)),
			'document kinds with no row in DOCUMENTS (tests/integration/authorization-matrix.test.ts): decide who may open them, then add a row'
		).toEqual([]);
		for (const d of DOCUMENTS) expect(d.docId(ids).startsWith(`${d.kind}:`), d.what).toBe(true);
	});

	it('has one column per assignment: the caseworker, facilitator and supervisor each hold only theirs', async () => {
		expect(await assignments()).toEqual({ 'caseworker@demo.test': 'caseworker', 'facilitator@demo.test': 'facilitator', 'supervisor@demo.test': 'supervisor' });
	});

	for (const entry of MATRIX) {
		const label = entry.path(PLACEHOLDERS) + (entry.endpoint ? ' (endpoint)' : '');
		it(`${entry.method} ${label}`, async () => {
			const got: Partial<Record<Role, number>> = {};
			for (const role of ROLES) {
				// Sign-out ends the session it is sent with: give it a fresh one per role.
				const cookie = entry.route === '/sign-out' && role !== 'anonymous' ? await signInAgain.get(role)!() : cookies.get(role);
				const res = await fetch(server.url + entry.path(ids), {
					method: entry.method,
					headers: {
						...(cookie ? { cookie } : {}),
						accept: entry.endpoint ? '*/*' : 'text/html',
						...(entry.method === 'POST' ? { origin: server.url, 'content-type': 'application/x-www-form-urlencoded' } : {})
					},
					body: entry.method === 'POST' ? new URLSearchParams(entry.body?.(ids) ?? {}) : undefined,
					redirect: 'manual'
				});
				got[role] = res.status;
				if (res.status === 403) {
					const html = await res.text();
					// A refusal shows nothing of the case: no address, no phone, and to staff off the case not even the family's name.
					for (const secret of ['Example Lane', 'Sample Road', '+1555555']) expect(html, `${role} refused page leaks case data`).not.toContain(secret);
					if (!(PARTICIPANTS as readonly string[]).includes(role)) expect(html, `${role} refused page leaks case data`).not.toContain('Rivera');
				}
			}
			expect(got).toEqual(entry.expect);
		});
	}

	// The meeting page shows the saved notes of its part of the meeting in its HTML (saved-notes.ts): for
	// each role, a document's notes are in the page exactly when that role's socket to it would open.
	it('saved notes in the meeting page: only of a document the person may open', async () => {
		const staff = cookies.get('caseworker')!;
		const started = await fetch(`${server.url}/meetings/${ids.meetingId}?/familyTime`, {
			method: 'POST',
			headers: { cookie: staff, origin: server.url, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
			redirect: 'manual'
		});
		expect(started.status).toBe(200);
		// The family time that is on (the matrix above may have started it already: one at a time).
		const page = await (await get(server.url, `/meetings/${ids.meetingId}`, staff)).text();
		const familyTime = /action="\?\/endFamilyTime"[\s\S]*?name="meetingSessionId" value="([a-z2-7]+)"/.exec(page)![1];
		const parts = [
			{ kind: 'joint session', sessionId: ids.jointSessionId, docId: `meeting:${ids.meetingId}`, writer: staff },
			{ kind: 'Ana’s separate session', sessionId: ids.anaSessionId, docId: `session:${ids.anaSessionId}`, writer: staff },
			{ kind: 'private family time', sessionId: familyTime, docId: `session:${familyTime}`, writer: cookies.get('parent')! }
		].map((part) => ({ ...part, marker: `Saved words of the ${part.kind} ${Math.random().toString(36).slice(2)}` }));
		for (const part of parts) {
			const writer = connect(server.url, part.docId, part.writer);
			await synced(writer);
			const p = new Y.XmlElement('paragraph');
			p.insert(0, [new Y.XmlText(part.marker)]);
			writer.doc.getXmlFragment('notes').push([p]);
			const check = connect(server.url, part.docId, part.writer);
			await synced(check);
			await waitFor(() => check.doc.getXmlFragment('notes').toString().includes(part.marker), 3000, `the ${part.kind} notes to be saved`);
			destroy(writer, check);
		}
		// Each role asks for each part's page (a part they may not see shows them their own part instead).
		const shown = new Set<string>();
		const opens = new Set<string>();
		for (const role of ROLES) {
			const cookie = cookies.get(role);
			for (const part of parts) {
				const page = await (await get(server.url, `/meetings/${ids.meetingId}?s=${part.sessionId}`, cookie)).text();
				const data = await (await get(server.url, `/meetings/${ids.meetingId}/__data.json?s=${part.sessionId}`, cookie)).text();
				for (const other of parts) if (page.includes(other.marker)) shown.add(`${role}: ${other.kind}`);
				for (const other of parts) expect(data, `${role}: page data`).not.toContain(other.marker);
				const { ws } = await rawSocket(`${server.url.replace('http', 'ws')}/collab/${part.docId}`, { origin: server.url, ...(cookie ? { cookie } : {}) });
				if (ws) opens.add(`${role}: ${part.kind}`);
				ws?.close();
			}
		}
		expect([...shown].sort()).toEqual([...opens].sort());
		// Some of each: the check is not passing for want of notes shown, or of people refused.
		expect(opens).toContain('caseworker: joint session');
		expect(opens).toContain('survivor: Ana’s separate session');
		expect(opens).toContain('parent: private family time');
		expect(opens).not.toContain('caseworker: private family time');
		expect(opens).not.toContain('parent: Ana’s separate session');
	});

	// Phones, emails and addresses reach another family member only when that person agreed (the demo: Lucia
	// and Tom agreed to share their phone and email, recorded by Sam), never past a label or a keep-apart
	// pair, and never to an observer. Every family page and its data, for every family role.
	it('family pages carry no phone, email or address of anyone who did not agree to share it', async () => {
		const details: Record<string, { person: keyof Ids; strings: string[] }> = {
			ana: { person: 'ana', strings: ['12 Example Lane', '+15555550101', 'ana.rivera@example.test'] },
			daniel: { person: 'daniel', strings: ['400 Sample Road', '+15555550102', 'daniel.ortiz@example.test'] },
			rosa: { person: 'rosa', strings: ['7 Placeholder Street', '+15555550103', 'rosa.rivera@example.test'] },
			lucia: { person: 'lucia', strings: ['+15555550104', 'lucia.ortiz@example.test'] },
			grace: { person: 'grace', strings: ['+15555550105', 'grace.whitfield@example.test'] },
			tom: { person: 'tom', strings: ['+15555550106', 'tom.baker@example.test'] },
			jordan: { person: 'jordan', strings: ['jordan.lee@example.test'] },
			sofia: { person: 'sofia', strings: ['+15555550114'] }
		};
		const self: Record<(typeof PARTICIPANTS)[number], string> = { parent: 'daniel', survivor: 'ana', observer: 'jordan' };
		const agreed = new Set(['lucia', 'tom']);
		for (const role of PARTICIPANTS) {
			const cookie = cookies.get(role)!;
			for (const path of ['/family', '/family/__data.json', `/meetings/${ids.meetingId}`, `/meetings/${ids.meetingId}/__data.json`]) {
				const body = await (await get(server.url, path, cookie)).text();
				for (const [who, { strings }] of Object.entries(details)) {
					const mayShow = who === self[role] || (agreed.has(who) && role !== 'observer' && path.startsWith('/family'));
					for (const secret of strings) {
						if (!mayShow) expect(body, `${role} on ${path} sees ${who}'s ${secret}`).not.toContain(secret);
					}
				}
				// The check is not passing for want of details: their own are on their home page, and the agreed ones too.
				if (path === '/family') expect(body, `${role}'s own details on ${path}`).toContain(details[self[role]].strings[0]);
				if (path === '/family' && role !== 'observer') expect(body, `${role} sees what Lucia agreed to share`).toContain('+15555550104');
			}
		}
	});

	for (const doc of DOCUMENTS) {
		it(`shared document: ${doc.kind} (${doc.what})`, async () => {
			const got: Partial<Record<Role, number>> = {};
			for (const role of ROLES) {
				const cookie = cookies.get(role);
				const { ws, status } = await rawSocket(`${server.url.replace('http', 'ws')}/collab/${doc.docId(ids)}`, { origin: server.url, ...(cookie ? { cookie } : {}) });
				got[role] = ws ? 101 : (status ?? 0);
				ws?.close();
			}
			expect(got).toEqual(doc.expect);
		});
	}
});
