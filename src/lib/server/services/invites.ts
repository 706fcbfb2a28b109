import { and, desc, eq, gt, isNull, lt, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { invites } from '../db/schema.ts';
import { first, type Db, tablesOf } from '../db/index.ts';
import { config } from '../config.ts';
import { newId } from '../ids.ts';
import { createSession, invalidateParticipantSessions } from '../auth/session.ts';
import { hashSecret, newInviteToken, newShortCode, newVerifyCode, normalizeShortCode } from '../auth/invite-secrets.ts';
import { RateLimiter, type TryLimiter } from '../auth/rate-limit.ts';
import { redis } from '../redis/connection.ts';
import { RedisRateLimiter } from '../redis/limits.ts';
import { collabControl } from '../collab/registry.ts';
import { notify } from '../notify/index.ts';
import { destinationKey } from '../notify/message.ts';
import { inviteEmail, inviteSms } from './invite-messages.ts';
import { INVITE_CHANNELS, READ_ONLY_PARTICIPANT_ROLES, type MeetingKind, type MeetingType, type ParticipantRole } from '../../domain/roles.ts';
import { opaqueId } from '../../domain/doc-id.ts';
import { typedText, typedTextFor, type TypedText } from '../../domain/people.ts';
import { m } from '../../paraglide/messages.js';
import { authorize, inTransaction, record, refuseUnknown, type RequestContext, type Result } from './access.ts';
import { comeBackWay, type ComeBackWay } from './sign-in-codes.ts';

// Inviting people on the case (parents, kin, youth, support people, observers…) to the whole case or to
// one meeting. They join from their own phones without an account: a link (or a short code read over
// the phone), a plain page that says who invited them to what, and a confirmation.

export const createInviteSchema = z.object({
	personId: opaqueId,
	/** Empty: the whole case. */
	meetingId: z.union([opaqueId, z.literal('')]).transform((v) => v || null),
	channel: z.enum(INVITE_CHANNELS),
	locale: z.enum(['en', 'es']),
	requireCode: z
		.enum(['on', 'off'])
		.optional()
		.transform((v) => (v === undefined ? undefined : v === 'on'))
});

export type CreatedInvite = {
	inviteId: string;
	personName: string;
	link: string;
	shortCode: string;
	/** Shown once to the worker, to give the person separately (and sent on a second channel when there is one). */
	verifyCode: string | null;
	expiresAt: number;
	sent: { channel: 'email' | 'sms'; ok: boolean } | null;
	codeSent: { channel: 'email' | 'sms'; ok: boolean } | null;
};

function personName(p: { givenName: string; familyName: string }): string {
	return `${p.givenName} ${p.familyName}`;
}

function inviteTtlMs(): number {
	return config().INVITE_TTL_HOURS * 3_600_000;
}

/**
 * When a new invitation stops working (ms since the epoch): INVITE_TTL_HOURS from `now`, and an invitation
 * to a meeting at least until that meeting ends (issue 17.10: made on Sunday at 1:52 AM for a meeting on
 * Wednesday at 5:30 PM, it used to end on Wednesday at 1:52 AM).
 */
export function inviteExpiry(now: number, meeting: { startsAt: number; durationMinutes: number } | null): number {
	const meetingEnds = meeting ? meeting.startsAt + meeting.durationMinutes * 60_000 : 0;
	return Math.max(now + inviteTtlMs(), meetingEnds);
}

async function agencyTimeZone(db: Db, caseId: string): Promise<string> {
	const { agencies, cases } = tablesOf(db);
	return (await first(db.select({ timeZone: agencies.timeZone }).from(cases).innerJoin(agencies, eq(agencies.id, cases.agencyId)).where(eq(cases.id, caseId))))?.timeZone ?? 'UTC';
}

export async function createInvite(
	ctx: RequestContext,
	caseId: string,
	input: z.infer<typeof createInviteSchema>,
	origin: string
): Promise<Result<CreatedInvite> | { ok: false; reason: 'no-destination' }> {
	const { casePeople, invites, meetings, users } = tablesOf(ctx);
	// Authorize, check and store in one transaction with its audit entry; the messages go after it commits.
	const stored = await inTransaction(ctx, async (tx) => {
		if (!opaqueId.safeParse(caseId).success) return refuseUnknown(tx, 'case', caseId, 'invite.create');
		const refused = await authorize(tx, 'manage', { type: 'invites', caseId }, 'invite.create');
		if (refused) return refused;
		if (tx.actor.kind !== 'staff') return { ok: false, reason: 'forbidden' } as const;
		const person = await first(tx.db.select().from(casePeople).where(and(eq(casePeople.id, input.personId), eq(casePeople.caseId, caseId))));
		if (!person) return { ok: false, reason: 'not-found' } as const;
		const meeting = input.meetingId ? ((await first(tx.db.select().from(meetings).where(and(eq(meetings.id, input.meetingId), eq(meetings.caseId, caseId))))) ?? null) : null;
		if (input.meetingId && !meeting) return { ok: false, reason: 'not-found' } as const;
		const destination = input.channel === 'email' ? person.email : input.channel === 'sms' ? person.phone : null;
		if (input.channel !== 'in_person' && !destination) return { ok: false, reason: 'no-destination' } as const;

		// First access asks for a 6-digit code by default for case-wide invites (they open the plan too).
		const requireCode = input.requireCode ?? input.meetingId === null;
		const token = newInviteToken();
		const shortCode = newShortCode();
		const verifyCode = requireCode ? newVerifyCode() : null;
		const id = newId();
		const expiresAt = inviteExpiry(tx.now, meeting);
		const sentTo = input.channel !== 'in_person' && destination ? destinationKey(input.channel, destination) : null;
		await tx.db.insert(invites).values({
			id,
			caseId,
			personId: person.id,
			meetingId: meeting?.id ?? null,
			accessRole: person.role,
			locale: input.locale,
			tokenHash: hashSecret(token),
			shortCodeHash: hashSecret(normalizeShortCode(shortCode)!),
			verifyCodeHash: verifyCode ? hashSecret(`${id}:${verifyCode}`) : null,
			destinationHash: sentTo ? hashSecret(sentTo) : null,
			channel: input.channel,
			createdBy: tx.actor.userId,
			createdAt: tx.now,
			expiresAt
		});
		await record(tx, {
			action: 'invite.create',
			resourceType: 'invite',
			resourceId: id,
			caseId,
			outcome: 'allowed',
			detail: { scope: meeting ? 'meeting' : 'case', channel: input.channel, codeRequired: requireCode }
		});
		const inviter = (await first(tx.db.select({ name: users.name }).from(users).where(eq(users.id, tx.actor.userId))))?.name ?? '';
		return { ok: true, value: { id, person, meeting, destination, token, shortCode, verifyCode, expiresAt, inviter } } as const;
	});
	if (!stored.ok) return stored;
	const { id, person, meeting, destination, token, shortCode, verifyCode, expiresAt, inviter } = stored.value;

	const link = `${origin}/invite/${token}`;
	const locale = input.locale;
	let sent: CreatedInvite['sent'] = null;
	let codeSent: CreatedInvite['codeSent'] = null;
	if (input.channel !== 'in_person' && destination) {
		const facts = {
			locale,
			name: person.givenName,
			inviter,
			link,
			joinUrl: `${origin}/join`,
			shortCode,
			// The place in the words of the message's language (staff type it in both; either may be missing).
			meeting: meeting && { ...meeting, location: placeIn(locale, { en: meeting.location, es: meeting.locationEs }) },
			expiresAt,
			timeZone: meeting?.timeZone ?? (await agencyTimeZone(ctx.db, caseId))
		};
		const words = input.channel === 'email' ? inviteEmail(facts) : { subject: '', text: inviteSms(facts) };
		const result = await notify(ctx.db, {
			channel: input.channel,
			to: destination,
			subject: words.subject,
			text: words.text,
			locale,
			kind: 'invite',
			caseId,
			personId: person.id
		});
		sent = { channel: input.channel, ok: result.ok };
		// "Sent separately": the code travels on the other channel when the person has one.
		const second = input.channel === 'email' ? (person.phone ? { channel: 'sms' as const, to: person.phone } : null) : person.email ? { channel: 'email' as const, to: person.email } : null;
		if (verifyCode && second) {
			const r = await notify(ctx.db, {
				channel: second.channel,
				to: second.to,
				subject: m.invite_code_subject({}, { locale }),
				text: m.invite_code_text({ code: verifyCode }, { locale }),
				locale,
				kind: 'invite-code',
				caseId,
				personId: person.id
			});
			codeSent = { channel: second.channel, ok: r.ok };
		}
	}
	return { ok: true, value: { inviteId: id, personName: personName(person), link, shortCode, verifyCode, expiresAt, sent, codeSent } };
}

export type InviteCredential = { token: string } | { shortCode: string };

export type InviteLanding = {
	status: 'valid';
	locale: 'en' | 'es';
	inviterName: string;
	personGivenName: string;
	caseName: string;
	/** `location`: the place as staff typed it, in English and Spanish (the page shows the reader's). */
	meeting: { kind: MeetingKind; meetingType: MeetingType; startsAt: number; timeZone: string; location: TypedText | null } | null;
	role: ParticipantRole;
	readOnly: boolean;
	codeRequired: boolean;
	expiresAt: number;
};

export type InviteProblem = 'unknown' | 'expired' | 'used' | 'revoked' | 'throttled' | 'bad-code' | 'code-locked';

/**
 * A link or short code that does not open an invitation: why, in which language to say it, and for a used
 * one, how its holder can sign in again (a new code by email or text message, or ask staff).
 */
export type DeadInvite = { status: InviteProblem; locale: 'en' | 'es' | null; comeBack?: ComeBackWay | null };

const LOOKUP_LIMIT_KEY = Symbol.for('hearth.invite-lookups');
/** Every look-up is a guess at a secret: INVITE_LOOKUP_LIMIT (30) per address per 10 minutes. */
function lookups(): TryLimiter {
	const g = globalThis as { [LOOKUP_LIMIT_KEY]?: TryLimiter };
	const link = redis();
	// With several instances (REDIS_URL), one count for all of them.
	return (g[LOOKUP_LIMIT_KEY] ??= link ? new RedisRateLimiter(link, 'invite-lookups', config().INVITE_LOOKUP_LIMIT, 10 * 60_000) : new RateLimiter(config().INVITE_LOOKUP_LIMIT, 10 * 60_000));
}

const MAX_CODE_ATTEMPTS = 5;

/** The look-ups limiter, shared with the requests for new sign-in codes (sign-in-codes.ts). */
export function inviteLookups(): TryLimiter {
	return lookups();
}

/** The invitation a link token or short code belongs to, whatever its state; undefined when none. */
export async function findInvite(db: Db, credential: InviteCredential): Promise<InviteRow | undefined> {
	const { invites } = tablesOf(db);
	let hash: Buffer;
	if ('token' in credential) {
		if (!/^[a-z2-7]{32}$/.test(credential.token)) return undefined;
		hash = hashSecret(credential.token);
	} else {
		const normalized = normalizeShortCode(credential.shortCode);
		if (!normalized) return undefined;
		hash = hashSecret(normalized);
	}
	return first(db.select().from(invites).where('token' in credential ? eq(invites.tokenHash, hash) : eq(invites.shortCodeHash, hash)));
}

type InviteRow = typeof invites.$inferSelect;

function problemOf(invite: typeof invites.$inferSelect, now: number): InviteProblem | null {
	if (invite.revokedAt !== null) return 'revoked';
	if (invite.usedAt !== null) return 'used';
	if (invite.verifyAttempts >= MAX_CODE_ATTEMPTS) return 'code-locked';
	if (now >= invite.expiresAt) return 'expired';
	return null;
}

/** A look-up of an invitation on the trail, as the anonymous caller who made it (never the token or code). */
function auditLookup(ctx: RequestContext, action: string, outcome: 'allowed' | 'denied', invite?: InviteRow, why?: string): Promise<void> {
	return record(ctx, { actor: { kind: 'anonymous' }, action, resourceType: 'invite', resourceId: invite?.id ?? null, caseId: invite?.caseId ?? null, outcome, detail: why ? { why } : undefined });
}

/**
 * What the landing page shows: who invited whom to what, or why the link does not work. `ctx`: the
 * request (anonymous or not: a link is opened as whoever holds it). Every look-up is a guess at a secret:
 * limited per address, and audited.
 */
export async function lookupInvite(ctx: RequestContext, credential: InviteCredential): Promise<InviteLanding | DeadInvite> {
	const { casePeople, cases, invites, meetings, users } = tablesOf(ctx);
	const now = ctx.now;
	if (!(await lookups().take(ctx.clientAddress ?? 'unknown', now))) {
		await auditLookup(ctx, 'invite.open', 'denied', undefined, 'throttled');
		return { status: 'throttled', locale: null };
	}
	const invite = await findInvite(ctx.db, credential);
	if (!invite) {
		await auditLookup(ctx, 'invite.open', 'denied', undefined, 'unknown');
		return { status: 'unknown', locale: null };
	}
	const locale = invite.locale === 'es' ? 'es' : 'en';
	const problem = problemOf(invite, now);
	if (problem) {
		await auditLookup(ctx, 'invite.open', 'denied', invite, problem);
		return { status: problem, locale, comeBack: problem === 'used' ? await comeBackWay(ctx, invite) : null };
	}
	const row = (await first(
		ctx.db
			.select({ inviterName: users.name, givenName: casePeople.givenName, caseName: cases.name })
			.from(invites)
			.innerJoin(users, eq(users.id, invites.createdBy))
			.innerJoin(casePeople, eq(casePeople.id, invites.personId))
			.innerJoin(cases, eq(cases.id, invites.caseId))
			.where(eq(invites.id, invite.id))
	))!;
	const meeting = invite.meetingId
		? await first(
				ctx.db
					.select({ kind: meetings.kind, meetingType: meetings.meetingType, startsAt: meetings.startsAt, timeZone: meetings.timeZone, location: meetings.location, locationEs: meetings.locationEs })
					.from(meetings)
					.where(eq(meetings.id, invite.meetingId))
			).then((row) => (row ? { ...row, location: typedText(row.location, row.locationEs) } : null))
		: null;
	await auditLookup(ctx, 'invite.open', 'allowed', invite);
	return {
		status: 'valid',
		locale,
		inviterName: row.inviterName,
		personGivenName: row.givenName,
		caseName: row.caseName,
		meeting,
		role: invite.accessRole,
		readOnly: READ_ONLY_PARTICIPANT_ROLES.includes(invite.accessRole),
		codeRequired: invite.verifyCodeHash !== null,
		expiresAt: invite.expiresAt
	};
}

export type AcceptedInvite = { token: string; sessionId: string; participantId: string; meetingId: string | null; locale: 'en' | 'es' };

/**
 * Confirms an invite (POST): single use; creates the participant and their session. An invitation with a
 * first-access code allows MAX_CODE_ATTEMPTS tries in all: each try is counted in one statement before the
 * code is compared (`verify_attempts + 1 … where verify_attempts < 5`), so of guesses sent at once no more
 * than five are ever compared, and only the request that marks the invitation used goes on.
 */
export async function acceptInvite(
	ctx: RequestContext,
	credential: InviteCredential,
	code: string | null,
	meta: { userAgent: string | null }
): Promise<{ ok: true; value: AcceptedInvite } | { ok: false; reason: InviteProblem }> {
	const { invites, participants } = tablesOf(ctx);
	const now = ctx.now;
	if (!(await lookups().take(ctx.clientAddress ?? 'unknown', now))) {
		await auditLookup(ctx, 'invite.accept', 'denied', undefined, 'throttled');
		return { ok: false, reason: 'throttled' };
	}
	const invite = await findInvite(ctx.db, credential);
	if (!invite) {
		await auditLookup(ctx, 'invite.accept', 'denied', undefined, 'unknown');
		return { ok: false, reason: 'unknown' };
	}
	const problem = problemOf(invite, now);
	if (problem) {
		await auditLookup(ctx, 'invite.accept', 'denied', invite, problem);
		return { ok: false, reason: problem };
	}
	const codeProblem = await inTransaction(ctx, async (tx): Promise<InviteProblem | null> => {
		if (!invite.verifyCodeHash) return null;
		const counted = await tx.db
			.update(invites)
			.set({ verifyAttempts: sql`${invites.verifyAttempts} + 1` })
			.where(and(eq(invites.id, invite.id), lt(invites.verifyAttempts, MAX_CODE_ATTEMPTS)))
			.returning({ attempts: invites.verifyAttempts });
		if (counted.length === 0) {
			await auditLookup(tx, 'invite.accept', 'denied', invite, 'code-locked');
			return 'code-locked';
		}
		const given = (code ?? '').replace(/\s/g, '');
		if (/^\d{6}$/.test(given) && hashSecret(`${invite.id}:${given}`).equals(invite.verifyCodeHash)) return null;
		await auditLookup(tx, 'invite.accept', 'denied', invite, 'bad-code');
		return counted[0].attempts >= MAX_CODE_ATTEMPTS ? 'code-locked' : 'bad-code';
	});
	if (codeProblem) return { ok: false, reason: codeProblem };
	const participantId = newId();
	const accepted = await inTransaction(ctx, async (tx) => {
		// Single use, even with two taps at once: only the request that flips usedAt goes on.
		const claimed = await tx.db
			.update(invites)
			.set({ usedAt: now })
			.where(and(eq(invites.id, invite.id), isNull(invites.usedAt), isNull(invites.revokedAt), gt(invites.expiresAt, now)))
			.returning({ id: invites.id });
		if (claimed.length === 0) return null;
		await tx.db
			.insert(participants)
			.values({ id: participantId, caseId: invite.caseId, personId: invite.personId, meetingId: invite.meetingId, accessRole: invite.accessRole, inviteId: invite.id, locale: invite.locale, createdAt: now });
		const session = await createSession(tx.db, { participantId }, { clientAddress: ctx.clientAddress, userAgent: meta.userAgent }, now);
		await record(
			{ ...tx, sessionId: session.sessionId },
			{
				actor: { kind: 'participant', participantId, personId: invite.personId, caseId: invite.caseId, role: invite.accessRole, meetingId: invite.meetingId, meetingSessionIds: new Set(), keepApartWith: new Set() },
				action: 'invite.accept',
				resourceType: 'invite',
				resourceId: invite.id,
				caseId: invite.caseId,
				outcome: 'allowed'
			}
		);
		return session;
	});
	if (!accepted) return { ok: false, reason: 'used' };
	return { ok: true, value: { token: accepted.token, sessionId: accepted.sessionId, participantId, meetingId: invite.meetingId, locale: invite.locale === 'es' ? 'es' : 'en' } };
}

export type InviteSummary = {
	id: string;
	personName: string;
	meetingId: string | null;
	channel: (typeof invites.$inferSelect)['channel'];
	createdAt: number;
	expiresAt: number;
	status: 'waiting' | 'accepted' | 'expired' | 'revoked';
	/** For an accepted invite: whether the person still has access. */
	active: boolean;
};

export async function listInvites(ctx: RequestContext, caseId: string): Promise<Result<InviteSummary[]>> {
	const { casePeople, invites, participants } = tablesOf(ctx);
	const refused = await authorize(ctx, 'manage', { type: 'invites', caseId }, 'invite.list');
	if (refused) return refused;
	const now = ctx.now;
	const rows = await ctx.db
		.select({ invite: invites, givenName: casePeople.givenName, familyName: casePeople.familyName })
		.from(invites)
		.innerJoin(casePeople, eq(casePeople.id, invites.personId))
		.where(eq(invites.caseId, caseId))
		.orderBy(desc(invites.createdAt));
	const activeParticipants = new Set(
		(await ctx.db.select({ inviteId: participants.inviteId }).from(participants).where(and(eq(participants.caseId, caseId), isNull(participants.revokedAt)))).map((p) => p.inviteId)
	);
	return {
		ok: true,
		value: rows.map(({ invite, givenName, familyName }) => ({
			id: invite.id,
			personName: `${givenName} ${familyName}`,
			meetingId: invite.meetingId,
			channel: invite.channel,
			createdAt: invite.createdAt,
			expiresAt: invite.expiresAt,
			status: invite.revokedAt !== null ? 'revoked' : invite.usedAt !== null ? 'accepted' : now >= invite.expiresAt ? 'expired' : 'waiting',
			active: activeParticipants.has(invite.id)
		}))
	};
}

/**
 * Revokes an invite: an unused link stops working, and a person who already joined with it loses
 * access at once: their sessions end and their open sockets close.
 */
export function revokeInvite(ctx: RequestContext, caseId: string, inviteId: string): Promise<Result<{ closedSockets: number }>> {
	const { invites, participants } = tablesOf(ctx);
	return inTransaction(ctx, async (tx) => {
		if (!opaqueId.safeParse(inviteId).success) return refuseUnknown(tx, 'invite', inviteId, 'invite.revoke');
		const refused = await authorize(tx, 'manage', { type: 'invites', caseId }, 'invite.revoke');
		if (refused) return refused;
		const invite = await first(tx.db.select().from(invites).where(and(eq(invites.id, inviteId), eq(invites.caseId, caseId))));
		if (!invite) return { ok: false, reason: 'not-found' };
		await tx.db.update(invites).set({ revokedAt: invite.revokedAt ?? tx.now }).where(eq(invites.id, inviteId));
		const revokedParticipants = await tx.db
			.update(participants)
			.set({ revokedAt: tx.now })
			.where(and(eq(participants.inviteId, inviteId), isNull(participants.revokedAt)))
			.returning({ id: participants.id });
		const sessionIds = await invalidateParticipantSessions(tx.db, revokedParticipants.map((p) => p.id));
		// Closing sockets is in memory only (no waiting): the audit entry says how many, in this transaction.
		const closedSockets = collabControl()?.closeSessions(sessionIds, 'access-revoked') ?? 0;
		await record(tx, { action: 'invite.revoke', resourceType: 'invite', resourceId: inviteId, caseId, outcome: 'allowed', detail: { closedSockets } });
		return { ok: true, value: { closedSockets } };
	});
}

/**
 * The language an invite was written in, so its landing page opens in it (before the person has chosen
 * one). Reveals nothing else; the page load that always accompanies it is rate limited.
 */
export async function inviteLocale(ctx: RequestContext, token: string): Promise<'en' | 'es' | null> {
	const invite = await findInvite(ctx.db, { token });
	return invite ? (invite.locale === 'es' ? 'es' : 'en') : null;
}

/** The place a message names, in `locale`'s words when staff typed them, else in the other language's. */
function placeIn(locale: 'en' | 'es', place: TypedText): string | null {
	return typedTextFor(place, locale)?.text ?? null;
}
