import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import type { WebSocket } from 'ws';
import { applyStored, type UpdateLog } from './update-log.ts';
import type { Bus } from './bus.ts';
import { CLOSE, encodeHearthMessage } from '../../domain/collab-protocol.ts';
import { COMPRESSION_THRESHOLD, releaseDeflate } from './zlib-release.ts';
import {
	decodeAwarenessUpdate,
	encodeAwarenessUpdate,
	guardAwareness,
	type AwarenessUser
} from './awareness-guard.ts';

// The y-websocket wire protocol (what the stock WebsocketProvider speaks).
export const MESSAGE_SYNC = 0;
export const MESSAGE_AWARENESS = 1;
export const MESSAGE_AUTH = 2;
export const MESSAGE_QUERY_AWARENESS = 3;
const SYNC_STEP1 = 0;
const SYNC_STEP2 = 1;
const SYNC_UPDATE = 2;

/** WebSocket close codes: shared with the browser (src/lib/domain/collab-protocol.ts). */
export { CLOSE };

export class ProtocolError extends Error {
	readonly code: number;
	constructor(code: number, message: string) {
		super(message);
		this.code = code;
	}
}

export type Connection = {
	ws: WebSocket;
	readOnly: boolean;
	user: AwarenessUser;
	/** The staff user's id, or the person's id for a participant (what closeUser matches). */
	userId: string;
	sessionId: string;
	role: string;
	clientIds: Set<number>;
	lastActiveAt: number;
	/** The case the document belongs to (what accessChanged(caseId) matches). */
	caseId: string;
	/** A participant's person on the case; null for staff. */
	personId: string | null;
	/** People this connection's person must be kept apart from: they never see each other here. */
	keepApartWith: ReadonlySet<string>;
	/** The server's state vector when it sent this client the document on join (see join()). */
	sentOnJoin?: Map<number, number>;
};

const LOADED = Symbol('loaded');

/**
 * One shared document in memory, with the connections editing or following it.
 *
 * The document is held live (a Y.Doc) while people type into it, and as its encoded state once nobody has
 * for `restMs`: a Y.Doc takes about ten times its encoded size (a 30-page plan: 1.4 MB for 135 KB, the
 * same in y-websocket's and Hocuspocus's servers), and most open documents are being read, not typed
 * into. A resting document answers sync from its encoded state (Y.diffUpdate) and wakes up, in one
 * applyUpdate, at the first update that brings something new.
 */
export class Room {
	readonly docId: string;
	readonly awareness: awarenessProtocol.Awareness;
	readonly connections = new Map<WebSocket, Connection>();
	private readonly log: UpdateLog;
	private readonly bus: Bus;
	private readonly unsubscribe: () => void;
	private lastLoggedId = 0;
	private loggedSinceCompaction = 0;
	private readonly compactAfter: number;
	private readonly restMs: number;
	/** Exactly one of these holds the document. */
	private live: Y.Doc | null = null;
	private resting: { state: Uint8Array; vector: Uint8Array } | null = null;
	private lastEditAt = 0;
	private restTimer: ReturnType<typeof setTimeout> | undefined;
	private destroyed = false;
	unloadTimer: ReturnType<typeof setTimeout> | undefined;

	/**
	 * `compactAfter` is the mean number of logged updates between compactions; each room draws its own
	 * threshold within ± `jitter` of it, so that meetings that started together do not all encode their
	 * state in the same second (150 did, in tests/bench: the loop was held for 1.2 s). `restMs`: how long
	 * after the last edit the document is kept as its encoded state only (Infinity: never).
	 */
	constructor(docId: string, log: UpdateLog, bus: Bus, compactAfter: number, opts: { jitter?: number; restMs?: number } = {}) {
		this.docId = docId;
		this.log = log;
		this.bus = bus;
		const jitter = opts.jitter ?? 0.25;
		this.compactAfter = Math.max(1, Math.round(compactAfter * (1 - jitter + 2 * jitter * Math.random())));
		this.restMs = opts.restMs ?? 30_000;
		// Presence needs a Y.Doc only for its own client id (the server has no presence of its own).
		this.awareness = new awarenessProtocol.Awareness(new Y.Doc());
		this.awareness.setLocalState(null);

		// Load = compacted state + the log after it. Synchronous (better-sqlite3), so the room is complete
		// before it answers anyone's first sync step. A snapshot alone is already the resting form.
		const stored = log.load(docId);
		const { snapshot, updates } = stored;
		this.lastLoggedId = updates.at(-1)?.id ?? 0;
		this.loggedSinceCompaction = updates.length;
		if (updates.length === 0) {
			const state = snapshot ?? Y.encodeStateAsUpdate(new Y.Doc());
			this.resting = { state, vector: Y.encodeStateVectorFromUpdate(state) };
		} else {
			const doc = applyStored(new Y.Doc(), docId, stored, LOADED);
			this.goLive(doc);
		}

		this.awareness.on(
			'update',
			({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }, origin: unknown) => {
				const changed = added.concat(updated, removed);
				if (changed.length === 0) return;
				const message = encoding.createEncoder();
				encoding.writeVarUint(message, MESSAGE_AWARENESS);
				encoding.writeVarUint8Array(message, awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed));
				this.bus.publish(docId, { kind: 'awareness', payload: encoding.toUint8Array(message), origin });
			}
		);

		this.unsubscribe = bus.subscribe(docId, ({ kind, payload, origin }) => {
			for (const conn of this.connections.values()) {
				// The sender already has its own update; everyone (the sender too) gets awareness.
				if (kind === 'update' && conn === origin) continue;
				send(conn.ws, payload);
			}
		});
	}

	/** The live document, woken from its encoded state if it was resting. */
	get doc(): Y.Doc {
		if (this.live) return this.live;
		const doc = new Y.Doc();
		Y.applyUpdate(doc, this.resting!.state, LOADED);
		this.resting = null;
		return this.goLive(doc);
	}

	/** True while the document is held only as its encoded state. */
	get isResting(): boolean {
		return this.live === null;
	}

	private goLive(doc: Y.Doc): Y.Doc {
		this.live = doc;
		this.lastEditAt = Date.now();
		this.scheduleRest();
		doc.on('update', (update: Uint8Array, origin: unknown) => {
			if (origin === LOADED) return;
			this.lastEditAt = Date.now();
			// Durable before broadcast: nobody sees this update until its row is committed.
			this.log.append(this.docId, update).then(
				(id) => {
					this.lastLoggedId = Math.max(this.lastLoggedId, id);
					this.bus.publish(this.docId, { kind: 'update', payload: syncMessage(SYNC_UPDATE, update), origin });
					if (++this.loggedSinceCompaction >= this.compactAfter) this.compact();
				},
				(err) => {
					console.error(`collab: could not store an update of ${this.docId}`, err);
					// The sender's edit is not saved: make it reconnect and resend (Yjs sync does that).
					const conn = origin && typeof origin === 'object' && 'ws' in origin ? this.connections.get((origin as Connection).ws) : undefined;
					if (conn) conn.ws.close(CLOSE.internal, 'could not save');
				}
			);
		});
		return doc;
	}

	private scheduleRest(delay = this.restMs): void {
		if (this.restTimer || !Number.isFinite(this.restMs)) return;
		this.restTimer = setTimeout(() => {
			this.restTimer = undefined;
			if (!this.live || this.destroyed) return;
			const idleFor = Date.now() - this.lastEditAt;
			if (idleFor < this.restMs) return this.scheduleRest(this.restMs - idleFor);
			// Only what is committed may rest: wait for the updates still on their way to disk.
			this.log.committed().then(() => {
				if (!this.live || this.destroyed) return;
				const idle = Date.now() - this.lastEditAt;
				if (idle < this.restMs) this.scheduleRest(this.restMs - idle);
				else this.rest();
			});
		}, delay);
		this.restTimer.unref?.();
	}

	/** Keeps only the encoded state. Call only when every update applied so far is committed. */
	rest(): void {
		const doc = this.live;
		if (!doc || this.destroyed) return;
		this.resting = { state: Y.encodeStateAsUpdate(doc), vector: Y.encodeStateVector(doc) };
		this.live = null;
		doc.destroy();
	}

	private stateVector(): Uint8Array {
		return this.live ? Y.encodeStateVector(this.live) : this.resting!.vector;
	}

	/** What a client holding `vector` lacks. */
	private missingFor(vector: Uint8Array): Uint8Array {
		return this.live ? Y.encodeStateAsUpdate(this.live, vector) : Y.diffUpdate(this.resting!.state, vector);
	}

	/** True when `update` brings nothing the resting state lacks (no new items, no deletions). */
	private bringsNothing(update: ReturnType<typeof Y.decodeUpdate>): boolean {
		if (this.live || update.ds.clients.size > 0) return false;
		const have = Y.decodeStateVector(this.resting!.vector);
		return update.structs.every((s) => s.id.clock + s.length <= (have.get(s.id.client) ?? 0));
	}

	/**
	 * A new connection. `clientState`, when the client sent it (its state vector, `?sv=` on the socket URL),
	 * lets the server send what the client lacks at once, with sync step 1, instead of waiting a round
	 * trip for the client's own step 1; that step 1 is then answered with only what came in between.
	 */
	join(conn: Connection, clientState: Uint8Array | null = null): void {
		if (this.unloadTimer) {
			clearTimeout(this.unloadTimer);
			this.unloadTimer = undefined;
		}
		this.connections.set(conn.ws, conn);
		// What this connection may do, from the first message: the page's own idea may be older.
		send(conn.ws, encodeHearthMessage({ t: 'access', access: conn.readOnly ? 'read' : 'write' }));
		// Our sync step 1: the client answers with whatever we lack.
		const step1 = encoding.createEncoder();
		encoding.writeVarUint(step1, MESSAGE_SYNC);
		encoding.writeVarUint(step1, SYNC_STEP1);
		encoding.writeVarUint8Array(step1, this.stateVector());
		send(conn.ws, encoding.toUint8Array(step1));
		if (clientState) {
			// Only committed state leaves the server (as in receiveSync). Updates committed meanwhile are
			// broadcast to this connection before this runs (their callbacks were queued first): at worst
			// the client gets one twice, which Yjs ignores.
			this.log.committed().then(() => {
				if (this.connections.get(conn.ws) !== conn) return;
				conn.sentOnJoin = Y.decodeStateVector(this.stateVector());
				send(conn.ws, syncMessage(SYNC_STEP2, this.missingFor(clientState)));
			});
		}
		const states = this.awareness.getStates();
		if (states.size > 0) send(conn.ws, awarenessMessage(this.awareness, [...states.keys()]));
	}

	/** Removes a connection and its presence. Returns true when the room is now empty. */
	leave(ws: WebSocket): boolean {
		const conn = this.connections.get(ws);
		if (!conn) return this.connections.size === 0;
		this.connections.delete(ws);
		awarenessProtocol.removeAwarenessStates(this.awareness, [...conn.clientIds], null);
		return this.connections.size === 0;
	}

	/** Handles one binary message from a connection. Throws ProtocolError to close that connection. */
	receive(conn: Connection, data: Uint8Array): void {
		let decoder: decoding.Decoder;
		let type: number;
		try {
			decoder = decoding.createDecoder(data);
			type = decoding.readVarUint(decoder);
		} catch {
			throw new ProtocolError(CLOSE.malformed, 'malformed message');
		}
		switch (type) {
			case MESSAGE_SYNC:
				return this.receiveSync(conn, decoder);
			case MESSAGE_AWARENESS:
				return this.receiveAwareness(conn, decoder);
			case MESSAGE_QUERY_AWARENESS: {
				const ids = [...this.awareness.getStates().keys()];
				if (ids.length > 0) send(conn.ws, awarenessMessage(this.awareness, ids));
				return;
			}
			case MESSAGE_AUTH:
				// Authentication happens at the upgrade, with the session cookie; this message is not used.
				return;
			default:
				throw new ProtocolError(CLOSE.policy, 'unknown message type');
		}
	}

	private receiveSync(conn: Connection, decoder: decoding.Decoder): void {
		let step: number;
		let payload: Uint8Array;
		try {
			step = decoding.readVarUint(decoder);
			payload = decoding.readVarUint8Array(decoder);
		} catch {
			throw new ProtocolError(CLOSE.malformed, 'malformed sync message');
		}
		if (step === SYNC_STEP1) {
			try {
				Y.decodeStateVector(payload);
			} catch {
				throw new ProtocolError(CLOSE.malformed, 'malformed state vector');
			}
			// Answer only with committed state: wait until anything applied but not yet logged is committed.
			// (The continuation runs right after that commit, before any further message is read.)
			this.log.committed().then(() => {
				// Sent on join already: the client will hold at least that, whatever its step 1 says.
				const sent = conn.sentOnJoin;
				let known = payload;
				if (sent) {
					const merged = Y.decodeStateVector(payload);
					for (const [client, clock] of sent) if (clock > (merged.get(client) ?? 0)) merged.set(client, clock);
					known = Y.encodeStateVector(merged);
				}
				send(conn.ws, syncMessage(SYNC_STEP2, this.missingFor(known)));
			});
			return;
		}
		if (step !== SYNC_STEP2 && step !== SYNC_UPDATE) throw new ProtocolError(CLOSE.malformed, 'unknown sync step');
		// y-websocket has no read-only mode: drop viewers' sync step 2 and updates here.
		if (conn.readOnly) return;
		let decoded: ReturnType<typeof Y.decodeUpdate>;
		try {
			// Decode fully before touching the document, so garbage never half-applies.
			decoded = Y.decodeUpdate(payload);
		} catch {
			throw new ProtocolError(CLOSE.malformed, 'malformed update');
		}
		// A client's answer to our step 1 is usually empty: a resting document stays resting.
		if (this.bringsNothing(decoded)) return;
		try {
			Y.applyUpdate(this.doc, payload, conn);
		} catch {
			throw new ProtocolError(CLOSE.malformed, 'malformed update');
		}
		conn.lastActiveAt = Date.now();
	}

	private receiveAwareness(conn: Connection, decoder: decoding.Decoder): void {
		let entries;
		try {
			entries = decodeAwarenessUpdate(decoding.readVarUint8Array(decoder));
		} catch {
			throw new ProtocolError(CLOSE.malformed, 'malformed awareness message');
		}
		const kept = guardAwareness(
			entries,
			conn.clientIds,
			(id) => [...this.connections.values()].some((c) => c !== conn && c.clientIds.has(id)),
			conn.user
		);
		if (kept.length > 0) awarenessProtocol.applyAwarenessUpdate(this.awareness, encodeAwarenessUpdate(kept), conn);
	}

	/** Folds the log into one snapshot (one transaction). Everything up to lastLoggedId is in the doc. */
	compact(): void {
		if (this.loggedSinceCompaction === 0 || this.lastLoggedId === 0) return;
		this.log.compact(this.docId, this.live ? Y.encodeStateAsUpdate(this.live) : this.resting!.state, this.lastLoggedId);
		this.loggedSinceCompaction = 0;
	}

	destroy(): void {
		this.destroyed = true;
		if (this.unloadTimer) clearTimeout(this.unloadTimer);
		if (this.restTimer) clearTimeout(this.restTimer);
		this.unsubscribe();
		this.awareness.doc.destroy();
		this.awareness.destroy();
		this.live?.destroy();
		this.live = null;
		this.resting = null;
	}
}

function awarenessMessage(awareness: awarenessProtocol.Awareness, clients: number[]): Uint8Array {
	const message = encoding.createEncoder();
	encoding.writeVarUint(message, MESSAGE_AWARENESS);
	encoding.writeVarUint8Array(message, awarenessProtocol.encodeAwarenessUpdate(awareness, clients));
	return encoding.toUint8Array(message);
}

function syncMessage(step: typeof SYNC_STEP2 | typeof SYNC_UPDATE, update: Uint8Array): Uint8Array {
	const message = encoding.createEncoder();
	encoding.writeVarUint(message, MESSAGE_SYNC);
	encoding.writeVarUint(message, step);
	encoding.writeVarUint8Array(message, update);
	return encoding.toUint8Array(message);
}

/** A slow or gone client must never stall or crash the room. */
const MAX_BUFFERED = 16 * 1024 * 1024;
export function send(ws: WebSocket, data: Uint8Array): void {
	if (ws.readyState !== 1) return;
	if (ws.bufferedAmount > MAX_BUFFERED) {
		ws.close(CLOSE.policy, 'too slow');
		return;
	}
	ws.send(data, (err) => {
		if (err) ws.terminate();
		else if (data.byteLength >= COMPRESSION_THRESHOLD) releaseDeflate(ws);
	});
}
