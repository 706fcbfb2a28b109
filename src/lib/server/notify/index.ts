import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { now as clockNow } from '../clock.ts';
import { transact, type Db, tablesOf } from '../db/index.ts';
import { newId } from '../ids.ts';
import { defineJob, enqueue, JobError, PermanentJobError, type Queryable } from '../jobs/index.ts';
import { deliveryError, isPermanentRefusal, validateOutgoing } from './message.ts';
import { transportsFromConfig, type Transport, type Transports } from './transports.ts';

// Messages to people: invitation links and codes now; reminders and summaries later. Callers render the
// words in the recipient's language; `notify` checks the message and queues it as a `message.send` job,
// and the jobs runner hands it to the configured transport, trying again with backoff while the mail
// server is down. `outbox` records that it was queued, then sent or failed: never its words or recipient.
// The job's payload holds both (a sign-in link, an address), sealed at rest and blanked once done.

export type Outgoing = {
	channel: 'email' | 'sms';
	to: string; // email address or phone number
	subject: string; // used for email; ignored for SMS
	text: string; // plain text body (always)
	html?: string; // optional HTML body for email
	locale: 'en' | 'es'; // the RECIPIENT's language (already rendered in it by the caller)
	kind: string; // what kind of message: 'invite', 'invite-code', … (a key, never text)
	caseId?: string | null;
	personId?: string | null;
	/** Optional calendar attachment for later features (text/calendar; method=REQUEST). */
	calendar?: { method: 'REQUEST' | 'CANCEL'; ics: string };
};

/** `ok`: queued, to be sent by the jobs runner (outbox row `id` says when it was sent or failed). */
export type SendResult = { ok: true; id: string } | { ok: false; id: string; error: string };

export type { Transport, Transports };

let override: Partial<Transports> = {};
let fromConfig: Transports | undefined;

/**
 * Tries per message kind. A sign-in code works for 10 minutes, so it is tried for about that long (after
 * 30 s, 1, 2 and 4 minutes); anything else for about a day (backoff doubling from 30 s up to an hour).
 */
const TRIES: Record<string, number> = { 'sign-in-code': 5 };
const DEFAULT_TRIES = 30;

/** The job's payload: the message as the caller gave it (checked again before each try). */
const outgoingPayload = z.object({
	channel: z.enum(['email', 'sms']),
	to: z.string(),
	subject: z.string(),
	text: z.string(),
	html: z.string().optional(),
	locale: z.enum(['en', 'es']),
	kind: z.string(),
	caseId: z.string().nullish(),
	personId: z.string().nullish(),
	calendar: z.object({ method: z.enum(['REQUEST', 'CANCEL']), ics: z.string() }).optional()
}) satisfies z.ZodType<Outgoing>;

/**
 * Hands one message to its transport; the job's id is the outbox row's. A refusal for good (see
 * `isPermanentRefusal`) ends the tries; anything else is tried again, the outbox row keeping the last
 * reason meanwhile. Errors carry plain words only: the address is redacted (`deliveryError`).
 */
export const sendMessage = defineJob<Outgoing>({
	kind: 'message.send',
	payload: outgoingPayload,
	maxAttempts: DEFAULT_TRIES,
	retry: { baseMs: 30_000, capMs: 3_600_000 },
	// The SMTP transport gives up on its own well before this (10 s to connect, 30 s of silence).
	timeoutMs: 90_000,
	async run(message, { db, jobId }) {
		const { outbox } = tablesOf(db);
		const checked = validateOutgoing(message);
		if (!checked.ok) throw new PermanentJobError(checked.error);
		try {
			await transportFor(checked.message.channel).send(checked.message, { id: jobId });
		} catch (e) {
			const error = deliveryError(e, [message.to, checked.message.to]);
			await db.update(outbox).set({ error }).where(eq(outbox.id, jobId));
			throw isPermanentRefusal(e) ? new PermanentJobError(error) : new JobError(error);
		}
		await db.update(outbox).set({ status: 'sent', error: null }).where(eq(outbox.id, jobId));
	},
	async failed({ tx, jobId, error }) {
		const { outbox } = tablesOf(tx);
		await tx.update(outbox).set({ status: 'failed', error }).where(eq(outbox.id, jobId));
	}
});

/**
 * Queues one message and records one `outbox` row (id, case, person, channel, kind, locale, status
 * `queued`), in one transaction (inside the caller's, when `q` is one). Returns at once: the jobs runner
 * sends it, marks the row `sent`, or after its last try `failed` with a plain reason. Never stores the
 * recipient, subject or text in clear: messages carry sign-in links.
 *
 * Content that cannot be sent (an address that is not an email address, a phone number that is not E.164,
 * empty text, too long) is not queued: `ok: false` with a plain error, recorded as 'failed'. Throws only
 * for bugs that types should have caught (an unknown channel, locale or kind) and for database errors.
 */
export async function notify(q: Db, message: Outgoing, options: { now?: number } = {}): Promise<SendResult> {
	const { outbox } = tablesOf(q);
	const id = newId();
	const checked = validateOutgoing(message);
	const now = options.now ?? clockNow();
	const row = { id, caseId: message.caseId ?? null, personId: message.personId ?? null, channel: message.channel, kind: message.kind, locale: message.locale, createdAt: now };
	if (!checked.ok) {
		await transact(q, (tx) => tx.insert(outbox).values({ ...row, status: 'failed', error: checked.error }));
		return { ok: false, id, error: checked.error };
	}
	// One transaction (the caller's when `q` is one; never another request's that happens to be open).
	await transact(q, async (tx) => {
		await tx.insert(outbox).values({ ...row, status: 'queued', error: null });
		await enqueue(tx, sendMessage, message, { id, now, maxAttempts: TRIES[message.kind] ?? DEFAULT_TRIES });
	});
	return { ok: true, id };
}

function transportFor(channel: Outgoing['channel']): Transport {
	// Built from the environment on first use, so a process that never sends never needs mail settings.
	return override[channel] ?? (fromConfig ??= transportsFromConfig())[channel];
}

/**
 * Sends through `replacement` instead of the configured transports until the returned function is called:
 * tests, or a real SMS provider wired in at start-up (see transports.ts).
 */
export function useTransports(replacement: Partial<Transports>): () => void {
	const previous = override;
	override = { ...override, ...replacement };
	return () => {
		override = previous;
	};
}
