// What a room refuses and acknowledges (issue 16): every sync message gets one `saved` or `refused`, in
// order, after its commit; presence is held back between a keep-apart pair; Yjs client ids belong to their
// first writer; shapes no editor makes, and messages over the limit, are refused for good.
import { describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { testDatabase } from '../../../../tests/support/db';
import { UpdateLog } from './update-log';
import { InProcessBus } from './bus';
import { MAX_PRESENCE_PER_SECOND, Room, type RoomOptions } from './room';
import { ClientIdOwners } from './client-ids';
import { awarenessClients, awarenessOf, awarenessOfMany, connection, readSync, stepOne as stepOneOf, tick, updateMessage } from './room-test-kit';
import { CLOSE } from '../../domain/collab-protocol';
import { blockquoteChain, deepValueInText, nestBlockquotes } from '../../../../tests/support/hostile';

/**
 * A room for `docId`. `scratch:` is no kind of document (doc-kinds.ts): its room keeps every rule rooms share
 * (acknowledgements, client ids, limits, nesting, nothing pending) and no kind's own, so these tests write
 * plain text in a `decision` root, which a meeting's document no longer takes from a browser.
 */
function room(options: RoomOptions = {}, docId = 'scratch:g') {
	const db = testDatabase();
	return { db, room: new Room(docId, new UpdateLog(db), new InProcessBus(), 500, { owners: new ClientIdOwners(db, docId), ...options }) };
}

/** A client's edit: `text` inserted by a Y.Doc with this client id, on top of what `base` holds. */
function edit(base: Y.Doc, clientID: number, text: string): Uint8Array {
	const doc = new Y.Doc();
	Y.applyUpdate(doc, Y.encodeStateAsUpdate(base));
	// Set after applying: Yjs picks a new id when a remote update writes under its own (as a forger would not).
	doc.clientID = clientID;
	const before = Y.encodeStateVector(doc);
	const t = doc.getText('decision');
	t.insert(t.length, text);
	return Y.encodeStateAsUpdate(doc, before);
}

const settle = async () => {
	for (let i = 0; i < 4; i++) await tick();
};

describe('acknowledgements', () => {
	it('tells the sender each message was saved, after the commit, in order; runs come as one message', async () => {
		const { room: r } = room();
		const a = connection();
		r.join(a.conn);
		expect(a.hearth).toEqual([{ t: 'access', access: 'write' }]);
		r.receive(a.conn, updateMessage(edit(r.doc, 1, 'one')));
		r.receive(a.conn, updateMessage(edit(r.doc, 1, 'two')));
		// An empty sync step 2 (nothing new) is acknowledged too: the sender counts every message it sent.
		r.receive(a.conn, updateMessage(Y.encodeStateAsUpdate(new Y.Doc())));
		expect(a.hearth).toHaveLength(1); // nothing before the commit
		await settle();
		expect(a.hearth.slice(1)).toEqual([{ t: 'saved', n: 3 }]);
	});

	it('refuses a read-only connection’s edit by name, and acknowledges its empty answers as saved', async () => {
		const { room: r } = room();
		const viewer = connection(true);
		r.join(viewer.conn);
		r.receive(viewer.conn, updateMessage(Y.encodeStateAsUpdate(new Y.Doc())));
		r.receive(viewer.conn, updateMessage(edit(r.doc, 5, 'not allowed')));
		await settle();
		expect(viewer.hearth).toEqual([{ t: 'access', access: 'read' }, { t: 'saved', n: 1 }, { t: 'refused', reason: 'read-only' }]);
		expect(r.doc.getText('decision').toString()).toBe('');
		expect(viewer.closed).toEqual([]);
	});
});

describe('Yjs client ids', () => {
	it('belong to the first writer: an update under someone else’s id is refused and its socket closed, and the owner’s next edit lands', async () => {
		const { db, room: r } = room({}, 'scratch:ids');
		const dana = connection(false, { owner: 'u:dana' });
		const daniel = connection(false, { owner: 'p:daniel', personId: 'daniel' });
		r.join(dana.conn);
		r.join(daniel.conn);
		r.receive(dana.conn, updateMessage(edit(r.doc, 42, 'Decision: ')));
		await settle();
		// Daniel writes under Dana's id at her next clock.
		r.receive(daniel.conn, updateMessage(edit(r.doc, 42, 'FORGED')));
		await settle();
		expect(daniel.hearth.at(-1)).toEqual({ t: 'refused', reason: 'client-id' });
		expect(daniel.closed).toEqual([{ code: CLOSE.clientIdTaken, reason: 'client-id' }]);
		// Dana's own next edit at that clock is stored, not dropped as a duplicate.
		r.receive(dana.conn, updateMessage(edit(r.doc, 42, 'reunify')));
		await settle();
		expect(r.doc.getText('decision').toString()).toBe('Decision: reunify');
		// Across a restart too: the claim is stored.
		expect(new ClientIdOwners(db, 'scratch:ids').ownerOf(42)).toBe('u:dana');
	});

	it('do not let presence speak for a writer’s id either', async () => {
		const { room: r } = room();
		const dana = connection(false, { owner: 'u:dana' });
		const daniel = connection(false, { owner: 'p:daniel', personId: 'daniel' });
		r.join(dana.conn);
		r.join(daniel.conn);
		r.receive(dana.conn, updateMessage(edit(r.doc, 42, 'x')));
		await settle();
		r.receive(daniel.conn, awarenessOf(42, 99, { cursor: null }));
		expect(daniel.conn.clientIds.has(42)).toBe(false);
	});
});

describe('presence', () => {
	it('is never shown between a keep-apart pair, neither on join nor live; others see both', async () => {
		const { room: r } = room({}, 'plan:p');
		const ana = connection(true, { owner: 'p:ana', personId: 'ana', keepApartWith: new Set(['daniel']) });
		const daniel = connection(true, { owner: 'p:daniel', personId: 'daniel', keepApartWith: new Set(['ana']) });
		const sam = connection(false, { owner: 'u:sam' });
		r.join(ana.conn);
		r.join(sam.conn);
		r.receive(ana.conn, awarenessOf(101, 1, { user: { name: 'x' } }));
		r.join(daniel.conn);
		r.receive(daniel.conn, awarenessOf(202, 1, { user: { name: 'y' } }));
		r.receive(ana.conn, awarenessOf(101, 2, { cursor: { anchor: 1 } }));
		const seen = (c: { sent: Uint8Array[] }) => new Set(c.sent.flatMap(awarenessClients));
		expect(seen(daniel)).not.toContain(101);
		expect(seen(ana)).not.toContain(202);
		expect(seen(sam)).toEqual(new Set([101, 202]));
	});

	it('never names one of a keep-apart pair to the other when she leaves, however her page went', async () => {
		for (const how of ['closed', 'said goodbye'] as const) {
			const { room: r } = room({}, 'plan:p');
			const ana = connection(true, { owner: 'p:ana', personId: 'ana', keepApartWith: new Set(['daniel']) });
			const daniel = connection(true, { owner: 'p:daniel', personId: 'daniel', keepApartWith: new Set(['ana']) });
			const sam = connection(false, { owner: 'u:sam' });
			for (const c of [daniel, sam, ana]) r.join(c.conn);
			r.receive(daniel.conn, awarenessOf(202, 1, { user: {} }));
			r.receive(ana.conn, awarenessOf(101, 1, { user: {} }));
			r.receive(ana.conn, awarenessOf(101, 2, { cursor: { anchor: 1 } }));
			// A browser's provider never says goodbye (its null state is sent only under Node); a page that does
			// sends a null state first.
			if (how === 'said goodbye') r.receive(ana.conn, awarenessOf(101, 3, null));
			r.leave(ana.conn.ws);
			const seen = (c: { sent: Uint8Array[] }) => new Set(c.sent.flatMap(awarenessClients));
			expect(seen(daniel), how).not.toContain(101);
			expect(seen(sam), how).toContain(101);
		}
	});

	it('is not echoed to the page that sent it: what the server made of a claim tells that page nothing', () => {
		const { room: r } = room();
		const ana = connection(false, { owner: 'p:ana', personId: 'ana' });
		const daniel = connection(false, { owner: 'p:daniel', personId: 'daniel' });
		r.join(ana.conn);
		r.join(daniel.conn);
		r.receive(ana.conn, awarenessOf(101, 1, { user: {} }));
		// Daniel's first presence names Ana's id and his own: hers is refused, his taken; either way he hears nothing back.
		const before = daniel.sent.length;
		r.receive(daniel.conn, awarenessOfMany([[101, 9], [202, 1]]));
		expect(daniel.sent.slice(before).flatMap(awarenessClients)).toEqual([]);
		expect(daniel.conn.clientIds).toEqual(new Set([202]));
		expect(new Set(ana.sent.flatMap(awarenessClients))).toContain(202);
	});

	it('of a reconnecting page replaces its silent old socket at once', () => {
		const { room: r } = room();
		const old = connection(false, { owner: 'u:sam' });
		const fresh = connection(false, { owner: 'u:sam' });
		r.join(old.conn);
		r.receive(old.conn, awarenessOf(7, 1, { user: {} }));
		r.join(fresh.conn);
		r.receive(fresh.conn, awarenessOf(7, 2, { cursor: { anchor: 3 } }));
		expect(fresh.conn.clientIds.has(7)).toBe(true);
		expect(old.conn.clientIds.has(7)).toBe(false);
		expect(old.closed).toEqual([{ code: 1006, reason: 'terminated' }]);
		// Someone else's page cannot take it over that way.
		const other = connection(false, { owner: 'u:dana' });
		r.join(other.conn);
		r.receive(other.conn, awarenessOf(7, 3, { cursor: null }));
		expect(other.conn.clientIds.has(7)).toBe(false);
		expect(fresh.closed).toEqual([]);
	});

	it('relayed by another page of the same person is dropped: it neither ends that page’s socket nor takes over its presence', () => {
		const { room: r } = room();
		const tab1 = connection(false, { owner: 'u:sam' });
		const tab2 = connection(false, { owner: 'u:sam' });
		r.join(tab1.conn);
		r.join(tab2.conn);
		r.receive(tab1.conn, awarenessOf(1, 1, { user: {} }));
		r.receive(tab2.conn, awarenessOf(2, 1, { user: {} }));
		// The stock provider relays every presence change it hears, tab 1's included.
		r.receive(tab2.conn, awarenessOf(1, 2, { user: {} }));
		expect(tab1.closed).toEqual([]);
		expect(tab1.conn.clientIds.has(1)).toBe(true);
		expect(tab2.conn.clientIds.has(1)).toBe(false);
		// Nor after tab 1 has gone: its id is not tab 2's to speak for.
		r.leave(tab1.conn.ws);
		r.receive(tab2.conn, awarenessOf(1, 3, { user: {} }));
		expect(tab2.conn.clientIds.has(1)).toBe(false);
		expect(r.awareness.getStates().has(1)).toBe(false);
	});

	it('refuses a flood of presence messages from one page (each one goes to everyone in the room)', () => {
		const { room: r } = room();
		const a = connection();
		r.join(a.conn);
		// A few a second while typing is what a page sends; 130 at once fill more than one second's allowance
		// even if the loop crosses a second's edge.
		expect(() => {
			for (let clock = 1; clock <= 2 * MAX_PRESENCE_PER_SECOND + 10; clock++) r.receive(a.conn, awarenessOf(5, clock, { user: {} }));
		}).toThrow('too many presence messages');
	});

	it('counts as activity: a person following without typing stays active', () => {
		const { room: r } = room();
		const follower = connection();
		r.join(follower.conn);
		r.receive(follower.conn, awarenessOf(9, 1, { user: {} }));
		expect(Date.now() - follower.conn.lastActiveAt).toBeLessThan(1000);
	});
});

describe('limits', () => {
	it('refuses for good a message over the limit, explained, and stores nothing of it', async () => {
		const refusals: string[] = [];
		const { room: r } = room({ maxMessageBytes: 1000, onRefused: (_c, reason) => refusals.push(reason) });
		const a = connection();
		r.join(a.conn);
		r.receive(a.conn, updateMessage(edit(r.doc, 3, 'x'.repeat(5000))));
		await settle();
		expect(a.hearth.at(-1)).toEqual({ t: 'refused', reason: 'too-large' });
		expect(a.closed).toEqual([{ code: CLOSE.tooLarge, reason: 'too-large' }]);
		expect(r.doc.getText('decision').toString()).toBe('');
		expect(refusals).toEqual(['too-large']);
		// What it sends after the refusal is not taken.
		r.receive(a.conn, updateMessage(edit(r.doc, 3, 'later')));
		await settle();
		expect(r.doc.getText('decision').toString()).toBe('');
	});

	it('refuses an update that would take the document past its size', async () => {
		const { room: r } = room({ maxDocumentBytes: 2000 });
		const a = connection();
		r.join(a.conn);
		r.receive(a.conn, updateMessage(edit(r.doc, 3, 'x'.repeat(1500))));
		r.receive(a.conn, updateMessage(edit(r.doc, 3, 'y'.repeat(1500))));
		await settle();
		expect(a.hearth.slice(1)).toEqual([{ t: 'saved', n: 1 }, { t: 'refused', reason: 'document-full' }]);
		expect(a.closed[0].code).toBe(CLOSE.tooLarge);
	});

	it('refuses 3,000 nested blockquotes at the door, and keeps the document as it was', async () => {
		const { room: r } = room();
		const a = connection();
		r.join(a.conn);
		const attacker = new Y.Doc();
		nestBlockquotes(attacker.getXmlFragment('notes'), 3000);
		r.receive(a.conn, updateMessage(Y.encodeStateAsUpdate(attacker)));
		await settle();
		expect(a.hearth.at(-1)).toEqual({ t: 'refused', reason: 'shape' });
		expect(a.closed[0].code).toBe(CLOSE.malformed);
		expect(r.doc.getXmlFragment('notes').length).toBe(0);
	});
});

describe('values nested too deep for Yjs to encode again', () => {
	it('refuses them at the door (an embed or a mark in the decision text), so the document can still be sent to everyone', async () => {
		for (const how of ['embed', 'format'] as const) {
			const { room: r } = room();
			const a = connection();
			r.join(a.conn);
			r.receive(a.conn, updateMessage(edit(r.doc, 3, 'kept')));
			// 20,000 nested lists in one 40 KB message: taken, the next page to join made the process exit.
			r.receive(a.conn, updateMessage(deepValueInText(20_000, how, 'decision', 5)));
			await settle();
			expect(a.hearth.slice(1)).toEqual([{ t: 'saved', n: 1 }, { t: 'refused', reason: 'shape' }]);
			expect(a.closed[0].code).toBe(CLOSE.malformed);
			expect(r.doc.getText('decision').toString()).toBe('kept');
			expect(() => Y.encodeStateAsUpdate(r.doc)).not.toThrow();
		}
	});
});

describe('updates that would leave something pending (issue 16 item 1)', () => {
	const depthOf = (notes: Y.XmlFragment) => {
		let depth = 0;
		for (let el = notes.get(0); el instanceof Y.XmlElement; el = el.get(0)) depth++;
		return depth;
	};

	it('refuses the first chunk that hangs off an item held back, closes the socket (1007), and never stores the chain', async () => {
		const { room: r } = room({}, 'meeting:pending');
		const a = connection();
		r.join(a.conn);
		const updates = blockquoteChain(3000);
		for (const u of updates.slice(0, 50)) r.receive(a.conn, updateMessage(u));
		for (let from = 51; from < updates.length; from += 50) r.receive(a.conn, updateMessage(Y.mergeUpdates(updates.slice(from, from + 50))));
		r.receive(a.conn, updateMessage(updates[50]));
		await settle();
		// 50 saved (in however many runs), then the refusal, then nothing: what it sends after is not taken.
		const acks = a.hearth.slice(1);
		expect(acks.at(-1)).toEqual({ t: 'refused', reason: 'shape' });
		expect(acks.slice(0, -1).reduce((n, m) => n + (m.t === 'saved' ? m.n : 1000), 0)).toBe(50);
		expect(a.closed).toEqual([{ code: CLOSE.malformed, reason: 'shape' }]);
		expect(depthOf(r.doc.getXmlFragment('notes'))).toBe(50);
		expect(r.doc.store.pendingStructs).toBeNull();
		// A new connection that tries again, chunk by chunk, is refused the same way, and nothing is parked.
		const b = connection();
		r.join(b.conn);
		r.receive(b.conn, updateMessage(Y.mergeUpdates(updates.slice(100, 150))));
		await settle();
		expect(b.hearth.at(-1)).toEqual({ t: 'refused', reason: 'shape' });
		expect(r.doc.store.pendingStructs).toBeNull();
		expect(r.doc.store.pendingDs).toBeNull();
	});

	it('never acknowledges as saved an update that only the missing piece would complete', async () => {
		const { room: r } = room({}, 'meeting:pending-only');
		const a = connection();
		r.join(a.conn);
		const updates = blockquoteChain(3);
		r.receive(a.conn, updateMessage(updates[1]));
		await settle();
		expect(a.hearth.at(-1)).toEqual({ t: 'refused', reason: 'shape' });
		expect(r.doc.store.pendingStructs).toBeNull();
	});

	it('drops what a document stored before this check holds pending, so no later update completes it unchecked', async () => {
		const { room: r } = room({}, 'meeting:legacy');
		const updates = blockquoteChain(200);
		// As the document was before the fix: the chain parked behind item 0.
		Y.applyUpdate(r.doc, Y.mergeUpdates(updates.slice(1)));
		expect(r.doc.store.pendingStructs).not.toBeNull();
		const a = connection();
		r.join(a.conn);
		r.receive(a.conn, updateMessage(updates[0]));
		await settle();
		expect(a.hearth.at(-1)).toEqual({ t: 'saved', n: 1 });
		expect(depthOf(r.doc.getXmlFragment('notes'))).toBe(1);
		expect(r.doc.store.pendingStructs).toBeNull();
	});

	it('refuses deletions of items the document does not have', async () => {
		const { room: r } = room({}, 'meeting:pending-ds');
		const a = connection();
		r.join(a.conn);
		const writer = new Y.Doc();
		writer.getText('decision').insert(0, 'hello');
		const before = Y.encodeStateVector(writer);
		writer.getText('decision').delete(0, 3);
		r.receive(a.conn, updateMessage(Y.encodeStateAsUpdate(writer, before)));
		await settle();
		expect(a.hearth.at(-1)).toEqual({ t: 'refused', reason: 'shape' });
		expect(r.doc.store.pendingDs).toBeNull();
	});
});

describe('the rich-text schema and root types (issue 16 items 2 and 3)', () => {
	/** What sending `change` (made on an empty document) does: the acknowledgement and the close. */
	async function send(change: (doc: Y.Doc) => void) {
		const { room: r } = room({}, 'meeting:schema');
		const a = connection();
		r.join(a.conn);
		const doc = new Y.Doc();
		change(doc);
		r.receive(a.conn, updateMessage(Y.encodeStateAsUpdate(doc)));
		await settle();
		return { ack: a.hearth.at(-1), closed: a.closed.map((c) => c.code), notes: r.doc.getXmlFragment('notes').length };
	}
	const paragraph = (doc: Y.Doc, name = 'paragraph') => {
		const el = new Y.XmlElement(name);
		doc.getXmlFragment('notes').insert(0, [el]);
		const text = new Y.XmlText();
		el.insert(0, [text]);
		return { el, text };
	};

	it('stores what the editor writes', async () => {
		expect(await send((d) => paragraph(d).text.insert(0, 'hello', { bold: {} }))).toEqual({ ack: { t: 'saved', n: 1 }, closed: [], notes: 1 });
	});

	it.each([
		['an element named script', (d: Y.Doc) => paragraph(d, 'script')],
		['an element named with markup', (d: Y.Doc) => paragraph(d, 'p"><img src=x onerror=alert(1)>')],
		['a heading whose level is an object', (d: Y.Doc) => paragraph(d, 'heading').el.setAttribute('level', { toString: null } as unknown as string)],
		['a javascript: link', (d: Y.Doc) => paragraph(d).text.insert(0, 'click', { link: { href: 'javascript:alert(1)' } })],
		['text straight in the notes', (d: Y.Doc) => d.getXmlFragment('notes').insert(0, [new Y.XmlText('loose')])]
	])('refuses %s, and ends that page’s connection for good (4422)', async (_name, change) => {
		expect(await send(change)).toEqual({ ack: { t: 'refused', reason: 'shape' }, closed: [CLOSE.changeRefused], notes: 0 });
	});

	it.each([
		['a map key under the notes', (d: Y.Doc) => d.getMap('notes').set('x', 1)],
		['text under the agenda', (d: Y.Doc) => d.getText('agenda').insert(0, 'x')],
		['a map entry under the board', (d: Y.Doc) => d.getMap('board').set('k', 'v')]
	])('refuses %s (a root written as another type), for good (4422)', async (_name, change) => {
		const { ack, closed } = await send(change);
		expect({ ack, closed }).toEqual({ ack: { t: 'refused', reason: 'shape' }, closed: [CLOSE.changeRefused] });
	});
});

describe('the document’s kind', () => {
	it('drops a change to a root the kind does not declare, says why, and ends that page’s connection (its later changes would build on the refused one)', async () => {
		const { room: r } = room({}, 'meeting:kind');
		const a = connection();
		r.join(a.conn);
		const doc = new Y.Doc();
		doc.getMap('secret').set('x', 1);
		r.receive(a.conn, updateMessage(Y.encodeStateAsUpdate(doc)));
		await settle();
		expect(a.hearth.at(-1)).toEqual({ t: 'refused', reason: 'shape' });
		expect(a.closed.map((c) => c.code)).toEqual([CLOSE.changeRefused]);
		expect(r.doc.getMap('secret').size).toBe(0);
	});

	it('lets the server seed and change a document through the path a client’s edit takes: committed, then sent to everyone', async () => {
		const { db, room: r } = room({}, 'meeting:server');
		const a = connection();
		r.join(a.conn);
		const before = a.sent.length;
		await r.transact((doc) => doc.getXmlFragment('notes').insert(0, [new Y.XmlText('from the server')]));
		await settle();
		expect(a.sent.length).toBe(before + 1);
		// Stored: a fresh load has it, and the server's client id is claimed for the server.
		const again = new Room('meeting:server', new UpdateLog(db), new InProcessBus(), 500);
		expect(again.doc.getXmlFragment('notes').toString()).toBe('from the server');
		expect(new ClientIdOwners(db, 'meeting:server').ownerOf(r.doc.clientID)).toBe('server');
	});
});

describe('a connection whose socket fails', () => {
	/** The decision's text as `c` holds it: every document message it was sent (sync step 2, updates), applied in order. */
	const textOf = (c: { sent: Uint8Array[] }) => {
		const doc = new Y.Doc();
		for (const m of c.sent) {
			const { type, step, payload } = m[0] === 0 ? readSync(m) : { type: -1, step: -1, payload: new Uint8Array() };
			if (type === 0 && step !== 0) Y.applyUpdate(doc, payload);
		}
		return doc.getText('decision').toString();
	};

	it('is closed alone as a server error when sending to it throws on join; the room and the others carry on', async () => {
		const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
		const rejections: unknown[] = [];
		const onRejection = (reason: unknown) => rejections.push(reason);
		process.on('unhandledRejection', onRejection);
		try {
			const { room: r } = room({}, 'scratch:broken');
			const dana = connection(false, { owner: 'u:dana' });
			r.join(dana.conn);
			r.receive(dana.conn, awarenessOf(11, 1, { user: { name: 'Dana' } }));
			r.receive(dana.conn, updateMessage(edit(r.doc, 11, 'Before. ')));
			await settle();
			// A socket that closed mid-join: every send throws. It joins with its state vector (sync step 2 is
			// sent once the log has committed), and before the connection that follows it.
			const broken = connection(false, { owner: 'u:gone' });
			broken.conn.ws.send = () => {
				throw new Error('WebSocket is not open');
			};
			expect(() => r.join(broken.conn, Y.encodeStateVector(new Y.Doc()))).not.toThrow();
			const sam = connection(false, { owner: 'u:sam' });
			r.join(sam.conn, Y.encodeStateVector(new Y.Doc()));
			await settle();
			expect(broken.closed[0]).toEqual({ code: CLOSE.internal, reason: 'internal error' });
			expect(errors).toHaveBeenCalled();
			// Sam was sent the document and Dana's presence on join.
			expect(textOf(sam)).toBe('Before. ');
			expect(sam.sent.flatMap(awarenessClients)).toContain(11);
			// Dana's next edit and presence reach Sam, though the broken socket (still in the room until its
			// close event) comes first in the room and throws again.
			r.receive(dana.conn, updateMessage(edit(r.doc, 11, 'After.')));
			r.receive(dana.conn, awarenessOf(11, 2, { cursor: { anchor: 3 } }));
			await settle();
			expect(textOf(sam)).toBe('Before. After.');
			expect(sam.sent.flatMap(awarenessClients)).toEqual([11, 11]);
			expect(dana.hearth.at(-1)).toEqual({ t: 'saved', n: 1 });
			expect(dana.closed).toEqual([]);
			expect(sam.closed).toEqual([]);
			// The broken one leaves; the room still works.
			expect(r.leave(broken.conn.ws)).toBe(false);
			expect(r.doc.getText('decision').toString()).toBe('Before. After.');
			expect(rejections).toEqual([]);
		} finally {
			process.off('unhandledRejection', onRejection);
			errors.mockRestore();
		}
	});

	it('is closed alone when encoding what it lacks throws on join (a state vector that cannot be read), never as an unhandled rejection', async () => {
		const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
		const rejections: unknown[] = [];
		const onRejection = (reason: unknown) => rejections.push(reason);
		process.on('unhandledRejection', onRejection);
		try {
			const { room: r } = room({}, 'scratch:unreadable');
			const dana = connection(false, { owner: 'u:dana' });
			r.join(dana.conn);
			r.receive(dana.conn, updateMessage(edit(r.doc, 31, 'Kept.')));
			await settle();
			const odd = connection(false, { owner: 'u:odd' });
			r.join(odd.conn, new Uint8Array([0xff, 0xff, 0xff]));
			await settle();
			expect(odd.closed).toEqual([{ code: CLOSE.internal, reason: 'internal error' }]);
			expect(errors).toHaveBeenCalledWith(expect.stringContaining('scratch:unreadable'), expect.anything());
			r.receive(dana.conn, updateMessage(edit(r.doc, 31, ' Still.')));
			await settle();
			expect(dana.hearth.at(-1)).toEqual({ t: 'saved', n: 1 });
			expect(r.doc.getText('decision').toString()).toBe('Kept. Still.');
			expect(rejections).toEqual([]);
		} finally {
			process.off('unhandledRejection', onRejection);
			errors.mockRestore();
		}
	});

	it('is closed alone when answering its sync step 1 throws, and acknowledgements to the others go on', async () => {
		const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
		const rejections: unknown[] = [];
		const onRejection = (reason: unknown) => rejections.push(reason);
		process.on('unhandledRejection', onRejection);
		try {
			const { room: r } = room({}, 'scratch:broken-later');
			const dana = connection(false, { owner: 'u:dana' });
			const broken = connection(false, { owner: 'u:gone' });
			r.join(broken.conn);
			r.join(dana.conn);
			// The socket fails after joining: its sync step 1 is answered after the commit, and throws there.
			broken.conn.ws.send = () => {
				throw new Error('send failed');
			};
			r.receive(broken.conn, stepOneOf(new Y.Doc()));
			r.receive(dana.conn, updateMessage(edit(r.doc, 21, 'Still saved.')));
			await settle();
			expect(broken.closed[0]).toEqual({ code: CLOSE.internal, reason: 'internal error' });
			expect(dana.hearth.at(-1)).toEqual({ t: 'saved', n: 1 });
			expect(dana.closed).toEqual([]);
			expect(rejections).toEqual([]);
		} finally {
			process.off('unhandledRejection', onRejection);
			errors.mockRestore();
		}
	});
});
