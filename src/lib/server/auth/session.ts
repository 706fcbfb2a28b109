import { sha256 } from '@oslojs/crypto/sha2';
import { constantTimeEqual } from '@oslojs/crypto/subtle';
import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';
import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from '../db/index.ts';
import { caseAssignments, sessions, users } from '../db/schema.ts';
import type { Actor } from '../../domain/policy.ts';
import type { AssignmentRole, StaffRole } from '../../domain/roles.ts';

// Sessions the Lucia way (lucia-auth.com): the token is `<id>.<secret>`, the database keeps the id and
// SHA-256(secret) only, the secret is compared in constant time, and expiry slides with activity
// (idle timeout) inside an absolute lifetime.

export const SESSION_COOKIE = 'hearth_session';

export type SessionPolicy = { idleMs: number; maxMs: number };

export type StaffSession = {
	sessionId: string;
	user: { id: string; name: string; email: string; role: StaffRole; locale: string | null };
	expiresAt: number;
};

function randomSecret(): string {
	const bytes = new Uint8Array(20);
	crypto.getRandomValues(bytes);
	return encodeBase32LowerCaseNoPadding(bytes);
}

function hashSecret(secret: string): Uint8Array {
	return sha256(new TextEncoder().encode(secret));
}

export function createSession(
	db: Db,
	userId: string,
	meta: { clientAddress?: string | null; userAgent?: string | null } = {},
	now = Date.now()
): { token: string; sessionId: string } {
	const id = randomSecret();
	const secret = randomSecret();
	db.insert(sessions)
		.values({
			id,
			secretHash: Buffer.from(hashSecret(secret)),
			userId,
			createdAt: now,
			lastActiveAt: now,
			clientAddress: meta.clientAddress ?? null,
			userAgent: meta.userAgent?.slice(0, 300) ?? null
		})
		.run();
	return { token: `${id}.${secret}`, sessionId: id };
}

export function sessionExpiresAt(row: { createdAt: number; lastActiveAt: number }, policy: SessionPolicy): number {
	return Math.min(row.lastActiveAt + policy.idleMs, row.createdAt + policy.maxMs);
}

/** Only refresh the idle clock once a minute: one write per minute per person, not per request. */
const TOUCH_EVERY_MS = 60_000;

export function validateSessionToken(
	db: Db,
	token: string | undefined | null,
	policy: SessionPolicy,
	now = Date.now()
): StaffSession | null {
	if (!token || token.length > 100) return null;
	const dot = token.indexOf('.');
	if (dot <= 0) return null;
	return loadSession(db, token.slice(0, dot), token.slice(dot + 1), policy, now);
}

/**
 * For a connection that was authenticated with the token already (the collab server keeps the session
 * id, never the token): is the session still alive? Counts as activity when `active`.
 */
export function revalidateSession(db: Db, sessionId: string, policy: SessionPolicy, active: boolean, now = Date.now()): StaffSession | null {
	return loadSession(db, sessionId, null, policy, active ? now : null, now);
}

function loadSession(
	db: Db,
	id: string,
	secret: string | null,
	policy: SessionPolicy,
	activeAt: number | null,
	now = activeAt ?? Date.now()
): StaffSession | null {
	const row = db
		.select({
			id: sessions.id,
			secretHash: sessions.secretHash,
			createdAt: sessions.createdAt,
			lastActiveAt: sessions.lastActiveAt,
			userId: users.id,
			name: users.name,
			email: users.email,
			role: users.role,
			locale: users.locale
		})
		.from(sessions)
		.innerJoin(users, eq(users.id, sessions.userId))
		.where(and(eq(sessions.id, id), isNull(users.disabledAt)))
		.get();
	if (!row) return null;
	if (secret !== null && !constantTimeEqual(hashSecret(secret), new Uint8Array(row.secretHash))) return null;
	if (now >= sessionExpiresAt(row, policy)) {
		db.delete(sessions).where(eq(sessions.id, id)).run();
		return null;
	}
	let lastActiveAt = row.lastActiveAt;
	if (activeAt !== null && activeAt - lastActiveAt >= TOUCH_EVERY_MS) {
		lastActiveAt = activeAt;
		db.update(sessions).set({ lastActiveAt }).where(eq(sessions.id, id)).run();
	}
	return {
		sessionId: id,
		user: { id: row.userId, name: row.name, email: row.email, role: row.role, locale: row.locale },
		expiresAt: sessionExpiresAt({ createdAt: row.createdAt, lastActiveAt }, policy)
	};
}

export function invalidateSession(db: Db, sessionId: string): void {
	db.delete(sessions).where(eq(sessions.id, sessionId)).run();
}

export function invalidateUserSessions(db: Db, userId: string): string[] {
	return db.delete(sessions).where(eq(sessions.userId, userId)).returning({ id: sessions.id }).all().map((r) => r.id);
}

/** The policy's view of a signed-in staff member: who they are and which cases they are assigned to. */
export function staffActor(db: Db, user: { id: string; role: StaffRole }): Actor {
	const rows = db
		.select({ caseId: caseAssignments.caseId, role: caseAssignments.role })
		.from(caseAssignments)
		.where(eq(caseAssignments.userId, user.id))
		.all();
	return {
		kind: 'staff',
		userId: user.id,
		role: user.role,
		assignments: new Map<string, AssignmentRole>(rows.map((r) => [r.caseId, r.role]))
	};
}

/** Reads one cookie from a Cookie header (used by the collab server, which has no SvelteKit `cookies`). */
export function readCookie(header: string | undefined, name: string): string | undefined {
	if (!header) return undefined;
	for (const part of header.split(';')) {
		const eq = part.indexOf('=');
		if (eq < 0) continue;
		if (part.slice(0, eq).trim() === name) {
			try {
				return decodeURIComponent(part.slice(eq + 1).trim());
			} catch {
				return undefined;
			}
		}
	}
	return undefined;
}
