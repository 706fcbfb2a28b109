import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import type { WebSocket } from 'ws';
import { applyStored, type StoredDocument, type UpdateLog } from './update-log.ts';
import { REMOTE, type Bus, type BusMessage, type PresenceFacts } from './bus.ts';
import { CLOSE, encodeHearthMessage, MESSAGE_HEARTH, type RefusalReason } from '../../domain/collab-protocol.ts';
import type { ClientIdOwners } from './client-ids.ts';
import { addsTypes, changeFacts, deepestNewType, dropPending, leavesPending, MAX_TYPE_DEPTH, recordsMisfit, richTextMisfit, UpdatePlaces, valuesTooDeep, writtenClientIds, type DecodedUpdate } from './update-check.ts';
import { checkChange, DOC_KIND_SPECS, type DocKindSpec, type WriterFacts } from '../../domain/doc-kinds.ts';
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
	/** Who writes under this connection's Yjs client ids: `u:<userId>` or `p:<personId>` (see ClientIdOwners). */
	owner: string;
	/** What the document kind's rules know of the writer: staff or participant, and their role on this case. */
	writer?: WriterFacts;
	/** Acknowledgements owed, in order: null for saved, a reason for refused (see collab-protocol.ts). */
	acks?: (RefusalReason | null)[];
	/** Set once the room has decided to close this connection: nothing more it sends is taken. */
	closing?: boolean;
	/** Set once its first presence message came: the client ids it speaks for are known (see receiveAwareness). */
	presenceNamed?: boolean;
	/** The client ids whose presence this connection has been shown (and not yet told are gone). */
	shown?: Set<number>;
	/** Presence messages in the current second (see MAX_PRESENCE_PER_SECOND). */
	presenceRate?: { second: number; count: number };
	/** The server's state vector when it sent this client the document on join (see join()). */
	sentOnJoin?: Map<number, number>;
	/**
	 * While a claim of its client ids is being asked of the database (PostgreSQL): the messages it sent
	 * meanwhile, taken in order once the claim is answered.
	 */
	inbox?: Uint8Array[];
};

const LOADED = Symbol('loaded');

/** Presence messages one connection may send in one second (a page sends a few while its person types). */
export const MAX_PRESENCE_PER_SECOND = 60;
/** The origin of the server's own changes (Room.transact): not a connection, so everyone receives them. */
const SERVER_ORIGIN = Symbol('server');
/** Who the server's own writes belong to (collab_client_ids). */
export const SERVER_OWNER = 'server';

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
	/**
	 * Resolves once the document is loaded (at once on one instance). With other instances the room first
	 * waits for its bus subscription, then loads: whatever another instance acknowledged is then either in
	 * the database or on its way here (Yjs applies both idempotently). Rejects when the load failed.
	 */
	readonly ready: Promise<void>;
	private loaded = false;
	/** Other instances' updates that came before the load (applied right after it). */
	private early: Uint8Array[] = [];
	/** Whose presence other instances' client ids carry, for the keep-apart rule (see hiddenPresence). */
	private readonly remotePresence = new Map<number, Apart>();
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
	private readonly owners: ClientIdOwners | null;
	private readonly maxMessageBytes: number;
	private readonly maxDocumentBytes: number;
	private readonly onRefused: NonNullable<RoomOptions['onRefused']>;
	private readonly onAction: RoomOptions['onAction'] | null;
	/** The document's kind (doc-kinds.ts): its roots and rules. Null for a name no kind claims (tests). */
	readonly spec: DocKindSpec | null;
	/**
	 * About how many bytes the document takes stored: its encoded state when loaded or compacted, plus each
	 * update since (an upper bound: deletions make the next compaction's figure smaller).
	 */
	storedBytes = 0;
	/** Nothing was stored for this document when it was loaded: a new document (its kind may seed it). */
	loadedEmpty = false;
	unloadTimer: ReturnType<typeof setTimeout> | undefined;

	/**
	 * `compactAfter` is the mean number of logged updates between compactions; each room draws its own
	 * threshold within ± `jitter` of it, so that meetings that started together do not all encode their
	 * state in the same second (150 did, in tests/bench: the loop was held for 1.2 s). `restMs`: how long
	 * after the last edit the document is kept as its encoded state only (Infinity: never).
	 */
	constructor(docId: string, log: UpdateLog, bus: Bus, compactAfter: number, opts: RoomOptions = {}) {
		this.docId = docId;
		this.log = log;
		this.bus = bus;
		const jitter = opts.jitter ?? 0.25;
		this.compactAfter = Math.max(1, Math.round(compactAfter * (1 - jitter + 2 * jitter * Math.random())));
		this.restMs = opts.restMs ?? 30_000;
		this.owners = opts.owners ?? null;
		this.maxMessageBytes = opts.maxMessageBytes ?? 1024 * 1024;
		this.maxDocumentBytes = opts.maxDocumentBytes ?? Infinity;
		this.onRefused = opts.onRefused ?? (() => {});
		this.onAction = opts.onAction ?? null;
		this.spec = (DOC_KIND_SPECS as Record<string, DocKindSpec | undefined>)[docId.slice(0, docId.indexOf(':'))] ?? null;
		// Presence needs a Y.Doc only for its own client id (the server has no presence of its own).
		this.awareness = new awarenessProtocol.Awareness(new Y.Doc());
		this.awareness.setLocalState(null);

		this.awareness.on(
			'update',
			({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }, origin: unknown) => {
				const changed = added.concat(updated, removed);
				if (changed.length === 0) return;
				const message: BusMessage = { kind: 'awareness', payload: awarenessMessage(this.awareness, changed), origin, clients: changed, from: factsOf(origin) };
				// Another instance's presence, or presence this instance timed out (each instance times out what
				// it stops hearing of): for this instance's connections only, never published back.
				if (origin === REMOTE || origin === 'timeout') this.deliver(message);
				else this.bus.publish(docId, message);
				for (const id of removed) this.remotePresence.delete(id);
			}
		);

		const subscription = bus.subscribe(docId, (message) => (message.origin === REMOTE ? this.receiveRemote(message) : this.deliver(message)));
		this.unsubscribe = subscription.unsubscribe;
		const owners = this.owners?.ready ?? null;
		if (subscription.ready === null && owners === null && log.engine === 'sqlite') {
			// One instance on SQLite: loaded here and now, so the room is complete before it answers anyone.
			this.load(log.load(docId) as StoredDocument);
			this.ready = Promise.resolve();
		} else {
			// Subscribe, then load (never the other way round: an update acknowledged elsewhere in between
			// would be in neither). PostgreSQL: the log and the client ids' owners are read meanwhile.
			this.ready = Promise.all([subscription.ready ?? undefined, owners ?? undefined])
				.then(() => (this.destroyed ? null : log.load(docId)))
				.then((stored) => {
					if (stored && !this.destroyed) this.load(stored);
				});
		}
	}

	/** Load = compacted state + the log after it, then any other instance's updates that came meanwhile. */
	private load(stored: StoredDocument): void {
		const docId = this.docId;
		// A snapshot alone is already the resting form.
		const { snapshot, updates } = stored;
		this.lastLoggedId = updates.at(-1)?.id ?? 0;
		this.loggedSinceCompaction = updates.length;
		this.storedBytes = (snapshot?.byteLength ?? 0) + updates.reduce((n, u) => n + u.update.byteLength, 0);
		this.loadedEmpty = snapshot === null && updates.length === 0;
		if (updates.length === 0) {
			const state = snapshot ?? Y.encodeStateAsUpdate(new Y.Doc());
			this.resting = { state, vector: Y.encodeStateVectorFromUpdate(state) };
		} else {
			const doc = applyStored(new Y.Doc(), docId, stored, LOADED);
			this.goLive(doc);
		}
		this.loaded = true;
		const early = this.early;
		this.early = [];
		for (const update of early) this.applyRemoteUpdate(update);
	}

	/** Sends a message of the bus to this room's connections: an update to all but its sender, presence to all it may show. */
	private deliver({ kind, payload, origin, clients }: BusMessage): void {
		const hidden = kind === 'awareness' ? this.hiddenPresence() : null;
		for (const conn of this.connections.values()) {
			// The sender already has its own update and its own presence: presence is not echoed, so what
			// the server made of a page's presence (e.g. a claim it refused) tells that page nothing.
			if (conn === origin) continue;
			// One connection's failure closes that one; the others still get the message.
			this.guarded(conn, 'sending a message', () => {
				if (kind === 'update' || !clients) return send(conn.ws, payload);
				const visible = this.visiblePresence(conn, clients, hidden?.get(conn));
				if (visible.length === clients.length) send(conn.ws, payload);
				else if (visible.length > 0) send(conn.ws, awarenessMessage(this.awareness, visible));
			});
		}
	}

	/**
	 * Runs `work` (encoding and sending something to `conn`) so that whatever it throws closes that one
	 * connection as a server error (CLOSE.internal) and is logged, never reaching the caller: a broadcast
	 * goes on to the others, and a promise's callback never rejects unhandled (which would end the process).
	 */
	private guarded(conn: Connection, what: string, work: () => void): void {
		try {
			work();
		} catch (err) {
			closeFor(conn, err, this.docId, what);
		}
	}

	/**
	 * A message another instance published. An update was committed there before it was published (durable
	 * before broadcast): applied here without being logged again, then sent to this room's connections.
	 * Presence is applied to this room's awareness, whose update event sends it on through the same
	 * keep-apart filter as local presence, knowing whose it is (`from`).
	 */
	private receiveRemote(message: BusMessage): void {
		try {
			if (message.kind === 'awareness') {
				if (message.from && message.clients) {
					const facts = { personId: message.from.personId, keepApartWith: new Set(message.from.keepApartWith) };
					for (const id of message.clients) this.remotePresence.set(id, facts);
				}
				const decoder = decoding.createDecoder(message.payload);
				if (decoding.readVarUint(decoder) !== MESSAGE_AWARENESS) return;
				awarenessProtocol.applyAwarenessUpdate(this.awareness, decoding.readVarUint8Array(decoder), REMOTE);
				return;
			}
			const decoder = decoding.createDecoder(message.payload);
			if (decoding.readVarUint(decoder) !== MESSAGE_SYNC || decoding.readVarUint(decoder) !== SYNC_UPDATE) return;
			const update = decoding.readVarUint8Array(decoder);
			if (!this.loaded) {
				this.early.push(update);
				return;
			}
			this.applyRemoteUpdate(update);
			this.deliver(message);
		} catch (err) {
			console.error(`collab: could not apply another instance's message to ${this.docId}`, err);
		}
	}

	private applyRemoteUpdate(update: Uint8Array): void {
		if (this.destroyed) return;
		if (!this.live && this.bringsNothing(Y.decodeUpdate(update))) return;
		Y.applyUpdate(this.doc, update, REMOTE);
		this.lastEditAt = Date.now();
		this.storedBytes += update.byteLength;
	}

	/** The live document, woken from its encoded state if it was resting. */
	get doc(): Y.Doc {
		if (this.live) return this.live;
		const doc = new Y.Doc();
		Y.applyUpdate(doc, this.resting!.state, LOADED);
		this.resting = null;
		return this.goLive(doc);
	}

	/** True once the document is loaded (see `ready`). */
	get isLoaded(): boolean {
		return this.loaded;
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
			// Loaded, or committed by the instance that took it.
			if (origin === LOADED || origin === REMOTE) return;
			this.lastEditAt = Date.now();
			// Durable before broadcast: nobody sees this update until its row is committed.
			this.log.append(this.docId, update).then(
				(id) => {
					this.lastLoggedId = Math.max(this.lastLoggedId, id);
					this.bus.publish(this.docId, { kind: 'update', payload: syncMessage(SYNC_UPDATE, update), origin });
					if (++this.loggedSinceCompaction >= this.compactAfter) {
						this.compact().catch((err) => console.error(`collab: could not compact ${this.docId}`, err));
					}
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

	/** The document's state vector: client id → next clock. */
	stateVectorMap(): Map<number, number> {
		return Y.decodeStateVector(this.stateVector());
	}

	/**
	 * The next clock of one client in the document. Live: read from the document's store (encoding the whole
	 * state vector to decode it again, once per update, cost 2 % of the server's time under 150 meetings).
	 */
	private clockOf = (client: number): number => (this.live ? Y.getState(this.live.store, client) : (Y.decodeStateVector(this.resting!.vector).get(client) ?? 0));

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
		// A socket that closed mid-join, or a send or an encoding that throws, closes this connection alone
		// (as a server error, logged): never an exception out of join, nor a rejection nobody handles.
		this.guarded(conn, 'sending the document on join', () => {
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
					if (this.connections.get(conn.ws) !== conn || conn.closing) return;
					this.guarded(conn, 'sending the document on join', () => {
						conn.sentOnJoin = Y.decodeStateVector(this.stateVector());
						send(conn.ws, syncMessage(SYNC_STEP2, this.missingFor(clientState)));
					});
				});
			}
			this.sendPresence(conn);
		});
	}

	/** Everyone's presence this connection may see (all but the people it must be kept apart from). */
	private sendPresence(conn: Connection): void {
		const ids = this.visiblePresence(conn, [...this.awareness.getStates().keys()], this.hiddenPresence().get(conn));
		if (ids.length > 0) send(conn.ws, awarenessMessage(this.awareness, ids));
	}

	/**
	 * Of the client ids whose presence changed, those `conn` may be told of, noting what it has been shown:
	 * a present id unless it is hidden from `conn` (keep-apart); a departed id only if `conn` was shown it.
	 * So one of a keep-apart pair never learns the other's client id, not even from the "gone" that follows
	 * her leaving, in whatever order the room forgets her connection (issue 16).
	 */
	private visiblePresence(conn: Connection, ids: readonly number[], hide: ReadonlySet<number> | undefined): number[] {
		const states = this.awareness.getStates();
		const shown = (conn.shown ??= new Set());
		return ids.filter((id) => {
			if (!states.has(id)) return shown.delete(id);
			if (hide?.has(id)) return false;
			shown.add(id);
			return true;
		});
	}

	/**
	 * For each connection that must not see someone here, the client ids it must not see: those of the
	 * connections of people it is kept apart from (domain.md §6). Empty in the usual room (no pair present).
	 */
	private hiddenPresence(): Map<Connection, Set<number>> {
		const hidden = new Map<Connection, Set<number>>();
		let anyPair = false;
		for (const c of this.connections.values()) if (c.keepApartWith.size > 0) anyPair = true;
		for (const f of this.remotePresence.values()) if (f.keepApartWith.size > 0) anyPair = true;
		if (!anyPair) return hidden;
		const hide = (viewer: Connection, ids: Iterable<number>) => {
			let set = hidden.get(viewer);
			if (!set) hidden.set(viewer, (set = new Set()));
			for (const id of ids) set.add(id);
		};
		for (const viewer of this.connections.values()) {
			for (const other of this.connections.values()) {
				if (other !== viewer && keptApart(viewer, other)) hide(viewer, other.clientIds);
			}
			// People connected to another instance: their client ids, with whose they are.
			for (const [id, facts] of this.remotePresence) if (keptApart(viewer, facts)) hide(viewer, [id]);
		}
		return hidden;
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
		// Decided to close: what it still sends is not taken (and gets no acknowledgement).
		if (conn.closing) return;
		// Its client ids are being claimed: in order, after that message.
		if (conn.inbox) {
			conn.inbox.push(data);
			return;
		}
		let decoder: decoding.Decoder;
		let type: number;
		try {
			decoder = decoding.createDecoder(data);
			type = decoding.readVarUint(decoder);
		} catch {
			throw new ProtocolError(CLOSE.malformed, 'malformed message');
		}
		// Past the limit, only a sync update is worth an explained refusal (in order with its acknowledgements);
		// anything else that large is not a message a client sends.
		if (data.byteLength > this.maxMessageBytes && type !== MESSAGE_SYNC) throw new ProtocolError(CLOSE.tooLarge, 'too-large');
		switch (type) {
			case MESSAGE_SYNC:
				return this.receiveSync(conn, decoder, data);
			case MESSAGE_AWARENESS:
				return this.receiveAwareness(conn, decoder);
			case MESSAGE_QUERY_AWARENESS:
				return this.sendPresence(conn);
			case MESSAGE_AUTH:
				// Authentication happens at the upgrade, with the session cookie; this message is not used.
				return;
			case MESSAGE_HEARTH:
				// A page's action (collab-protocol.ts HearthAction): the collab server runs it through the policy.
				if (!this.onAction) throw new ProtocolError(CLOSE.policy, 'unknown message type');
				return this.onAction(conn, decoding.readTailAsUint8Array(decoder));
			default:
				throw new ProtocolError(CLOSE.policy, 'unknown message type');
		}
	}

	private receiveSync(conn: Connection, decoder: decoding.Decoder, whole: Uint8Array): void {
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
			this.log.committed().then(() =>
				this.guarded(conn, 'answering sync step 1', () => {
					// Sent on join already: the client will hold at least that, whatever its step 1 says.
					const sent = conn.sentOnJoin;
					let known = payload;
					if (sent) {
						const merged = Y.decodeStateVector(payload);
						for (const [client, clock] of sent) if (clock > (merged.get(client) ?? 0)) merged.set(client, clock);
						known = Y.encodeStateVector(merged);
					}
					send(conn.ws, syncMessage(SYNC_STEP2, this.missingFor(known)));
				})
			);
			return;
		}
		if (step !== SYNC_STEP2 && step !== SYNC_UPDATE) throw new ProtocolError(CLOSE.malformed, 'unknown sync step');
		if (payload.byteLength > this.maxMessageBytes) {
			if (conn.readOnly) throw new ProtocolError(CLOSE.tooLarge, 'too-large');
			return this.refuse(conn, { reason: 'too-large', close: CLOSE.tooLarge });
		}
		let decoded: DecodedUpdate;
		try {
			// Decode fully before touching the document, so garbage never half-applies.
			decoded = Y.decodeUpdate(payload);
		} catch {
			throw new ProtocolError(CLOSE.malformed, 'malformed update');
		}
		const empty = decoded.structs.length === 0 && decoded.ds.clients.size === 0;
		// y-websocket has no read-only mode: viewers' sync step 2 and updates are dropped here.
		if (conn.readOnly) return this.acknowledge(conn, empty ? null : 'read-only');
		// A client's answer to our step 1 is usually empty: a resting document stays resting.
		if (empty || this.bringsNothing(decoded)) return this.acknowledge(conn, null);
		const refusal = this.check(conn, payload, decoded);
		if (refusal instanceof Promise) return this.holdFor(conn, refusal, whole);
		if (refusal) return this.refuse(conn, refusal);
		try {
			Y.applyUpdate(this.doc, payload, conn);
		} catch {
			throw new ProtocolError(CLOSE.malformed, 'malformed update');
		}
		this.storedBytes += payload.byteLength;
		conn.lastActiveAt = Date.now();
		this.acknowledge(conn, null);
	}

	/**
	 * Why this update may not be stored, or null. Refusals that resending cannot mend close the connection
	 * for good (the client's document now holds what was refused, and a stock provider would resend it on
	 * every reconnect); the others drop the update and keep the connection.
	 */
	private check(conn: Connection, payload: Uint8Array, decoded: DecodedUpdate): { reason: RefusalReason; close?: number } | null | Promise<void> {
		if (this.storedBytes + payload.byteLength > this.maxDocumentBytes) return { reason: 'document-full', close: CLOSE.tooLarge };
		// One of a keep-apart pair never receives anything the other sends (the policy never lets both into
		// one document that either can write; this holds even if a rule were missing).
		for (const other of this.connections.values()) if (other !== conn && keptApart(conn, other)) return { reason: 'keep-apart' };
		for (const facts of this.remotePresence.values()) if (keptApart(conn, facts)) return { reason: 'keep-apart' };
		const doc = this.doc;
		// Nothing is ever left pending (update-check.ts leavesPending): what a document stored before this
		// check may hold pending is dropped, and an update that would park anything is refused. The
		// connection closes as malformed (1007), not for good: an honest page sends such an update only
		// when it holds another tab's edit the server has not received yet (y-websocket shares edits
		// between tabs), and its reconnect's sync step 2 then carries both, complete.
		dropPending(doc);
		if (leavesPending(decoded, payload, doc)) return { reason: 'shape', close: CLOSE.malformed };
		const places = new UpdatePlaces(decoded, doc, MAX_TYPE_DEPTH);
		// Values Yjs could not encode again (update-check.ts MAX_VALUE_DEPTH): never taken into the document.
		if (valuesTooDeep(places.items)) return { reason: 'shape', close: CLOSE.malformed };
		if (addsTypes(decoded) && deepestNewType(decoded, doc, MAX_TYPE_DEPTH, places) > MAX_TYPE_DEPTH) return { reason: 'shape', close: CLOSE.malformed };
		// The kind's roots, root types, rich-text schema and rules (doc-kinds.ts, rich-text-schema.ts). The
		// refused change is dropped and the sender told why; the connection then ends for good: Yjs orders
		// each client's changes, so every later change of that page would wait on the refused one for ever
		// (never stored, never shown) while the page said "saved".
		if (this.spec) {
			const why =
				checkChange(this.spec, changeFacts(decoded, doc, places), conn.writer ?? { kind: 'participant', role: conn.role }) ??
				(richTextMisfit(decoded, doc, this.spec.richText, places) === null ? null : 'shape') ??
				(recordsMisfit(decoded, doc, this.spec.records ?? {}, conn.owner, places) === null ? null : 'shape');
			if (why) return { reason: why, close: CLOSE.changeRefused };
		}
		if (this.owners) {
			const claimed = this.owners.claim(writtenClientIds(decoded, this.clockOf), conn.owner);
			// PostgreSQL, an id not known yet: asked of the database (see holdFor).
			if (claimed instanceof Promise) return claimed.then(() => undefined);
			if (!claimed.ok) return { reason: 'client-id', close: CLOSE.clientIdTaken };
		}
		return null;
	}

	/**
	 * A message whose client ids are being claimed in the database (PostgreSQL): the connection's messages
	 * wait, in order, until the claim is answered; then this one is taken again from the start (everything
	 * checked afresh, the ids now known here) and the ones that came meanwhile after it. A claim the database
	 * could not answer closes the connection (its page reconnects and sends again).
	 */
	private holdFor(conn: Connection, claim: Promise<void>, data: Uint8Array): void {
		conn.inbox = [];
		claim.then(
			() => {
				const waiting = [data, ...(conn.inbox ?? [])];
				conn.inbox = undefined;
				for (let i = 0; i < waiting.length; i++) {
					if (conn.closing || this.connections.get(conn.ws) !== conn) return;
					try {
						this.receive(conn, waiting[i]);
					} catch (err) {
						conn.inbox = undefined;
						closeFor(conn, err, this.docId);
						return;
					}
					// Held again (another id to claim): the rest wait behind it.
					if (conn.inbox) {
						(conn.inbox as Uint8Array[]).push(...waiting.slice(i + 1));
						return;
					}
				}
			},
			(err) => {
				conn.inbox = undefined;
				console.error(`collab: could not claim client ids in ${this.docId}`, err);
				conn.closing = true;
				conn.ws.close(CLOSE.internal, 'could not save');
			}
		);
	}

	private refuse(conn: Connection, refusal: { reason: RefusalReason; close?: number }): void {
		this.onRefused(conn, refusal.reason);
		if (refusal.close !== undefined) conn.closing = true;
		this.acknowledge(conn, refusal.reason, refusal.close);
	}

	/**
	 * Owes `conn` one acknowledgement for the sync message it just sent: `saved` (null) or `refused`. Sent
	 * once everything applied so far is committed (so after this message's own update, if it had one), in
	 * the order the messages came; those that come due together go out as one message. `closeWith`: close
	 * the connection with this code right after.
	 */
	private acknowledge(conn: Connection, refused: RefusalReason | null, closeWith?: number): void {
		this.log.committed().then(() => {
			if (this.connections.get(conn.ws) !== conn) return;
			(conn.acks ??= []).push(refused);
			if (closeWith !== undefined) {
				this.guarded(conn, 'acknowledging a message', () => {
					flushAcks(conn);
					conn.ws.close(closeWith, refused ?? 'closed');
				});
				return;
			}
			if (conn.acks.length === 1) queueMicrotask(() => this.guarded(conn, 'acknowledging a message', () => flushAcks(conn)));
		});
	}

	private receiveAwareness(conn: Connection, decoder: decoding.Decoder): void {
		let entries;
		try {
			entries = decodeAwarenessUpdate(decoding.readVarUint8Array(decoder));
		} catch {
			throw new ProtocolError(CLOSE.malformed, 'malformed awareness message');
		}
		// A page sends its presence when its cursor moves: a few a second while someone types. Each one goes
		// to everyone in the room, so a flood is refused (the socket closes; the page's provider reconnects).
		const second = Math.floor(Date.now() / 1000);
		const rate = (conn.presenceRate ??= { second, count: 0 });
		if (rate.second !== second) {
			rate.second = second;
			rate.count = 0;
		}
		if (++rate.count > MAX_PRESENCE_PER_SECOND) throw new ProtocolError(CLOSE.policy, 'too many presence messages');
		// Being on the live page counts as activity (issue 16: a caseworker who only follows the meeting was
		// signed out mid-meeting). The provider renews its presence every 15 s while the page is open.
		conn.lastActiveAt = Date.now();
		// Only a connection's first presence message names its own client id (the provider sends its own
		// state on open, then relays every change it hears, everyone else's included): ids first seen later
		// are echoes of other pages, dropped without a claim. Claiming them let a page end another page's
		// socket, or take its presence over once that page's socket closed.
		const mayClaim = !conn.presenceNamed;
		conn.presenceNamed = true;
		const kept = guardAwareness(entries, conn.clientIds, (id) => !mayClaim || this.claimPresence(conn, id), conn.user);
		if (kept.length > 0) awarenessProtocol.applyAwarenessUpdate(this.awareness, encodeAwarenessUpdate(kept), conn);
	}

	/**
	 * May `conn` speak for client id `id` in presence? Not for an id that writes for someone else in this
	 * document. An id another open connection of the same owner holds is that page's previous socket, gone
	 * silent (a phone that lost signal): the new one takes the presence over at once and the old socket is
	 * dropped (issue 16). Returns true when the id is someone else's.
	 */
	private claimPresence(conn: Connection, id: number): boolean {
		const writer = this.owners?.ownerOf(id);
		if (writer !== undefined && writer !== conn.owner) return true;
		for (const other of this.connections.values()) {
			if (other === conn || !other.clientIds.has(id)) continue;
			if (other.owner !== conn.owner) return true;
			other.clientIds.delete(id);
			other.closing = true;
			other.ws.terminate();
		}
		return false;
	}

	/**
	 * The server changes the document itself (a seed, closing a meeting, a snapshot of a part), through the
	 * path a client's edit takes: applied, committed, then sent to everyone connected (as Hocuspocus's
	 * DirectConnection does). Its Yjs client id is claimed for `server`. Resolves once the change is
	 * committed. `change` must only change the document (no I/O).
	 */
	transact(change: (doc: Y.Doc) => void): Promise<void> {
		const doc = this.doc;
		if (this.owners) {
			const claimed = this.owners.claim([doc.clientID], SERVER_OWNER);
			// PostgreSQL: once the database has answered (the document may have rested meanwhile: start again).
			if (claimed instanceof Promise) return claimed.then(() => this.transact(change));
			if (!claimed.ok) {
				// A server document's random id that someone already writes under (vanishingly rare): pick another.
				doc.clientID = Math.floor(Math.random() * 0xffffffff);
				return this.transact(change);
			}
		}
		Y.transact(doc, () => change(doc), SERVER_ORIGIN);
		return this.log.committed();
	}

	/**
	 * Folds the log into one snapshot (queued for the log's next commit). Everything up to lastLoggedId is
	 * in the doc. Resolves once the snapshot is queued (at once on one instance; with several on PostgreSQL,
	 * after the stored log has been read back); rejects when it could not be read.
	 */
	compact(): Promise<void> {
		if (!this.loaded || this.destroyed) return Promise.resolve();
		if (this.bus.crossInstance) {
			const stored = this.log.load(this.docId);
			if (stored instanceof Promise) {
				this.folding ??= stored
					.then((s) => {
						if (this.destroyed) return;
						this.foldStored(s);
						this.compactLoaded();
					})
					.finally(() => (this.folding = undefined));
				return this.folding;
			}
			this.foldStored(stored);
		}
		this.compactLoaded();
		return Promise.resolve();
	}

	private folding: Promise<void> | undefined;

	private compactLoaded(): void {
		if (this.loggedSinceCompaction === 0 || this.lastLoggedId === 0) return;
		const state = this.live ? Y.encodeStateAsUpdate(this.live) : this.resting!.state;
		this.log.compact(this.docId, state, this.lastLoggedId);
		this.storedBytes = state.byteLength;
		this.loggedSinceCompaction = 0;
	}

	/**
	 * Several instances append to one document's log: another instance's update can be committed before this
	 * room's newest one and still be on its way here. The snapshot must hold everything up to the id it
	 * replaces, so the stored log is read back into the document first (Yjs ignores what it holds already).
	 */
	private foldStored(stored: StoredDocument): void {
		applyStored(this.doc, this.docId, stored, LOADED);
		this.lastLoggedId = Math.max(this.lastLoggedId, stored.updates.at(-1)?.id ?? 0);
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

export type RoomOptions = {
	/** Spread of the compaction threshold (± this fraction). */
	jitter?: number;
	/** How long after the last edit the document rests as its encoded state (Infinity: never). */
	restMs?: number;
	/** Who may write under which Yjs client id (null: not checked, for tests of other things). */
	owners?: ClientIdOwners | null;
	/** The largest sync message taken (bytes). */
	maxMessageBytes?: number;
	/** The most the document may take stored (bytes, about). */
	maxDocumentBytes?: number;
	/** Told of every refusal (for the audit trail). */
	onRefused?: (conn: Connection, reason: RefusalReason) => void;
	/**
	 * Given each Hearth message a connection sends (what follows its type byte: collab-protocol.ts
	 * HearthAction), in the order sent. May throw ProtocolError to close that connection. Without it, such a
	 * message closes the connection as an unknown type.
	 */
	onAction?: (conn: Connection, body: Uint8Array) => void;
};

/** A person, as the keep-apart rule sees them: who they are (null for staff), whom they must be kept apart from. */
type Apart = { personId: string | null; keepApartWith: ReadonlySet<string> };

/** What another instance needs to keep this connection's presence apart (none for the server's own changes). */
function factsOf(origin: unknown): PresenceFacts | undefined {
	if (!origin || typeof origin !== 'object' || !('keepApartWith' in origin)) return undefined;
	const conn = origin as Connection;
	return { personId: conn.personId, keepApartWith: [...conn.keepApartWith] };
}

/** True when one of these people must be kept apart from the other. */
function keptApart(a: Apart, b: Apart): boolean {
	return (a.personId !== null && b.keepApartWith.has(a.personId)) || (b.personId !== null && a.keepApartWith.has(b.personId));
}

/** Sends the acknowledgements `conn` is owed, runs of `saved` as one message. */
function flushAcks(conn: Connection): void {
	const acks = conn.acks;
	if (!acks || acks.length === 0) return;
	conn.acks = [];
	let saved = 0;
	for (const a of acks) {
		if (a === null) {
			saved++;
			continue;
		}
		if (saved > 0) send(conn.ws, encodeHearthMessage({ t: 'saved', n: saved }));
		saved = 0;
		send(conn.ws, encodeHearthMessage({ t: 'refused', reason: a }));
	}
	if (saved > 0) send(conn.ws, encodeHearthMessage({ t: 'saved', n: saved }));
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

/** Sockets holding what was sent to them in this turn of the event loop (see holdForTurn). */
const held = new Set<{ cork(): void; uncork(): void; destroyed?: boolean }>();

/**
 * Holds what is sent to `ws` until the end of this turn of the event loop, then writes it in one go:
 * everything one commit lets through (a batch of updates, under load dozens per document) reaches each socket
 * as one write instead of one system call per message. Under 150 meetings the server spent a third of its
 * time in `writev` (tests/bench/README.md). Nothing waits longer than the current turn.
 */
function holdForTurn(ws: WebSocket): void {
	const socket = (ws as unknown as { _socket?: { cork(): void; uncork(): void; destroyed?: boolean } })._socket;
	if (!socket || held.has(socket)) return;
	socket.cork();
	held.add(socket);
	if (held.size === 1) setImmediate(releaseHeld);
}

/**
 * Resolves once the sends held in this turn (holdForTurn) have been written to their sockets: on the turn's
 * check phase, after releaseHeld (setImmediate runs its callbacks in the order they were queued).
 */
export function heldSendsWritten(): Promise<void> {
	return new Promise((resolve) => setImmediate(resolve));
}

function releaseHeld(): void {
	// Emptied first: a send while these are written (a callback) holds its socket for the next turn.
	const sockets = [...held];
	held.clear();
	for (const socket of sockets) if (!socket.destroyed) socket.uncork();
}
/**
 * Sends `data` to `ws` if it is open. Never throws: a socket over MAX_BUFFERED is closed as too slow
 * (CLOSE.policy); one whose send throws (closed mid-way) or fails later is closed as a server error
 * (CLOSE.internal, logged) or dropped, so one bad socket never ends a broadcast or the process.
 */
export function send(ws: WebSocket, data: Uint8Array): void {
	if (ws.readyState !== 1) return;
	if (ws.bufferedAmount > MAX_BUFFERED) {
		closeSocket(ws, CLOSE.policy, 'too slow');
		return;
	}
	try {
		holdForTurn(ws);
		ws.send(data, (err) => {
			if (err) ws.terminate();
			else if (data.byteLength >= COMPRESSION_THRESHOLD) releaseDeflate(ws);
		});
	} catch (err) {
		console.error('collab: could not send to a connection', err);
		closeSocket(ws, CLOSE.internal, 'internal error');
	}
}

/** Closes `ws` with `code` and `reason`; a socket that cannot even be closed (mid-handshake) is dropped. Never throws. */
function closeSocket(ws: WebSocket, code: number, reason: string): void {
	try {
		ws.close(code, reason);
	} catch {
		try {
			ws.terminate();
		} catch {
			// Nothing more can be done with this socket; its 'close' event removes it from the room.
		}
	}
}

/**
 * Closes `conn` for an error thrown while `what` (by default, taking its message, as the collab server
 * does for the first take): a ProtocolError with its own code, anything else logged and closed as a
 * server error (CLOSE.internal, 'internal error'). Never throws.
 */
function closeFor(conn: Connection, err: unknown, docId: string, what = 'handling a message'): void {
	conn.closing = true;
	if (err instanceof ProtocolError) closeSocket(conn.ws, err.code, err.message);
	else {
		console.error(`collab: error ${what} for ${docId}`, err);
		closeSocket(conn.ws, CLOSE.internal, 'internal error');
	}
}
