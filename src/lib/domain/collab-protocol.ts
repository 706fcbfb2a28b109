// Hearth's own words on the collab socket, next to the y-websocket protocol (message types 0-3: sync,
// awareness, auth, query awareness). The browser and the server both use this module. Stock y-websocket
// clients ignore a message type they do not know (it is logged and dropped), so nothing here breaks them.
//
// Why: the stock protocol never says whether an edit was stored, nor why one was not. Without that a page
// cannot tell a person "saved" truthfully, cannot warn before a reload loses unsaved typing, and cannot
// explain a refusal (issue 16 items 5 and 7; Hocuspocus has the same kind of message, `SyncStatus`).

/** The message type of Hearth's own messages (y-websocket uses 0-3; Hocuspocus up to 9). */
export const MESSAGE_HEARTH = 100;

/** Why the server did not store something a connection sent. Codes: each page words them in the reader's language. */
export const REFUSAL_REASONS = [
	/** This connection may read the document, not change it. */
	'read-only',
	/** One message over the size the server takes (COLLAB_MAX_MESSAGE_BYTES). */
	'too-large',
	/** The document reached its size limit (COLLAB_MAX_DOCUMENT_BYTES). */
	'document-full',
	/** A shape the editor cannot produce (nesting too deep, an unknown element). */
	'shape',
	/** Structs written under a Yjs client id that belongs to someone else in this document. */
	'client-id',
	/** A person who must be kept apart from the writer is in this document. */
	'keep-apart'
] as const;
export type RefusalReason = (typeof REFUSAL_REASONS)[number];

/**
 * Server → client.
 * - `saved`: the next `n` sync messages this connection sent (sync step 2 and updates, in the order sent)
 *   are committed to storage, or brought nothing new. Every such message gets exactly one `saved` or
 *   `refused`, in order.
 * - `refused`: the next sync message this connection sent was not stored, for `reason`.
 * - `access`: what this connection may do with the document now (sent on join, and when it changes).
 * - `break-asked`: someone asked for a break, quietly (sent to the meeting's facilitator only).
 * - `acted`: the answer to this connection's action `id` (HearthAction): `problem` null when it was done,
 *   else a code the page words (the same codes its form action answers with; `forbidden`, `not-found`,
 *   `not-signed-in` when the policy refused; `busy` when the connection sent too many at once).
 */
export type HearthMessage =
	| { t: 'saved'; n: number }
	| { t: 'refused'; reason: RefusalReason }
	| { t: 'access'; access: 'read' | 'write' }
	| { t: 'acted'; id: number; problem: string | null }
	/** To the person running the meeting only: `name` asked for a break (a socket action `break`; nobody else is told). */
	| { t: 'break-asked'; name: string };

/**
 * The socket actions: a page sends what its form would post, over the document's socket that is open
 * already. A stage move then reaches every screen as fast as a keystroke (no HTTP request, session
 * cookie and page action on the way), and goes through the same service and policy as the form
 * (services/agenda.ts). The form stays for pages without JavaScript and sockets that are down.
 */
export const SOCKET_ACTIONS = ['agenda', 'break'] as const;
export type SocketAction = (typeof SOCKET_ACTIONS)[number];

/**
 * Client → server: do `action` on this connection's document with `fields` (a form's fields, strings),
 * and answer `acted` with the same `id` (a positive integer the page chooses, unique per socket).
 */
export type HearthAction = { t: 'act'; id: number; action: SocketAction; fields: Record<string, string> };

/** Most fields, and the longest value, an action carries (an agenda stage's title is 120 characters). */
export const MAX_ACTION_FIELDS = 16;
export const MAX_ACTION_VALUE = 400;

/**
 * The shape check of a Hearth message, by hand rather than with zod: the page's notes connection decodes
 * these, and zod would add ~7 KB gzipped to the JavaScript a phone loads before the editor (its budget is
 * 90 KB, tests/unit/bundle-budget.test.ts). Takes anything parsed from JSON; returns the message or null.
 */
function asHearthMessage(value: unknown): HearthMessage | null {
	if (typeof value !== 'object' || value === null) return null;
	const v = value as Record<string, unknown>;
	const keys = Object.keys(v).length;
	if (v.t === 'saved' && keys === 2 && Number.isInteger(v.n) && (v.n as number) >= 1 && (v.n as number) <= 1_000_000) return { t: 'saved', n: v.n as number };
	if (v.t === 'refused' && keys === 2 && REFUSAL_REASONS.includes(v.reason as RefusalReason)) return { t: 'refused', reason: v.reason as RefusalReason };
	if (v.t === 'access' && keys === 2 && (v.access === 'read' || v.access === 'write')) return { t: 'access', access: v.access };
	if (v.t === 'acted' && keys === 3 && Number.isInteger(v.id) && (v.id as number) >= 1 && (v.problem === null || (typeof v.problem === 'string' && /^[a-z-]{1,40}$/.test(v.problem))))
		return { t: 'acted', id: v.id as number, problem: v.problem as string | null };
	if (v.t === 'break-asked' && keys === 2 && typeof v.name === 'string' && v.name.length <= 200) return { t: 'break-asked', name: v.name };
	return null;
}

/**
 * WebSocket close codes the collab server uses. 4400-4499 are final: the y-websocket provider stops
 * reconnecting (its default `shouldReconnect`), and the page says why. Others reconnect.
 */
export const CLOSE = {
	malformed: 1007,
	policy: 1008,
	tooBig: 1009,
	internal: 1011,
	restart: 1012,
	/** The connection's access or the people around it changed: reconnect and be let in afresh. */
	accessChanged: 4000,
	/** Final: the session ended (signed out, expired). */
	sessionEnded: 4401,
	/** Final: access to this document ended. */
	accessRevoked: 4403,
	/** Final: a Yjs client id that belongs to someone else. */
	clientIdTaken: 4409,
	/** Final: a message or the document is over its size limit; resending it cannot help. */
	tooLarge: 4413,
	/**
	 * Final: a change broke a rule of the document's kind (doc-kinds.ts). The page's document now holds it
	 * and every later change of that page builds on it, so none of them could be stored: the page must
	 * start again from the stored document (reload).
	 */
	changeRefused: 4422,
	/** Final: the same session has too many sockets open. */
	tooManyConnections: 4429
} as const;

/**
 * The largest single change (a paste, a drop, typing) the notes editor lets into the document, in UTF-8
 * bytes of its text plus a small allowance per element (notes-editor.ts). Well under the server's 1 MiB per
 * message (COLLAB_MAX_MESSAGE_BYTES), so an edit the page takes is never one the server must refuse: a
 * refusal there ends the connection for good (issue 16.5).
 */
export const MAX_EDIT_BYTES = 256 * 1024;

/** True for close codes after which the provider does not reconnect. */
export function isFinalClose(code: number): boolean {
	return code >= 4400 && code < 4500;
}

/** The bytes of one Hearth message (either way): the message type, a version byte, then the message as JSON. */
export function encodeHearthMessage(message: HearthMessage | HearthAction): Uint8Array<ArrayBuffer> {
	const json = new TextEncoder().encode(JSON.stringify(message));
	const out = new Uint8Array(json.length + 2);
	// MESSAGE_HEARTH (100) as a varUint is one byte; the JSON's length follows as the rest of the frame.
	out[0] = MESSAGE_HEARTH;
	out[1] = 0; // version
	out.set(json, 2);
	return out;
}

/**
 * Reads the body of a Hearth message (what follows the type byte), or null when it is not one this
 * version understands (a newer server may say more; an older page ignores it).
 */
export function decodeHearthMessage(body: Uint8Array): HearthMessage | null {
	if (body.length < 1 || body[0] !== 0) return null;
	try {
		return asHearthMessage(JSON.parse(new TextDecoder().decode(body.subarray(1))));
	} catch {
		return null;
	}
}
