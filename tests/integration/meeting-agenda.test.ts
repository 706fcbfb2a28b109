// The meeting's agenda on the real server (issue 20): the facilitator sets it up and moves its stages and
// timer through the meeting page's form action; every connected client sees each change from the shared
// document; the timer's end is in the server's clock; nobody else may change it, by form or by socket; and
// it survives a restart.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCard, boardOf, frameworkOf } from '../../src/lib/domain/board.ts';
import { removeServerFiles, startServer, type RunningServer } from '../support/server.ts';
import { accept, connect, demoIds, destroy, invite, personId, signIn, synced, waitFor, withActions, type Client } from '../support/clients.ts';
import { withSql } from '../support/sql.ts';
import { encodeHearthMessage } from '../../src/lib/domain/collab-protocol.ts';
import { agendaOf, FTDM_STAGES, remainingMs } from '../../src/lib/domain/agenda.ts';
import { CLOSE } from '../../src/lib/domain/collab-protocol.ts';

let server: RunningServer;
let ids: { caseId: string; meetingId: string };
let danielId = '';
const cookies: Record<'facilitator' | 'caseworker' | 'supervisor' | 'parent', string> = { facilitator: '', caseworker: '', supervisor: '', parent: '' };

beforeAll(async () => {
	server = await startServer();
	for (const role of ['facilitator', 'caseworker', 'supervisor'] as const) cookies[role] = await signIn(server.url, `${role}@demo.test`);
	ids = await demoIds(server.url, cookies.caseworker);
	danielId = await personId(server.url, cookies.caseworker, ids.caseId, 'Daniel Ortiz');
	cookies.parent = await accept(server.url, await invite(server.url, cookies.caseworker, ids.caseId, danielId, { meetingId: ids.meetingId }));
});

afterAll(async () => {
	await server?.stop();
	if (server) removeServerFiles(server);
});

function agendaCommand(cookie: string, fields: Record<string, string>): Promise<Response> {
	return fetch(`${server.url}/meetings/${ids.meetingId}?/agenda`, {
		method: 'POST',
		headers: { cookie, origin: server.url, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
		body: new URLSearchParams(fields),
		redirect: 'manual'
	});
}

async function joined(cookie: string): Promise<Client> {
	const client = connect(server.url, `meeting:${ids.meetingId}`, cookie);
	await synced(client);
	return client;
}

describe('the meeting agenda', () => {
	it('is set up by the facilitator from the template, and every screen follows the stage she moves to, with the same time left', async () => {
		const parent = await joined(cookies.parent);
		const caseworker = await joined(cookies.caseworker);
		try {
			expect((await agendaCommand(cookies.facilitator, { do: 'start' })).status).toBe(200);
			await waitFor(() => agendaOf(parent.doc).stages.length === FTDM_STAGES.length, 2000, 'the agenda on the parent’s screen');
			expect(agendaOf(parent.doc).stages.map((s) => s.code)).toEqual([...FTDM_STAGES]);
			// Stored as codes: no English words in the shared document.
			expect(JSON.stringify(parent.doc.getMap('agenda').toJSON())).not.toMatch(/Welcome|introductions/i);
			// Pressed twice (another tab): still one agenda.
			expect((await agendaCommand(cookies.facilitator, { do: 'start' })).status).toBe(200);

			const third = agendaOf(parent.doc).stages[2];
			const before = Date.now();
			expect((await agendaCommand(cookies.facilitator, { do: 'move', stageId: third.id })).status).toBe(200);
			const after = Date.now();
			for (const client of [parent, caseworker]) await waitFor(() => agendaOf(client.doc).currentId === third.id, 2000, 'the stage on every screen');
			const timer = agendaOf(parent.doc).timer!;
			// The end is the server's clock at the move plus the stage's minutes (the test shares the server's clock).
			expect(timer.endsAt).toBeGreaterThanOrEqual(before + third.minutes * 60_000);
			expect(timer.endsAt).toBeLessThanOrEqual(after + third.minutes * 60_000);
			expect(agendaOf(caseworker.doc).timer).toEqual(timer);

			// Pause keeps what is left; add time adds to it.
			expect((await agendaCommand(cookies.facilitator, { do: 'pause' })).status).toBe(200);
			await waitFor(() => agendaOf(parent.doc).timer?.endsAt === null, 2000, 'paused');
			const left = remainingMs(agendaOf(parent.doc).timer!, Date.now());
			expect(left).toBeGreaterThan(third.minutes * 60_000 - 10_000);
			expect((await agendaCommand(cookies.facilitator, { do: 'add-time', minutes: '5' })).status).toBe(200);
			await waitFor(() => agendaOf(parent.doc).timer?.leftMs === left + 5 * 60_000, 2000, 'five more minutes');
		} finally {
			destroy(parent, caseworker);
		}
	});

	it('refuses everyone but the facilitator, by form (403) and by socket (closed, nothing changed)', async () => {
		const before = await joined(cookies.caseworker);
		const stagesBefore = agendaOf(before.doc);
		destroy(before);
		const next = stagesBefore.stages[3].id;
		for (const role of ['caseworker', 'supervisor', 'parent'] as const) {
			expect((await agendaCommand(cookies[role], { do: 'move', stageId: next })).status, role).toBe(403);
		}
		expect((await agendaCommand('', { do: 'move', stageId: next })).status).toBe(303);
		// A parent's page that writes the agenda itself is refused for good (it could only be a tampered page).
		const parent = await joined(cookies.parent);
		try {
			parent.doc.getMap('agenda').set('current', next);
			expect((await parent.closed).code).toBe(CLOSE.changeRefused);
		} finally {
			destroy(parent);
		}
		const check = await joined(cookies.caseworker);
		try {
			expect(agendaOf(check.doc).currentId).toBe(stagesBefore.currentId);
		} finally {
			destroy(check);
		}
	});

	it('takes the same controls over the meeting’s socket: the facilitator’s move reaches every screen; anyone else is refused and audited; a malformed action closes only its own socket', async () => {
		const audited = (outcome: string) =>
			withSql(server, (db) => db.all<{ n: number }>("SELECT count(*) AS n FROM audit_events WHERE action = 'meeting.agenda' AND outcome = ?", [outcome]), { readonly: true }).then((r) => r[0].n);
		const facilitator = withActions(await joined(cookies.facilitator));
		const parent = withActions(await joined(cookies.parent));
		const caseworker = withActions(await joined(cookies.caseworker));
		try {
			const stages = agendaOf(caseworker.doc).stages;
			const target = stages.find((s) => s.id !== agendaOf(caseworker.doc).currentId)!;
			const allowedBefore = await audited('allowed');
			expect(await facilitator.act('agenda', { do: 'move', stageId: target.id })).toBeNull();
			for (const client of [parent, caseworker]) await waitFor(() => agendaOf(client.doc).currentId === target.id, 2000, 'the stage on every screen');
			// The policy's allowance and the move, as by the form: committed before the answer.
			expect(await audited('allowed')).toBe(allowedBefore + 2);
			// The form's own answers, in the same words.
			expect(await facilitator.act('agenda', { do: 'move', stageId: 'aaaaaaaaaaaaaaaaaaaaaaaa' })).toBe('agenda');
			expect(await facilitator.act('agenda', { do: 'add-stage', title: '', minutes: '10' })).toBe('agenda-title');
			expect(await facilitator.act('agenda', { do: 'teleport' })).toBe('invalid');
			// Not the facilitator: refused and audited; their sockets stay open (they did nothing wrong by asking).
			const deniedBefore = await audited('denied');
			const other = stages.find((s) => s.id !== target.id)!;
			expect(await parent.act('agenda', { do: 'move', stageId: other.id })).toBe('forbidden');
			expect(await caseworker.act('agenda', { do: 'teleport' })).toBe('forbidden');
			expect(await audited('denied')).toBe(deniedBefore + 2);
			expect(agendaOf(caseworker.doc).currentId).toBe(target.id);
			// A malformed action (not the protocol's shape) closes that one socket, and nobody else's.
			const raw = new TextEncoder().encode('{"t":"act","id":1,"action":"agenda","fields":{"do":5}}');
			const bytes = new Uint8Array(raw.length + 2);
			bytes.set(encodeHearthMessage({ t: 'act', id: 1, action: 'agenda', fields: {} }).subarray(0, 2));
			bytes.set(raw, 2);
			parent.provider.ws!.send(bytes);
			expect((await parent.closed).code).toBe(CLOSE.malformed);
			expect(await facilitator.act('agenda', { do: 'move', stageId: other.id })).toBeNull();
			await waitFor(() => agendaOf(caseworker.doc).currentId === other.id, 2000, 'the caseworker still follows');
		} finally {
			destroy(facilitator, parent, caseworker);
		}
	});

	it('explains bad input and an unknown stage, and keeps the agenda after a restart', async () => {
		expect((await agendaCommand(cookies.facilitator, { do: 'move', stageId: 'not an id' })).status).toBe(400);
		expect((await agendaCommand(cookies.facilitator, { do: 'teleport' })).status).toBe(400);
		expect((await agendaCommand(cookies.facilitator, { do: 'add-stage', title: '', minutes: '10' })).status).toBe(400);
		expect((await agendaCommand(cookies.facilitator, { do: 'move', stageId: 'aaaaaaaaaaaaaaaaaaaaaaaa' })).status).toBe(409);
		expect((await agendaCommand(cookies.facilitator, { do: 'add-stage', title: 'Lunch together', minutes: '30' })).status).toBe(200);
		const first = await joined(cookies.caseworker);
		const stored = agendaOf(first.doc);
		destroy(first);
		expect(stored.stages.some((s) => s.title === 'Lunch together')).toBe(true);
		await server.restart();
		const again = await joined(cookies.parent);
		try {
			expect(agendaOf(again.doc)).toEqual(stored);
		} finally {
			destroy(again);
		}
	});

	it('takes the board layout the facilitator chooses before the first card, and keeps it once cards are on it', async () => {
		expect((await agendaCommand(cookies.caseworker, { do: 'framework', framework: 'TDM_STRENGTHS_CONCERNS' })).status).toBe(403);
		expect((await agendaCommand(cookies.facilitator, { do: 'framework', framework: 'NOT_A_LAYOUT' })).status).toBe(400);
		expect((await agendaCommand(cookies.facilitator, { do: 'framework', framework: 'TDM_STRENGTHS_CONCERNS' })).status).toBe(200);
		const parent = await joined(cookies.parent);
		const staff = await joined(cookies.caseworker);
		try {
			await waitFor(() => frameworkOf(parent.doc) === 'TDM_STRENGTHS_CONCERNS', 3000, 'the layout on the parent’s screen');
			addCard(parent.doc, { column: 'CONCERNS', category: null, text: 'The car keeps breaking down', voice: 'FAMILY', ownWords: true, factors: [] }, `p:${danielId}`);
			await waitFor(() => boardOf(staff.doc).some((c) => c.column === 'CONCERNS'), 3000, 'the card on the caseworker’s screen');
		} finally {
			destroy(parent, staff);
		}
		const refused = await agendaCommand(cookies.facilitator, { do: 'framework', framework: 'SOS_3COL' });
		expect(refused.status).toBe(409);
		// The page's agenda (loaded with its chunk) says why: the form's answer names it.
		expect(await refused.text()).toContain('agenda-board');
	});
});
