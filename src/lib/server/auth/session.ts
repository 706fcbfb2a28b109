import { sha256 } from '@oslojs/crypto/sha2';
import { constantTimeEqual } from '@oslojs/crypto/subtle';
import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';
import { and, eq, inArray, lte, or } from 'drizzle-orm';
import { now as clockNow } from '../clock.ts';
import { affected, first, transact, type Db, tablesOf } from '../db/index.ts';
import type { Actor } from '../../domain/policy.ts';
import type { AssignmentRole, ParticipantRole, StaffRole } from '../../domain/roles.ts';

// Sessions the Lucia way (lucia-auth.com): the token is `<id>.<secret>`, the database keeps the id and
// SHA-256(secret) only, the secret is compared in constant time, and expiry slides with activity
// (idle timeout) inside an absolute lifetime. Staff sign in with a password; participants (family
// members and others invited to a case) get a session when they accept an invite.

export const SESSION_COOKIE = 'hearth_session';

export type SessionPolicy = { idleMs: number; maxMs: number };

export type StaffSession = {
	kind: 'staff';
	sessionId: string;
	user: { id: string; name: string; email: string; role: StaffRole; locale: string | null };
	expiresAt: number;
};

export type ParticipantSession = {
	kind: 'participant';
	sessionId: string;
	participant: {
		id: string;
		personId: string;
		caseId: string;
		meetingId: string | null;
		role: ParticipantRole;
		name: string;
		locale: string;
	};
	expiresAt: number;
};

export type Session = StaffSession | ParticipantSession;

/** Who the session speaks for, for presence and audit: a name and a role code. */
export function sessionIdentity(session: Session): { id: string; name: string; role: string } {
	return session.kind === 'staff'
		? { id: session.user.id, name: session.user.name, role: session.user.role }
		: { id: session.participant.personId, name: session.participant.name, role: session.participant.role };
}

function randomSecret(): string {
	const bytes = new Uint8Array(20);
	crypto.getRandomValues(bytes);
	return encodeBase32LowerCaseNoPadding(bytes);
}

function hashSecret(secret: string): Uint8Array {
	return sha256(new TextEncoder().encode(secret));
}

/**
 * Opens a session for a staff member or a participant. Inside a transaction (`db` a `tx`) the row commits
 * with it. Resolves to the token for the cookie (`<id>.<secret>`) and the session id.
 */
export async function createSession(
	db: Db,
	owner: { userId: string } | { participantId: string },
	meta: { clientAddress?: string | null; userAgent?: string | null } = {},
	now = clockNow()
): Promise<{ token: string; sessionId: string }> {
	const { sessions } = tablesOf(db);
	const id = randomSecret();
	const secret = randomSecret();
	await transact(db, (tx) =>
		tx
			.insert(sessions)
		.values({
			id,
			secretHash: Buffer.from(hashSecret(secret)),
			userId: 'userId' in owner ? owner.userId : null,
			participantId: 'participantId' in owner ? owner.participantId : null,
			createdAt: now,
			lastActiveAt: now,
			clientAddress: meta.clientAddress ?? null,
				userAgent: meta.userAgent?.slice(0, 300) ?? null
			})
	);
	return { token: `${id}.${secret}`, sessionId: id };
}

export function sessionExpiresAt(row: { createdAt: number; lastActiveAt: number }, policy: SessionPolicy): number {
	return Math.min(row.lastActiveAt + policy.idleMs, row.createdAt + policy.maxMs);
}

/**
 * Deletes the sessions that have ended by `now` (ms), by either limit of `sessionExpiresAt`: the expiry
 * sweep (jobs/sweeps.ts). A session is refused once ended whether or not it was swept; this only keeps
 * the table to the live ones. Returns how many went.
 */
export function deleteExpiredSessions(db: Db, policy: SessionPolicy, now = clockNow()): Promise<number> {
	const { sessions } = tablesOf(db);
	return affected(db.delete(sessions).where(or(lte(sessions.lastActiveAt, now - policy.idleMs), lte(sessions.createdAt, now - policy.maxMs))));
}

/** Only refresh the idle clock once a minute: one write per minute per person, not per request. */
const TOUCH_EVERY_MS = 60_000;

/** The session of a cookie's token, or null (unknown, wrong secret, expired, owner disabled or revoked). Counts as activity. */
export function validateSessionToken(db: Db, token: string | undefined | null, policy: SessionPolicy, now = clockNow()): Promise<Session | null> {
	if (!token || token.length > 100) return Promise.resolve(null);
	const dot = token.indexOf('.');
	if (dot <= 0) return Promise.resolve(null);
	return loadSession(db, token.slice(0, dot), token.slice(dot + 1), policy, now);
}

/**
 * For a connection that was authenticated with the token already (the collab server keeps the session
 * id, never the token): is the session still alive? Counts as activity when `active`.
 */
export function revalidateSession(db: Db, sessionId: string, policy: SessionPolicy, active: boolean, now = clockNow()): Promise<Session | null> {
	return loadSession(db, sessionId, null, policy, active ? now : null, now);
}

async function loadSession(db: Db, id: string, secret: string | null, policy: SessionPolicy, activeAt: number | null, now = activeAt ?? clockNow()): Promise<Session | null> {
	const { casePeople, participants, sessions, users } = tablesOf(db);
	const row = await first(
		db
		.select({
			id: sessions.id,
			secretHash: sessions.secretHash,
			createdAt: sessions.createdAt,
			lastActiveAt: sessions.lastActiveAt,
			user: { id: users.id, name: users.name, email: users.email, role: users.role, locale: users.locale, disabledAt: users.disabledAt },
			participant: {
				id: participants.id,
				personId: participants.personId,
				caseId: participants.caseId,
				meetingId: participants.meetingId,
				role: participants.accessRole,
				locale: participants.locale,
				revokedAt: participants.revokedAt
			},
			givenName: casePeople.givenName,
			familyName: casePeople.familyName
		})
		.from(sessions)
		.leftJoin(users, eq(users.id, sessions.userId))
		.leftJoin(participants, eq(participants.id, sessions.participantId))
		.leftJoin(casePeople, eq(casePeople.id, participants.personId))
			.where(eq(sessions.id, id))
	);
	if (!row) return null;
	if (secret !== null && !constantTimeEqual(hashSecret(secret), new Uint8Array(row.secretHash))) return null;
	const ownerGone = row.user ? row.user.disabledAt !== null : !row.participant || row.participant.revokedAt !== null;
	if (ownerGone || now >= sessionExpiresAt(row, policy)) {
		await transact(db, (tx) => tx.delete(sessions).where(eq(sessions.id, id)));
		return null;
	}
	let lastActiveAt = row.lastActiveAt;
	// Once a minute, or more often under a short idle limit, so activity always lands before the limit.
	if (activeAt !== null && activeAt - lastActiveAt >= Math.min(TOUCH_EVERY_MS, policy.idleMs / 4)) {
		lastActiveAt = activeAt;
		await transact(db, (tx) => tx.update(sessions).set({ lastActiveAt }).where(eq(sessions.id, id)));
	}
	const expiresAt = sessionExpiresAt({ createdAt: row.createdAt, lastActiveAt }, policy);
	if (row.user) {
		const { disabledAt: _disabled, ...user } = row.user;
		return { kind: 'staff', sessionId: id, user, expiresAt };
	}
	const p = row.participant!;
	return {
		kind: 'participant',
		sessionId: id,
		participant: { id: p.id, personId: p.personId, caseId: p.caseId, meetingId: p.meetingId, role: p.role, locale: p.locale, name: `${row.givenName} ${row.familyName}` },
		expiresAt
	};
}

export async function invalidateSession(db: Db, sessionId: string): Promise<void> {
	const { sessions } = tablesOf(db);
	await transact(db, (tx) => tx.delete(sessions).where(eq(sessions.id, sessionId)));
}

/** Ends every session of a staff member; resolves to their ids (for closing their sockets). */
export async function invalidateUserSessions(db: Db, userId: string): Promise<string[]> {
	const { sessions } = tablesOf(db);
	const rows = await transact(db, (tx) => tx.delete(sessions).where(eq(sessions.userId, userId)).returning({ id: sessions.id }));
	return rows.map((r) => r.id);
}

/** Ends every session of these participants; resolves to their ids (for closing their sockets). */
export async function invalidateParticipantSessions(db: Db, participantIds: string[]): Promise<string[]> {
	const { sessions } = tablesOf(db);
	if (participantIds.length === 0) return [];
	const rows = await transact(db, (tx) => tx.delete(sessions).where(inArray(sessions.participantId, participantIds)).returning({ id: sessions.id }));
	return rows.map((r) => r.id);
}

/** The policy's view of the person behind a session: who they are and what they are attached to. */
export async function actorFor(db: Db, session: Session): Promise<Actor> {
	const { keepApartPairs, meetingSessionMembers, meetingSessions } = tablesOf(db);
	if (session.kind === 'staff') return staffActor(db, session.user);
	const p = session.participant;
	const memberships = await db
		.select({ id: meetingSessionMembers.meetingSessionId })
		.from(meetingSessionMembers)
		.innerJoin(meetingSessions, eq(meetingSessions.id, meetingSessionMembers.meetingSessionId))
		.where(eq(meetingSessionMembers.personId, p.personId));
	const pairs = await db
		.select({ a: keepApartPairs.personA, b: keepApartPairs.personB })
		.from(keepApartPairs)
		.where(or(eq(keepApartPairs.personA, p.personId), eq(keepApartPairs.personB, p.personId)));
	return {
		kind: 'participant',
		participantId: p.id,
		personId: p.personId,
		caseId: p.caseId,
		role: p.role,
		meetingId: p.meetingId,
		meetingSessionIds: new Set(memberships.map((m) => m.id)),
		keepApartWith: new Set(pairs.map((x) => (x.a === p.personId ? x.b : x.a)))
	};
}

export async function staffActor(db: Db, user: { id: string; role: StaffRole }): Promise<Actor> {
	const { caseAssignments } = tablesOf(db);
	const rows = await db
		.select({ caseId: caseAssignments.caseId, role: caseAssignments.role })
		.from(caseAssignments)
		.where(eq(caseAssignments.userId, user.id));
	return {
		kind: 'staff',
		userId: user.id,
		role: user.role,
		assignments: new Map<string, AssignmentRole>(rows.map((r) => [r.caseId, r.role]))
	};
}

/** The sessions one person has open now (for "your sessions"). */
export async function listSessions(db: Db, owner: { userId: string } | { participantId: string }, policy: SessionPolicy, now = clockNow()) {
	const { sessions } = tablesOf(db);
	const rows = await db
		.select({ id: sessions.id, createdAt: sessions.createdAt, lastActiveAt: sessions.lastActiveAt, clientAddress: sessions.clientAddress, userAgent: sessions.userAgent })
		.from(sessions)
		.where('userId' in owner ? eq(sessions.userId, owner.userId) : eq(sessions.participantId, owner.participantId));
	return rows.filter((r) => now < sessionExpiresAt(r, policy)).sort((a, b) => b.lastActiveAt - a.lastActiveAt);
}

/** Ends one of the person's own sessions; false when that session is not theirs. */
export async function endOwnSession(db: Db, owner: { userId: string } | { participantId: string }, sessionId: string): Promise<boolean> {
	const { sessions } = tablesOf(db);
	const ownerMatch = 'userId' in owner ? eq(sessions.userId, owner.userId) : eq(sessions.participantId, owner.participantId);
	const ended = await transact(db, (tx) => tx.delete(sessions).where(and(eq(sessions.id, sessionId), ownerMatch)).returning({ id: sessions.id }));
	return ended.length > 0;
}

/**
 * Every value of the cookie `name` in a Cookie header, in the order sent (a browser sends several when a stale
 * cookie for another path or domain outlives the current one). Values that do not decode are left out.
 * At most `max` (4): nobody needs more, and each is a database look-up.
 */
export function readCookies(header: string | undefined, name: string, max = 4): string[] {
	const values: string[] = [];
	if (!header) return values;
	for (const part of header.split(';')) {
		const eqAt = part.indexOf('=');
		if (eqAt < 0 || part.slice(0, eqAt).trim() !== name) continue;
		try {
			values.push(decodeURIComponent(part.slice(eqAt + 1).trim()));
		} catch {
			continue;
		}
		if (values.length >= max) break;
	}
	return values;
}

/** Reads one cookie (the first value) from a Cookie header. */
export function readCookie(header: string | undefined, name: string): string | undefined {
	return readCookies(header, name, 1)[0];
}

/**
 * The session of the first session cookie in `header` that is valid, with its token; null when none is.
 * Why (issue 17, from the bad-input attack): with a stale cookie sent before the good one
 * (`hearth_session=old; hearth_session=<valid>`), reading only the first signed the person out.
 */
export async function sessionFromCookies(db: Db, header: string | undefined | null, policy: SessionPolicy, now = clockNow()): Promise<{ session: Session; token: string } | null> {
	for (const token of readCookies(header ?? undefined, SESSION_COOKIE)) {
		const session = await validateSessionToken(db, token, policy, now);
		if (session) return { session, token };
	}
	return null;
}
