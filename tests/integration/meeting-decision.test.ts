// The meeting's decision on the real server (issue 20): the facilitator records it (a recommendation per
// child, consensus or the agency's decision with who made it and why, disagreement in the family's words, a
// review date); everyone connected sees it; nobody else may record it; what is missing is explained and
// what was typed comes back; on the review date the caseworker gets a reminder (the jobs runner, on the
// server's test clock).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeServer, startServer, type RunningServer } from '../support/server.ts';
import { accept, connect, messagesTo, demoIds, destroy, get, invite, personId, signIn, synced, waitFor, type Client } from '../support/clients.ts';
import { decisionOf } from '../../src/lib/domain/decision.ts';

let server: RunningServer;
let ids: { caseId: string; meetingId: string };
const cookies: Record<string, string> = {};
let children: string[] = [];
let supervisorId = '';

beforeAll(async () => {
	server = await startServer({ HEARTH_TEST_CLOCK: '1', NODE_ENV: 'test' });
	for (const role of ['facilitator', 'caseworker', 'supervisor']) cookies[role] = await signIn(server.url, `${role}@demo.test`);
	ids = await demoIds(server.url, cookies.caseworker);
	const page = await (await get(server.url, `/meetings/${ids.meetingId}`, cookies.facilitator)).text();
	children = [...new Set([...page.matchAll(/children:\[([^\]]*)\]/g)].flatMap((m) => [...m[1].matchAll(/id:"([a-z2-7]+)"/g)].map((x) => x[1])))];
	supervisorId = /"u:([a-z2-7]+)":"Lee Chen"/.exec(page)![1];
	const daniel = await personId(server.url, cookies.caseworker, ids.caseId, 'Daniel Ortiz');
	cookies.parent = await accept(server.url, await invite(server.url, cookies.caseworker, ids.caseId, daniel, { meetingId: ids.meetingId }));
});

afterAll(async () => {
	await server?.stop();
	if (server) await removeServer(server);
});

function post(cookie: string, fields: Record<string, string>): Promise<Response> {
	return fetch(`${server.url}/meetings/${ids.meetingId}?/decision`, {
		method: 'POST',
		headers: { cookie, origin: server.url, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
		body: new URLSearchParams(fields),
		redirect: 'manual'
	});
}
const recs = (code: string) => Object.fromEntries(children.map((c) => [`rec_${c}`, code]));
async function serverToday(): Promise<string> {
	const res = await fetch(`${server.url}/__test/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ advanceMs: 0 }) });
	expect(res.status).toBe(200);
	return new Date(Date.now()).toISOString().slice(0, 10);
}
const outbox = (to: string) => messagesTo(server.dir, to);

describe('the meeting decision', () => {
	it('is recorded by the facilitator and seen at once by a parent in the meeting; nobody else may record it', async () => {
		expect(children.length).toBeGreaterThan(0);
		const parent: Client = connect(server.url, `meeting:${ids.meetingId}`, cookies.parent);
		await synced(parent);
		try {
			for (const role of ['caseworker', 'supervisor', 'parent']) expect((await post(cookies[role], { consensus: 'yes', ...recs('MAINTAIN_PRESENT') })).status, role).toBe(403);
			expect((await post('', { consensus: 'yes', ...recs('MAINTAIN_PRESENT') })).status).toBe(303);
			const res = await post(cookies.facilitator, { consensus: 'yes', ...recs('MAINTAIN_PRESENT'), dissent: 'Dad: I want them home with me.' });
			expect(res.status).toBe(200);
			await waitFor(() => decisionOf(parent.doc) !== null, 2000, 'the decision on the parent’s screen');
			const d = decisionOf(parent.doc)!;
			expect(d.consensus).toBe(true);
			expect(Object.keys(d.recommendations).sort()).toEqual([...children].sort());
			expect(Object.values(d.recommendations).every((r) => r === 'MAINTAIN_PRESENT')).toBe(true);
			expect(d.dissent).toBe('Dad: I want them home with me.');
			expect(d.decisionMakerId).toBeNull();
		} finally {
			destroy(parent);
		}
	});

	it('takes only the recommendations of the meeting’s trigger (the demo meeting is a placement change)', async () => {
		expect((await post(cookies.facilitator, { consensus: 'yes', ...recs('KIN_PLACEMENT') })).status).toBe(400);
	});

	it('explains what is missing and gives back what was typed: a child without a recommendation, no decision-maker or reason without consensus, a past date', async () => {
		const missing = await post(cookies.facilitator, { consensus: 'yes', [`rec_${children[0]}`]: 'MAINTAIN_PRESENT', dissent: 'kept words' });
		if (children.length > 1) expect(missing.status).toBe(400);
		const noMaker = await post(cookies.facilitator, { consensus: 'no', ...recs('MOVE_SAME_LEVEL'), reason: 'No relative can take them this week', dissent: 'Grandma: I can take them' });
		expect(noMaker.status).toBe(400);
		const html = await noMaker.text();
		expect(html).toContain('Grandma: I can take them');
		expect(html).toContain('No relative can take them this week');
		expect((await post(cookies.facilitator, { consensus: 'no', ...recs('MOVE_SAME_LEVEL'), decisionMakerId: supervisorId })).status).toBe(400);
		expect((await post(cookies.facilitator, { consensus: 'yes', ...recs('NOT_A_CODE') })).status).toBe(400);
		expect((await post(cookies.facilitator, { consensus: 'yes', ...recs('MAINTAIN_PRESENT'), reviewDate: '2001-01-01' })).status).toBe(400);
		expect((await post(cookies.facilitator, { consensus: 'maybe', ...recs('MAINTAIN_PRESENT') })).status).toBe(400);
	});

	it('records the agency’s decision without consensus, and reminds the caseworker on the review date', async () => {
		const today = await serverToday();
		const review = new Date(Date.parse(`${today}T12:00:00Z`) + 3 * 86_400_000).toISOString().slice(0, 10);
		const res = await post(cookies.facilitator, { consensus: 'no', ...recs('MOVE_SAME_LEVEL'), decisionMakerId: supervisorId, reason: 'No relative can take them this week', reviewDate: review });
		expect(res.status).toBe(200);
		expect(outbox('caseworker@demo.test').filter((m) => m.kind === 'decision-review')).toEqual([]);
		// Four days on: the reminder has gone to the caseworker, once, naming the family, never to the facilitator.
		const moved = await fetch(`${server.url}/__test/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ advanceMs: 4 * 86_400_000 }) });
		expect(moved.status).toBe(200);
		await waitFor(() => outbox('caseworker@demo.test').some((m) => m.kind === 'decision-review'), 10_000, 'the reminder');
		const reminders = outbox('caseworker@demo.test').filter((m) => m.kind === 'decision-review');
		expect(reminders).toHaveLength(1);
		expect(reminders[0].subject).toContain('Rivera');
		expect(outbox('facilitator@demo.test').filter((m) => m.kind === 'decision-review')).toEqual([]);
	});
});
