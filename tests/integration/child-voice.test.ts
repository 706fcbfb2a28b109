// A child's own words for a meeting (Three Houses, issue 20; domain.md §3) on the real server: staff write
// them down with the child; the child reads them; her father reads nothing of them (page or page data)
// until she agreed — and, as she lives with a parent, a parent agreed first; the summary keeps them the same
// way. What staff typed comes back when a house is too long.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeServer, startServer, type RunningServer } from '../support/server.ts';
import { accept, demoIds, get, invite, personId, signIn } from '../support/clients.ts';
import { withSql } from '../support/sql.ts';

let server: RunningServer;
let ids: { caseId: string; meetingId: string };
const cookies: Record<string, string> = {};
let sofia = '';
const WORDS = 'I worry when the shouting starts at night';

beforeAll(async () => {
	server = await startServer({ NODE_ENV: 'test' });
	for (const role of ['facilitator', 'caseworker']) cookies[role] = await signIn(server.url, `${role}@demo.test`);
	ids = await demoIds(server.url, cookies.caseworker);
	sofia = await personId(server.url, cookies.caseworker, ids.caseId, 'Sofia Rivera');
	cookies.daniel = await accept(server.url, await invite(server.url, cookies.caseworker, ids.caseId, await personId(server.url, cookies.caseworker, ids.caseId, 'Daniel Ortiz'), { meetingId: ids.meetingId }));
	cookies.sofia = await accept(server.url, await invite(server.url, cookies.caseworker, ids.caseId, sofia, { meetingId: ids.meetingId }));
});

afterAll(async () => {
	await server?.stop();
	if (server) await removeServer(server);
});

function save(cookie: string, fields: Record<string, string>): Promise<Response> {
	return fetch(`${server.url}/meetings/${ids.meetingId}/houses?/save`, {
		method: 'POST',
		headers: { cookie, origin: server.url, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
		body: new URLSearchParams({ childId: sofia, worries: WORDS, goodThings: 'My grandma’s soup', dreams: 'A dog called Luna', nameWorries: 'The stormy house', nameGoodThings: '', nameDreams: '', parentNeeded: 'yes', ...fields }),
		redirect: 'manual'
	});
}
const page = async (cookie: string) => (await (await get(server.url, `/meetings/${ids.meetingId}/houses`, cookie)).text()) + (await (await get(server.url, `/meetings/${ids.meetingId}/houses/__data.json`, cookie)).text());

describe('a child’s Three Houses', () => {
	it('are written by staff, never by a family member, and what was typed comes back when a house is too long', async () => {
		expect((await save(cookies.daniel, {})).status).toBe(403);
		expect((await save(cookies.sofia, {})).status).toBe(403);
		const tooLong = await save(cookies.facilitator, { dreams: 'd'.repeat(4001) });
		expect(tooLong.status).toBe(400);
		expect(await tooLong.text()).toContain(WORDS);
		expect((await save(cookies.facilitator, {})).status).toBe(200);
		// The trail says that they were saved, never the words.
		const trail = await withSql(server, (sql) => sql.all<{ detail: string }>("SELECT detail FROM audit_events WHERE action = 'child-voice.save' AND outcome = 'allowed' AND detail IS NOT NULL"));
		expect(trail).toHaveLength(1);
		expect(JSON.stringify(trail)).not.toContain('shouting');
	});

	it('are the child’s and staff’s alone until she agreed and, as she lives with a parent, a parent agreed first', async () => {
		expect(await page(cookies.caseworker)).toContain(WORDS);
		expect(await page(cookies.sofia)).toContain(WORDS);
		expect(await page(cookies.sofia)).toContain('The stormy house');
		expect(await page(cookies.daniel)).not.toContain(WORDS);
		expect(await page(cookies.daniel)).not.toContain('stormy');
		// She agreed; no parent yet: still hers.
		expect((await save(cookies.facilitator, { childAgreed: 'yes' })).status).toBe(200);
		expect(await page(cookies.daniel)).not.toContain(WORDS);
		expect((await save(cookies.facilitator, { childAgreed: 'yes', parentAgreed: 'yes' })).status).toBe(200);
		expect(await page(cookies.daniel)).toContain(WORDS);
		// Taken back: hers again.
		expect((await save(cookies.facilitator, { childAgreed: '', parentAgreed: 'yes' })).status).toBe(200);
		expect(await page(cookies.daniel)).not.toContain(WORDS);
	});

	it('join the summary as they were at close, shown the same way', async () => {
		const close = await fetch(`${server.url}/meetings/${ids.meetingId}/close?/close`, {
			method: 'POST',
			headers: { cookie: cookies.facilitator, origin: server.url, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
			body: new URLSearchParams({ confirm: 'yes' }),
			redirect: 'manual'
		});
		expect(close.status).toBe(303);
		const summary = async (cookie: string) => (await (await get(server.url, `/meetings/${ids.meetingId}/summary`, cookie)).text()) + (await (await get(server.url, `/meetings/${ids.meetingId}/summary/__data.json`, cookie)).text());
		expect(await summary(cookies.sofia)).toContain(WORDS);
		expect(await summary(cookies.caseworker)).toContain(WORDS);
		expect(await summary(cookies.daniel)).not.toContain(WORDS);
		// Kept as they were: no more changes once the meeting is closed.
		expect((await save(cookies.facilitator, { childAgreed: 'yes', parentAgreed: 'yes' })).status).toBe(403);
	});
});
