// The collab server against real y-websocket clients, on the real production server (server/index.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { removeServer, startServer, type RunningServer } from '../support/server.ts';
import { testSql, waitUntil, withSql } from '../support/sql.ts';
import { MAX_OPENS_PER_MINUTE } from '../../src/lib/server/collab/server.ts';
import { connect, demoIds, destroy, get, rawSocket, signIn, synced, waitFor, notesLine, notesText, type Client } from '../support/clients.ts';

let server: RunningServer;
let caseworker: string;
let facilitator: string;
let outsider: string;
let admin: string;
let meetingDoc: string;
let planDoc: string;

beforeAll(async () => {
	server = await startServer({ COLLAB_UNLOAD_MS: '200' });
	[caseworker, facilitator, outsider, admin] = await Promise.all(
		['caseworker@demo.test', 'facilitator@demo.test', 'outsider@demo.test', 'admin@demo.test'].map((e) => signIn(server.url, e))
	);
	const ids = await demoIds(server.url, caseworker);
	meetingDoc = `meeting:${ids.meetingId}`;
	planDoc = `plan:${ids.caseId}`;
});

afterAll(async () => {
	await server?.stop();
	if (server) await removeServer(server);
});

const wsUrl = (doc: string) => `${server.url.replace('http', 'ws')}/collab/${doc}`;

function auditRows(action: string): Promise<{ outcome: string; actor_id: string | null; detail: string | null }[]> {
	return withSql(server, (db) => db.all('SELECT outcome, actor_id, detail FROM audit_events WHERE action = ? ORDER BY seq', [action]), { readonly: true });
}

describe('who may open a shared document', () => {
	it('lets the caseworker and facilitator of the case edit together', async () => {
		const a = connect(server.url, meetingDoc, caseworker);
		const b = connect(server.url, meetingDoc, facilitator);
		await Promise.all([synced(a), synced(b)]);
		notesLine(a.doc).insert(0, 'from Sam ');
		await waitFor(() => notesText(b.doc).includes('from Sam'), 2000, 'edit to reach the facilitator');
		notesLine(b.doc).insert(0, 'from Dana ');
		await waitFor(() => notesText(a.doc).includes('from Dana'), 2000, 'edit to reach the caseworker');
		expect(notesText(a.doc)).toBe(notesText(b.doc));
		destroy(a, b);
	});

	it('refuses a staff member who is not on the case, and audits it', async () => {
		expect((await rawSocket(wsUrl(meetingDoc), { origin: server.url, cookie: outsider })).status).toBe(403);
		expect((await rawSocket(wsUrl(planDoc), { origin: server.url, cookie: outsider })).status).toBe(403);
		// The refusal is written just after the answer (on PostgreSQL it may still be on its way).
		const denied = async () => (await auditRows('collab.join')).filter((r) => r.outcome === 'denied');
		await waitUntil(async () => (await denied()).length >= 2, 3000, 'both refusals on the trail');
		expect((await denied()).length).toBeGreaterThanOrEqual(2);
	});

	it('refuses administrators: they manage accounts, not cases', async () => {
		expect((await rawSocket(wsUrl(meetingDoc), { origin: server.url, cookie: admin })).status).toBe(403);
	});

	it('refuses a socket with no session, a forged session, or a foreign Origin', async () => {
		expect((await rawSocket(wsUrl(meetingDoc), { origin: server.url })).status).toBe(401);
		expect((await rawSocket(wsUrl(meetingDoc), { origin: server.url, cookie: 'hearth_session=abc.def' })).status).toBe(401);
		expect((await rawSocket(wsUrl(meetingDoc), { origin: 'https://evil.example', cookie: caseworker })).status).toBe(403);
		expect((await rawSocket(wsUrl(meetingDoc), { cookie: caseworker })).status).toBe(403);
	});

	it('answers an unknown document exactly like a forbidden one', async () => {
		expect((await rawSocket(wsUrl('meeting:aaaaaaaaaaaaaaaaaaaaaaaa'), { origin: server.url, cookie: caseworker })).status).toBe(403);
		expect((await rawSocket(wsUrl('nonsense'), { origin: server.url, cookie: caseworker })).status).toBe(404);
	});

	it('records joins and leaves with the role', async () => {
		const a = connect(server.url, meetingDoc, facilitator);
		await synced(a);
		destroy(a);
		await waitUntil(async () => (await auditRows('collab.leave')).length > 0, 2000, 'leave to be audited');
		const joins = (await auditRows('collab.join')).filter((r) => r.outcome === 'allowed');
		expect(joins.length).toBeGreaterThan(0);
		const roles = await withSql(server, (db) => db.all<{ actor_role: string }>("SELECT DISTINCT actor_role FROM audit_events WHERE action = 'collab.join' AND outcome = 'allowed'"), { readonly: true });
		expect(roles.map((r) => r.actor_role)).toContain('facilitator');
	});
});

describe('presence', () => {
	it('shows the name from the session, whatever name a client claims', async () => {
		const a = connect(server.url, meetingDoc, caseworker);
		const b = connect(server.url, meetingDoc, facilitator);
		await Promise.all([synced(a), synced(b)]);
		a.provider.awareness.setLocalStateField('user', { name: 'The Judge', color: '#000' });
		const nameOfA = () => (b.provider.awareness.getStates().get(a.doc.clientID)?.user as { name?: string } | undefined)?.name;
		await waitFor(() => nameOfA() !== undefined, 2000, 'presence to arrive');
		expect(nameOfA()).toBe('Sam Okafor');
		destroy(a, b);
	});
});

describe('bad input closes one connection and nothing else', () => {
	async function openRaw(): Promise<WebSocket> {
		const { ws } = await rawSocket(wsUrl(meetingDoc), { origin: server.url, cookie: caseworker });
		if (!ws) throw new Error('socket did not open');
		return ws;
	}
	const closeCode = (ws: WebSocket) => new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));

	it('closes a socket that sends garbage binary frames with 1007, and keeps serving the others', async () => {
		const good = connect(server.url, meetingDoc, facilitator);
		const other = connect(server.url, meetingDoc, caseworker);
		await Promise.all([synced(good), synced(other)]);
		for (const garbage of [Buffer.from([0, 2, 200, 1, 2, 3]), Buffer.from([0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), Buffer.from([0, 2, 4, 9, 9, 9, 9])]) {
			const bad = await openRaw();
			const closed = closeCode(bad);
			bad.send(garbage);
			expect(await closed).toBe(1007);
		}
		const text = await openRaw();
		const textClosed = closeCode(text);
		text.send('hello');
		expect(await textClosed).toBe(1007);
		const unknown = await openRaw();
		const unknownClosed = closeCode(unknown);
		unknown.send(Buffer.from([42]));
		expect(await unknownClosed).toBe(1008);

		notesLine(good.doc).insert(0, 'still alive ');
		await waitFor(() => notesText(other.doc).includes('still alive'), 2000, 'the others to keep syncing');
		expect(good.provider.wsconnected && other.provider.wsconnected).toBe(true);
		destroy(good, other);
	});

	it('closes a socket that sends more than 1 MiB in one frame for good (4413), and one past 4 MiB with 1009', async () => {
		const other = connect(server.url, meetingDoc, facilitator);
		await synced(other);
		for (const [size, code] of [[1024 * 1024 + 10, 4413], [4 * 1024 * 1024 + 10, 1009]]) {
			const big = await openRaw();
			const closed = closeCode(big);
			big.send(Buffer.alloc(size, 1));
			expect(await closed).toBe(code);
		}
		notesLine(other.doc).insert(0, 'after the big one ');
		const check = connect(server.url, meetingDoc, caseworker);
		await synced(check);
		await waitFor(() => notesText(check.doc).includes('after the big one'), 2000, 'the server to keep serving');
		destroy(other, check);
	});
});

describe('sockets opened in a loop', () => {
	it('are refused past a limit a minute, with one entry on the trail, not one per try', async () => {
		const looper = await signIn(server.url, 'supervisor@demo.test');
		const statuses: number[] = [];
		// Twice the limit and more: however a minute’s edge splits the loop, one side is over it.
		for (let i = 0; i < 2 * MAX_OPENS_PER_MINUTE + 10; i++) {
			const { ws, status } = await rawSocket(wsUrl(meetingDoc), { origin: server.url, cookie: looper });
			statuses.push(status ?? 101);
			ws?.close();
		}
		// A minute's edge may fall inside the loop: then the count starts again, and fewer are refused.
		const refused = statuses.filter((s) => s === 429).length;
		expect(refused).toBeGreaterThan(0);
		expect(statuses.slice(0, MAX_OPENS_PER_MINUTE - 10)).not.toContain(429);
		await waitUntil(async () => (await auditRows('collab.join')).some((r) => r.detail?.includes('too-many-opens')), 3000, 'the refusal on the trail');
		expect((await auditRows('collab.join')).filter((r) => r.detail?.includes('too-many-opens')).length).toBeLessThanOrEqual(2);
	});
});

describe('sessions and sockets', () => {
	it('signing out closes that session’s open socket at once', async () => {
		const cookie = await signIn(server.url, 'supervisor@demo.test');
		const a = connect(server.url, meetingDoc, cookie);
		await synced(a);
		const started = Date.now();
		const res = await fetch(`${server.url}/sign-out`, { method: 'POST', headers: { cookie, origin: server.url, 'content-type': 'application/x-www-form-urlencoded' }, redirect: 'manual' });
		expect(res.status).toBe(303);
		expect((await a.closed).code).toBe(4401);
		expect(Date.now() - started).toBeLessThan(1000);
		// ...and the provider cannot come back with that session.
		expect((await rawSocket(wsUrl(meetingDoc), { origin: server.url, cookie })).status).toBe(401);
		destroy(a);
	});
	it('turning an account off closes that person’s open sockets within a second', async () => {
		const cookie = await signIn(server.url, 'supervisor@demo.test');
		const a = connect(server.url, meetingDoc, cookie);
		await synced(a);
		const users = await (await fetch(`${server.url}/admin/users`, { headers: { cookie: admin } })).text();
		const row = users.split('<form').find((chunk) => chunk.includes('Turn off the account of Lee Chen'));
		const supervisorId = row && /name="userId" value="([a-z2-7]+)"/.exec(row)?.[1];
		expect(supervisorId).toBeTruthy();
		const started = Date.now();
		const res = await fetch(`${server.url}/admin/users?/toggle`, {
			method: 'POST',
			headers: { cookie: admin, origin: server.url, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
			body: new URLSearchParams({ userId: supervisorId!, disabled: 'true' }),
			redirect: 'manual'
		});
		expect(res.status).toBe(200);
		expect((await a.closed).code).toBe(4403);
		expect(Date.now() - started).toBeLessThan(1000);
		expect((await rawSocket(wsUrl(meetingDoc), { origin: server.url, cookie })).status).toBe(401);
		destroy(a);
		// Turn it back on for the other tests; the old session stays ended.
		await fetch(`${server.url}/admin/users?/toggle`, {
			method: 'POST',
			headers: { cookie: admin, origin: server.url, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
			body: new URLSearchParams({ userId: supervisorId!, disabled: 'false' })
		});
		expect((await get(server.url, '/cases', cookie)).status).toBe(303);
	});

	it('refuses the staff-account page to everyone but administrators', async () => {
		expect((await get(server.url, '/admin/users', caseworker)).status).toBe(403);
		expect((await get(server.url, '/admin/users', outsider)).status).toBe(403);
		expect((await get(server.url, '/admin/users', admin)).status).toBe(200);
	});
});

describe('durability', () => {
	it('keeps an edit through kill -9 and a restart', async () => {
		const a = connect(server.url, meetingDoc, caseworker);
		const b = connect(server.url, meetingDoc, facilitator);
		await Promise.all([synced(a), synced(b)]);
		const marker = `kept-${Math.random().toString(36).slice(2)}`;
		notesLine(a.doc).insert(0, marker);
		// Once another client has it, it was committed (durable before broadcast).
		await waitFor(() => notesText(b.doc).includes(marker), 2000, 'broadcast');
		destroy(a, b);
		await server.restart('SIGKILL');
		// Sessions live in the database: the same cookie works after the restart.
		const c = connect(server.url, meetingDoc, caseworker);
		await synced(c);
		expect(notesText(c.doc)).toContain(marker);
		destroy(c);
	});

	it('on SIGTERM closes sockets with 1012, saves what it has, and exits cleanly', async () => {
		const a = connect(server.url, meetingDoc, caseworker);
		const b = connect(server.url, meetingDoc, facilitator);
		await Promise.all([synced(a), synced(b)]);
		const marker = `term-${Math.random().toString(36).slice(2)}`;
		notesLine(a.doc).insert(0, marker);
		await waitFor(() => notesText(b.doc).includes(marker), 2000, 'broadcast');
		const closed = a.closed;
		const exit = server.stop('SIGTERM');
		expect((await closed).code).toBe(1012);
		expect(await exit).toBe(0);
		destroy(a, b);
		await server.restart();
		const c = connect(server.url, meetingDoc, caseworker);
		await synced(c);
		expect(notesText(c.doc)).toContain(marker);
		destroy(c);
	});
});

describe('document kinds', () => {
	it('seeds a new case plan once, on the server, and refuses a browser that changes what only the server sets', async () => {
		const a = connect(server.url, planDoc, caseworker);
		const b = connect(server.url, planDoc, facilitator);
		await Promise.all([synced(a), synced(b)]);
		const meta = (c: Client) => c.doc.getMap('meta');
		await waitFor(() => meta(a).get('schema') === 1 && meta(b).get('schema') === 1, 3000, 'the seed to reach both');
		// Once: one stored change, the server's, although two people opened the new document together.
		const db = await testSql(server, { readonly: true });
		const rows = async () => (await db.get<{ n: number }>('SELECT count(*) AS n FROM collab_updates WHERE doc_id = ?', [planDoc]))!.n;
		try {
			expect(await rows()).toBe(1);
			// The facilitator's later change still arrives: the refusal ended only the page that broke the rule.
			meta(a).set('schema', 99);
			expect((await a.closed).code).toBe(4422);
			meta(b).set('status', 'draft');
			const c = connect(server.url, planDoc, caseworker);
			await synced(c);
			await waitFor(() => meta(c).get('status') === 'draft', 3000, 'the allowed change to be stored');
			expect(meta(c).get('schema')).toBe(1);
			expect(await rows()).toBe(2);
			destroy(c);
		} finally {
			await db.close();
			destroy(a, b);
		}
	});
});
