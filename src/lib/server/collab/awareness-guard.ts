import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

// Awareness is where a client says who it is ("user": name, colour) and where its cursor is. A client
// could claim to be someone else, or overwrite another client's presence: rewrite every entry so that
// `user` comes from the session, and drop entries for client ids this connection does not own.

export type AwarenessUser = { name: string; color: string; role: string };

export type AwarenessEntry = { clientId: number; clock: number; state: Record<string, unknown> | null };

/**
 * The most one presence state may hold, as JSON: a page's presence is its `user` (name, colour, role, which
 * the server rewrites anyway) and its cursor (two Yjs relative positions), a few hundred bytes nested four
 * deep. Anything bigger or deeper is not a page's presence: it would only be relayed to everyone in the
 * room (a 1 MB state to each of them), or overflow the stack of whoever serialises it.
 */
export const MAX_AWARENESS_STATE_CHARS = 4096;
export const MAX_AWARENESS_STATE_DEPTH = 8;

/** How deeply `json` nests objects and arrays (brackets inside strings do not count). */
export function jsonDepth(json: string): number {
	let depth = 0;
	let deepest = 0;
	let inString = false;
	for (let i = 0; i < json.length; i++) {
		const c = json.charCodeAt(i);
		if (inString) {
			if (c === 0x5c) i++; // backslash: skip the escaped character
			else if (c === 0x22) inString = false;
		} else if (c === 0x22) inString = true;
		else if (c === 0x7b || c === 0x5b) deepest = Math.max(deepest, ++depth);
		else if (c === 0x7d || c === 0x5d) depth--;
	}
	return deepest;
}

/**
 * Reads one awareness update (y-protocols' encoding: count, then per entry client id, clock, state as
 * JSON). Throws on anything that is not well formed, on more than 64 entries, and on a state over
 * MAX_AWARENESS_STATE_CHARS characters or nested deeper than MAX_AWARENESS_STATE_DEPTH (checked before it
 * is parsed).
 */
export function decodeAwarenessUpdate(update: Uint8Array): AwarenessEntry[] {
	const decoder = decoding.createDecoder(update);
	const count = decoding.readVarUint(decoder);
	if (count > 64) throw new Error('too many awareness entries');
	const entries: AwarenessEntry[] = [];
	for (let i = 0; i < count; i++) {
		const clientId = decoding.readVarUint(decoder);
		const clock = decoding.readVarUint(decoder);
		const text = decoding.readVarString(decoder);
		if (text.length > MAX_AWARENESS_STATE_CHARS) throw new Error('awareness state too large');
		if (jsonDepth(text) > MAX_AWARENESS_STATE_DEPTH) throw new Error('awareness state nested too deep');
		const json: unknown = JSON.parse(text);
		if (json !== null && (typeof json !== 'object' || Array.isArray(json))) throw new Error('awareness state is not an object');
		entries.push({ clientId, clock, state: json as Record<string, unknown> | null });
	}
	if (decoding.hasContent(decoder)) throw new Error('trailing bytes after awareness update');
	return entries;
}

export function encodeAwarenessUpdate(entries: AwarenessEntry[]): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, entries.length);
	for (const e of entries) {
		encoding.writeVarUint(encoder, e.clientId);
		encoding.writeVarUint(encoder, e.clock);
		encoding.writeVarString(encoder, JSON.stringify(e.state));
	}
	return encoding.toUint8Array(encoder);
}

/** A client's Y.Doc may pick a new client id (rare); a few per connection is plenty. */
export const MAX_CLIENT_IDS_PER_CONNECTION = 4;

/**
 * Keeps the entries this connection may speak for, with `user` forced to the session's identity.
 * `owned` is the connection's set of client ids (grown here); `ownedElsewhere` says whether another
 * connection already speaks for an id.
 */
export function guardAwareness(
	entries: AwarenessEntry[],
	owned: Set<number>,
	ownedElsewhere: (clientId: number) => boolean,
	user: AwarenessUser
): AwarenessEntry[] {
	const kept: AwarenessEntry[] = [];
	for (const e of entries) {
		if (!owned.has(e.clientId)) {
			if (owned.size >= MAX_CLIENT_IDS_PER_CONNECTION || ownedElsewhere(e.clientId)) continue;
			owned.add(e.clientId);
		}
		kept.push({ ...e, state: e.state === null ? null : { ...e.state, user } });
	}
	return kept;
}
