// Propose and choose (issue 22) on the real server: the caseworker sends three times for the demo meeting
// (a wrong form keeps what she typed); Ana, Daniel and Rosa answer from their own pages, each for themself
// (a person field in the form changes nothing); Ana changes her answer; Daniel, kept apart from her, sees
// nothing of hers, not even that she answered; Rosa sees Ana's confidential answers only as "can come" or
// not; the worker sees every answer, who has not answered, then "everyone has answered" after entering the
// rest after calls; changing the times keeps every answer (a removed time's answers show as withdrawn);
// confirming a time a parent said no to needs a reason (stored and audited), and moves the meeting through
// the one change path (calendar revision, "moved" notice); without a "no" it needs none.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeServer, startServer, type RunningServer } from '../support/server.ts';
import { accept, demoIds, get, invite, messagesTo, personId, postForm, signIn, textOf, waitFor } from '../support/clients.ts';
import { withSql } from '../support/sql.ts';

let server: RunningServer;
let ids: { caseId: string; meetingId: string };
const cookies: Record<string, string> = {};
const people: Record<string, string> = {};
const DAY = 86_400_000;
/** Three future times on whole hours, a week and more from now. */
const base = Math.ceil((Date.now() + 7 * DAY) / 3_600_000) * 3_600_000;
const T = [base, base + DAY, base + 2 * DAY];

beforeAll(async () => {
	server = await startServer({ NODE_ENV: 'test' });
	for (const role of ['caseworker', 'facilitator', 'supervisor', 'outsider']) cookies[role] = await signIn(server.url, `${role}@demo.test`);
	ids = await demoIds(server.url, cookies.caseworker);
	for (const [key, name] of [['ana', 'Ana Rivera'], ['daniel', 'Daniel Ortiz'], ['rosa', 'Rosa Rivera'], ['jordan', 'Jordan Lee'], ['lucia', 'Lucia Ortiz'], ['grace', 'Grace Whitfield'], ['sofia', 'Sofia Rivera']] as const) {
		people[key] = await personId(server.url, cookies.caseworker, ids.caseId, name);
	}
	cookies.ana = await accept(server.url, await invite(server.url, cookies.caseworker, ids.caseId, people.ana, { meetingId: ids.meetingId }));
	for (const key of ['daniel', 'jordan'] as const) cookies[key] = await accept(server.url, await invite(server.url, cookies.caseworker, ids.caseId, people[key], { meetingId: ids.meetingId }));
	// Rosa reads Spanish.
	cookies.rosa = await accept(server.url, await invite(server.url, cookies.caseworker, ids.caseId, people.rosa, { meetingId: ids.meetingId, locale: 'es' }));
	// The demo meeting as planned on its form (a facilitator chosen): a move goes through that plan.
	const dana = (await withSql(server, (sql) => sql.get<{ id: string }>("select id from users where email = 'facilitator@demo.test'")))!.id;
	await withSql(server, (sql) => sql.run('update meetings set facilitator_id = ? where id = ?', [dana, ids.meetingId]));
});

afterAll(async () => {
	await server?.stop();
	if (server) await removeServer(server);
});

/** A form POST (clients.ts postForm); a list value is sent as that field repeated. */
const post = (path: string, cookie: string, fields: Record<string, string | string[]>) =>
	postForm(server.url, path, cookie, Object.entries(fields).flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((one): [string, string] => [k, one])));
const page = async (path: string, cookie: string) => (await (await get(server.url, path, cookie)).text()) + (await (await get(server.url, `${path}/__data.json`, cookie)).text());
const timesPath = () => `/cases/${ids.caseId}/meetings/${ids.meetingId}/times`;
const query = <R>(sql: string, ...args: unknown[]) => withSql(server, (db) => db.all<R>(sql, args), { readonly: true });
const proposalId = async () => (await query<{ id: string }>('select id from time_proposals where meeting_id = ?', ids.meetingId))[0].id;
const options = () => query<{ id: string; starts_at: number; withdrawn_at: number | null }>('select o.id, o.starts_at, o.withdrawn_at from time_proposal_options o join time_proposals p on p.id = o.proposal_id where p.meeting_id = ? order by o.starts_at', ids.meetingId);
const answers = () => query<{ option_id: string; person_id: string; answer: string; join_mode: string; entered_by: string }>('select option_id, person_id, answer, join_mode, entered_by from time_proposal_answers');
const meeting = async () => (await query<{ starts_at: number; duration_minutes: number; calendar_sequence: number }>('select starts_at, duration_minutes, calendar_sequence from meetings where id = ?', ids.meetingId))[0];
const optionAt = async (startsAt: number) => (await options()).find((o) => Number(o.starts_at) === startsAt)!.id;
/** A family member's answer form: per option, an answer and how they join. */
const answerForm = async (given: [number, string, string][]) => Object.fromEntries((await Promise.all(given.map(async ([at, a, j]) => [[`a-${await optionAt(at)}`, a], [`j-${await optionAt(at)}`, j]]))).flat());

describe('time proposals', () => {
	it('refuses proposing to a family member, an observer, the supervisor and staff off the case', async () => {
		const form = { picked: [String(T[0]), String(T[1])], date: '', time: '', timeZone: 'America/New_York', durationMinutes: '90' };
		for (const who of ['daniel', 'jordan', 'supervisor', 'outsider']) expect((await post(`${timesPath()}?/propose`, cookies[who], form)).status, who).toBe(403);
		expect(await query('select id from time_proposals')).toEqual([]);
	});

	it('keeps what the caseworker typed when the proposal is wrong, and saves nothing', async () => {
		const res = await post(`${timesPath()}?/propose`, cookies.caseworker, { picked: [String(T[0])], date: '2026-01-02', time: '17:30', timeZone: 'America/New_York', durationMinutes: '90' });
		expect(res.status).toBe(400);
		const html = await res.text();
		expect(html).toContain('Type a day that has not passed.');
		expect(html).toContain('value="17:30"');
		expect(html).toMatch(new RegExp(`value="${T[0]}" checked`));
		expect(await query('select id from time_proposals')).toEqual([]);
	});

	it('sends three times: two ranked ones ticked and one typed in the agency’s zone', async () => {
		const typed = new Date(T[2]).toLocaleString('sv-SE', { timeZone: 'America/New_York' }).split(' ');
		const res = await post(`${timesPath()}?/propose`, cookies.caseworker, { picked: [String(T[0]), String(T[1])], date: typed[0], time: typed[1].slice(0, 5), timeZone: 'America/New_York', durationMinutes: '90' });
		expect(res.status).toBe(200);
		expect((await options()).map((o) => Number(o.starts_at))).toEqual(T);
		const html = await page(timesPath(), cookies.caseworker);
		expect(html).toContain('Times sent to the family');
		expect(textOf(html)).toMatch(/Not answered yet: [^<]*Ana Rivera/);
	});

	it('lists the proposal on each invited family member’s page; not on the observer’s', async () => {
		const id = await proposalId();
		for (const who of ['ana', 'daniel', 'rosa']) expect(await page('/family', cookies[who]), who).toContain(`/family/times/${id}`);
		expect(await page('/family', cookies.jordan)).not.toContain(`/family/times/${id}`);
		expect((await get(server.url, `/family/times/${id}`, cookies.jordan)).status).toBe(403);
	});

	it('shows Ana the times in her own zone, named, and saves her answers as her own', async () => {
		// Ana gives her zone with her availability (Los Angeles).
		expect((await post('/family/availability', cookies.ana, { timeZone: 'America/Los_Angeles', join: ['PHONE'] })).status).toBe(200);
		const id = await proposalId();
		const html = await page(`/family/times/${id}`, cookies.ana);
		expect(html).toContain('America/Los_Angeles');
		const hour = new Intl.DateTimeFormat('en-US', { timeZone: 'America/Los_Angeles', hour: 'numeric', minute: '2-digit' }).format(T[0]);
		expect(textOf(html)).toContain(hour);
		// A missing answer keeps what she chose.
		const partial = await post(`/family/times/${id}`, cookies.ana, await answerForm([[T[0], 'YES', 'VIDEO']]));
		expect(partial.status).toBe(400);
		expect(await partial.text()).toMatch(/value="YES" checked/);
		expect(await answers()).toEqual([]);
		const res = await post(`/family/times/${id}`, cookies.ana, { ...(await answerForm([[T[0], 'YES', 'VIDEO'], [T[1], 'NO', ''], [T[2], 'IF_NEED_BE', 'PHONE']])), personId: people.daniel });
		expect(res.status).toBe(200);
		const mine = await answers();
		expect(mine.map((a) => a.person_id)).toEqual([people.ana, people.ana, people.ana]);
		expect(mine.every((a) => a.entered_by === 'self')).toBe(true);
	});

	it('lets Ana change her answer later from another device; the answer stays on its time', async () => {
		const again = await accept(server.url, await invite(server.url, cookies.caseworker, ids.caseId, people.ana, { meetingId: ids.meetingId }));
		const id = await proposalId();
		expect((await post(`/family/times/${id}`, again, await answerForm([[T[0], 'YES', 'VIDEO'], [T[1], 'IF_NEED_BE', 'PHONE'], [T[2], 'IF_NEED_BE', 'PHONE']]))).status).toBe(200);
		const secondId = await optionAt(T[1]);
		const second = (await answers()).find((a) => a.option_id === secondId);
		expect(second).toMatchObject({ person_id: people.ana, answer: 'IF_NEED_BE', join_mode: 'PHONE' });
		expect(await answers()).toHaveLength(3);
	});

	it('Daniel answers for himself only, and sees nothing of Ana’s answers, not even that she answered', async () => {
		const id = await proposalId();
		expect((await post(`/family/times/${id}`, cookies.daniel, { ...(await answerForm([[T[0], 'YES', 'IN_PERSON'], [T[1], 'YES', 'IN_PERSON'], [T[2], 'NO', '']])), personId: people.ana })).status).toBe(200);
		const his = (await answers()).filter((a) => a.person_id === people.daniel);
		expect(his).toHaveLength(3);
		expect((await answers()).filter((a) => a.person_id === people.ana).map((a) => a.answer).sort()).toEqual(['IF_NEED_BE', 'IF_NEED_BE', 'YES']);
		const html = await page(`/family/times/${id}`, cookies.daniel);
		expect(html).not.toContain('Ana');
		expect(html).not.toContain(people.ana);
		// He does see what Rosa may show him: nothing yet (she has not answered), and the page works.
		expect(html).toContain('Which times work for you?');
	});

	it('shows Rosa Ana’s confidential answers only as “can come” or not, never the answer itself', async () => {
		const id = await proposalId();
		expect((await post(`/family/times/${id}`, cookies.rosa, await answerForm([[T[0], 'YES', 'IN_PERSON'], [T[1], 'IF_NEED_BE', 'VIDEO'], [T[2], 'YES', 'IN_PERSON']]))).status).toBe(200);
		const text = textOf(await (await get(server.url, `/family/times/${id}`, cookies.rosa)).text());
		// Rosa reads Spanish (her invitation's language).
		expect(text).toMatch(/Ana Rivera: puede venir/);
		expect(text).not.toMatch(/Ana Rivera: (Sí|Si no hay otra opción|No)\b/);
		expect(text).toMatch(/Daniel Ortiz: (Sí|No)/);
		const data = await (await get(server.url, `/family/times/${id}/__data.json`, cookies.rosa)).text();
		// Ana's answers (by phone) are not in Rosa's page data, only whether she can come; nobody else chose phone.
		expect(data).toContain(people.ana);
		expect(data).not.toContain('PHONE');
	});

	it('shows the worker every answer as given, who has not answered, then that everyone has', async () => {
		let text = textOf(await (await get(server.url, timesPath(), cookies.caseworker)).text());
		expect(text).toMatch(/Ana Rivera: If need be|Ana Rivera: If I have to/);
		expect(text).toMatch(/Not answered yet: [^\n]*Grace Whitfield/);
		expect(text).not.toContain('Everyone has answered.');
		const id = await proposalId();
		// The rest answered by phone: the caseworker enters each (audited as entered by staff).
		for (const who of ['lucia', 'grace', 'sofia']) {
			const form = { proposalId: id, personId: people[who], optionId: [await optionAt(T[0]), await optionAt(T[1]), await optionAt(T[2])], ...(await answerForm([[T[0], 'YES', 'PHONE'], [T[1], 'YES', 'PHONE'], [T[2], 'YES', 'PHONE']])) };
			expect((await post(`${timesPath()}?/answerFor`, cookies.caseworker, form)).status, who).toBe(200);
		}
		expect((await answers()).filter((a) => a.entered_by === 'staff')).toHaveLength(9);
		text = textOf(await (await get(server.url, timesPath(), cookies.caseworker)).text());
		expect(text).toContain('Everyone has answered.');
		// A family member cannot use the staff form to answer for someone else.
		expect((await post(`${timesPath()}?/answerFor`, cookies.daniel, { proposalId: id, personId: people.ana })).status).toBe(403);
	});

	it('keeps every answer when the times change; a removed time’s answers show as withdrawn', async () => {
		const before = await answers();
		const extra = T[2] + DAY;
		expect((await post(`${timesPath()}?/propose`, cookies.facilitator, { picked: [String(T[0]), String(T[2]), String(extra)], date: '', time: '', timeZone: 'America/New_York', durationMinutes: '90' })).status).toBe(200);
		const after = await answers();
		expect(after.sort((a, b) => (a.option_id + a.person_id).localeCompare(b.option_id + b.person_id))).toEqual(before.sort((a, b) => (a.option_id + a.person_id).localeCompare(b.option_id + b.person_id)));
		const opts = await options();
		expect(opts.map((o) => [Number(o.starts_at), o.withdrawn_at !== null])).toEqual([
			[T[0], false],
			[T[1], true],
			[T[2], false],
			[extra, false]
		]);
		const text = textOf(await (await get(server.url, timesPath(), cookies.caseworker)).text());
		expect(text).toContain('No longer offered. The answers given are kept.');
		// Nobody has answered the new time: not everyone has answered any more.
		expect(text).not.toContain('Everyone has answered.');
	});

	it('refuses confirming a time a parent said no to without a reason, keeping the meeting where it was', async () => {
		const was = await meeting();
		const option = await optionAt(T[2]);
		for (const who of ['supervisor', 'daniel', 'outsider']) expect((await post(`${timesPath()}?/confirm`, cookies[who], { optionId: option, reason: '' })).status, who).toBe(403);
		const res = await post(`${timesPath()}?/confirm`, cookies.caseworker, { optionId: option, reason: '  ' });
		expect(res.status).toBe(400);
		expect(textOf(await res.text())).toContain('Daniel Ortiz said no to this time. To confirm it anyway, say why.');
		expect(await meeting()).toEqual(was);
	});

	it('confirms it with a reason: the meeting moves through the one change path, the reason is kept and audited', async () => {
		const was = await meeting();
		const noticesBefore = (await query('select id from jobs where kind = ?', 'meeting.notice')).length;
		const reason = 'Only time the interpreter can come; Daniel joins by phone from work';
		const res = await post(`${timesPath()}?/confirm`, cookies.caseworker, { optionId: await optionAt(T[2]), reason });
		expect(res.status).toBe(200);
		const now = await meeting();
		expect(Number(now.starts_at)).toBe(T[2]);
		expect(now.calendar_sequence).toBe(was.calendar_sequence + 1);
		const [p] = await query<{ confirmed_option_id: string; override_reason: string }>('select confirmed_option_id, override_reason from time_proposals');
		expect(p).toEqual({ confirmed_option_id: await optionAt(T[2]), override_reason: reason });
		const trail = await query<{ action: string; detail: string }>("select action, detail from audit_events where action in ('meeting.times.confirm', 'meeting.update') and outcome = 'allowed' and detail is not null order by seq");
		expect(trail.map((t) => t.action)).toEqual(['meeting.update', 'meeting.times.confirm']);
		expect(JSON.parse(trail[1].detail)).toMatchObject({ override: true, reason });
		// The move is announced as any move is: one "moved" notice queued.
		expect(await query('select id from jobs where kind = ?', 'meeting.notice')).toHaveLength(noticesBefore + 1);
		await waitFor(() => messagesTo(server.dir, 'daniel.ortiz@example.test').some((m) => m.kind === 'meeting-moved' && m.text.includes(`/meetings/${ids.meetingId}`)), 15_000, 'the notice of the new time');
		// Once confirmed, answers no longer change; the family's page says the time is chosen.
		const id = await proposalId();
		expect((await post(`/family/times/${id}`, cookies.rosa, await answerForm([[T[0], 'NO', '']]))).status).toBe(409);
		expect(textOf(await (await get(server.url, `/family/times/${id}`, cookies.daniel)).text())).toContain('Your worker chose a time for the meeting');
	});

	it('confirms a time nobody required said no to without a reason, after the times are sent again', async () => {
		expect((await post(`${timesPath()}?/propose`, cookies.caseworker, { picked: [String(T[0]), String(T[2])], date: '', time: '', timeZone: 'America/New_York', durationMinutes: '90' })).status).toBe(200);
		const was = await meeting();
		expect((await post(`${timesPath()}?/confirm`, cookies.facilitator, { optionId: await optionAt(T[0]), reason: '' })).status).toBe(200);
		const now = await meeting();
		expect(Number(now.starts_at)).toBe(T[0]);
		expect(now.calendar_sequence).toBe(was.calendar_sequence + 1);
		const [p] = await query<{ override_reason: string | null }>('select override_reason from time_proposals');
		expect(p.override_reason).toBeNull();
	});
});
