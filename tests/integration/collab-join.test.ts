// How a socket joins (the document sent with the first message, compression of large messages) and how
// open sockets are re-checked, on the real production server with real y-websocket clients.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import { removeServer, startServer, type RunningServer } from '../support/server.ts';
import { connect, demoIds, destroy, rawSocket, signIn, synced, waitFor, notesText, appendLine, lineWith } from '../support/clients.ts';

let server: RunningServer;
let meetingDoc: string;

beforeAll(async () => {
	// Sessions idle out after 5 s here (each test signs in afresh), open sockets are re-checked every
	// 300 ms, and a document nobody types into rests after 150 ms.
	server = await startServer({ COLLAB_RECHECK_MS: '300', SESSION_IDLE_MINUTES: String(5 / 60), COLLAB_REST_MS: '150' });
	meetingDoc = `meeting:${(await demoIds(server.url, await signIn(server.url, 'caseworker@demo.test'))).meetingId}`;
});

afterAll(async () => {
	await server?.stop();
	if (server) await removeServer(server);
});

const wsUrl = (doc: string, query = '') => `${server.url.replace('http', 'ws')}/collab/${doc}${query}`;

/** Collects a raw socket's messages as [message type, sync step, payload]. */
function recorder(ws: WebSocket) {
	const messages: { type: number; step: number | null; payload: Uint8Array }[] = [];
	ws.on('message', (data: Buffer) => {
		const d = decoding.createDecoder(new Uint8Array(data));
		const type = decoding.readVarUint(d);
		const step = type === 0 ? decoding.readVarUint(d) : null;
		messages.push({ type, step, payload: decoding.readVarUint8Array(d) });
	});
	return messages;
}

describe('joining a document', () => {
	it('sends the saved document with the first messages when the client says what it holds (?sv=), compressed', async () => {
		const caseworker = await signIn(server.url, 'caseworker@demo.test');
		const writer = connect(server.url, meetingDoc, caseworker);
		await synced(writer);
		const text = 'A plain sentence about the family’s plan for the week. '.repeat(80); // ~4.5 KB
		appendLine(writer.doc, text);

		const sv = Buffer.from(Y.encodeStateVector(new Y.Doc())).toString('base64url');
		// Wait until the writer's edit is stored, then join as a fresh client that never sends its step 1.
		const check = connect(server.url, meetingDoc, caseworker);
		await synced(check);
		await waitFor(() => notesText(check.doc).includes(text), 3000, 'the edit to be stored');
		destroy(check);
		const { ws } = await rawSocket(wsUrl(meetingDoc, `?sv=${sv}`), { origin: server.url, cookie: caseworker });
		expect(ws).toBeDefined();
		const messages = recorder(ws!);
		await waitFor(() => messages.some((m) => m.type === 0 && m.step === 1), 3000, 'sync step 2 without asking');
		// Large messages go compressed (permessage-deflate was agreed on).
		expect(ws!.extensions).toContain('permessage-deflate');
		const doc = new Y.Doc();
		Y.applyUpdate(doc, messages.find((m) => m.type === 0 && m.step === 1)!.payload);
		expect(notesText(doc)).toContain(text);
		ws!.close();
		destroy(writer);
	});

	it('refuses a socket whose ?sv= is not a state vector, and keeps serving', async () => {
		const caseworker = await signIn(server.url, 'caseworker@demo.test');
		for (const bad of ['?sv=%3Cscript%3E', '?sv=' + 'A'.repeat(9000), '?sv=_w']) {
			const { status } = await rawSocket(wsUrl(meetingDoc, bad), { origin: server.url, cookie: caseworker });
			expect(status, bad.slice(0, 20)).toBe(400);
		}
		const fine = connect(server.url, meetingDoc, caseworker);
		await synced(fine);
		destroy(fine);
	});

	it('still speaks the stock y-websocket exchange to clients that send no state vector', async () => {
		const caseworker = await signIn(server.url, 'caseworker@demo.test');
		const a = connect(server.url, meetingDoc, caseworker);
		const b = connect(server.url, meetingDoc, caseworker);
		await Promise.all([synced(a), synced(b)]);
		appendLine(a.doc, 'hello from the stock exchange');
		await waitFor(() => notesText(b.doc).includes('hello from the stock exchange'), 2000, 'b to see a’s edit');
		expect(notesText(b.doc)).toContain('hello from the stock exchange');
		destroy(a, b);
	});
});

describe('documents at rest', () => {
	// On purpose: the server's rest timer has no outside signal; room.test.ts proves the resting itself.
	const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

	it('keep every edit across rest and wake-up, for the people already there and for newcomers', async () => {
		const caseworker = await signIn(server.url, 'caseworker@demo.test');
		const facilitator = await signIn(server.url, 'facilitator@demo.test');
		const a = connect(server.url, meetingDoc, caseworker);
		const b = connect(server.url, meetingDoc, facilitator);
		await Promise.all([synced(a), synced(b)]);
		const text = (c: { doc: Y.Doc }) => notesText(c.doc);
		appendLine(a.doc, 'rest-one');
		await waitFor(() => text(b).includes('rest-one'), 2000, 'b to see one');
		// Long enough for the document to rest (150 ms after the last edit) several times over; the
		// unit tests in room.test.ts prove the resting itself, this proves it with real clients.
		await pause(600);
		lineWith(b.doc, 'rest-one')!.insert('rest-one'.length, ' two');
		await waitFor(() => text(a).includes('rest-one two'), 2000, 'a to see the edit that woke the document');
		await pause(600);
		const c = connect(server.url, meetingDoc, caseworker);
		await synced(c);
		await waitFor(() => text(c).includes('rest-one two'), 2000, 'a newcomer to get the rested document');
		// A raw socket with ?sv= gets it with the first messages, from the resting state.
		await pause(600);
		const { ws } = await rawSocket(wsUrl(meetingDoc, `?sv=${Buffer.from(Y.encodeStateVector(new Y.Doc())).toString('base64url')}`), { origin: server.url, cookie: facilitator });
		const messages = recorder(ws!);
		await waitFor(() => messages.some((m) => m.type === 0 && m.step === 1), 2000, 'the document on join');
		const fresh = new Y.Doc();
		Y.applyUpdate(fresh, messages.find((m) => m.type === 0 && m.step === 1)!.payload);
		expect(notesText(fresh)).toContain('rest-one two');
		ws!.close();
		destroy(a, b, c);
	});
});

describe('open sockets are re-checked', () => {
	it('closes a socket whose session has idled out (4401) soon after, and goes on serving others', async () => {
		const idle = connect(server.url, meetingDoc, await signIn(server.url, 'facilitator@demo.test'));
		await synced(idle);
		const started = Date.now();
		const { code } = await idle.closed;
		expect(code).toBe(4401);
		// 5 s of idle time, then the next pass (every 300 ms).
		expect(Date.now() - started).toBeLessThan(9000);
		destroy(idle);
		const fresh = connect(server.url, meetingDoc, await signIn(server.url, 'supervisor@demo.test'));
		await synced(fresh);
		expect(fresh.provider.wsconnected).toBe(true);
		destroy(fresh);
	});
});
