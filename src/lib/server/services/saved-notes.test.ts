import { beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import * as Y from 'yjs';
import { createHash } from 'node:crypto';
import { testContext, testDatabase } from '../../../../tests/support/db';
import type { Db } from '../db/index.ts';
import { auditEvents, collabSnapshots, collabUpdates, users } from '../db/schema.ts';
import { staffActor } from '../auth/session.ts';
import { notesOf } from '../../domain/meeting-doc.ts';
import type { Actor } from '../../domain/policy.ts';
import { EARLY_SOCKET_SCRIPT } from '../../collab/early-socket-script.js';
import { seedDemo } from './seed.ts';
import { fillSavedNotesSlot, SAVED_NOTES_MAX_BYTES, savedNotesHtml, savedNotesSlot, withEarlySocket } from './saved-notes.ts';
import type { RequestContext } from './access.ts';

let db: Db;
let docId: string;

function ctx(actor: Actor): RequestContext {
	return testContext(db, actor);
}

function staff(email: string): Promise<Actor> {
	const user = db.select().from(users).where(eq(users.email, email)).get()!;
	return staffActor(db, user);
}

/** A paragraph in the notes, as the editor writes it: the update that adds it, on top of `doc`. */
function paragraphUpdate(doc: Y.Doc, text: string): Uint8Array {
	const before = Y.encodeStateVector(doc);
	const p = new Y.XmlElement('paragraph');
	p.insert(0, [new Y.XmlText(text)]);
	notesOf(doc).push([p]);
	return Y.encodeStateAsUpdate(doc, before);
}

beforeAll(async () => {
	db = testDatabase();
	const seeded = await seedDemo(db);
	docId = `meeting:${seeded!.meetingId}`;
	// Committed state as the collab server leaves it: a compacted snapshot, then the log after it. A row
	// at or before the snapshot's id is already in it (its deletion comes later) and must not count twice.
	const writer = new Y.Doc();
	const first = paragraphUpdate(writer, 'Grandma Rosa can drive on Tuesdays.');
	const stale = db.insert(collabUpdates).values({ docId, update: Buffer.from(first), createdAt: 0 }).returning({ id: collabUpdates.id }).get();
	db.insert(collabSnapshots).values({ docId, state: Buffer.from(Y.encodeStateAsUpdate(writer)), throughUpdateId: stale.id, updatedAt: 0 }).run();
	db.insert(collabUpdates).values({ docId, update: Buffer.from(paragraphUpdate(writer, 'School <b>meeting</b> moved to Friday.')), createdAt: 0 }).run();
});

describe('saved notes of a shared document', () => {
	it('reads the committed state (snapshot, then the log after it) as HTML, for someone who may open the document', async () => {
		const result = await savedNotesHtml(ctx(await staff('caseworker@demo.test')), docId);
		expect(result).toEqual({ ok: true, value: '<p>Grandma Rosa can drive on Tuesdays.</p><p>School &lt;b&gt;meeting&lt;/b&gt; moved to Friday.</p>' });
	});

	it('refuses, through the same policy as the socket, anyone who may not open it, and audits both answers', async () => {
		expect(await savedNotesHtml(ctx(await staff('outsider@demo.test')), docId)).toEqual({ ok: false, reason: 'forbidden' });
		expect(await savedNotesHtml(ctx(await staff('admin@demo.test')), docId)).toEqual({ ok: false, reason: 'forbidden' });
		expect(await savedNotesHtml(ctx({ kind: 'anonymous' }), docId)).toEqual({ ok: false, reason: 'not-signed-in' });
		expect(await savedNotesHtml(ctx(await staff('caseworker@demo.test')), 'meeting:aaaaaaaaaaaaaaaaaaaaaaaa')).toEqual({ ok: false, reason: 'forbidden' });
		expect(await savedNotesHtml(ctx(await staff('caseworker@demo.test')), '../etc/passwd')).toEqual({ ok: false, reason: 'forbidden' });
		const rows = db.select({ outcome: auditEvents.outcome }).from(auditEvents).where(and(eq(auditEvents.action, 'document.read'), eq(auditEvents.resourceId, docId))).all();
		expect(rows.map((r) => r.outcome).sort()).toEqual(['allowed', 'denied', 'denied', 'denied']);
	});
	it('skips an unreadable row, as the collab room does, instead of failing the page', async () => {
		const bad = db.insert(collabUpdates).values({ docId, update: Buffer.from([0xff, 0xff, 0xff, 0x07]), createdAt: 0 }).returning({ id: collabUpdates.id }).get();
		try {
			const result = await savedNotesHtml(ctx(await staff('caseworker@demo.test')), docId);
			expect(result).toEqual({ ok: true, value: '<p>Grandma Rosa can drive on Tuesdays.</p><p>School &lt;b&gt;meeting&lt;/b&gt; moved to Friday.</p>' });
		} finally {
			db.delete(collabUpdates).where(eq(collabUpdates.id, bad.id)).run();
		}
	});
});

describe('saved notes that are large or unchanged', () => {
	it('are read once while nothing new is stored, and again after a change', async () => {
		const first = await savedNotesHtml(ctx(await staff('caseworker@demo.test')), docId);
		const writer = new Y.Doc();
		const row = db.insert(collabUpdates).values({ docId, update: Buffer.from(paragraphUpdate(writer, 'One more line.')), createdAt: 0 }).returning({ id: collabUpdates.id }).get();
		try {
			const after = await savedNotesHtml(ctx(await staff('caseworker@demo.test')), docId);
			// (Where the line lands depends on this writer's random client id: it saw no earlier line.)
			expect(after.ok && after.value).toContain('<p>One more line.</p>');
			expect(after.ok && after.value).toContain((first.ok && first.value) || 'first');
		} finally {
			db.delete(collabUpdates).where(eq(collabUpdates.id, row.id)).run();
		}
	});

	it('are left to the live editor past SAVED_NOTES_MAX_BYTES, so a page view never holds the server long (issue 17)', async () => {
		const writer = new Y.Doc();
		const row = db
			.insert(collabUpdates)
			.values({ docId, update: Buffer.from(paragraphUpdate(writer, 'x'.repeat(SAVED_NOTES_MAX_BYTES))), createdAt: 0 })
			.returning({ id: collabUpdates.id })
			.get();
		try {
			expect(await savedNotesHtml(ctx(await staff('caseworker@demo.test')), docId)).toEqual({ ok: true, value: null });
		} finally {
			db.delete(collabUpdates).where(eq(collabUpdates.id, row.id)).run();
		}
	});
});

describe('the notes go into the page once', () => {
	it('fills the element that carries the slot, and nothing else', async () => {
		const saved = savedNotesSlot(docId, '<p>notes</p>');
		expect(saved.slot).toMatch(/^[a-z2-7]{24}$/);
		// Random per response: nothing typed elsewhere on the page can name it in advance.
		expect(savedNotesSlot(docId, '').slot).not.toBe(saved.slot);
		const page = `<h2>Shared notes</h2><div class="notes-saved svelte-x" data-saved-notes="${saved.slot}"></div><div class="editor-host" hidden></div>`;
		expect(fillSavedNotesSlot(page, saved)).toBe(`<h2>Shared notes</h2><div class="notes-saved svelte-x" data-saved-notes="${saved.slot}"><p>notes</p></div><div class="editor-host" hidden></div>`);
		expect(fillSavedNotesSlot('<div data-saved-notes="other"></div>', saved)).toBe('<div data-saved-notes="other"></div>');
	});

	it('puts the socket-opening script first in <head>, before the stylesheets it would wait for', async () => {
		const page = '<!doctype html><html><head><meta charset="utf-8" /><link rel="stylesheet" href="/a.css"></head><body></body></html>';
		const out = withEarlySocket(page, docId);
		expect(out).toBe(page.replace('<meta charset="utf-8" />', `<meta charset="utf-8" /><script data-notes-doc="${docId}">${EARLY_SOCKET_SCRIPT}</script>`));
		expect(withEarlySocket('<head></head>', 'a"b')).toContain('data-notes-doc="a&quot;b"');
	});

	it('asks the socket for the whole document: `?sv=AA` is an empty document’s state vector', async () => {
		expect(Buffer.from(Y.encodeStateVector(new Y.Doc())).toString('base64url')).toBe('AA');
		expect(EARLY_SOCKET_SCRIPT).toContain('?sv=AA');
		// svelte.config.js allows the script by this hash; a change to the text changes both.
		expect(createHash('sha256').update(EARLY_SOCKET_SCRIPT).digest('base64')).toMatch(/^[A-Za-z0-9+/]{43}=$/);
	});
});
