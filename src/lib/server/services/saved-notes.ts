import { writeAudit } from '../audit.ts';
import { newId } from '../ids.ts';
import { EARLY_SOCKET_SCRIPT } from '../../collab/early-socket-script.js';
import { escapeHtml, notesToHtml } from '../../domain/notes-html.ts';
import { loadStoredDocument, storedVersion } from '../collab/stored.ts';
import { docIdSchema, docName } from '../../domain/doc-id.ts';
import { notesOf } from '../../domain/meeting-doc.ts';
import { documentAccess } from './documents.ts';
import type { RequestContext, Result } from './access.ts';

// The saved notes of a shared document as read-only HTML, for the meeting page to show at first paint
// (and without JavaScript) until the live editor takes over. Read from what is committed in SQLite (the
// compacted state, then the log after it, in order: UpdateLog.load), never from a room in memory, so
// it is what every socket would be sent. Access is the collab server's own question to the one policy
// (documentAccess): a page never shows notes whose socket would be refused.

/**
 * Past this size stored, a page does not render the notes into its HTML: the live editor shows them once
 * it has synced. Loading and rendering is about 0.2 ms per KB of typed notes on this machine (a 277 KB
 * meeting's notes: 50 ms), and a page view must not hold the server for long (issue 17).
 */
export const SAVED_NOTES_MAX_BYTES = 1024 * 1024;

/** Rendered notes by document, while what is stored has not changed (version: snapshot time and last row). */
const rendered = new Map<string, { version: string; html: string }>();
const RENDERED_MAX_CHARS = 16 * 1024 * 1024;
let renderedChars = 0;

function remember(docId: string, version: string, html: string): void {
	const before = rendered.get(docId);
	if (before) renderedChars -= before.html.length;
	rendered.delete(docId);
	rendered.set(docId, { version, html });
	renderedChars += html.length;
	// Oldest first out, until the cache is within its size.
	for (const [key, entry] of rendered) {
		if (renderedChars <= RENDERED_MAX_CHARS) break;
		rendered.delete(key);
		renderedChars -= entry.html.length;
	}
}

/**
 * The saved notes of `docId` as read-only HTML for this person, or null when they are too large to put in
 * a page (SAVED_NOTES_MAX_BYTES: the live editor shows them). Refused (and audited) exactly as the
 * document's socket would be.
 */
export async function savedNotesHtml(ctx: RequestContext, docId: string): Promise<Result<string | null>> {
	const parsed = docIdSchema.safeParse(docId);
	const ref = parsed.success ? parsed.data : null;
	const access = ref ? await documentAccess(ctx.db, ctx.actor, ref) : null;
	await writeAudit(ctx.db, {
		actor: ctx.actor,
		action: 'document.read',
		resourceType: 'document',
		resourceId: ref ? docName(ref) : docId.slice(0, 64),
		caseId: access?.caseId ?? null,
		outcome: access?.ok ? 'allowed' : 'denied',
		clientAddress: ctx.clientAddress,
		sessionId: ctx.sessionId,
		detail: !access ? { why: 'bad-document-id' } : access.ok ? undefined : { why: access.reason }
	});
	if (!ref || !access?.ok) return { ok: false, reason: ctx.actor.kind === 'anonymous' ? 'not-signed-in' : 'forbidden' };
	const name = docName(ref);
	const { version, bytes } = await storedVersion(ctx.db, name);
	if (bytes > SAVED_NOTES_MAX_BYTES) return { ok: true, value: null };
	const cached = rendered.get(name);
	if (cached?.version === version) return { ok: true, value: cached.html };
	const doc = await loadStoredDocument(ctx.db, name);
	try {
		const html = notesToHtml(notesOf(doc));
		remember(name, version, html);
		return { ok: true, value: html };
	} finally {
		doc.destroy();
	}
}

/**
 * The notes go into the page's HTML once. Returned from a `load`, SvelteKit would also serialize them
 * into the page for hydration: the notes twice over (a 200 KB document, 400 KB on a phone). So the page
 * data carries only a slot, a random name for an element the notes component renders empty and never
 * fills (Svelte's hydration leaves the children of an element it renders empty alone), and
 * hooks.server.ts puts the notes in that element as the page's HTML leaves the server. The name is random
 * per response so that nothing a person typed elsewhere on the page can pose as the slot.
 */
export type SavedNotesSlot = { slot: string; html: string; docId: string };

export function savedNotesSlot(docId: string, html: string): SavedNotesSlot {
	return { slot: newId(), html, docId };
}

/** The page's HTML with the notes inside the slot's element (unchanged when the slot is not in it). */
export function fillSavedNotesSlot(page: string, { slot, html }: SavedNotesSlot): string {
	const marker = page.indexOf(`data-saved-notes="${slot}"`);
	if (marker < 0) return page;
	const tagEnd = page.indexOf('>', marker);
	if (tagEnd < 0) return page;
	return page.slice(0, tagEnd + 1) + html + page.slice(tagEnd + 1);
}

/**
 * The page's HTML with the inline script that opens the notes' socket before the page's JavaScript
 * arrives (early-socket-script.js), first in <head>: ahead of the stylesheets, which an inline script
 * would otherwise wait for. Allowed by its hash in the Content Security Policy (svelte.config.js).
 */
export function withEarlySocket(page: string, docId: string): string {
	const script = `<script data-notes-doc="${escapeHtml(docId)}">${EARLY_SOCKET_SCRIPT}</script>`;
	const charset = /<meta charset="utf-8"\s*\/?>/i.exec(page);
	if (charset) return page.slice(0, charset.index + charset[0].length) + script + page.slice(charset.index + charset[0].length);
	const head = page.indexOf('</head>');
	return head < 0 ? page : page.slice(0, head) + script + page.slice(head);
}
