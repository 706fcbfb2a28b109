import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../db/index.ts';
import { users } from '../db/schema.ts';
import { createSession, invalidateSession } from '../auth/session.ts';
import { dummyHash, verifyPassword } from '../auth/password.ts';
import { RULES, SignInThrottle } from '../auth/throttle.ts';
import { config } from '../config.ts';
import { writeAudit } from '../audit.ts';
import { collabControl } from '../collab/registry.ts';
import type { Actor } from '../../domain/policy.ts';

/** The longest email (RFC 5321's path limit) and password the sign-in form takes. */
export const EMAIL_MAX = 254;
export const PASSWORD_MAX = 1000;

export const signInSchema = z.object({
	email: z.string().trim().toLowerCase().min(1).max(EMAIL_MAX),
	password: z.string().min(1).max(PASSWORD_MAX)
});

export type SignInProblem = 'email-missing' | 'email-too-long' | 'password-missing' | 'password-too-long';

/**
 * What is wrong with a sign-in form that `signInSchema` refused, the email first: missing, or longer than
 * the form takes (so a 1,001-character password is "too long", not "missing").
 */
export function signInProblem(error: z.ZodError): SignInProblem {
	const issue = error.issues.find((i) => i.path[0] === 'email') ?? error.issues[0];
	const field = issue?.path[0] === 'email' ? 'email' : 'password';
	return `${field}-${issue?.code === 'too_big' ? 'too-long' : 'missing'}`;
}

export type SignInResult =
	| { ok: true; value: { token: string; sessionId: string; locale: string | null } }
	| { ok: false; reason: 'invalid' }
	| { ok: false; reason: 'throttled'; retryAfterSeconds: number };

const THROTTLE_KEY = Symbol.for('hearth.signin-throttle');
function throttle(): SignInThrottle {
	const g = globalThis as { [THROTTLE_KEY]?: SignInThrottle };
	// Behind one shared address (an office, a shelter's wifi, the e2e tests) more failures are normal.
	return (g[THROTTLE_KEY] ??= new SignInThrottle({ ...RULES, address: { ...RULES.address, free: config().SIGNIN_ADDRESS_FREE_FAILURES } }));
}

export async function signIn(
	db: Db,
	input: z.infer<typeof signInSchema>,
	meta: { clientAddress: string; userAgent: string | null; throttled: boolean }
): Promise<SignInResult> {
	const t = throttle();
	// The try is counted before the (slow, asynchronous) password check, so guesses sent all at once are
	// throttled like guesses sent one by one; the right password gives it back below.
	const wait = meta.throttled ? t.reserve(meta.clientAddress, input.email) : 0;
	if (wait > 0) {
		writeAudit(db, { actor: { kind: 'anonymous' }, action: 'auth.sign-in', resourceType: 'session', outcome: 'denied', clientAddress: meta.clientAddress, detail: { why: 'throttled' } });
		return { ok: false, reason: 'throttled', retryAfterSeconds: Math.ceil(wait / 1000) };
	}
	const user = db.select().from(users).where(eq(users.email, input.email)).get();
	// Same work and the same answer whether the email is unknown, the password wrong or the account disabled.
	const passwordOk = await verifyPassword(user?.passwordHash ?? (await dummyHash()), input.password);
	if (!user || !passwordOk || user.disabledAt !== null) {
		const actor: Actor = user ? { kind: 'staff', userId: user.id, role: user.role, assignments: new Map() } : { kind: 'anonymous' };
		writeAudit(db, { actor, action: 'auth.sign-in', resourceType: 'session', outcome: 'denied', clientAddress: meta.clientAddress, detail: { why: 'bad-credentials' } });
		return { ok: false, reason: 'invalid' };
	}
	t.succeed(meta.clientAddress, input.email);
	const { token, sessionId } = createSession(db, { userId: user.id }, { clientAddress: meta.clientAddress, userAgent: meta.userAgent });
	writeAudit(db, {
		actor: { kind: 'staff', userId: user.id, role: user.role, assignments: new Map() },
		action: 'auth.sign-in',
		resourceType: 'session',
		outcome: 'allowed',
		clientAddress: meta.clientAddress,
		sessionId
	});
	return { ok: true, value: { token, sessionId, locale: user.locale } };
}

export function signOut(db: Db, actor: Actor, sessionId: string, clientAddress: string): void {
	invalidateSession(db, sessionId);
	// Signing out ends the live connections opened with this session too.
	collabControl()?.closeSessions([sessionId], 'session-ended');
	writeAudit(db, { actor, action: 'auth.sign-out', resourceType: 'session', outcome: 'allowed', clientAddress, sessionId });
}
