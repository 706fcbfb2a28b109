// A silent safety break (issue 24): anyone in a meeting asks for a break over their socket; only the
// facilitator's screens hear of it (on the joint document or a separate session's); no one else's socket
// receives anything, nothing is written in the shared document, and the request is on the audit trail.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import { removeServer, startServer, type RunningServer } from '../support/server.ts';
import { withSql } from '../support/sql.ts';
import { accept, connect, demoIds, destroy, get, invite, personId, signIn, synced, waitFor, withActions, type Client } from '../support/clients.ts';
import { decodeHearthMessage, MESSAGE_HEARTH, type HearthMessage } from '../../src/lib/domain/collab-protocol.ts';
import { agendaOf } from '../../src/lib/domain/agenda.ts';

let server: RunningServer;
let ids: { caseId: string; meetingId: string };
const cookies: Record<string, string> = {};
let anaSession = '';

beforeAll(async () => {
	server = await startServer();
	for (const role of ['facilitator', 'caseworker']) cookies[role] = await signIn(server.url, `${role}@demo.test`);
	ids = await demoIds(server.url, cookies.caseworker);
	const who = (name: string) => personId(server.url, cookies.caseworker, ids.caseId, name);
	cookies.daniel = await accept(server.url, await invite(server.url, cookies.caseworker, ids.caseId, await who('Daniel Ortiz'), { meetingId: ids.meetingId }));
	cookies.ana = await accept(server.url, await invite(server.url, cookies.caseworker, ids.caseId, await who('Ana Rivera'), { meetingId: ids.meetingId }));
	cookies.lucia = await accept(server.url, await invite(server.url, cookies.caseworker, ids.caseId, await who('Lucia Ortiz'), { meetingId: ids.meetingId }));
	anaSession = /"session:([a-z2-7]+)"/.exec(await (await get(server.url, `/meetings/${ids.meetingId}`, cookies.ana)).text())![1];
});

afterAll(async () => {
	await server?.stop();
	if (server) await removeServer(server);
});

/** A client that keeps every Hearth message it is sent, and can send actions. */
async function hearing(doc: string, cookie: string): Promise<Client & { heard: HearthMessage[]; act: ReturnType<typeof withActions>['act'] }> {
	const client = withActions(connect(server.url, doc, cookie));
	const heard: HearthMessage[] = [];
	const answered = client.provider.messageHandlers[MESSAGE_HEARTH];
	client.provider.messageHandlers[MESSAGE_HEARTH] = (encoder, decoder, provider, emitSynced, type) => {
		const bytes = decoding.readTailAsUint8Array(decoder);
		const message = decodeHearthMessage(bytes);
		if (message) heard.push(message);
		answered(encoder, decoding.createDecoder(bytes), provider, emitSynced, type);
	};
	await synced(client);
	return Object.assign(client, { heard });
}

describe('a silent safety break', () => {
	it('reaches the facilitator alone, from the joint meeting and from a separate session; nothing in the document; audited', async () => {
		const dana = await hearing(`meeting:${ids.meetingId}`, cookies.facilitator);
		const danaOnAna = await hearing(`session:${anaSession}`, cookies.facilitator);
		const sam = await hearing(`meeting:${ids.meetingId}`, cookies.caseworker);
		const daniel = await hearing(`meeting:${ids.meetingId}`, cookies.daniel);
		const lucia = await hearing(`meeting:${ids.meetingId}`, cookies.lucia);
		const ana = await hearing(`session:${anaSession}`, cookies.ana);
		try {
			expect(await dana.act('agenda', { do: 'start' })).toBeNull();
			await waitFor(() => agendaOf(sam.doc).stages.length > 1, 2000, 'the agenda');
			const before = Y.encodeStateVector(sam.doc);
			expect(await lucia.act('break', {})).toBeNull();
			// Dana reads who asked, on each screen she has open on the meeting.
			const asked = (c: { heard: HearthMessage[] }) => c.heard.filter((m) => m.t === 'break-asked');
			await waitFor(() => asked(dana).length === 1 && asked(danaOnAna).length === 1, 2000, 'Dana told on both screens');
			for (const screen of [dana, danaOnAna]) expect(screen.heard).toContainEqual({ t: 'break-asked', name: 'Lucia Ortiz' });
			// Ana, in her own part, asks too: Dana is told; Daniel's screen never learns it.
			expect(await ana.act('break', {})).toBeNull();
			await waitFor(() => asked(dana).length === 2, 2000, 'Dana told again');
			expect(asked(dana)).toEqual([
				{ t: 'break-asked', name: 'Lucia Ortiz' },
				{ t: 'break-asked', name: 'Ana Rivera' }
			]);
			// A marker everyone receives after both requests (a stage move): by then nothing else came to them.
			const stages = agendaOf(sam.doc).stages;
			const target = stages.find((s) => s.id !== agendaOf(sam.doc).currentId)!;
			expect(await dana.act('agenda', { do: 'move', stageId: target.id })).toBeNull();
			for (const c of [sam, daniel, lucia]) await waitFor(() => agendaOf(c.doc).currentId === target.id, 2000, 'the marker');
			for (const c of [sam, daniel, lucia, ana]) expect(c.heard.some((m) => m.t === 'break-asked'), 'nobody else is told').toBe(false);
			// Nothing of it in the shared document (only the stage move).
			const diff = Y.decodeUpdate(Y.encodeStateAsUpdate(sam.doc, before));
			expect(JSON.stringify(diff.structs.map((s) => ('content' in s ? (s.content as { getContent(): unknown[] }).getContent() : null)))).not.toMatch(/break|Lucia|Ana/i);
			const rows = await withSql(server, (sql) => sql.all<{ outcome: string; detail: string }>("SELECT outcome, detail FROM audit_events WHERE action = 'meeting.break.ask' ORDER BY seq"), { readonly: true });
			expect(rows.filter((r) => r.outcome === 'allowed')).toHaveLength(2);
		} finally {
			destroy(dana, danaOnAna, sam, daniel, lucia, ana);
		}
	});

	it('tells the one who asked when the facilitator does not have the meeting open', async () => {
		const daniel = await hearing(`meeting:${ids.meetingId}`, cookies.daniel);
		try {
			expect(await daniel.act('break', {})).toBe('unreached');
		} finally {
			destroy(daniel);
		}
	});
});
