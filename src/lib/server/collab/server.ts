import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket, type RawData } from 'ws';
import * as Y from 'yjs';
import { z } from 'zod';
import type { Db } from '../db/index.ts';
import { writeAudit } from '../audit.ts';
import { actorFor, revalidateSession, sessionIdentity, type Session, type SessionPolicy } from '../auth/session.ts';
import type { Actor } from '../../domain/policy.ts';
import { documentAccess } from '../services/documents.ts';
import { authorizeUpgrade, COLLAB_PATH, type UpgradeVerdict } from './authorize-upgrade.ts';
import { InProcessBus, type Bus } from './bus.ts';
import { CLOSE, heldSendsWritten, ProtocolError, Room, send, type Connection } from './room.ts';
import { encodeHearthMessage, MAX_ACTION_FIELDS, MAX_ACTION_VALUE, SOCKET_ACTIONS, type HearthMessage, type RefusalReason, type SocketAction } from '../../domain/collab-protocol.ts';
import type { RequestContext } from '../services/access.ts';
import { now as clockNow } from '../clock.ts';
import type { WriterFacts } from '../../domain/doc-kinds.ts';
import { UpdateLog } from './update-log.ts';
import { ClientIdOwners } from './client-ids.ts';
import { COMPRESSION_THRESHOLD, releaseInflate } from './zlib-release.ts';
import type { CollabControl } from './registry.ts';
import { colourFor } from '../../domain/colour.ts';
import type { DocKind } from '../../domain/doc-id.ts';

export type CollabOptions = {
	db: Db;
	sessionPolicy: SessionPolicy;
	origin?: string;
	unloadMs: number;
	compactAfter: number;
	/** How long after its last edit a document is held as its encoded state only (see Room). */
	restMs?: number;
	/** How often open connections re-check their session and access (revocation, expiry). */
	recheckMs?: number;
	bus?: Bus;
	/** The largest sync message a document takes (bytes); a larger one is refused for good (4413). */
	maxMessageBytes?: number;
	/** About the most a document may take stored (bytes); past it, updates are refused for good (4413). */
	maxDocumentBytes?: number;
	/** Sockets one session may hold open at once (tabs × documents); more are refused with 429. */
	maxSocketsPerSession?: number;
	/** How often the server pings each socket; one that has not answered the previous ping is dropped. */
	pingMs?: number;
	/** permessage-deflate for large messages (default on). */
	deflate?: boolean;
	/** On a SQLite file, commit the update log on a thread of its own (UpdateLog; default off, boot turns it on). */
	commitThread?: boolean;
	/** What the socket actions do (boot.ts wires the services); without it every action is answered `unavailable`. */
	actions?: SocketActionHandler;
};

/**
 * Runs one socket action (collab-protocol.ts HearthAction) for the person behind `ctx` on document
 * `docId`, the document of the connection it came on, with the fields its form would post. Resolves to
 * null when done, or the problem code the page words (the policy's refusals as `forbidden`, `not-found`,
 * `not-signed-in`). The handler asks the policy and writes the audit trail itself, as the form does.
 */
export type SocketActionHandler = (ctx: RequestContext, docId: string, action: SocketAction, fields: Record<string, string>) => Promise<string | null>;

/** A socket action as it arrives (collab-protocol.ts HearthAction); anything else closes that connection. */
const actionSchema = z
	.object({
		t: z.literal('act'),
		id: z.number().int().min(1).max(2 ** 31),
		action: z.enum(SOCKET_ACTIONS),
		fields: z.record(z.string().max(40), z.string().max(MAX_ACTION_VALUE)).refine((f) => Object.keys(f).length <= MAX_ACTION_FIELDS)
	})
	.strict();

/** Actions one connection may have waiting at once, and start in one second; past either, answered `busy`. */
export const MAX_ACTIONS_WAITING = 8;
export const MAX_ACTIONS_PER_SECOND = 10;

/** Sockets one session may open in a minute (reconnects included): far above what pages do, far below a loop. */
export const MAX_OPENS_PER_MINUTE = 120;

const STATUS_TEXT: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 429: 'Too Many Requests', 503: 'Service Unavailable' };

/** After a final "too large" refusal, how long that session may not reopen that document (doubling each time). */
const TOO_LARGE_COOLDOWN_MS = 60_000;
const TOO_LARGE_COOLDOWN_MAX_MS = 3_600_000;

function refuse(socket: Duplex, status: number): void {
	if (socket.writable) {
		socket.write(`HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Error'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
	}
	socket.destroy();
}

function clientAddress(req: IncomingMessage): string | null {
	return req.socket.remoteAddress ?? null;
}

type Joined = {
	docId: string;
	caseId: string;
	access: 'read' | 'write';
	actor: Actor;
	who: { id: string; name: string; role: string };
	sessionId: string;
	clientAddress: string | null;
	clientState: Uint8Array | null;
	personId: string | null;
	keepApartWith: ReadonlySet<string>;
	writer: WriterFacts;
};

/** The audit trail needs who acted, not what they may reach: a copy without the actor's sets and maps. */
const NONE = new Set<string>();
function auditActor(actor: Actor): Actor {
	if (actor.kind === 'staff') return { ...actor, assignments: new Map() };
	if (actor.kind === 'participant') return { ...actor, meetingSessionIds: NONE, keepApartWith: NONE };
	return actor;
}

/**
 * `?sv=<base64url state vector>`: what the client already holds. When present, the server sends what it
 * lacks with its first message instead of waiting for the client's sync step 1 (one round trip less: 560
 * ms on a slow phone network). Absent: the stock y-websocket exchange. Anything else refuses the socket.
 */
const stateVectorSchema = z
	.string()
	.max(8192)
	.regex(/^[A-Za-z0-9_-]*$/);

function stateVectorParam(url: string | undefined): Uint8Array | null | 'invalid' {
	const raw = new URL(url ?? '/', 'http://localhost').searchParams.get('sv');
	if (raw === null) return null;
	const parsed = stateVectorSchema.safeParse(raw);
	if (!parsed.success) return 'invalid';
	const bytes = new Uint8Array(Buffer.from(parsed.data, 'base64url'));
	try {
		Y.decodeStateVector(bytes);
	} catch {
		return 'invalid';
	}
	return bytes;
}

/**
 * The collab server: y-websocket protocol on `/collab/<document id>`, one Room per loaded document.
 * Hooks with one job each: authorize-upgrade (onAuthenticate), Room (load, sync, awareness guard),
 * UpdateLog (durable before broadcast), Bus (fan-out).
 */
export class CollabServer implements CollabControl {
	readonly log: UpdateLog;
	readonly rooms = new Map<string, Room>();
	private readonly wss: WebSocketServer;
	private readonly bus: Bus;
	private readonly opts: CollabOptions;
	private readonly recheckTimer: ReturnType<typeof setInterval>;
	private accepting = true;
	private recheck: Promise<void> | undefined;
	private readonly pingTimer: ReturnType<typeof setInterval>;
	/** Sockets that answered the last ping (or said anything since). */
	private readonly alive = new WeakSet<WebSocket>();
	/** Open sockets per session (the per-session limit). */
	private readonly socketsOf = new Map<string, number>();
	/** Sockets each session opened in the current minute (see opensThisMinute). */
	private readonly opens = new Map<string, { minute: number; count: number }>();
	/**
	 * `<sessionId> <docId>` → until when upgrades are refused, after a refusal for size: a stock provider
	 * resends the refused content on every reconnect, and would otherwise loop every few hundred ms.
	 */
	private readonly coolingDown = new Map<string, { until: number; lengthMs: number; refused: number }>();
	/** What each open socket joined with (for the audit rows of its refusals). */
	private readonly joinedOf = new WeakMap<WebSocket, Joined>();
	/** Each socket's actions: the last one's promise (they run one after another, in the order sent), how many wait, this second's count. */
	private readonly actionsOf = new WeakMap<WebSocket, { last: Promise<void>; waiting: number; second: number; started: number }>();
	/**
	 * Who acts behind each session with sockets, as last read for a socket action: read again once its
	 * expiry is reached, after any access change (accessChanged), and at each periodic re-check; dropped
	 * when its sockets are closed. So an action sees the session as an edit on the same socket does: an
	 * announced end closes the socket at once, an unannounced one at the next re-check.
	 */
	private readonly actingAs = new Map<string, { session: Session; actor: Actor }>();
	/** Bumped on every clearing of `actingAs`: a read that began before one is used once, never cached. */
	private actingAsGeneration = 0;
	/** The longest one turn of recheckConnections() may run before it yields to the sockets. */
	recheckSliceMs = 4;

	constructor(opts: CollabOptions) {
		this.opts = opts;
		this.log = new UpdateLog(opts.db, { commitThread: opts.commitThread });
		this.bus = opts.bus ?? new InProcessBus();
		// permessage-deflate for messages over 1 KB (a document on join, a pasted page), not for the
		// keystroke-sized updates that are most of the traffic. A 200 KB document goes over the wire as
		// ~71 KB: 0.7 s less on a slow phone network. `ws` honours `threshold` only without context
		// takeover: with it, every message went through zlib's thread pool (10 at a time) and 150 busy
		// meetings queued for seconds (tests/bench). Clients are asked for no context takeover too, so
		// that ws-based clients send small messages as they are. zlib's state (~300 KB with the default
		// 15-bit window) lives only while a large message is compressed or inflated: zlib-release.ts frees
		// it after each one. maxPayload applies to the inflated size.
		// ws's own ceiling (it closes with 1009 past it) is well above the limit the room enforces, so that a
		// message over the limit gets an explained, final refusal (4413) instead of a bare 1009 that a
		// provider answers by reconnecting and resending (issue 16).
		this.wss = new WebSocketServer({
			noServer: true,
			maxPayload: 4 * (opts.maxMessageBytes ?? 1024 * 1024),
			perMessageDeflate:
				opts.deflate === false
					? false
					: { threshold: COMPRESSION_THRESHOLD, serverNoContextTakeover: true, clientNoContextTakeover: true }
		});
		this.wss.on('error', (err) => console.error('collab: server error', err));
		this.recheckTimer = setInterval(() => void this.recheckConnections(), opts.recheckMs ?? 30_000);
		this.recheckTimer.unref();
		// Dead sockets (a phone that lost signal without closing) are found within two pings: ws answers
		// pings by itself, browsers too.
		this.pingTimer = setInterval(() => this.pingAll(), opts.pingMs ?? 15_000);
		this.pingTimer.unref();
	}

	private pingAll(): void {
		for (const ws of this.wss.clients) {
			if (!this.alive.has(ws)) {
				ws.terminate();
				continue;
			}
			this.alive.delete(ws);
			try {
				ws.ping();
			} catch {
				ws.terminate();
			}
		}
	}

	/** Handles an HTTP upgrade. Returns false when the path is not ours (let another handler have it). */
	handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
		const path = (req.url ?? '').split('?')[0];
		if (!path.startsWith(COLLAB_PATH)) return false;
		socket.on('error', () => socket.destroy());
		if (!this.accepting) {
			refuse(socket, 503);
			return true;
		}
		// Whatever escapes the upgrade (nothing should: each step answers for itself) ends this socket alone,
		// never the process as an unhandled rejection.
		this.upgrade(req, socket, head).catch((err) => {
			console.error('collab: an upgrade failed', err);
			socket.destroy();
		});
		return true;
	}

	/** Counts one more socket opened by this session in the current minute, and returns the count. */
	private opensThisMinute(sessionId: string): number {
		const minute = Math.floor(Date.now() / 60_000);
		if (this.opens.size > 10_000) for (const [id, o] of this.opens) if (o.minute !== minute) this.opens.delete(id);
		let entry = this.opens.get(sessionId);
		if (!entry || entry.minute !== minute) this.opens.set(sessionId, (entry = { minute, count: 0 }));
		return ++entry.count;
	}

	/** The rest of an upgrade on our path, once the session and the policy have answered. */
	private async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<boolean> {
		let verdict: UpgradeVerdict;
		try {
			verdict = await authorizeUpgrade(req, this.opts.db, this.opts.sessionPolicy, this.opts.origin);
		} catch (err) {
			console.error('collab: upgrade check failed', err);
			refuse(socket, 503);
			return true;
		}
		/** A refused upgrade: on the audit trail, then the status. */
		const deny = (v: { actor: Actor; docId: string | null; caseId: string | null; sessionId: string | null }, status: number, detail: Record<string, string | number>) => {
			auditLater(this.opts.db, {
				actor: v.actor,
				action: 'collab.join',
				resourceType: 'document',
				resourceId: v.docId,
				caseId: v.caseId,
				outcome: 'denied',
				clientAddress: clientAddress(req),
				sessionId: v.sessionId,
				detail
			});
			refuse(socket, status);
			return true;
		};
		if (!verdict.ok) return deny(verdict, verdict.status, { why: verdict.why });
		const clientState = stateVectorParam(req.url);
		if (clientState === 'invalid') {
			refuse(socket, 400);
			return true;
		}
		// The document, loaded (with other instances: once this instance hears its changes, see Room.ready).
		let room: Room;
		try {
			room = await this.openRoom(verdict.docId);
		} catch (err) {
			if (this.accepting) console.error(`collab: could not open ${verdict.docId}`, err);
			refuse(socket, 503);
			return true;
		}
		const cooling = this.coolingDown.get(`${verdict.session.sessionId} ${verdict.docId}`);
		if (cooling && cooling.until > Date.now() && this.mayCarryRefused(room, clientState)) {
			// Counted, and written as one row when the wait ends (see refused()).
			cooling.refused++;
			refuse(socket, 429);
			return true;
		}
		// Each socket opened is a join and a leave on the audit trail: one sign-in opening sockets in a loop
		// would grow it without end. Past MAX_OPENS_PER_MINUTE, refused; the first refusal of the minute is
		// on the trail, the rest only answered (a page's provider waits up to 5 s between tries).
		const opens = this.opensThisMinute(verdict.session.sessionId);
		if (opens > MAX_OPENS_PER_MINUTE) {
			if (opens === MAX_OPENS_PER_MINUTE + 1) return deny({ ...verdict, sessionId: verdict.session.sessionId }, 429, { why: 'too-many-opens', limit: MAX_OPENS_PER_MINUTE });
			refuse(socket, 429);
			return true;
		}
		const maxSockets = this.opts.maxSocketsPerSession ?? 20;
		if ((this.socketsOf.get(verdict.session.sessionId) ?? 0) >= maxSockets) {
			if (room.connections.size === 0) this.scheduleUnload(room);
			return deny({ ...verdict, sessionId: verdict.session.sessionId }, 429, { why: 'too-many-sockets', limit: maxSockets });
		}
		// What the socket's life needs, copied out: the closures below must not keep the upgrade request
		// (its headers carry the session cookie) or the actor's case map alive as long as the socket.
		const joined: Joined = {
			docId: verdict.docId,
			caseId: verdict.caseId,
			access: verdict.access,
			actor: auditActor(verdict.actor),
			who: sessionIdentity(verdict.session),
			sessionId: verdict.session.sessionId,
			clientAddress: clientAddress(req),
			clientState,
			writer:
				verdict.actor.kind === 'staff'
					? { kind: 'staff', role: verdict.actor.assignments.get(verdict.caseId) ?? verdict.actor.role }
					: { kind: 'participant', role: verdict.actor.kind === 'participant' ? verdict.actor.role : 'anonymous' },
			personId: verdict.actor.kind === 'participant' ? verdict.actor.personId : null,
			keepApartWith: verdict.actor.kind === 'participant' ? new Set(verdict.actor.keepApartWith) : NONE
		};
		// In this turn, with no wait since openRoom: the room cannot have been unloaded in between.
		this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws, joined, room));
		return true;
	}

	private onConnection(ws: WebSocket, j: Joined, room: Room): void {
		if (this.rooms.get(j.docId) !== room) {
			// Unloaded while the handshake finished (not expected: it completes in the same turn): reconnect.
			ws.close(CLOSE.restart, 'try again');
			return;
		}
		const conn: Connection = {
			ws,
			readOnly: j.access === 'read',
			userId: j.who.id,
			sessionId: j.sessionId,
			role: j.who.role,
			user: { name: j.who.name, role: j.who.role, color: colourFor(j.who.id) },
			clientIds: new Set(),
			lastActiveAt: Date.now(),
			caseId: j.caseId,
			personId: j.personId,
			keepApartWith: j.keepApartWith,
			owner: j.personId ? `p:${j.personId}` : `u:${j.who.id}`,
			writer: j.writer
		};
		const db = this.opts.db;
		const audit = (action: string, detail: Record<string, string | number>) =>
			auditLater(db, {
				actor: j.actor,
				action,
				resourceType: 'document',
				resourceId: j.docId,
				caseId: j.caseId,
				outcome: 'allowed',
				clientAddress: j.clientAddress,
				sessionId: j.sessionId,
				detail
			});
		audit('collab.join', { access: j.access });
		this.joinedOf.set(ws, j);
		this.socketsOf.set(j.sessionId, (this.socketsOf.get(j.sessionId) ?? 0) + 1);
		this.alive.add(ws);
		ws.on('pong', () => this.alive.add(ws));

		ws.on('error', () => ws.terminate());
		ws.on('message', (data: RawData, isBinary: boolean) => {
			this.alive.add(ws);
			try {
				if (!isBinary) throw new ProtocolError(CLOSE.malformed, 'text frames are not part of the protocol');
				const message = toUint8Array(data);
				// A large message may have been inflated: free that socket's decompressor until the next one.
				if (message.byteLength >= COMPRESSION_THRESHOLD) releaseInflate(ws);
				room.receive(conn, message);
			} catch (err) {
				if (err instanceof ProtocolError) ws.close(err.code, err.message);
				else {
					console.error(`collab: error handling a message for ${room.docId}`, err);
					ws.close(CLOSE.internal, 'internal error');
				}
			}
		});
		ws.on('close', (code: number) => {
			audit('collab.leave', { code });
			const open = (this.socketsOf.get(j.sessionId) ?? 1) - 1;
			if (open > 0) this.socketsOf.set(j.sessionId, open);
			else {
				this.socketsOf.delete(j.sessionId);
				this.actingAs.delete(j.sessionId);
			}
			if (room.leave(ws)) this.scheduleUnload(room);
		});
		try {
			room.join(conn, j.clientState);
		} catch (err) {
			// Room.join closes a connection it cannot send to itself; this is for anything it did not foresee.
			console.error(`collab: could not join a connection to ${room.docId}`, err);
			conn.closing = true;
			ws.close(CLOSE.internal, 'internal error');
		}
	}

	private room(docId: string): Room {
		let room = this.rooms.get(docId);
		if (!room) {
			room = new Room(docId, this.log, this.bus, this.opts.compactAfter, {
				restMs: this.opts.restMs,
				owners: new ClientIdOwners(this.opts.db, docId),
				maxMessageBytes: this.opts.maxMessageBytes,
				maxDocumentBytes: this.opts.maxDocumentBytes,
				onRefused: (conn, reason) => this.refused(docId, conn, reason),
				onAction: (conn, body) => this.act(docId, conn, body)
			});
			this.rooms.set(docId, room);
			// A new document gets its kind's template here, once, on the server: never in each browser (two
			// browsers seeding at once would add the template twice).
			const seed = room.spec?.seed;
			const seedIfNew = (r: Room) => {
				if (seed && r.loadedEmpty && this.rooms.get(docId) === r) {
					r.transact((doc) => seed(doc, { docId })).catch((err) => console.error(`collab: could not seed ${docId}`, err));
				}
			};
			// One instance: loaded already. Several: once loaded (before anyone waiting on `ready` goes on).
			const created = room;
			if (created.isLoaded) seedIfNew(created);
			else created.ready.then(() => seedIfNew(created), () => {});
		}
		return room;
	}

	/**
	 * The loaded room of `docId`, created if need be. With other instances, loading waits for the bus
	 * subscription (Room.ready). A room whose load failed is dropped (the next caller tries again); one
	 * unloaded while this waited is opened again. Rejects while shutting down.
	 */
	private async openRoom(docId: string): Promise<Room> {
		for (;;) {
			if (!this.accepting) throw new Error('collab: shutting down');
			const room = this.room(docId);
			if (!room.isLoaded) {
				try {
					await room.ready;
				} catch (err) {
					if (this.rooms.get(docId) === room) {
						this.rooms.delete(docId);
						room.destroy();
					}
					throw err;
				}
			}
			if (this.rooms.get(docId) === room) return room;
		}
	}

	/**
	 * Changes a shared document on the server's behalf (see Room.transact): loaded if it is not, committed,
	 * sent to everyone connected, unloaded again later if nobody is. For services (closing a meeting, a
	 * snapshot of a part); the caller has asked the policy already.
	 */
	async transact(docId: string, change: (doc: Y.Doc) => void): Promise<void> {
		const room = await this.openRoom(docId);
		try {
			await room.transact(change);
			// Sent, not only handed to the sockets: whatever the caller does next (an audit row's commit holds the
			// thread on SQLite) comes after the change is on its way to every screen.
			await heldSendsWritten();
		} finally {
			if (room.connections.size === 0) this.scheduleUnload(room);
		}
	}

	/**
	 * After a refusal for size, may this reconnecting socket still carry what was refused? A page that says
	 * what it holds (`?sv=`) and holds no more than a few keystrokes the document lacks does not: a reload
	 * is let in at once. A stock provider says nothing, and is held off until the wait ends.
	 */
	private mayCarryRefused(room: Room, clientState: Uint8Array | null): boolean {
		if (!clientState) return true;
		const theirs = Y.decodeStateVector(clientState);
		if (room.connections.size === 0) this.scheduleUnload(room);
		const ours = room.stateVectorMap();
		let missing = 0;
		for (const [client, clock] of theirs) missing += Math.max(0, clock - (ours.get(client) ?? 0));
		// A Yjs clock counts characters: a refused paste is far more than a page typed while offline.
		return missing > (this.opts.maxMessageBytes ?? 1024 * 1024) / 8;
	}

	/**
	 * A socket action from `conn` on `docId`: checked (a malformed one closes that connection alone, 1007),
	 * then run after the connection's earlier actions, for the session's person as they are now (the
	 * session re-read, as each HTTP request does; an ended session closes the socket with 4401), and
	 * answered `acted` on that socket. The handler asks the policy and audits, as the page's form action does.
	 */
	private act(docId: string, conn: Connection, body: Uint8Array): void {
		let parsed: z.infer<typeof actionSchema>;
		try {
			if (body.length < 1 || body[0] !== 0) throw new Error('version');
			const result = actionSchema.safeParse(JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body.subarray(1))));
			if (!result.success) throw new Error('shape');
			parsed = result.data;
		} catch {
			throw new ProtocolError(CLOSE.malformed, 'malformed action');
		}
		const joined = this.joinedOf.get(conn.ws);
		if (!joined) throw new ProtocolError(CLOSE.policy, 'unknown connection');
		const answer = (problem: string | null) => send(conn.ws, encodeHearthMessage({ t: 'acted', id: parsed.id, problem }));
		let queue = this.actionsOf.get(conn.ws);
		if (!queue) this.actionsOf.set(conn.ws, (queue = { last: Promise.resolve(), waiting: 0, second: 0, started: 0 }));
		const second = Math.floor(Date.now() / 1000);
		if (queue.second !== second) {
			queue.second = second;
			queue.started = 0;
		}
		if (queue.waiting >= MAX_ACTIONS_WAITING || queue.started >= MAX_ACTIONS_PER_SECOND) return answer('busy');
		// Activity, as an edit is: the re-check keeps the session alive for it.
		conn.lastActiveAt = Date.now();
		queue.started++;
		queue.waiting++;
		const handler = this.opts.actions;
		const q = queue;
		q.last = q.last.then(async () => {
			try {
				if (conn.closing || conn.ws.readyState !== 1) return;
				if (!handler) return answer('unavailable');
				const now = clockNow();
				let acting = this.actingAs.get(conn.sessionId);
				if (!acting || acting.session.expiresAt <= now) {
					this.actingAs.delete(conn.sessionId);
					const generation = this.actingAsGeneration;
					const session = await revalidateSession(this.opts.db, conn.sessionId, this.opts.sessionPolicy, true, now);
					if (!session) {
						conn.closing = true;
						conn.ws.close(CLOSE.sessionEnded, 'session ended');
						return;
					}
					acting = { session, actor: await actorFor(this.opts.db, session) };
					// Access changed while this was read (on PostgreSQL the reads take turns with other work): use
					// what was read for this action only; the next one reads afresh.
					if (this.socketsOf.has(conn.sessionId) && generation === this.actingAsGeneration) this.actingAs.set(conn.sessionId, acting);
				}
				const ctx: RequestContext = { db: this.opts.db, actor: acting.actor, sessionId: conn.sessionId, clientAddress: joined.clientAddress, now };
				answer(await handler(ctx, docId, parsed.action, parsed.fields));
			} catch (err) {
				console.error(`collab: an action on ${docId} failed`, err);
				answer('unavailable');
			} finally {
				q.waiting--;
			}
		});
	}

	/** A refused update: on the audit trail; a refusal for size also makes that session wait before it reopens the document. */
	private refused(docId: string, conn: Connection, reason: RefusalReason): void {
		const joined = this.joinedOf.get(conn.ws);
		auditLater(this.opts.db, {
			actor: joined?.actor ?? { kind: 'anonymous' },
			action: 'collab.update',
			resourceType: 'document',
			resourceId: docId,
			caseId: conn.caseId,
			outcome: 'denied',
			clientAddress: joined?.clientAddress ?? null,
			sessionId: conn.sessionId,
			detail: { why: reason }
		});
		if (reason !== 'too-large' && reason !== 'document-full') return;
		const key = `${conn.sessionId} ${docId}`;
		const before = this.coolingDown.get(key);
		const lengthMs = before ? Math.min(before.lengthMs * 2, TOO_LARGE_COOLDOWN_MAX_MS) : TOO_LARGE_COOLDOWN_MS;
		const entry = { until: Date.now() + lengthMs, lengthMs, refused: 0 };
		this.coolingDown.set(key, entry);
		const timer = setTimeout(() => {
			// The reconnects refused while it waited: one row, not one each.
			if (entry.refused > 0) {
				auditLater(this.opts.db, {
					actor: joined?.actor ?? { kind: 'anonymous' },
					action: 'collab.join',
					resourceType: 'document',
					resourceId: docId,
					caseId: conn.caseId,
					outcome: 'denied',
					sessionId: conn.sessionId,
					detail: { why: 'cooling-down', count: entry.refused }
				});
			}
			entry.refused = 0;
		}, lengthMs);
		timer.unref();
	}

	private scheduleUnload(room: Room): void {
		if (room.unloadTimer) clearTimeout(room.unloadTimer);
		room.unloadTimer = setTimeout(() => {
			room.unloadTimer = undefined;
			if (room.connections.size > 0) return;
			const unload = () => {
				if (room.connections.size > 0 || this.rooms.get(room.docId) !== room) return;
				room.destroy();
				this.rooms.delete(room.docId);
			};
			this.log.committed().then(async () => {
				if (room.connections.size > 0 || this.rooms.get(room.docId) !== room) return;
				try {
					// At once on one instance; with several on PostgreSQL, after reading the log back (someone
					// may join meanwhile: then the room stays).
					await room.compact();
				} catch (err) {
					console.error(`collab: could not compact ${room.docId}`, err);
				}
				unload();
			});
		}, this.opts.unloadMs);
	}

	/**
	 * Sessions end and access changes while sockets are open: re-ask the session store and the policy.
	 * Sign-out, revoked invites and disabled accounts close sockets at once (closeSessions/closeUser); this
	 * pass catches what nobody announces (idle or absolute expiry, a person moved out of a session).
	 *
	 * It asks once per session and once per (actor, document), not once per socket, and works through
	 * the sockets in slices of at most `recheckSliceMs`, so the turn that carries it never holds everyone's
	 * edits: asked per socket in one turn it took 720 ms for 1,200 sockets (tests/bench/README.md).
	 */
	recheckConnections(): Promise<void> {
		if (this.recheck) return this.recheck;
		this.forgetActing();
		const now = Date.now();
		const windowMs = this.opts.recheckMs ?? 30_000;
		const work: { room: Room; conn: Connection }[] = [];
		const activeSessions = new Set<string>();
		for (const room of this.rooms.values()) {
			for (const conn of room.connections.values()) {
				work.push({ room, conn });
				if (now - conn.lastActiveAt < windowMs) activeSessions.add(conn.sessionId);
			}
		}
		const caches: RecheckCaches = { sessions: new Map(), verdicts: new Map() };
		let next = 0;
		const step = async (): Promise<boolean> => {
			const started = performance.now();
			while (next < work.length) {
				if (performance.now() - started >= this.recheckSliceMs) return false;
				const { room, conn } = work[next++];
				await this.recheckConnection(room, conn, caches, activeSessions.has(conn.sessionId), now);
			}
			return true;
		};
		let finish!: () => void;
		const pass = new Promise<void>((resolve) => (finish = resolve));
		this.recheck = pass;
		const run = async () => {
			if (!(await step())) return void setImmediate(run);
			this.recheck = undefined;
			finish();
		};
		void run();
		return pass;
	}

	/**
	 * One open socket, asked again: is its session alive, may its person still open this document, and
	 * how? Closes it (4401 session ended, 4403 access ended), narrows or widens it (an `access` message), or,
	 * when the people it must be kept apart from changed, closes it with 4000 so that it reconnects and is
	 * shown only the presence it may see. `caches` share the answers of one pass (per session, per actor
	 * and document).
	 */
	private async recheckConnection(room: Room, conn: Connection, caches: RecheckCaches, active: boolean, now: number): Promise<void> {
		try {
			// Closed or gone since the pass began.
			if (room.connections.get(conn.ws) !== conn || conn.ws.readyState !== conn.ws.OPEN) return;
			let known = caches.sessions.get(conn.sessionId);
			if (known === undefined) {
				const session = await revalidateSession(this.opts.db, conn.sessionId, this.opts.sessionPolicy, active, now);
				known = session
					? { session, actor: await actorFor(this.opts.db, session), actorKey: session.kind === 'staff' ? `u:${session.user.id}` : `p:${session.participant.id}` }
					: null;
				caches.sessions.set(conn.sessionId, known);
			}
			if (!known) {
				conn.ws.close(CLOSE.sessionEnded, 'session ended');
				return;
			}
			const key = `${known.actorKey}\u0000${room.docId}`;
			let access = caches.verdicts.get(key);
			if (!access) {
				const [kind, id] = room.docId.split(':') as [DocKind, string];
				access = await documentAccess(this.opts.db, known.actor, { kind, id });
				caches.verdicts.set(key, access);
			}
			if (!access.ok) {
				conn.ws.close(CLOSE.accessRevoked, 'access revoked');
				return;
			}
			const keepApart = known.actor.kind === 'participant' ? known.actor.keepApartWith : NONE;
			if (!sameSet(keepApart, conn.keepApartWith)) {
				// Presence already sent cannot be taken back piecemeal: the page reconnects (its provider
				// forgets everyone else's presence on close) and gets only what it may see.
				conn.ws.close(CLOSE.accessChanged, 'access changed');
				return;
			}
			const readOnly = access.access === 'read';
			if (readOnly !== conn.readOnly) {
				conn.readOnly = readOnly;
				send(conn.ws, encodeHearthMessage({ t: 'access', access: access.access }));
			}
		} catch (err) {
			// One socket's trouble must not end the pass for everyone else.
			console.error(`collab: could not recheck a connection to ${room.docId}`, err);
		}
	}

	async accessChanged(caseId: string): Promise<void> {
		this.forgetActing();
		const caches: RecheckCaches = { sessions: new Map(), verdicts: new Map() };
		const now = Date.now();
		for (const room of [...this.rooms.values()]) {
			for (const conn of [...room.connections.values()]) {
				if (conn.caseId === caseId) await this.recheckConnection(room, conn, caches, false, now);
			}
		}
	}

	closeSessions(sessionIds: readonly string[], reason: 'session-ended' | 'access-revoked'): number {
		const ids = new Set(sessionIds);
		this.forgetActing(ids);
		return this.closeWhere((c) => ids.has(c.sessionId), reason);
	}

	closeUser(userId: string, reason: 'session-ended' | 'access-revoked'): number {
		this.forgetActing();
		return this.closeWhere((c) => c.userId === userId, reason);
	}

	connectedCount(docId: string): number {
		return this.rooms.get(docId)?.connections.size ?? 0;
	}

	/** Drops who acts behind these sessions (all of them without `sessionIds`), and any read of them under way. */
	private forgetActing(sessionIds?: ReadonlySet<string>): void {
		this.actingAsGeneration++;
		if (!sessionIds) this.actingAs.clear();
		else for (const id of sessionIds) this.actingAs.delete(id);
	}

	tellStaff(docIds: readonly string[], userIds: readonly string[], message: HearthMessage): number {
		const owners = new Set(userIds.map((id) => `u:${id}`));
		const bytes = encodeHearthMessage(message);
		let reached = 0;
		for (const docId of new Set(docIds)) {
			for (const conn of this.rooms.get(docId)?.connections.values() ?? []) {
				if (conn.closing || conn.personId !== null || !owners.has(conn.owner)) continue;
				send(conn.ws, bytes);
				reached++;
			}
		}
		return reached;
	}

	private closeWhere(match: (c: Connection) => boolean, reason: 'session-ended' | 'access-revoked'): number {
		let closed = 0;
		for (const room of this.rooms.values()) {
			for (const conn of room.connections.values()) {
				if (!match(conn)) continue;
				conn.ws.close(reason === 'session-ended' ? CLOSE.sessionEnded : CLOSE.accessRevoked, reason);
				closed++;
			}
		}
		return closed;
	}

	/** Resolves once the update log can commit without a start-up wait (boot waits for it). */
	get ready(): Promise<void> {
		return this.log.ready;
	}

	/** SIGTERM: stop accepting, commit what is pending, compact, close sockets with 1012 (restart). */
	async shutdown(graceMs = 2000): Promise<void> {
		this.accepting = false;
		clearInterval(this.recheckTimer);
		clearInterval(this.pingTimer);
		const flushed = this.log.flush();
		const compacted: Promise<void>[] = [];
		const closed: Promise<void>[] = [];
		for (const room of this.rooms.values()) {
			if (room.unloadTimer) clearTimeout(room.unloadTimer);
			try {
				compacted.push(room.compact().catch((err) => console.error(`collab: could not compact ${room.docId}`, err)));
			} catch (err) {
				console.error(`collab: could not compact ${room.docId}`, err);
			}
			for (const conn of room.connections.values()) {
				closed.push(new Promise((resolve) => conn.ws.once('close', () => resolve())));
				conn.ws.close(CLOSE.restart, 'server restarting');
			}
		}
		let timer: ReturnType<typeof setTimeout> | undefined;
		await Promise.race([Promise.all(closed), new Promise((r) => (timer = setTimeout(r, graceMs)))]);
		clearTimeout(timer);
		for (const ws of this.wss.clients) ws.terminate();
		// Everything committed before the database closes (PostgreSQL: the commits in flight included).
		await flushed.catch(() => undefined);
		await Promise.all(compacted);
		await this.log.flush();
		await this.log.close();
		for (const room of this.rooms.values()) room.destroy();
		this.rooms.clear();
		this.wss.close();
	}
}

type RecheckCaches = {
	sessions: Map<string, { session: Session; actor: Actor; actorKey: string } | null>;
	verdicts: Map<string, Awaited<ReturnType<typeof documentAccess>>>;
};

/**
 * An audit row written without holding up the socket's work; a failure to write it is reported, never an
 * unhandled rejection (the collab server cannot answer anyone with it).
 */
function auditLater(db: Db, entry: Parameters<typeof writeAudit>[1]): void {
	writeAudit(db, entry).catch((err) => console.error('collab: could not write an audit row', err));
}

function sameSet(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
	if (a.size !== b.size) return false;
	for (const x of a) if (!b.has(x)) return false;
	return true;
}

function toUint8Array(data: RawData): Uint8Array {
	if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
	if (data instanceof ArrayBuffer) return new Uint8Array(data);
	return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
