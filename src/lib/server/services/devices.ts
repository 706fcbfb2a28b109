import { endOwnSession, listSessions } from '../auth/session.ts';
import { sessionPolicy } from '../config.ts';
import { collabControl } from '../collab/registry.ts';
import { describeUserAgent } from '../../domain/device.ts';
import { inTransaction, record, type RequestContext, type Result } from './access.ts';
import { comeBackFor, type ComeBackWay } from './sign-in-codes.ts';

// "Your devices": the sessions a person has open (phones, computers), each of which they can end.

export type DeviceView = {
	/** A short reference: the session id itself is half of a sign-in token and never leaves the server. */
	ref: string;
	current: boolean;
	createdAt: number;
	lastActiveAt: number;
	/** A plain description ("Chrome on an Android phone"), never the raw user-agent string. */
	device: ReturnType<typeof describeUserAgent>;
};

function ownerOf(ctx: RequestContext): { userId: string } | { participantId: string } | null {
	const a = ctx.actor;
	return a.kind === 'staff' ? { userId: a.userId } : a.kind === 'participant' ? { participantId: a.participantId } : null;
}

/**
 * This person's open sessions, newest activity first, and for a family member how they come back after
 * signing out. Refused (`not-signed-in`) for someone who is not signed in.
 */
export async function myDevices(ctx: RequestContext): Promise<Result<{ sessions: DeviceView[]; comeBack: { way: ComeBackWay; until: number | null } | null }>> {
	const owner = ownerOf(ctx);
	if (!owner || !ctx.sessionId) return { ok: false, reason: 'not-signed-in' };
	const sessions = (await listSessions(ctx.db, owner, sessionPolicy(), ctx.now)).map((s) => ({
		ref: s.id.slice(0, 8),
		current: s.id === ctx.sessionId,
		createdAt: s.createdAt,
		lastActiveAt: s.lastActiveAt,
		device: describeUserAgent(s.userAgent)
	}));
	return { ok: true, value: { sessions, comeBack: await comeBackFor(ctx) } };
}

/**
 * Ends one of this person's own sessions, named by its short reference, and closes the sockets opened
 * with it; audited (`own`: it was the session this request came with). `not-found` when no session of
 * theirs has that reference.
 */
export async function endMyDevice(ctx: RequestContext, ref: string): Promise<Result<{ own: boolean }>> {
	const owner = ownerOf(ctx);
	if (!owner || !ctx.sessionId) return { ok: false, reason: 'not-signed-in' };
	return inTransaction(ctx, async (tx) => {
		const target = (await listSessions(tx.db, owner, sessionPolicy(), tx.now)).find((s) => s.id.startsWith(ref));
		if (!target || !(await endOwnSession(tx.db, owner, target.id))) return { ok: false, reason: 'not-found' } as const;
		// In memory only: the session is gone in this transaction, so the socket cannot come back.
		collabControl()?.closeSessions([target.id], 'session-ended');
		const own = target.id === tx.sessionId;
		await record(tx, { action: 'session.end', resourceType: 'session', outcome: 'allowed', detail: { own } });
		return { ok: true, value: { own } } as const;
	});
}
