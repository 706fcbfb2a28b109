import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { first, tablesOf } from '../db/index.ts';
import { createSession, invalidateSession } from '../auth/session.ts';
import { dummyHash, verifyPassword } from '../auth/password.ts';
import { RULES, SignInThrottle, type SignInThrottling } from '../auth/throttle.ts';
import { redis } from '../redis/connection.ts';
import { RedisSignInThrottle } from '../redis/limits.ts';
import { config } from '../config.ts';
import { collabControl } from '../collab/registry.ts';
import type { Actor } from '../../domain/policy.ts';
import { inTransaction, record, type RequestContext } from './access.ts';

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
/** This process's throttle, or with several instances (REDIS_URL) the one they share. */
function throttle(): SignInThrottling {
	const g = globalThis as { [THROTTLE_KEY]?: SignInThrottling };
	// Behind one shared address (an office, a shelter's wifi, the e2e tests) more failures are normal.
	const rules = { ...RULES, address: { ...RULES.address, free: config().SIGNIN_ADDRESS_FREE_FAILURES } };
	const link = redis();
	return (g[THROTTLE_KEY] ??= link ? new RedisSignInThrottle(link, rules) : new SignInThrottle(rules));
}

/**
 * Signs a staff member in with email and password (`ctx`: the anonymous request). Throttled per address
 * and account (`meta.throttled`, see throttle.ts); every try is audited, never the password. Resolves to
 * the new session's token, or `invalid` (unknown email, wrong password or disabled account: one answer).
 */
export async function signIn(ctx: RequestContext, input: z.infer<typeof signInSchema>, meta: { userAgent: string | null; throttled: boolean }): Promise<SignInResult> {
	const { users } = tablesOf(ctx);
	const t = throttle();
	const address = ctx.clientAddress ?? '';
	// The try is counted before the (slow, asynchronous) password check, so guesses sent all at once are
	// throttled like guesses sent one by one; the right password gives it back below.
	const wait = meta.throttled ? await t.reserve(address, input.email, ctx.now) : 0;
	if (wait > 0) {
		await record(ctx, { action: 'auth.sign-in', resourceType: 'session', outcome: 'denied', detail: { why: 'throttled' } });
		return { ok: false, reason: 'throttled', retryAfterSeconds: Math.ceil(wait / 1000) };
	}
	const user = await first(ctx.db.select().from(users).where(eq(users.email, input.email)));
	// Same work and the same answer whether the email is unknown, the password wrong or the account disabled.
	const passwordOk = await verifyPassword(user?.passwordHash ?? (await dummyHash()), input.password);
	if (!user || !passwordOk || user.disabledAt !== null) {
		const actor: Actor = user ? { kind: 'staff', userId: user.id, role: user.role, assignments: new Map() } : { kind: 'anonymous' };
		await record(ctx, { actor, action: 'auth.sign-in', resourceType: 'session', outcome: 'denied', detail: { why: 'bad-credentials' } });
		return { ok: false, reason: 'invalid' };
	}
	await t.succeed(address, input.email);
	// The session and its audit entry commit together.
	const { token, sessionId } = await inTransaction(ctx, async (tx) => {
		const opened = await createSession(tx.db, { userId: user.id }, { clientAddress: ctx.clientAddress, userAgent: meta.userAgent }, tx.now);
		await record({ ...tx, sessionId: opened.sessionId }, { actor: { kind: 'staff', userId: user.id, role: user.role, assignments: new Map() }, action: 'auth.sign-in', resourceType: 'session', outcome: 'allowed' });
		return opened;
	});
	return { ok: true, value: { token, sessionId, locale: user.locale } };
}

/** Ends this request's session (`ctx.sessionId`) and the live connections opened with it; audited. */
export async function signOut(ctx: RequestContext): Promise<void> {
	const sessionId = ctx.sessionId;
	if (!sessionId) return;
	await inTransaction(ctx, async (tx) => {
		await invalidateSession(tx.db, sessionId);
		await record(tx, { action: 'auth.sign-out', resourceType: 'session', outcome: 'allowed' });
	});
	// Signing out ends the live connections opened with this session too.
	collabControl()?.closeSessions([sessionId], 'session-ended');
}
