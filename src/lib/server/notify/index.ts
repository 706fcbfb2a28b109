import type { Db } from '../db/index.ts';
import { outbox } from '../db/schema.ts';
import { newId } from '../ids.ts';
import { deliveryError, validateOutgoing } from './message.ts';
import { transportsFromConfig, type Transport, type Transports } from './transports.ts';

// Messages to people: invitation links and codes now; reminders and summaries later. Callers render the
// words in the recipient's language; this module checks the message, hands it to the configured transport
// and records that it went (or did not) in `outbox`.

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

export type SendResult = { ok: true; id: string } | { ok: false; id: string; error: string };

export type { Transport, Transports };

let override: Partial<Transports> = {};
let fromConfig: Transports | undefined;

/**
 * Sends one message and records one `outbox` row: id, case, person, channel, kind, locale, status and a
 * plain error. Never the recipient, subject or text: messages carry sign-in links, and the outbox is a
 * record that something was sent, not a copy of it.
 *
 * Content that cannot be sent (an address that is not an email address, a phone number that is not E.164,
 * empty text, too long) and delivery failures return `ok: false` with a plain error, recorded as 'failed'.
 * It throws only for bugs that types should have caught (an unknown channel, locale or kind) and for
 * database errors.
 */
export async function notify(db: Db, message: Outgoing): Promise<SendResult> {
	const id = newId();
	const checked = validateOutgoing(message);
	let error: string | null = null;
	if (!checked.ok) {
		error = checked.error;
	} else {
		try {
			await transportFor(checked.message.channel).send(checked.message, { id });
		} catch (e) {
			error = deliveryError(e, [message.to, checked.message.to]);
		}
	}
	db.insert(outbox)
		.values({
			id,
			caseId: message.caseId ?? null,
			personId: message.personId ?? null,
			channel: message.channel,
			kind: message.kind,
			locale: message.locale,
			status: error === null ? 'sent' : 'failed',
			error,
			createdAt: Date.now()
		})
		.run();
	return error === null ? { ok: true, id } : { ok: false, id, error };
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
