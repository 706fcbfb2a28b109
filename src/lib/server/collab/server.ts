import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket, type RawData } from 'ws';
import type { Db } from '../db/index.ts';
import { writeAudit } from '../audit.ts';
import { actorFor, revalidateSession, sessionIdentity, type SessionPolicy } from '../auth/session.ts';
import { documentAccess } from '../services/documents.ts';
import { authorizeUpgrade, COLLAB_PATH, type UpgradeVerdict } from './authorize-upgrade.ts';
import { InProcessBus, type Bus } from './bus.ts';
import { CLOSE, ProtocolError, Room, type Connection } from './room.ts';
import { UpdateLog } from './update-log.ts';
import type { CollabControl } from './registry.ts';
import { colourFor } from '../../domain/colour.ts';
import type { DocKind } from '../../domain/doc-id.ts';

export type CollabOptions = {
	db: Db;
	sessionPolicy: SessionPolicy;
	origin?: string;
	unloadMs: number;
	compactAfter: number;
	/** How often open connections re-check their session and access (revocation, expiry). */
	recheckMs?: number;
	bus?: Bus;
	maxPayload?: number;
};

const STATUS_TEXT: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 503: 'Service Unavailable' };

function refuse(socket: Duplex, status: number): void {
	if (socket.writable) {
		socket.write(`HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Error'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
	}
	socket.destroy();
}

function clientAddress(req: IncomingMessage): string | null {
	return req.socket.remoteAddress ?? null;
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

	constructor(opts: CollabOptions) {
		this.opts = opts;
		this.log = new UpdateLog(opts.db);
		this.bus = opts.bus ?? new InProcessBus();
		this.wss = new WebSocketServer({ noServer: true, maxPayload: opts.maxPayload ?? 1024 * 1024, perMessageDeflate: false });
		this.wss.on('error', (err) => console.error('collab: server error', err));
		this.recheckTimer = setInterval(() => this.recheckConnections(), opts.recheckMs ?? 30_000);
		this.recheckTimer.unref();
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
		let verdict: UpgradeVerdict;
		try {
			verdict = authorizeUpgrade(req, this.opts.db, this.opts.sessionPolicy, this.opts.origin);
		} catch (err) {
			console.error('collab: upgrade check failed', err);
			refuse(socket, 503);
			return true;
		}
		if (!verdict.ok) {
			writeAudit(this.opts.db, {
				actor: verdict.actor,
				action: 'collab.join',
				resourceType: 'document',
				resourceId: verdict.docId,
				caseId: verdict.caseId,
				outcome: 'denied',
				clientAddress: clientAddress(req),
				sessionId: verdict.sessionId,
				detail: { why: verdict.why }
			});
			refuse(socket, verdict.status);
			return true;
		}
		const accepted = verdict;
		this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws, req, accepted));
		return true;
	}

	private onConnection(ws: WebSocket, req: IncomingMessage, v: Extract<UpgradeVerdict, { ok: true }>): void {
		const { session } = v;
		const who = sessionIdentity(session);
		const conn: Connection = {
			ws,
			readOnly: v.access === 'read',
			userId: who.id,
			sessionId: session.sessionId,
			role: who.role,
			user: { name: who.name, role: who.role, color: colourFor(who.id) },
			clientIds: new Set(),
			lastActiveAt: Date.now()
		};
		const room = this.room(v.docId);
		const audit = (action: string, detail: Record<string, string | number>) =>
			writeAudit(this.opts.db, {
				actor: v.actor,
				action,
				resourceType: 'document',
				resourceId: v.docId,
				caseId: v.caseId,
				outcome: 'allowed',
				clientAddress: clientAddress(req),
				sessionId: session.sessionId,
				detail
			});
		audit('collab.join', { access: v.access });

		ws.on('error', () => ws.terminate());
		ws.on('message', (data: RawData, isBinary: boolean) => {
			try {
				if (!isBinary) throw new ProtocolError(CLOSE.malformed, 'text frames are not part of the protocol');
				room.receive(conn, toUint8Array(data));
			} catch (err) {
				if (err instanceof ProtocolError) ws.close(err.code, err.message);
				else {
					console.error(`collab: error handling a message for ${v.docId}`, err);
					ws.close(CLOSE.internal, 'internal error');
				}
			}
		});
		ws.on('close', (code: number) => {
			audit('collab.leave', { code });
			if (room.leave(ws)) this.scheduleUnload(room);
		});
		room.join(conn);
	}

	private room(docId: string): Room {
		let room = this.rooms.get(docId);
		if (!room) {
			room = new Room(docId, this.log, this.bus, this.opts.compactAfter);
			this.rooms.set(docId, room);
		}
		return room;
	}

	private scheduleUnload(room: Room): void {
		if (room.unloadTimer) clearTimeout(room.unloadTimer);
		room.unloadTimer = setTimeout(() => {
			room.unloadTimer = undefined;
			if (room.connections.size > 0) return;
			this.log.committed().then(() => {
				if (room.connections.size > 0 || this.rooms.get(room.docId) !== room) return;
				try {
					room.compact();
				} catch (err) {
					console.error(`collab: could not compact ${room.docId}`, err);
				}
				room.destroy();
				this.rooms.delete(room.docId);
			});
		}, this.opts.unloadMs);
	}

	/** Sessions end and access changes while sockets are open: re-ask the session store and the policy. */
	recheckConnections(): void {
		const now = Date.now();
		for (const room of this.rooms.values()) {
			for (const conn of room.connections.values()) {
				const active = now - conn.lastActiveAt < (this.opts.recheckMs ?? 30_000);
				const session = revalidateSession(this.opts.db, conn.sessionId, this.opts.sessionPolicy, active, now);
				if (!session) {
					conn.ws.close(CLOSE.sessionEnded, 'session ended');
					continue;
				}
				const [kind, id] = room.docId.split(':') as [DocKind, string];
				const access = documentAccess(this.opts.db, actorFor(this.opts.db, session), { kind, id });
				if (!access.ok) conn.ws.close(CLOSE.accessRevoked, 'access revoked');
				else conn.readOnly = access.access === 'read';
			}
		}
	}

	closeSessions(sessionIds: readonly string[], reason: 'session-ended' | 'access-revoked'): number {
		const ids = new Set(sessionIds);
		return this.closeWhere((c) => ids.has(c.sessionId), reason);
	}

	closeUser(userId: string, reason: 'session-ended' | 'access-revoked'): number {
		return this.closeWhere((c) => c.userId === userId, reason);
	}

	connectedCount(docId: string): number {
		return this.rooms.get(docId)?.connections.size ?? 0;
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

	/** SIGTERM: stop accepting, commit what is pending, compact, close sockets with 1012 (restart). */
	async shutdown(graceMs = 2000): Promise<void> {
		this.accepting = false;
		clearInterval(this.recheckTimer);
		this.log.flush();
		const closed: Promise<void>[] = [];
		for (const room of this.rooms.values()) {
			if (room.unloadTimer) clearTimeout(room.unloadTimer);
			try {
				room.compact();
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
		this.log.flush();
		for (const room of this.rooms.values()) room.destroy();
		this.rooms.clear();
		this.wss.close();
	}
}

function toUint8Array(data: RawData): Uint8Array {
	if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
	if (data instanceof ArrayBuffer) return new Uint8Array(data);
	return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
