import { and, eq, gt, inArray, isNull, lt, sql } from 'drizzle-orm';
import { first, forUpdate, type Db, tablesOf } from '../db/index.ts';
import type { invites } from '../db/schema.ts';
import { newId } from '../ids.ts';
import { createSession } from '../auth/session.ts';
import { hashSecret, newVerifyCode } from '../auth/invite-secrets.ts';
import { notify } from '../notify/index.ts';
import { destinationKey, typedDestinationKey } from '../notify/message.ts';
import { signInCodeMessage } from './invite-messages.ts';
import { findInvite, inviteLookups, type InviteCredential } from './invites.ts';
import { inTransaction, record, type RequestContext } from './access.ts';

// Coming back after signing out (issue 16.12). A family member has no password: they joined with a
// single-use link. To sign in again they ask for a new 6-digit code, which goes only to the phone or email
// the invitation was sent to, never to the page. What they give is only what the invitation already
// knows: the link or short code they already have, or the phone number or email it came to.
//
// The rules, each enforced here:
// - the link itself never signs anyone in twice (single use stands): the code, from the person's own
//   phone or email, is what signs them in;
// - only for an invitation that was used, by a person whose access is not revoked, within the invitation's
//   life (expiresAt), sent to a destination that the person's record still holds;
// - the code is single use, works CODE_MINUTES, allows MAX_ATTEMPTS wrong tries, and a newer code replaces
//   an older one of the same kind; at most CODES_PER_HOUR per invitation asked with the link, and
//   CODES_PER_HOUR_BY_DESTINATION asked by typing the phone number or email (a phone is not to be flooded);
// - someone who only knows the phone number or email (the other parent of a keep-apart pair knows the
//   survivor's) can neither use up the codes she asks for with her own link nor lock them with wrong
//   guesses: tries by destination count against, and match, only codes asked for by destination;
// - a try by destination is answered no sooner than CODE_TRY_FLOOR_MS after it came, whatever it found;
// - every request and try counts against the address's invite look-ups (each is a guess at a secret);
// - asked by phone number or email, the answer is the same whether or not an invitation has it, and the
//   look-up, the code and the message all come after the answer, so its time does not tell either;
// - invitations given in person have no channel: the person asks their caseworker for a new code;
// - everything is audited (never the code, the phone number or the email).

export const CODE_MINUTES = 10;
const MAX_ATTEMPTS = 5;
const CODES_PER_HOUR = 3;
const CODES_PER_HOUR_BY_DESTINATION = 1;
/** The least time a code try by destination takes to answer (ms): longer than its look-ups ever take. */
export const CODE_TRY_FLOOR_MS = 250;

/** How a person who joined with an invitation comes back: a code by email or text message, or ask staff. */
export type ComeBackWay = 'email' | 'sms' | 'ask';

type InviteRow = typeof invites.$inferSelect;
type Eligible = { ok: true; invite: InviteRow; participant: { id: string; meetingId: string | null; locale: string }; channel: 'email' | 'sms'; to: string };

/** Whether a new code may be sent for this invitation now, and where to; or why not (for the audit). */
async function eligibility(db: Db, invite: InviteRow, now: number): Promise<Eligible | { ok: false; why: string; way?: 'ask' }> {
	const { casePeople, participants } = tablesOf(db);
	if (invite.revokedAt !== null) return { ok: false, why: 'revoked' };
	if (invite.usedAt === null) return { ok: false, why: 'not-joined' };
	if (now >= invite.expiresAt) return { ok: false, why: 'expired' };
	const participant = await first(
		db
			.select({ id: participants.id, meetingId: participants.meetingId, locale: participants.locale })
			.from(participants)
			.where(and(eq(participants.inviteId, invite.id), isNull(participants.revokedAt)))
	);
	if (!participant) return { ok: false, why: 'revoked' };
	if (invite.channel === 'in_person' || invite.destinationHash === null) return { ok: false, why: 'in-person', way: 'ask' };
	const person = await first(db.select({ email: casePeople.email, phone: casePeople.phone }).from(casePeople).where(eq(casePeople.id, invite.personId)));
	const to = invite.channel === 'email' ? person?.email : person?.phone;
	const key = to ? destinationKey(invite.channel, to) : null;
	// The person's record no longer holds where the invitation went: the code would go somewhere else.
	if (!to || !key || !hashSecret(key).equals(invite.destinationHash)) return { ok: false, why: 'destination-changed' };
	return { ok: true, invite, participant, channel: invite.channel, to };
}

/**
 * What the page of a used link (or short code) tells its holder about coming back: a new code by email or
 * text message, ask staff for one, or nothing (the invitation ended or was turned off).
 */
export async function comeBackWay(ctx: RequestContext, invite: InviteRow): Promise<ComeBackWay | null> {
	const e = await eligibility(ctx.db, invite, ctx.now);
	return e.ok ? e.channel : (e.way ?? null);
}

/**
 * How this request's participant will come back after signing out, and until when (ms since the epoch),
 * for the sign-out and devices pages. Null for someone else than a participant.
 */
export async function comeBackFor(ctx: RequestContext): Promise<{ way: ComeBackWay; until: number | null } | null> {
	const { invites, participants } = tablesOf(ctx);
	const actor = ctx.actor;
	if (actor.kind !== 'participant') return null;
	const invite = (await first(ctx.db.select({ invite: invites }).from(participants).innerJoin(invites, eq(invites.id, participants.inviteId)).where(eq(participants.id, actor.participantId))))?.invite;
	if (!invite) return { way: 'ask', until: null };
	const e = await eligibility(ctx.db, invite, ctx.now);
	return e.ok ? { way: e.channel, until: invite.expiresAt } : { way: 'ask', until: null };
}

/** Who asks for a code: the holder of a used link or short code, or someone typing a phone number or email. */
export type CodeAsker = InviteCredential | { destination: string };

async function invitesOf(db: Db, asker: CodeAsker): Promise<InviteRow[]> {
	const { invites } = tablesOf(db);
	if (!('destination' in asker)) {
		const invite = await findInvite(db, asker);
		return invite ? [invite] : [];
	}
	const key = typedDestinationKey(asker.destination.slice(0, 254));
	return key ? db.select().from(invites).where(eq(invites.destinationHash, hashSecret(key))) : [];
}

/** One step of coming back on the trail, as the anonymous caller (never the code, the phone number or the email). */
function audit(ctx: RequestContext, action: string, outcome: 'allowed' | 'denied', invite: InviteRow | null, detail?: Record<string, string>): Promise<void> {
	return record(ctx, { actor: { kind: 'anonymous' }, action, resourceType: 'invite', resourceId: invite?.id ?? null, caseId: invite?.caseId ?? null, outcome, detail });
}

/**
 * Sends a new sign-in code for each invitation of `asker` that may have one (see the rules above). The
 * answer says only `sent` to the holder of a link or short code (who knows the invitation already), and
 * nothing but `ok` to someone who typed a phone number or email: the same whether or not any invitation
 * has it. Refuses (`throttled`) when this address has used up its look-ups.
 */
export async function requestSignInCode(ctx: RequestContext, asker: CodeAsker): Promise<{ ok: true; sent: ComeBackWay | 'too-many' | null } | { ok: false; reason: 'throttled' }> {
	if (!(await inviteLookups().take(ctx.clientAddress ?? 'unknown', ctx.now))) {
		await audit(ctx, 'sign-in-code.send', 'denied', null, { why: 'throttled' });
		return { ok: false, reason: 'throttled' };
	}
	if ('destination' in asker) {
		// Asked by phone number or email: the answer, and the work done before it, are the same whether or
		// not an invitation has it (one audit row); the look-up, the code and the message come after it.
		await audit(ctx, 'sign-in-code.request', 'allowed', null);
		setImmediate(() => {
			invitesOf(ctx.db, asker)
				.then((found) => issueCodes(ctx, found, 'destination'))
				.catch((err) => console.error('sign-in code: could not issue', err));
		});
		return { ok: true, sent: null };
	}
	return { ok: true, sent: await issueCodes(ctx, await invitesOf(ctx.db, asker), 'link') };
}

/** A new code for each of these invitations that may have one, each sent right after; what was done, for the last. */
async function issueCodes(ctx: RequestContext, found: InviteRow[], askedBy: 'link' | 'destination'): Promise<ComeBackWay | 'too-many' | null> {
	const { invites, signInCodes } = tablesOf(ctx);
	const now = ctx.now;
	if (found.length === 0) await audit(ctx, 'sign-in-code.send', 'denied', null, { why: 'unknown' });
	let sent: ComeBackWay | 'too-many' | null = null;
	for (const invite of found) {
		const e = await eligibility(ctx.db, invite, now);
		if (!e.ok) {
			await audit(ctx, 'sign-in-code.send', 'denied', invite, { why: e.why });
			sent = e.way ?? null;
			continue;
		}
		const code = newVerifyCode();
		// The hour's count, the replacement and the new code in one transaction with its audit entry: two
		// requests at once cannot both squeeze past CODES_PER_HOUR. On PostgreSQL the invitation's row is
		// locked first, so the second waits for the first to commit and counts its code (without the lock,
		// eight requests at once got eight codes: family-sign-in-again.test.ts).
		const issued = await inTransaction(ctx, async (tx) => {
			await forUpdate(tx.db, tx.db.select({ id: invites.id }).from(invites).where(eq(invites.id, invite.id)));
			const lastHour = await tx.db
				.select({ id: signInCodes.id })
				.from(signInCodes)
				.where(and(eq(signInCodes.inviteId, invite.id), eq(signInCodes.askedBy, askedBy), gt(signInCodes.createdAt, now - 3_600_000)));
			if (lastHour.length >= (askedBy === 'link' ? CODES_PER_HOUR : CODES_PER_HOUR_BY_DESTINATION)) {
				await audit(tx, 'sign-in-code.send', 'denied', invite, { why: 'too-many' });
				return false;
			}
			// A newer code replaces the ones before it asked for the same way.
			await tx.db
				.update(signInCodes)
				.set({ expiresAt: now })
				.where(and(eq(signInCodes.inviteId, invite.id), eq(signInCodes.askedBy, askedBy), isNull(signInCodes.usedAt), gt(signInCodes.expiresAt, now)));
			const id = newId();
			await tx.db.insert(signInCodes).values({ id, inviteId: invite.id, codeHash: hashSecret(`${id}:${code}`), createdAt: now, expiresAt: now + CODE_MINUTES * 60_000, askedBy });
			await audit(tx, 'sign-in-code.send', 'allowed', invite, { channel: e.channel });
			return true;
		});
		if (!issued) {
			sent = 'too-many';
			continue;
		}
		sent = e.channel;
		const locale = e.participant.locale === 'es' ? 'es' : 'en';
		const words = signInCodeMessage(locale, code, CODE_MINUTES);
		// After the answer: how long a mail server takes must not tell anything.
		setImmediate(() => {
			notify(ctx.db, { channel: e.channel, to: e.to, subject: words.subject, text: words.text, locale, kind: 'sign-in-code', caseId: invite.caseId, personId: invite.personId }).catch((err) =>
				console.error('sign-in code: could not record the message', err)
			);
		});
	}
	return sent;
}

export type CodeSignIn = { token: string; sessionId: string; participantId: string; meetingId: string | null; locale: 'en' | 'es' };

/**
 * Signs a person in again with a code sent by `requestSignInCode`: a new session for the participant the
 * invitation made (not a new participant). Each try counts against every code it could have been
 * (MAX_ATTEMPTS each), in one statement before any code is compared, so of tries sent at once no more than
 * MAX_ATTEMPTS are compared against a code; only the request that marks the code used goes on. The answer
 * to a wrong, used, expired or locked code is the same.
 */
export async function signInWithCode(
	ctx: RequestContext,
	asker: CodeAsker,
	code: string,
	meta: { userAgent: string | null }
): Promise<{ ok: true; value: CodeSignIn } | { ok: false; reason: 'throttled' | 'bad-code' }> {
	if (!('destination' in asker)) return tryCode(ctx, asker, code, meta);
	// By destination: what the look-ups found (an invitation or none, joined or not) must not show in the time.
	const floor = new Promise((resolve) => setTimeout(resolve, CODE_TRY_FLOOR_MS));
	const [answer] = await Promise.all([tryCode(ctx, asker, code, meta), floor]);
	return answer;
}

async function tryCode(
	ctx: RequestContext,
	asker: CodeAsker,
	code: string,
	meta: { userAgent: string | null }
): Promise<{ ok: true; value: CodeSignIn } | { ok: false; reason: 'throttled' | 'bad-code' }> {
	const { signInCodes } = tablesOf(ctx);
	const now = ctx.now;
	if (!(await inviteLookups().take(ctx.clientAddress ?? 'unknown', now))) {
		await audit(ctx, 'sign-in-code.accept', 'denied', null, { why: 'throttled' });
		return { ok: false, reason: 'throttled' };
	}
	const eligible: Eligible[] = [];
	for (const invite of await invitesOf(ctx.db, asker)) {
		const e = await eligibility(ctx.db, invite, now);
		if (e.ok) eligible.push(e);
	}
	return inTransaction(ctx, async (tx) => {
		const open = and(
			isNull(signInCodes.usedAt),
			gt(signInCodes.expiresAt, now),
			lt(signInCodes.attempts, MAX_ATTEMPTS),
			'destination' in asker ? eq(signInCodes.askedBy, 'destination') : undefined
		);
		const counted = eligible.length
			? await tx.db
					.update(signInCodes)
					.set({ attempts: sql`${signInCodes.attempts} + 1` })
					.where(and(inArray(signInCodes.inviteId, eligible.map((e) => e.invite.id)), open))
					.returning()
			: [];
		const given = code.replace(/\s/g, '');
		const match = /^\d{6}$/.test(given) ? counted.sort((a, b) => b.createdAt - a.createdAt).find((c) => hashSecret(`${c.id}:${given}`).equals(c.codeHash)) : undefined;
		if (!match) {
			await audit(tx, 'sign-in-code.accept', 'denied', eligible.length === 1 ? eligible[0].invite : null, { why: 'bad-code' });
			return { ok: false, reason: 'bad-code' } as const;
		}
		const e = eligible.find((x) => x.invite.id === match.inviteId)!;
		// Single use, even with two taps at once: only the request that marks it used goes on.
		const claimed = await tx.db
			.update(signInCodes)
			.set({ usedAt: now })
			.where(and(eq(signInCodes.id, match.id), isNull(signInCodes.usedAt), gt(signInCodes.expiresAt, now)))
			.returning({ id: signInCodes.id });
		if (claimed.length === 0) return { ok: false, reason: 'bad-code' } as const;
		const { token, sessionId } = await createSession(tx.db, { participantId: e.participant.id }, { clientAddress: ctx.clientAddress, userAgent: meta.userAgent }, now);
		await record(
			{ ...tx, sessionId },
			{
				actor: { kind: 'participant', participantId: e.participant.id, personId: e.invite.personId, caseId: e.invite.caseId, role: e.invite.accessRole, meetingId: e.participant.meetingId, meetingSessionIds: new Set(), keepApartWith: new Set() },
				action: 'sign-in-code.accept',
				resourceType: 'invite',
				resourceId: e.invite.id,
				caseId: e.invite.caseId,
				outcome: 'allowed'
			}
		);
		return { ok: true, value: { token, sessionId, participantId: e.participant.id, meetingId: e.participant.meetingId, locale: e.participant.locale === 'es' ? 'es' : 'en' } } as const;
	});
}
