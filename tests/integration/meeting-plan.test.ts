// Planning a meeting from the case page (issue 20, first part) on the real server: the facilitator plans
// one with people and how each joins; the meeting, its joint session and a separate session for the person
// who joins apart are stored with one audit entry; a keep-apart pair is refused by name with what was typed
// kept; people off the case and family members are refused; the caseworker choosing herself is saved with
// a warning; a change moves people; a cancel needs its confirmation, and then says "Cancelled" on the
// meeting, the case and the family's page.
import { withSql } from '../support/sql.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeServer, startServer, type RunningServer } from '../support/server.ts';
import ICAL from 'ical.js';
import { Temporal } from 'temporal-polyfill';
import { accept, demoIds, destroy, get, invite, listening, messagesTo, personId, signIn, synced, waitFor } from '../support/clients.ts';

let server: RunningServer;
let caseId: string;
const cookies: Record<'facilitator' | 'caseworker' | 'supervisor' | 'outsider' | 'admin', string> = { facilitator: '', caseworker: '', supervisor: '', outsider: '', admin: '' };
const people: Record<'daniel' | 'ana' | 'grace' | 'rosa', string> = { daniel: '', ana: '', grace: '', rosa: '' };
const staffIds: Record<'dana' | 'sam', string> = { dana: '', sam: '' };

beforeAll(async () => {
	server = await startServer();
	for (const role of Object.keys(cookies) as (keyof typeof cookies)[]) cookies[role] = await signIn(server.url, `${role}@demo.test`);
	caseId = (await demoIds(server.url, cookies.caseworker)).caseId;
	people.daniel = await personId(server.url, cookies.caseworker, caseId, 'Daniel Ortiz');
	people.ana = await personId(server.url, cookies.caseworker, caseId, 'Ana Rivera');
	people.grace = await personId(server.url, cookies.caseworker, caseId, 'Grace Whitfield');
	people.rosa = await personId(server.url, cookies.caseworker, caseId, 'Rosa Rivera');
	const form = await (await get(server.url, `/cases/${caseId}/meetings/plan`, cookies.facilitator)).text();
	staffIds.dana = /<option value="([a-z2-7]+)"[^>]*>Dana Reyes/.exec(form)![1];
	staffIds.sam = /<option value="([a-z2-7]+)"[^>]*>Sam Okafor/.exec(form)![1];
});

afterAll(async () => {
	await server?.stop();
	if (server) await removeServer(server);
});

function post(path: string, cookie: string, body: URLSearchParams): Promise<Response> {
	return fetch(server.url + path, {
		method: 'POST',
		headers: { cookie, origin: server.url, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
		body,
		redirect: 'manual'
	});
}

function planBody(over: Record<string, string> = {}, chosen: [string, string][] = [[people.daniel, 'IN_PERSON'], [people.grace, 'VIDEO'], [people.ana, 'SEPARATE_SESSION']]): URLSearchParams {
	const body = new URLSearchParams({
		kind: 'FTDM',
		meetingType: 'PLACEMENT_CHANGE',
		emergency: 'on',
		date: '2026-12-04',
		time: '10:30',
		timeZone: 'America/Chicago',
		durationMinutes: '90',
		location: 'Family Services office, Room 4',
		locationEs: 'Oficina de Servicios Familiares, sala 4',
		facilitatorId: staffIds.dana,
		...over
	});
	for (const [personId, mode] of chosen) {
		body.append('person', personId);
		body.set(`mode-${personId}`, mode);
	}
	return body;
}

/** Rows of `sql` on the server's database, either engine (tests/support/sql.ts). */
function query<T>(sql: string, ...args: unknown[]): Promise<T[]> {
	return withSql(server, (db) => db.all<T>(sql, args), { readonly: true });
}
const meetingCount = async () => (await query<{ n: number }>('select count(*) as n from meetings where case_id = ?', caseId))[0].n;

let planned = '';

describe('planning a meeting from the case page', () => {
	it('the facilitator plans one: the meeting, its joint session with the people who come together, a separate session, one audit entry', async () => {
		const before = await meetingCount();
		const res = await post(`/cases/${caseId}/meetings/plan?/save`, cookies.facilitator, planBody());
		expect(res.status).toBe(303);
		expect(res.headers.get('location')).toBe(`/cases/${caseId}?meeting=planned`);
		expect(await meetingCount()).toBe(before + 1);
		const [row] = await query<{ id: string; kind: string; meeting_type: string; emergency: number; facilitator_id: string; status: string; location: string; duration_minutes: number; time_zone: string }>(
			'select * from meetings where case_id = ? order by created_at desc limit 1',
			caseId
		);
		planned = row.id;
		expect(row).toMatchObject({ kind: 'FTDM', meeting_type: 'PLACEMENT_CHANGE', emergency: 1, facilitator_id: staffIds.dana, status: 'scheduled', location: 'Family Services office, Room 4', duration_minutes: 90, time_zone: 'America/Chicago' });
		const members = await query<{ kind: string; for_person_id: string | null; person_id: string; mode: string }>(
			'select s.kind, s.for_person_id, m.person_id, m.mode from meeting_sessions s join meeting_session_members m on m.meeting_session_id = s.id where s.meeting_id = ? order by s.kind, m.person_id',
			planned
		);
		expect(members.filter((m) => m.kind === 'JOINT').map((m) => [m.person_id, m.mode]).sort()).toEqual([[people.daniel, 'IN_PERSON'], [people.grace, 'VIDEO']].sort());
		expect(members.filter((m) => m.kind === 'SEPARATE')).toEqual([{ kind: 'SEPARATE', for_person_id: people.ana, person_id: people.ana, mode: 'SEPARATE_SESSION' }]);
		expect(await query('select outcome from audit_events where action = ? and resource_id = ?', 'meeting.create', planned)).toEqual([{ outcome: 'allowed' }]);

		// It is on the case page, with a link to change it, and its page opens with its people.
		const casePage = await (await get(server.url, `/cases/${caseId}?meeting=planned`, cookies.facilitator)).text();
		expect(casePage).toContain('The meeting is planned.');
		expect(casePage).toContain(`/cases/${caseId}/meetings/plan/${planned}`);
		const meetingPage = await get(server.url, `/meetings/${planned}`, cookies.caseworker);
		expect(meetingPage.status).toBe(200);
		const html = await meetingPage.text();
		expect(html).toContain('Daniel Ortiz');
		expect(html).toContain('Family Services office, Room 4');
	});

	it('refuses a keep-apart pair in the joint session by name, keeps what was typed, and stores nothing', async () => {
		const before = await meetingCount();
		const res = await post(`/cases/${caseId}/meetings/plan?/save`, cookies.caseworker, planBody({ location: 'Kitchen table at the office' }, [[people.daniel, 'IN_PERSON'], [people.ana, 'PHONE']]));
		expect(res.status).toBe(409);
		const html = await res.text();
		expect(html).toMatch(/(Daniel Ortiz and Ana Rivera|Ana Rivera and Daniel Ortiz) must be kept apart/);
		expect(html).toContain('value="Kitchen table at the office"');
		expect(html).toContain('value="2026-12-04"');
		expect(await meetingCount()).toBe(before);
		expect((await query<{ n: number }>("select count(*) as n from audit_events where action = 'meeting.create' and outcome = 'denied'"))[0].n).toBeGreaterThan(0);
	});

	it('marks the wrong fields and keeps the rest as typed', async () => {
		const res = await post(`/cases/${caseId}/meetings/plan?/save`, cookies.caseworker, planBody({ date: '2026-02-30', durationMinutes: '5', location: 'Café Luna' }));
		expect(res.status).toBe(400);
		const html = await res.text();
		expect(html).toContain('Enter a date that exists');
		expect(html).toContain('Enter a length from 15 to 480 minutes.');
		expect(html).toContain('value="Café Luna"');
		expect(html).toContain('value="2026-02-30"');
	});

	it('refuses staff off the case, the administrator and family members, and stores nothing', async () => {
		const before = await meetingCount();
		const parent = await accept(server.url, await invite(server.url, cookies.caseworker, caseId, people.rosa));
		for (const cookie of [cookies.outsider, cookies.admin, parent]) {
			expect((await get(server.url, `/cases/${caseId}/meetings/plan`, cookie)).status).toBe(403);
			expect((await post(`/cases/${caseId}/meetings/plan?/save`, cookie, planBody())).status).toBe(403);
			expect((await post(`/cases/${caseId}/meetings/plan/${planned}?/cancel`, cookie, new URLSearchParams({ confirm: 'yes' }))).status).toBe(403);
		}
		expect(await meetingCount()).toBe(before);
		expect(await query<{ status: string }>('select status from meetings where id = ?', planned)).toEqual([{ status: 'scheduled' }]);
	});

	it('saves a caseworker who facilitates herself, and says so (MEETING_FACILITATOR_RULE=warn)', async () => {
		const form = await (await get(server.url, `/cases/${caseId}/meetings/plan`, cookies.caseworker)).text();
		expect(form).toContain('Plan a meeting');
		const res = await post(`/cases/${caseId}/meetings/plan?/save`, cookies.caseworker, planBody({ facilitatorId: staffIds.sam, kind: 'FGDM', meetingType: 'EXIT_REUNIFICATION' }, [[people.grace, 'WRITTEN_INPUT']]));
		expect(res.status).toBe(303);
		expect(res.headers.get('location')).toBe(`/cases/${caseId}?meeting=planned-warning`);
		const page = await (await get(server.url, res.headers.get('location')!, cookies.caseworker)).text();
		expect(page).toContain('Its facilitator is the caseworker or the supervisor on this case.');
		const [row] = await query<{ emergency: number }>('select emergency from meetings where facilitator_id = ?', staffIds.sam);
		// An FGDM conference has no emergency clock.
		expect(row.emergency).toBe(0);
	});

	it('changes the meeting: Grace leaves, Ana joins the whole team, the time moves', async () => {
		const edit = await (await get(server.url, `/cases/${caseId}/meetings/plan/${planned}`, cookies.supervisor)).text();
		expect(edit).toContain('value="10:30"');
		const res = await post(`/cases/${caseId}/meetings/plan/${planned}?/save`, cookies.supervisor, planBody({ time: '14:00', emergency: 'off' }, [[people.ana, 'IN_PERSON']]));
		expect(res.status).toBe(303);
		const joint = await query<{ person_id: string }>("select m.person_id from meeting_sessions s join meeting_session_members m on m.meeting_session_id = s.id where s.meeting_id = ? and s.kind = 'JOINT'", planned);
		expect(joint).toEqual([{ person_id: people.ana }]);
		// Her separate session stays (with what was written in it), without her.
		expect(await query("select m.person_id from meeting_sessions s join meeting_session_members m on m.meeting_session_id = s.id where s.meeting_id = ? and s.kind = 'SEPARATE'", planned)).toEqual([]);
		expect(await query('select outcome from audit_events where action = ? and resource_id = ?', 'meeting.update', planned)).toEqual([{ outcome: 'allowed' }]);
		// Back as it was, for the family member invited below.
		expect((await post(`/cases/${caseId}/meetings/plan/${planned}?/save`, cookies.supervisor, planBody())).status).toBe(303);
	});

	it('cancels only when confirmed; then the meeting, the case page and the invited family member’s page say so, and it still opens', async () => {
		const parent = await accept(server.url, await invite(server.url, cookies.caseworker, caseId, people.daniel, { meetingId: planned }));
		expect(await (await get(server.url, '/family', parent)).text()).toContain('Planned');

		// A new time is announced to him (he has an email address on file), with a link and nothing else.
		expect((await post(`/cases/${caseId}/meetings/plan/${planned}?/save`, cookies.facilitator, planBody({ time: '16:00' }))).status).toBe(303);
		await waitFor(() => messagesTo(server.dir, 'daniel.ortiz@example.test').some((m) => m.kind === 'meeting-moved' && m.text.includes(`/meetings/${planned}`) && m.text.includes('Room 4')), 15_000, 'the notice of the new time');
		// The email carries the event, so his calendar moves the one it holds: one UID, the meeting's revision.
		const moved = calendarOf(messagesTo(server.dir, 'daniel.ortiz@example.test').findLast((m) => m.kind === 'meeting-moved'));
		// "Add to my calendar" on the meeting's page gives the same event, in his language.
		const page = await (await get(server.url, `/meetings/${planned}`, parent)).text();
		expect(page).toContain(`href="/meetings/${planned}/calendar.ics"`);
		const added = await get(server.url, `/meetings/${planned}/calendar.ics`, parent);
		expect(added.status).toBe(200);
		expect(calendarOf({ kind: 'file', calendar: { method: 'REQUEST', ics: await added.text() } } as { kind: string })).toEqual(moved);
		const [{ calendar_sequence: revision, time_zone: zone }] = await query<{ calendar_sequence: number; time_zone: string }>('select calendar_sequence, time_zone from meetings where id = ?', planned);
		expect(revision).toBeGreaterThan(0);
		expect(moved).toMatchObject({ method: 'REQUEST', sequence: revision, uid: `meeting-${planned}@127.0.0.1`, tzid: zone });
		expect(moved.wall).toMatch(/T16:00$/);
		// Saving it again unchanged tells nobody anything.
		const notices = (await query('select id from jobs where kind = ?', 'meeting.notice')).length;
		expect((await post(`/cases/${caseId}/meetings/plan/${planned}?/save`, cookies.facilitator, planBody({ time: '16:00' }))).status).toBe(303);
		expect(await query('select id from jobs where kind = ?', 'meeting.notice')).toHaveLength(notices);
		const editor = listening(server.url, `meeting:${planned}`, parent);
		await synced(editor);

		const unconfirmed = await post(`/cases/${caseId}/meetings/plan/${planned}?/cancel`, cookies.facilitator, new URLSearchParams());
		expect(unconfirmed.status).toBe(400);
		expect(await unconfirmed.text()).toContain('The meeting was not cancelled.');
		expect(await query<{ status: string }>('select status from meetings where id = ?', planned)).toEqual([{ status: 'scheduled' }]);

		const res = await post(`/cases/${caseId}/meetings/plan/${planned}?/cancel`, cookies.facilitator, new URLSearchParams({ confirm: 'yes' }));
		expect(res.status).toBe(303);
		expect(res.headers.get('location')).toBe(`/cases/${caseId}?meeting=cancelled`);
		expect(await query<{ status: string }>('select status from meetings where id = ?', planned)).toEqual([{ status: 'cancelled' }]);
		expect(await query('select outcome from audit_events where action = ? and resource_id = ?', 'meeting.cancel', planned)).toEqual([{ outcome: 'allowed' }]);
		// His open page turns read only at once; he is told, with a link.
		try {
			await waitFor(() => editor.heard.some((m) => m.t === 'access' && m.access === 'read'), 3000, 'the open editor turned read only');
		} finally {
			destroy(editor);
		}
		await waitFor(() => messagesTo(server.dir, 'daniel.ortiz@example.test').some((m) => m.kind === 'meeting-cancelled' && m.text.includes(`/meetings/${planned}`)), 15_000, 'the notice of the cancellation');
		// …which removes the event from his calendar: the same UID, a later revision, METHOD:CANCEL.
		const removed = calendarOf(messagesTo(server.dir, 'daniel.ortiz@example.test').find((m) => m.kind === 'meeting-cancelled'));
		expect(removed).toMatchObject({ method: 'CANCEL', status: 'CANCELLED', uid: `meeting-${planned}@127.0.0.1` });
		expect(removed.sequence).toBeGreaterThan(calendarOf(messagesTo(server.dir, 'daniel.ortiz@example.test').findLast((m) => m.kind === 'meeting-moved')).sequence);

		const meetingPage = await get(server.url, `/meetings/${planned}`, parent);
		expect(meetingPage.status).toBe(200);
		// "Add to my calendar" now gives the cancellation (the same UID: adding it removes the event he has).
		const file = await get(server.url, `/meetings/${planned}/calendar.ics`, parent);
		expect(file.headers.get('content-type')).toBe('text/calendar; charset=utf-8; method=CANCEL');
		expect(calendarOf({ kind: 'file', calendar: { method: 'CANCEL', ics: await file.text() } } as { kind: string })).toMatchObject({ method: 'CANCEL', uid: `meeting-${planned}@127.0.0.1` });
		expect(await meetingPage.text()).toContain('Cancelled');
		expect(await (await get(server.url, '/family', parent)).text()).toContain('Cancelled');
		expect(await (await get(server.url, `/cases/${caseId}?meeting=cancelled`, cookies.caseworker)).text()).toContain('The meeting is cancelled.');
		// A cancelled meeting is not changed any more; its form page says so.
		expect((await post(`/cases/${caseId}/meetings/plan/${planned}?/save`, cookies.facilitator, planBody())).status).toBe(409);
		expect(await (await get(server.url, `/cases/${caseId}/meetings/plan/${planned}`, cookies.facilitator)).text()).toContain('This meeting is cancelled.');
	});
});

describe('an agency that refuses a case-carrying facilitator (MEETING_FACILITATOR_RULE=refuse)', () => {
	let strict: RunningServer;
	afterAll(async () => {
		await strict?.stop();
		if (strict) await removeServer(strict);
	});

	it('refuses the caseworker as facilitator with a plain reason, keeps what was typed, and still takes the case’s facilitator', async () => {
		strict = await startServer({ MEETING_FACILITATOR_RULE: 'refuse' });
		const sam = await signIn(strict.url, 'caseworker@demo.test');
		const { caseId: id } = await demoIds(strict.url, sam);
		const grace = await personId(strict.url, sam, id, 'Grace Whitfield');
		const form = await (await get(strict.url, `/cases/${id}/meetings/plan`, sam)).text();
		const samId = /<option value="([a-z2-7]+)"[^>]*>Sam Okafor/.exec(form)![1];
		const danaId = /<option value="([a-z2-7]+)"[^>]*>Dana Reyes/.exec(form)![1];
		const body = (facilitatorId: string) =>
			new URLSearchParams({ kind: 'FTDM', meetingType: 'PLACEMENT_CHANGE', date: '2026-12-04', time: '09:00', timeZone: 'America/Chicago', durationMinutes: '60', location: 'Room 9', locationEs: '', facilitatorId, person: grace, [`mode-${grace}`]: 'PHONE' });
		const send = (facilitatorId: string) =>
			fetch(`${strict.url}/cases/${id}/meetings/plan?/save`, { method: 'POST', headers: { cookie: sam, origin: strict.url, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' }, body: body(facilitatorId), redirect: 'manual' });
		const refused = await send(samId);
		expect(refused.status).toBe(409);
		const html = await refused.text();
		expect(html).toContain('Your agency asks for a facilitator who is not the caseworker or the supervisor on this case.');
		expect(html).toContain('value="Room 9"');
		const ok = await send(danaId);
		expect(ok.status).toBe(303);
		expect(ok.headers.get('location')).toBe(`/cases/${id}?meeting=planned`);
	});
});

/** The calendar event a filed email carries, read by a real iCalendar parser (ical.js), with its zone's rules. */
function calendarOf(message: { kind: string } | undefined) {
	const filed = message as { calendar?: { method: string; ics: string } | null } | undefined;
	if (!filed?.calendar) throw new Error('the message carries no calendar event');
	const calendar = new ICAL.Component(ICAL.parse(filed.calendar.ics));
	for (const vtz of calendar.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(vtz);
	const vevent = calendar.getFirstSubcomponent('vevent')!;
	const event = new ICAL.Event(vevent);
	const tzid = event.startDate.zone?.tzid ?? '';
	return {
		method: String(calendar.getFirstPropertyValue('method')),
		status: String(vevent.getFirstPropertyValue('status')),
		uid: event.uid,
		sequence: event.sequence,
		tzid,
		wall: Temporal.Instant.fromEpochMilliseconds(event.startDate.toJSDate().getTime()).toZonedDateTimeISO(tzid).toPlainDateTime().toString().slice(0, 16)
	};
}
