import { describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import type { WebSocket } from 'ws';
import { testDatabase } from '../../../../tests/support/db';
import { UpdateLog } from './update-log';
import { InProcessBus } from './bus';
import { CLOSE, ProtocolError, Room, type Connection } from './room';
import { connection, readSync, stepOne, textEdit, tick, updateMessage } from './room-test-kit';

// `scratch:` rooms are no kind of document (doc-kinds.ts): the rules every room keeps, none of a kind's own,
// so these tests write plain text in a `decision` root, which a meeting's document no longer takes from a browser.
describe('a room', () => {
	it('stores an update before anyone else receives it, and reloads it from the log', async () => {
		const db = testDatabase();
		const log = new UpdateLog(db);
		const room = new Room('scratch:x', log, new InProcessBus(), 500);
		const a = connection();
		const b = connection();
		room.join(a.conn);
		room.join(b.conn);
		const before = b.sent.length;
		room.receive(a.conn, updateMessage(textEdit('hello')));
		expect(b.sent.length).toBe(before); // not broadcast before the commit
		await tick();
		await tick();
		expect(b.sent.length).toBe(before + 1);
		expect(a.sent.length).toBe(1); // the sender got its sync step 1 only: its own update is not echoed
		room.destroy();
		const again = new Room('scratch:x', log, new InProcessBus(), 500);
		expect(again.doc.getText('decision').toString()).toBe('hello');
	});

	it('drops edits from read-only connections', async () => {
		const db = testDatabase();
		const room = new Room('scratch:y', new UpdateLog(db), new InProcessBus(), 500);
		const viewer = connection(true);
		room.join(viewer.conn);
		room.receive(viewer.conn, updateMessage(textEdit('not allowed')));
		await tick();
		expect(room.doc.getText('decision').toString()).toBe('');
	});

	it('closes only the sender on garbage, with 1007', () => {
		const room = new Room('scratch:z', new UpdateLog(testDatabase()), new InProcessBus(), 500);
		const a = connection();
		room.join(a.conn);
		for (const garbage of [new Uint8Array([0, 2, 5, 1, 2]), new Uint8Array([0xff, 0xff, 0xff]), new Uint8Array([0, 2, 4, 1, 2, 3, 4])]) {
			expect(() => room.receive(a.conn, garbage)).toThrow(ProtocolError);
		}
		expect(() => room.receive(a.conn, new Uint8Array([9]))).toThrow(expect.objectContaining({ code: CLOSE.policy }));
		expect(room.doc.getText('decision').toString()).toBe('');
	});

	it('compacts the log into a snapshot that loads the same document', async () => {
		const db = testDatabase();
		const log = new UpdateLog(db);
		const room = new Room('scratch:c', log, new InProcessBus(), 3);
		const a = connection();
		room.join(a.conn);
		for (const word of ['one ', 'two ', 'three ', 'four ']) {
			const doc = new Y.Doc();
			Y.applyUpdate(doc, Y.encodeStateAsUpdate(room.doc));
			doc.getText('decision').insert(doc.getText('decision').length, word);
			room.receive(a.conn, updateMessage(Y.encodeStateAsUpdate(doc, Y.encodeStateVector(room.doc))));
			await tick();
			await tick();
		}
		const { snapshot, updates } = await log.load('scratch:c');
		expect(snapshot).not.toBeNull();
		expect(updates.length).toBeLessThan(3);
		room.destroy();
		expect(new Room('scratch:c', log, new InProcessBus(), 3).doc.getText('decision').toString()).toBe('one two three four ');
	});

	it('answers a sync step 1 with what the client lacks', async () => {
		const room = new Room('scratch:s', new UpdateLog(testDatabase()), new InProcessBus(), 500);
		const a = connection();
		room.join(a.conn);
		room.receive(a.conn, updateMessage(textEdit('abc')));
		await tick();
		const b = connection();
		room.join(b.conn);
		room.receive(b.conn, stepOne(new Y.Doc()));
		await tick();
		const reply = readSync(b.sent.at(-1)!);
		expect([reply.type, reply.step]).toEqual([0, 1]);
		const doc = new Y.Doc();
		Y.applyUpdate(doc, reply.payload);
		expect(doc.getText('decision').toString()).toBe('abc');
	});

	it('sends what a client lacks on join when it says what it holds, and answers its step 1 with only the rest', async () => {
		const room = new Room('scratch:j', new UpdateLog(testDatabase()), new InProcessBus(), 500);
		const a = connection();
		room.join(a.conn);
		room.receive(a.conn, updateMessage(textEdit('saved notes')));
		await tick();

		// A fresh client: empty state vector on the URL.
		const fresh = new Y.Doc();
		const b = connection();
		room.join(b.conn, Y.encodeStateVector(fresh));
		await tick();
		expect(b.sent.slice(0, 2).map((m) => [readSync(m).type, readSync(m).step])).toEqual([[0, 0], [0, 1]]);
		Y.applyUpdate(fresh, readSync(b.sent[1]).payload);
		expect(fresh.getText('decision').toString()).toBe('saved notes');

		// Its own step 1 (sent before it had the document: empty) is answered without the document again.
		room.receive(b.conn, stepOne(new Y.Doc()));
		await tick();
		const reply = readSync(b.sent.at(-1)!);
		expect([reply.type, reply.step]).toEqual([0, 1]);
		const rest = reply.payload;
		expect(rest.byteLength).toBeLessThan(8);
		const check = new Y.Doc();
		Y.applyUpdate(check, rest);
		expect(check.getText('decision').toString()).toBe('');
	});

	it('sends a reconnecting client only what it lacks on join', async () => {
		const room = new Room('scratch:r', new UpdateLog(testDatabase()), new InProcessBus(), 500);
		const a = connection();
		room.join(a.conn);
		room.receive(a.conn, updateMessage(textEdit('first part')));
		await tick();
		const client = new Y.Doc();
		Y.applyUpdate(client, Y.encodeStateAsUpdate(room.doc));
		const writer = new Y.Doc();
		Y.applyUpdate(writer, Y.encodeStateAsUpdate(room.doc));
		writer.getText('decision').insert(writer.getText('decision').length, ', then more');
		room.receive(a.conn, updateMessage(Y.encodeStateAsUpdate(writer, Y.encodeStateVector(room.doc))));
		await tick();

		const b = connection();
		room.join(b.conn, Y.encodeStateVector(client));
		await tick();
		const missing = readSync(b.sent[1]).payload;
		expect(missing.byteLength).toBeLessThan(Y.encodeStateAsUpdate(room.doc).byteLength);
		Y.applyUpdate(client, missing);
		expect(client.getText('decision').toString()).toBe('first part, then more');
	});

	it('draws its compaction threshold around the mean', () => {
		const log = new UpdateLog(testDatabase());
		const thresholds = Array.from({ length: 200 }, (_, i) => (new Room(`scratch:t${i}`, log, new InProcessBus(), 400) as unknown as { compactAfter: number }).compactAfter);
		expect(Math.min(...thresholds)).toBeGreaterThanOrEqual(300);
		expect(Math.max(...thresholds)).toBeLessThanOrEqual(500);
		expect(new Set(thresholds).size).toBeGreaterThan(20);
	});

	describe('resting documents (held as their encoded state)', () => {
		/** A log holding one snapshot of `text` for `docId` and nothing after it. */
		async function snapshotOnly(docId: string, text: string) {
			const log = new UpdateLog(testDatabase());
			const id = await log.append(docId, textEdit(text));
			log.compact(docId, textEdit(text), id);
			await tick();
			return log;
		}

		it('loads a compacted document resting, and serves sync from it without waking it', async () => {
			const log = await snapshotOnly('scratch:r1', 'the whole plan');
			const room = new Room('scratch:r1', log, new InProcessBus(), 500);
			expect(room.isResting).toBe(true);
			const a = connection();
			room.join(a.conn, Y.encodeStateVector(new Y.Doc()));
			await tick();
			// The client's answer to our step 1: nothing new.
			room.receive(a.conn, updateMessage(Y.encodeStateAsUpdate(new Y.Doc())));
			room.receive(a.conn, stepOne(new Y.Doc()));
			await tick();
			expect(room.isResting).toBe(true);
			const client = new Y.Doc();
			Y.applyUpdate(client, readSync(a.sent[1]).payload);
			expect(client.getText('decision').toString()).toBe('the whole plan');
			// Its step 1 (empty, sent before the document reached it) gets nothing twice.
			const late = new Y.Doc();
			Y.applyUpdate(late, readSync(a.sent.at(-1)!).payload);
			expect(late.getText('decision').toString()).toBe('');
			// A client that sends back what the room already has does not wake it either.
			room.receive(a.conn, updateMessage(Y.encodeStateAsUpdate(client)));
			expect(room.isResting).toBe(true);
		});

		it('wakes at the first edit, stores and broadcasts it, and rests again keeping everything', async () => {
			const log = await snapshotOnly('scratch:r2', 'saved');
			const room = new Room('scratch:r2', log, new InProcessBus(), 500);
			const a = connection();
			const b = connection();
			room.join(a.conn, Y.encodeStateVector(new Y.Doc()));
			room.join(b.conn);
			await tick();
			const writer = new Y.Doc();
			Y.applyUpdate(writer, readSync(a.sent[1]).payload);
			const had = Y.encodeStateVector(writer);
			writer.getText('decision').insert(5, ' and edited');
			const before = b.sent.length;
			room.receive(a.conn, updateMessage(Y.encodeStateAsUpdate(writer, had)));
			expect(room.isResting).toBe(false);
			await tick();
			expect(b.sent.length).toBeGreaterThan(before);
			room.rest();
			expect(room.isResting).toBe(true);
			expect(room.doc.getText('decision').toString()).toBe('saved and edited');
			room.destroy();
			expect(new Room('scratch:r2', log, new InProcessBus(), 500).doc.getText('decision').toString()).toBe('saved and edited');
		});

		it('rests by itself once nobody has typed for restMs, and compacts from the resting state', async () => {
			const log = new UpdateLog(testDatabase());
			const room = new Room('scratch:r3', log, new InProcessBus(), 500, { restMs: 30 });
			const a = connection();
			room.join(a.conn);
			room.receive(a.conn, updateMessage(textEdit('typed')));
			expect(room.isResting).toBe(false);
			await vi.waitFor(() => expect(room.isResting).toBe(true), { timeout: 2000, interval: 10 });
			room.compact();
			await tick();
			const { snapshot, updates } = await log.load('scratch:r3');
			expect(updates).toHaveLength(0);
			const check = new Y.Doc();
			Y.applyUpdate(check, snapshot!);
			expect(check.getText('decision').toString()).toBe('typed');
		});
	});
});
