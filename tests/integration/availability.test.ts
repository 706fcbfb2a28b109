// When a family member can meet (issue 22) on the real server: Ana gives hers from her own page, in her
// zone, with a date-specific change and how she takes part; a wrong answer keeps everything she typed and
// saves nothing; Daniel, kept apart from her, opens only his own and never reads hers (page or page data);
// the caseworker enters Daniel's after a phone call, and his page then says his worker saved it; staff off
// the case and family members are refused the worker's page; the audit trail says who saved, never the times.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeServer, startServer, type RunningServer } from '../support/server.ts';
import { accept, demoIds, get, invite, personId, signIn } from '../support/clients.ts';
import { withSql } from '../support/sql.ts';

let server: RunningServer;
let ids: { caseId: string; meetingId: string };
const cookies: Record<string, string> = {};
const people: Record<string, string> = {};

beforeAll(async () => {
	server = await startServer({ NODE_ENV: 'test' });
	for (const role of ['caseworker', 'facilitator']) cookies[role] = await signIn(server.url, `${role}@demo.test`);
	ids = await demoIds(server.url, cookies.caseworker);
	for (const [key, name] of [['ana', 'Ana Rivera'], ['daniel', 'Daniel Ortiz']] as const) {
		people[key] = await personId(server.url, cookies.caseworker, ids.caseId, name);
		cookies[key] = await accept(server.url, await invite(server.url, cookies.caseworker, ids.caseId, people[key], { meetingId: ids.meetingId }));
	}
});

afterAll(async () => {
	await server?.stop();
	if (server) await removeServer(server);
});

function post(path: string, cookie: string, fields: Record<string, string | string[]>): Promise<Response> {
	const body = new URLSearchParams();
	for (const [k, v] of Object.entries(fields)) for (const one of Array.isArray(v) ? v : [v]) body.append(k, one);
	return fetch(`${server.url}${path}`, { method: 'POST', headers: { cookie, origin: server.url, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' }, body, redirect: 'manual' });
}
const page = async (path: string, cookie: string) => (await (await get(server.url, path, cookie)).text()) + (await (await get(server.url, `${path}/__data.json`, cookie)).text());
const rows = () => withSql(server, (sql) => sql.all<{ person_id: string; time_zone: string; weekly: string; dates: string; join_modes: string; entered_by: string }>('SELECT person_id, time_zone, weekly, dates, join_modes, entered_by FROM availability'));

const ANA = { timeZone: 'America/Los_Angeles', 'w-2-LUNCH': 'BEST', 'w-4-EVENING': 'IF_NEED_BE', 'w-1-MORNING': 'CANT', 'd-date-0': '2026-12-09', 'd-from-0': '17:00', 'd-to-0': '19:00', 'd-mark-0': 'CANT', join: ['PHONE', 'IN_PERSON'], place: 'COMMUNITY', placeName: 'Eastside Library', need: ['CHILD_CARE'] };

describe('availability', () => {
	it('keeps what Ana typed when something is wrong, and saves nothing', async () => {
		const wrong = await post('/family/availability', cookies.ana, { ...ANA, 'd-to-0': '16:00' });
		expect(wrong.status).toBe(400);
		const html = await wrong.text();
		expect(html).toContain('Eastside Library');
		expect(html).toContain('value="2026-12-09"');
		expect(html).toMatch(/<option value="BEST" selected[^>]*>Works best/);
		expect(await rows()).toEqual([]);
	});

	it('saves Ana’s own answer from her page, in her zone, as she gave it', async () => {
		expect((await post('/family/availability', cookies.ana, ANA)).status).toBe(200);
		const [row] = await rows();
		expect(row).toMatchObject({ person_id: people.ana, time_zone: 'America/Los_Angeles', entered_by: 'self' });
		expect(JSON.parse(row.weekly)).toContainEqual({ weekday: 2, start: 720, end: 780, preference: 'BEST' });
		expect(JSON.parse(row.dates)).toEqual([{ date: '2026-12-09', start: 1020, end: 1140, preference: 'CANT' }]);
		expect(JSON.parse(row.join_modes)).toEqual(['PHONE', 'IN_PERSON']);
		expect(await page('/family/availability', cookies.ana)).toContain('You last saved this on');
	});

	it('never shows Daniel anything of Ana’s: his own page is his own, and the worker’s pages are not his', async () => {
		const his = await page('/family/availability', cookies.daniel);
		expect(his).not.toContain('Eastside Library');
		expect(his).not.toContain('2026-12-09');
		expect(his).not.toContain('Ana');
		const hers = `/cases/${ids.caseId}/people/${people.ana}/availability`;
		expect((await get(server.url, hers, cookies.daniel)).status).toBe(403);
		expect((await post(hers, cookies.daniel, { ...ANA, placeName: 'Changed by Daniel' })).status).toBe(403);
		expect((await get(server.url, `/cases/${ids.caseId}/people/${people.daniel}/availability`, cookies.daniel)).status).toBe(403);
		expect((await rows()).map((r) => r.person_id)).toEqual([people.ana]);
		expect(await page(hers, cookies.caseworker)).not.toContain('Changed by Daniel');
	});

	it('lets the caseworker enter Daniel’s after a phone call; his page then says his worker saved it', async () => {
		const form = await page(`/cases/${ids.caseId}/people/${people.daniel}/availability`, cookies.caseworker);
		expect(form).toContain('When can Daniel meet?');
		expect((await post(`/cases/${ids.caseId}/people/${people.daniel}/availability`, cookies.caseworker, { timeZone: 'America/Chicago', 'w-6-MORNING': 'BEST', join: ['VIDEO'] })).status).toBe(200);
		const daniel = (await rows()).find((r) => r.person_id === people.daniel)!;
		expect(daniel).toMatchObject({ time_zone: 'America/Chicago', entered_by: 'staff' });
		expect(await page('/family/availability', cookies.daniel)).toContain('Your worker last saved this on');
		// Staff see Ana's as she gave it.
		expect(await page(`/cases/${ids.caseId}/people/${people.ana}/availability`, cookies.facilitator)).toContain('Eastside Library');
	});

	it('ranks times for the worker from what each gave, with reasons; never for a family member', async () => {
		const path = `/cases/${ids.caseId}/meetings/${ids.meetingId}/times`;
		const res = await get(server.url, path, cookies.caseworker);
		expect(res.status).toBe(200);
		const html = await res.text();
		expect(html).toContain('Good times for this meeting');
		// Daniel's Saturday mornings (Chicago) work best for him: the best times say so. (Ana's one-hour lunch
		// is shorter than the meeting: the rest of such a time she has not said.)
		expect(html).toMatch(/Works best for: [^<]*Daniel Ortiz/);
		expect(html).not.toMatch(/Cannot come: [^<]*(Ana|Daniel)/);
		// Daniel and Ana are kept apart: every time they both may come needs separate sessions.
		expect(html).toContain('must meet apart');
		for (const who of [cookies.ana, cookies.daniel]) expect((await get(server.url, path, who)).status).toBe(403);
		// A meeting of this case under another case's address is refused.
		expect((await get(server.url, `/cases/${'a'.repeat(24)}/meetings/${ids.meetingId}/times`, cookies.caseworker)).status).toBe(403);
	});

	it('records who saved, never the times or places', async () => {
		const trail = await withSql(server, (sql) => sql.all<{ detail: string }>("SELECT detail FROM audit_events WHERE action = 'availability.save' AND outcome = 'allowed' AND detail IS NOT NULL"));
		expect(trail).toHaveLength(2);
		expect(JSON.stringify(trail)).not.toContain('Eastside');
		expect(JSON.stringify(trail)).not.toContain('Los_Angeles');
		const refused = await withSql(server, (sql) => sql.all("SELECT action FROM audit_events WHERE action LIKE 'availability.%' AND outcome = 'denied'"));
		// Daniel's look at Ana's page and his post to it.
		expect(refused.length).toBeGreaterThanOrEqual(2);
	});
});
