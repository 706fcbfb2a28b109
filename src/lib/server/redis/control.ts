import { z } from 'zod';
import type { CollabControl } from '../collab/registry.ts';
import type { RedisLink } from './connection.ts';

// Control messages between instances: signing out, ending a session, turning an account off, revoking an
// invite and access changes (keep-apart, session members, roles) reach the sockets of every instance, not
// only those of the instance that handled the request. Services keep calling collabControl() as on one
// instance; this wrapper applies each call here and publishes it on `<prefix>control`, and every other
// instance applies it to its own sockets when it hears it (within milliseconds).

const reasonSchema = z.enum(['session-ended', 'access-revoked']);
const controlSchema = z.object({
	from: z.string().min(1).max(64),
	message: z.discriminatedUnion('t', [
		z.object({ t: z.literal('close-sessions'), sessionIds: z.array(z.string().min(1).max(200)).max(10_000), reason: reasonSchema }),
		z.object({ t: z.literal('close-user'), userId: z.string().min(1).max(200), reason: reasonSchema }),
		z.object({ t: z.literal('access-changed'), caseId: z.string().min(1).max(200) }),
		z.object({
			t: z.literal('tell-staff'),
			docIds: z.array(z.string().min(1).max(200)).max(100),
			userIds: z.array(z.string().min(1).max(200)).max(100),
			message: z.object({ t: z.literal('break-asked'), name: z.string().max(200) })
		})
	])
});

export type ControlMessage = z.infer<typeof controlSchema>['message'];

const CHANNEL = 'control';

/**
 * The collab control of a cluster: `local` (this instance's collab server) plus every other instance's.
 * Counts returned (`closeSessions`, `closeUser`, `connectedCount`) are this instance's only.
 */
export class ClusterControl implements CollabControl {
	private readonly local: CollabControl;
	private readonly link: RedisLink;
	private unsubscribe: (() => void) | undefined;

	constructor(local: CollabControl, link: RedisLink) {
		this.local = local;
		this.link = link;
	}

	/** Starts applying other instances' messages; resolves once Redis confirmed the subscription. */
	async start(): Promise<void> {
		const sub = this.link.subscribe(CHANNEL, (raw) => this.heard(raw));
		this.unsubscribe = sub.unsubscribe;
		await sub.ready;
	}

	stop(): void {
		this.unsubscribe?.();
		this.unsubscribe = undefined;
	}

	/** One message from Redis: applied here unless this instance sent it (it applied it already). */
	private heard(raw: Buffer): void {
		let parsed: z.infer<typeof controlSchema>;
		try {
			parsed = controlSchema.parse(JSON.parse(raw.toString('utf8')));
		} catch {
			console.error('collab: a malformed control message was dropped');
			return;
		}
		if (parsed.from === this.link.instanceId) return;
		const m = parsed.message;
		if (m.t === 'close-sessions') this.local.closeSessions(m.sessionIds, m.reason);
		else if (m.t === 'close-user') this.local.closeUser(m.userId, m.reason);
		else if (m.t === 'tell-staff') this.local.tellStaff(m.docIds, m.userIds, m.message);
		else this.local.accessChanged(m.caseId).catch((err) => console.error(`collab: could not re-check access on case ${m.caseId}`, err));
	}

	private tell(message: ControlMessage): void {
		this.link.publish(CHANNEL, Buffer.from(JSON.stringify({ from: this.link.instanceId, message })));
	}

	closeSessions(sessionIds: readonly string[], reason: 'session-ended' | 'access-revoked'): number {
		if (sessionIds.length > 0) this.tell({ t: 'close-sessions', sessionIds: [...sessionIds], reason });
		return this.local.closeSessions(sessionIds, reason);
	}

	closeUser(userId: string, reason: 'session-ended' | 'access-revoked'): number {
		this.tell({ t: 'close-user', userId, reason });
		return this.local.closeUser(userId, reason);
	}

	/** Re-checks this instance's sockets on the case before it resolves; the others' as soon as they hear it. */
	accessChanged(caseId: string): Promise<void> {
		this.tell({ t: 'access-changed', caseId });
		return this.local.accessChanged(caseId);
	}

	transact(docId: string, change: (doc: import('yjs').Doc) => void): Promise<void> {
		return this.local.transact(docId, change);
	}

	connectedCount(docId: string): number {
		return this.local.connectedCount(docId);
	}

	/** Tells this instance's connections at once, and every other instance's as soon as it hears it. */
	tellStaff(docIds: readonly string[], userIds: readonly string[], message: import('../../domain/collab-protocol.ts').HearthMessage): number {
		if (message.t === 'break-asked') this.tell({ t: 'tell-staff', docIds: [...docIds], userIds: [...userIds], message });
		return this.local.tellStaff(docIds, userIds, message);
	}
}
