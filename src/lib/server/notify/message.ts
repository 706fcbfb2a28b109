import { z } from 'zod';
import type { Outgoing } from './index.ts';

// What notify accepts. Two layers: the envelope (channel, locale, kind, ids) is fixed by types, so a bad
// one is a bug and throws; the content (address, number, words) comes from what people typed, so a bad
// one is a message that cannot be sent: a plain error the caller can show, recorded as 'failed'.
// No message here ever repeats the value it refuses: the outbox error column must not hold a recipient.

const id = z.string().min(1).max(64).nullish();

const envelope = z.object({
	channel: z.enum(['email', 'sms']),
	locale: z.enum(['en', 'es']),
	kind: z
		.string()
		.max(64)
		.regex(/^[a-z0-9]+(?:[-.][a-z0-9]+)*$/, 'must be a key such as invite-code, never text'),
	caseId: id,
	personId: id
});

const words = (max: number) =>
	z
		.string()
		.max(max, `is longer than ${max} characters`)
		.refine((s) => s.trim() !== '', 'is empty');

const calendar = z
	.object({
		method: z.enum(['REQUEST', 'CANCEL']),
		ics: z.string().max(200_000, 'is longer than 200000 characters')
	})
	.refine((c) => /^BEGIN:VCALENDAR\r?$/m.test(c.ics), { message: 'is not an iCalendar file', path: ['ics'] })
	// Mail clients act on the part's method, calendars on the file's: they must agree.
	.refine((c) => new RegExp(`^METHOD:${c.method}\\r?$`, 'm').test(c.ics), {
		message: 'METHOD does not match calendar.method',
		path: ['ics']
	});

const email = z.object({
	channel: z.literal('email'),
	to: z.email('is not an email address').max(254, 'is not an email address'),
	// A line break in a subject would start a new header.
	subject: words(250).refine((s) => !/[\r\n]/.test(s), 'has a line break'),
	text: words(100_000),
	html: words(1_000_000).optional(),
	calendar: calendar.optional()
});

/** E.164 after dropping the usual separators: "+1 (555) 123-4567" → "+15551234567". */
const phone = z
	.string()
	.regex(/^\+[\d\s().-]+$/, 'is not a phone number with country code (+1 555 123 4567)')
	.transform((s) => s.replace(/[\s().-]/g, ''))
	.refine((s) => /^\+[1-9]\d{6,14}$/.test(s), 'is not a phone number with country code (+1 555 123 4567)');

/**
 * Where a message goes, in one comparable form: `email:<address in lower case>` or `sms:<E.164>`, or null
 * when it is not an address or a number a message could go to. Used to recognise the destination an
 * invitation was sent to, whether it comes from the person's record or from what someone typed.
 */
export function destinationKey(channel: 'email' | 'sms', value: string): string | null {
	if (channel === 'email') {
		const address = value.trim().toLowerCase();
		return z.email().max(254).safeParse(address).success ? `email:${address}` : null;
	}
	const number = phone.safeParse(value.trim());
	return number.success ? `sms:${number.data}` : null;
}

/**
 * What a person typed to be recognised by ("ana@example.org", "(555) 555-0101", "+1 555 555 0101") as a
 * destination key (see `destinationKey`). A number without a country code is read as a US number (+1),
 * as Hearth's families are in the United States; agencies elsewhere would make this configuration.
 */
export function typedDestinationKey(typed: string): string | null {
	const value = typed.trim();
	if (value.includes('@')) return destinationKey('email', value);
	const digits = value.replace(/[\s().-]/g, '');
	if (/^\d{10}$/.test(digits)) return destinationKey('sms', `+1${digits}`);
	if (/^1\d{10}$/.test(digits)) return destinationKey('sms', `+${digits}`);
	return destinationKey('sms', value);
}

const sms = z.object({
	channel: z.literal('sms'),
	to: phone,
	subject: z.string(),
	// Ten concatenated segments: carriers and providers refuse or truncate beyond that.
	text: words(1600),
	html: z.string().optional(),
	calendar: z.undefined('calendar invitations go by email only').optional()
});

const content = z.discriminatedUnion('channel', [email, sms]);

export type Checked = { ok: true; message: Outgoing } | { ok: false; error: string };

/** The message ready for a transport (phone numbers in E.164), or why it cannot be sent. */
export function validateOutgoing(message: Outgoing): Checked {
	const head = envelope.safeParse(message);
	if (!head.success) throw new TypeError(`notify: ${describe(head.error)}`);
	const body = content.safeParse(message);
	if (!body.success) return { ok: false, error: `Cannot send: ${describe(body.error)}` };
	return { ok: true, message: { ...message, to: body.data.to } };
}

function describe(error: z.ZodError): string {
	return error.issues.map((i) => `${i.path.join('.') || 'message'} ${i.message}`).join('; ');
}

// Plain words for the failures a transport reports (nodemailer's error codes and Node's socket codes).
const plain: Record<string, string> = {
	ECONNECTION: 'could not reach the mail server',
	ECONNREFUSED: 'could not reach the mail server',
	ESOCKET: 'could not reach the mail server',
	EDNS: 'the mail server name did not resolve',
	ENOTFOUND: 'the mail server name did not resolve',
	ETIMEDOUT: 'the mail server did not answer in time',
	ETLS: 'could not set up a secure connection to the mail server',
	EAUTH: 'the mail server refused the sign-in',
	ENOAUTH: 'the mail server wants a sign-in (user and password in SMTP_URL)',
	EENVELOPE: 'the mail server refused the sender or the recipient',
	EMESSAGE: 'the mail server refused the message',
	EPROTOCOL: 'the mail server answered something unexpected'
};

/** A short, plain reason for a failed delivery, with no address or number in it (it is stored). */
export function deliveryError(e: unknown, recipients: string[]): string {
	const err = e instanceof Error ? e : new Error(String(e));
	const { code, responseCode } = err as Error & { code?: unknown; responseCode?: unknown };
	const reason = typeof code === 'string' && code in plain ? plain[code] : err.message;
	const status = typeof responseCode === 'number' ? ` (${responseCode})` : '';
	return redact(`Delivery failed: ${reason}${status}`, recipients).slice(0, 500);
}

/**
 * Whether no later try can deliver what `e` refused: the mail server refused the recipient, the sender or
 * the message for good (a 5xx answer, or a recipient it rejected). Anything else (a server down, slow or
 * answering 4xx "try again later", a sign-in it refused until someone fixes the settings) is worth another try.
 */
export function isPermanentRefusal(e: unknown): boolean {
	const { code, responseCode } = (e ?? {}) as { code?: unknown; responseCode?: unknown };
	if (code !== 'EENVELOPE' && code !== 'EMESSAGE') return false;
	return typeof responseCode !== 'number' || responseCode >= 500;
}

function redact(text: string, recipients: string[]): string {
	let out = text;
	for (const r of recipients) if (r) out = out.split(r).join('[recipient]');
	return out.replace(/[^\s<>()'"@]+@[^\s<>()'"@]+/g, '[address]').replace(/\+\d[\d ().-]{5,}\d/g, '[number]');
}
