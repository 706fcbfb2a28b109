// Requests at once on the real server (issue 18): rules that a check-then-write would let two requests
// both pass hold when the requests interleave, because the check and the write run in one transaction
// (or are one statement).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeServer, startServer, type RunningServer } from '../support/server.ts';
import { withSql } from '../support/sql.ts';
import { demoIds, invite, personId, signIn } from '../support/clients.ts';

let server: RunningServer;
let staff: string;
let ids: { caseId: string; meetingId: string };
const people: Record<string, string> = {};

beforeAll(async () => {
	server = await startServer();
	staff = await signIn(server.url, 'caseworker@demo.test');
	ids = await demoIds(server.url, staff);
	for (const name of ['Ana Rivera', 'Daniel Ortiz', 'Grace Whitfield', 'Lucia Ortiz']) people[name] = await personId(server.url, staff, ids.caseId, name);
});

afterAll(async () => {
	await server?.stop();
	if (server) await removeServer(server);
});

const form = (path: string, body: Record<string, string>, cookie?: string) =>
	fetch(`${server.url}${path}`, {
		method: 'POST',
		headers: { ...(cookie ? { cookie } : {}), origin: server.url, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
		body: new URLSearchParams(body),
		redirect: 'manual'
	});

function query<T>(sql: string, ...params: unknown[]): Promise<T[]> {
	return withSql(server, (db) => db.all<T>(sql, params), { readonly: true });
}

describe('two requests at once', () => {
	it('cannot both add one of a keep-apart pair to the same session', async () => {
		// A separate session held for Grace; then Ana and Daniel (kept apart) are added to it at the same moment.
		expect((await form(`/meetings/${ids.meetingId}?/separate`, { personId: people['Grace Whitfield'] }, staff)).status).toBe(200);
		const [{ id: session }] = await query<{ id: string }>('SELECT id FROM meeting_sessions WHERE for_person_id = ? ORDER BY created_at DESC LIMIT 1', people['Grace Whitfield']);
		const add = (person: string) => form(`/meetings/${ids.meetingId}?/addMember`, { meetingSessionId: session, personId: person }, staff);
		const answers = await Promise.all([add(people['Ana Rivera']), add(people['Daniel Ortiz'])]);
		expect(answers.map((r) => r.status).sort()).toEqual([200, 409]);
		const members = (await query<{ person_id: string }>('SELECT person_id FROM meeting_session_members WHERE meeting_session_id = ?', session)).map((r) => r.person_id);
		expect(members).toContain(people['Grace Whitfield']);
		expect(members.filter((p) => p === people['Ana Rivera'] || p === people['Daniel Ortiz'])).toHaveLength(1);
	});

	it('cannot get more than five guesses at a first-access code compared, however many are sent at once', async () => {
		const created = await invite(server.url, staff, ids.caseId, people['Lucia Ortiz'], { requireCode: true });
		const wrong = created.verifyCode === '000000' ? '111111' : '000000';
		const answers = await Promise.all(Array.from({ length: 10 }, () => form(`/invite/${created.token}`, { code: wrong })));
		// Four "does not match", then locked for the fifth and every one after it.
		expect(answers.map((r) => r.status).sort()).toEqual([400, 400, 400, 400, 410, 410, 410, 410, 410, 410]);
		expect((await query<{ verify_attempts: number }>('SELECT verify_attempts FROM invites WHERE short_code_hash IS NOT NULL ORDER BY created_at DESC LIMIT 1'))[0].verify_attempts).toBe(5);
		// Locked: the right code is refused too.
		expect((await form(`/invite/${created.token}`, { code: created.verifyCode! })).status).toBe(410);
	});

	it('cannot both join with the same invitation (single use)', async () => {
		const created = await invite(server.url, staff, ids.caseId, people['Grace Whitfield'], { requireCode: true });
		const answers = await Promise.all([0, 1].map(() => form(`/invite/${created.token}`, { code: created.verifyCode! })));
		expect(answers.map((r) => r.status).sort()).toEqual([303, 410]);
		expect(answers.filter((r) => r.headers.getSetCookie().some((c) => c.startsWith('hearth_session=')))).toHaveLength(1);
	});
});
