// A separate session (for one of a keep-apart pair) has its own agenda, board and action items in its own
// document (issue 20, "Separate and private parts"): the facilitator runs its agenda apart from the joint
// one; what the mother writes on her board reaches her session's screens and never the father's; the father
// cannot open it (page data or socket).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeServer, startServer, type RunningServer } from '../support/server.ts';
import { accept, connect, demoIds, destroy, get, invite, personId, rawSocket, signIn, synced, waitFor } from '../support/clients.ts';
import { addCard, boardOf } from '../../src/lib/domain/board.ts';
import { agendaOf } from '../../src/lib/domain/agenda.ts';

let server: RunningServer;
let ids: { caseId: string; meetingId: string };
const cookies: Record<string, string> = {};
const people: Record<string, string> = {};
let anaSession = '';

beforeAll(async () => {
	server = await startServer({ NODE_ENV: 'test' });
	for (const role of ['facilitator', 'caseworker']) cookies[role] = await signIn(server.url, `${role}@demo.test`);
	ids = await demoIds(server.url, cookies.caseworker);
	for (const name of ['Daniel Ortiz', 'Ana Rivera']) people[name] = await personId(server.url, cookies.caseworker, ids.caseId, name);
	cookies.daniel = await accept(server.url, await invite(server.url, cookies.caseworker, ids.caseId, people['Daniel Ortiz'], { meetingId: ids.meetingId }));
	cookies.ana = await accept(server.url, await invite(server.url, cookies.caseworker, ids.caseId, people['Ana Rivera'], { meetingId: ids.meetingId }));
	const page = await (await get(server.url, `/meetings/${ids.meetingId}`, cookies.ana)).text();
	anaSession = /"session:([a-z2-7]+)"/.exec(page)![1];
});

afterAll(async () => {
	await server?.stop();
	if (server) await removeServer(server);
});

function agenda(cookie: string, query: string, fields: Record<string, string>): Promise<Response> {
	return fetch(`${server.url}/meetings/${ids.meetingId}?${query}/agenda`, {
		method: 'POST',
		headers: { cookie, origin: server.url, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
		body: new URLSearchParams(fields),
		redirect: 'manual'
	});
}

describe('a separate session’s own parts', () => {
	it('has its own agenda, which only the facilitator runs, apart from the joint one', async () => {
		const ana = connect(server.url, `session:${anaSession}`, cookies.ana);
		const joint = connect(server.url, `meeting:${ids.meetingId}`, cookies.daniel);
		await Promise.all([synced(ana), synced(joint)]);
		try {
			expect((await agenda(cookies.caseworker, `s=${anaSession}&`, { do: 'start' })).status).toBe(403);
			expect((await agenda(cookies.ana, `s=${anaSession}&`, { do: 'start' })).status).toBe(403);
			expect((await agenda(cookies.facilitator, `s=${anaSession}&`, { do: 'start' })).status).toBe(200);
			await waitFor(() => agendaOf(ana.doc).stages.length > 0, 3000, 'the agenda on her screen');
			expect(agendaOf(joint.doc).stages).toEqual([]);
			// A part of the meeting that is not one (another id) is refused, and changes nothing.
			expect((await agenda(cookies.facilitator, `s=${'q'.repeat(24)}&`, { do: 'pause' })).status).toBe(409);
		} finally {
			destroy(ana, joint);
		}
	});

	it('has its own board: her card reaches her session, never the joint one; he cannot open hers', async () => {
		const ana = connect(server.url, `session:${anaSession}`, cookies.ana);
		const staff = connect(server.url, `session:${anaSession}`, cookies.facilitator);
		const joint = connect(server.url, `meeting:${ids.meetingId}`, cookies.daniel);
		await Promise.all([synced(ana), synced(staff), synced(joint)]);
		try {
			const words = 'I need the visits at the centre, not at home';
			addCard(ana.doc, { column: 'NEEDS_TO_HAPPEN', category: null, text: words, voice: 'FAMILY', ownWords: true, factors: [] }, `p:${people['Ana Rivera']}`);
			await waitFor(() => boardOf(staff.doc).some((c) => c.text === words), 3000, 'her card on the facilitator’s screen');
			expect(boardOf(joint.doc).some((c) => c.text === words)).toBe(false);
		} finally {
			destroy(ana, staff, joint);
		}
		const socket = await rawSocket(`${server.url.replace('http', 'ws')}/collab/session:${anaSession}`, { origin: server.url, cookie: cookies.daniel });
		expect(socket.status).toBe(403);
		const data = await (await get(server.url, `/meetings/${ids.meetingId}/__data.json?s=${anaSession}`, cookies.daniel)).text();
		expect(data).not.toContain(anaSession);
		expect(data).not.toContain('visits at the centre');
	});
});
