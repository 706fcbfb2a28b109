import { and, asc, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { casePeople, cases, caseAssignments, keepApartPairs, meetingSessionMembers, meetingSessions, meetings, sensitivityLabels, users } from '../db/schema.ts';
import { can, type PersonDetail } from '../../domain/policy.ts';
import { SENSITIVITY_LABELS, type AssignmentRole, type MeetingKind, type MeetingStatus, type MeetingType, type ParticipantRole, type SensitivityLabel } from '../../domain/roles.ts';
import { opaqueId } from '../../domain/doc-id.ts';
import { writeAudit } from '../audit.ts';
import { collabControl } from '../collab/registry.ts';
import { authorize, type RequestContext, type Result } from './access.ts';

// People on a case and what each viewer may see of them. Every detail passes policy.can('view',
// person-detail) here, so a labelled address or a keep-apart partner's phone never reaches a page, a
// page's JSON, or anything built from this.

export type PersonView = {
	id: string;
	role: ParticipantRole;
	givenName: string;
	familyName: string;
	relationship: string | null;
	/** Present only when the viewer may see it. */
	email?: string | null;
	phone?: string | null;
	address?: string | null;
	/** Staff only: the labels on this person's details, and the language they read. */
	labels?: SensitivityLabel[];
	locale?: string | null;
};

type PersonRow = typeof casePeople.$inferSelect;

function labelsByPerson(ctx: RequestContext, personIds: string[]): Map<string, Set<SensitivityLabel>> {
	const map = new Map<string, Set<SensitivityLabel>>();
	if (personIds.length === 0) return map;
	for (const row of ctx.db.select().from(sensitivityLabels).where(inArray(sensitivityLabels.personId, personIds)).all()) {
		if (!map.has(row.personId)) map.set(row.personId, new Set());
		map.get(row.personId)!.add(row.label);
	}
	return map;
}

/** One person as this viewer may see them: every detail asked of the policy separately. */
function viewOf(ctx: RequestContext, p: PersonRow, labels: ReadonlySet<SensitivityLabel>): PersonView {
	const may = (detail: PersonDetail) => can(ctx.actor, 'view', { type: 'person-detail', caseId: p.caseId, personId: p.id, detail, labels });
	const view: PersonView = { id: p.id, role: p.role, givenName: p.givenName, familyName: p.familyName, relationship: p.relationship };
	if (may('contact')) {
		view.email = p.email;
		view.phone = p.phone;
	}
	if (may('address')) view.address = p.address;
	if (ctx.actor.kind === 'staff') {
		view.labels = [...labels];
		view.locale = p.locale;
	}
	return view;
}

export function peopleOfCase(ctx: RequestContext, caseId: string): PersonView[] {
	const rows = ctx.db.select().from(casePeople).where(eq(casePeople.caseId, caseId)).orderBy(asc(casePeople.createdAt)).all();
	const labels = labelsByPerson(ctx, rows.map((r) => r.id));
	return rows.map((r) => viewOf(ctx, r, labels.get(r.id) ?? new Set()));
}

export type FamilyHome = {
	caseName: string;
	me: PersonView;
	meetings: { id: string; kind: MeetingKind; meetingType: MeetingType; startsAt: number; timeZone: string; status: MeetingStatus; location: string | null }[];
	team: PersonView[];
	staff: { name: string; role: AssignmentRole }[];
	seesPlan: boolean;
};

/** What an invited person sees of their case: their meetings, their team, the people helping. */
export function familyHome(ctx: RequestContext): Result<FamilyHome> {
	const actor = ctx.actor;
	if (actor.kind !== 'participant') return authorize(ctx, 'view', { type: 'family-home', caseId: '' }, 'family.view') ?? { ok: false, reason: 'forbidden' };
	const refused = authorize(ctx, 'view', { type: 'family-home', caseId: actor.caseId }, 'family.view');
	if (refused) return refused;
	const theCase = ctx.db.select({ name: cases.name }).from(cases).where(eq(cases.id, actor.caseId)).get();
	if (!theCase) return { ok: false, reason: 'not-found' };
	const allMeetings = ctx.db.select().from(meetings).where(eq(meetings.caseId, actor.caseId)).orderBy(asc(meetings.startsAt)).all();
	const visibleMeetings = allMeetings.filter((mt) => can(actor, 'view', { type: 'meeting', caseId: actor.caseId, meetingId: mt.id }));
	const people = peopleOfCase(ctx, actor.caseId);
	const me = people.find((p) => p.id === actor.personId)!;
	// The team shown to a family member: the people who share a meeting session with them (or, for a
	// case-wide invite, everyone on the case), never one of a keep-apart pair.
	let shareWith: Set<string> | null = null;
	if (actor.meetingId !== null) {
		const sessionIds = [...actor.meetingSessionIds];
		shareWith = new Set(
			sessionIds.length
				? ctx.db.select({ personId: meetingSessionMembers.personId }).from(meetingSessionMembers).where(inArray(meetingSessionMembers.meetingSessionId, sessionIds)).all().map((r) => r.personId)
				: []
		);
	}
	const team = people.filter((p) => p.id !== actor.personId && !actor.keepApartWith.has(p.id) && (shareWith === null || shareWith.has(p.id)));
	const staff = ctx.db
		.select({ name: users.name, role: caseAssignments.role })
		.from(caseAssignments)
		.innerJoin(users, eq(users.id, caseAssignments.userId))
		.where(eq(caseAssignments.caseId, actor.caseId))
		.all();
	return {
		ok: true,
		value: {
			caseName: theCase.name,
			me,
			meetings: visibleMeetings.map((mt) => ({ id: mt.id, kind: mt.kind, meetingType: mt.meetingType, startsAt: mt.startsAt, timeZone: mt.timeZone, status: mt.status, location: mt.location })),
			team,
			staff,
			seesPlan: can(actor, 'view', { type: 'document', caseId: actor.caseId, docKind: 'plan' })
		}
	};
}

// ---- Safety settings: sensitivity labels and keep-apart pairs (staff on the case) ----

export const labelsSchema = z.object({ personId: opaqueId, labels: z.array(z.enum(SENSITIVITY_LABELS)).max(SENSITIVITY_LABELS.length) });

export function setLabels(ctx: RequestContext, caseId: string, input: z.infer<typeof labelsSchema>): Result<true> {
	const refused = authorize(ctx, 'manage', { type: 'safety-settings', caseId }, 'person.labels');
	if (refused) return refused;
	const person = ctx.db.select().from(casePeople).where(and(eq(casePeople.id, input.personId), eq(casePeople.caseId, caseId))).get();
	if (!person) return { ok: false, reason: 'not-found' };
	const setBy = ctx.actor.kind === 'staff' ? ctx.actor.userId : null;
	const now = Date.now();
	ctx.db.transaction((tx) => {
		tx.delete(sensitivityLabels).where(eq(sensitivityLabels.personId, person.id)).run();
		if (input.labels.length) tx.insert(sensitivityLabels).values([...new Set(input.labels)].map((label) => ({ personId: person.id, label, setBy, setAt: now }))).run();
	});
	writeAudit(ctx.db, { actor: ctx.actor, action: 'person.labels', resourceType: 'person', resourceId: person.id, caseId, outcome: 'allowed', clientAddress: ctx.clientAddress, sessionId: ctx.sessionId, detail: { labels: [...input.labels].sort().join(',') } });
	collabControl()?.accessChanged(caseId);
	return { ok: true, value: true };
}

export const pairSchema = z.object({ personA: opaqueId, personB: opaqueId }).refine((v) => v.personA !== v.personB, { message: 'same person' });

/** Two people who must never be in one session. Refused while they already share one: move one first. */
export function addKeepApart(ctx: RequestContext, caseId: string, input: z.infer<typeof pairSchema>): Result<true> | { ok: false; reason: 'share-session'; meetingIds: string[] } {
	const refused = authorize(ctx, 'manage', { type: 'safety-settings', caseId }, 'keep-apart.add');
	if (refused) return refused;
	const [a, b] = [input.personA, input.personB].sort();
	const found = ctx.db.select({ id: casePeople.id }).from(casePeople).where(and(eq(casePeople.caseId, caseId), inArray(casePeople.id, [a, b]))).all();
	if (found.length !== 2) return { ok: false, reason: 'not-found' };
	const shared = ctx.db
		.select({ sessionId: meetingSessionMembers.meetingSessionId, personId: meetingSessionMembers.personId, meetingId: meetingSessions.meetingId })
		.from(meetingSessionMembers)
		.innerJoin(meetingSessions, eq(meetingSessions.id, meetingSessionMembers.meetingSessionId))
		.where(inArray(meetingSessionMembers.personId, [a, b]))
		.all();
	const sessionsOfA = new Set(shared.filter((r) => r.personId === a).map((r) => r.sessionId));
	const clash = shared.filter((r) => r.personId === b && sessionsOfA.has(r.sessionId));
	if (clash.length) return { ok: false, reason: 'share-session', meetingIds: [...new Set(clash.map((c) => c.meetingId))] };
	ctx.db.insert(keepApartPairs).values({ caseId, personA: a, personB: b, setBy: ctx.actor.kind === 'staff' ? ctx.actor.userId : null, setAt: Date.now() }).onConflictDoNothing().run();
	writeAudit(ctx.db, { actor: ctx.actor, action: 'keep-apart.add', resourceType: 'person', resourceId: a, caseId, outcome: 'allowed', clientAddress: ctx.clientAddress, sessionId: ctx.sessionId });
	// A new pair: each of them stops seeing the other's presence, and both become readers of the shared plan, now.
	collabControl()?.accessChanged(caseId);
	return { ok: true, value: true };
}

export function removeKeepApart(ctx: RequestContext, caseId: string, input: z.infer<typeof pairSchema>): Result<true> {
	const refused = authorize(ctx, 'manage', { type: 'safety-settings', caseId }, 'keep-apart.remove');
	if (refused) return refused;
	const [a, b] = [input.personA, input.personB].sort();
	ctx.db.delete(keepApartPairs).where(and(eq(keepApartPairs.caseId, caseId), eq(keepApartPairs.personA, a), eq(keepApartPairs.personB, b))).run();
	writeAudit(ctx.db, { actor: ctx.actor, action: 'keep-apart.remove', resourceType: 'person', resourceId: a, caseId, outcome: 'allowed', clientAddress: ctx.clientAddress, sessionId: ctx.sessionId });
	collabControl()?.accessChanged(caseId);
	return { ok: true, value: true };
}

export function keepApartOfCase(ctx: RequestContext, caseId: string): { personA: string; personB: string }[] {
	return ctx.db.select({ personA: keepApartPairs.personA, personB: keepApartPairs.personB }).from(keepApartPairs).where(eq(keepApartPairs.caseId, caseId)).all();
}
