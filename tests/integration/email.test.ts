import { simpleParser, type ParsedMail } from 'mailparser';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/lib/server/db/index.ts';
import { outbox } from '../../src/lib/server/db/schema.ts';
import { JobRunner } from '../../src/lib/server/jobs/runner.ts';
import { notify, sendMessage, useTransports, type Outgoing } from '../../src/lib/server/notify/index.ts';
import { smtpTransport } from '../../src/lib/server/notify/smtp.ts';
import { testDatabase } from '../support/db.ts';
import { closedPort, startSmtp, type Received, type RunningSmtp } from '../support/smtp.ts';

// A real SMTP server on a random local port (tests/support/smtp.ts): what nodemailer writes is what a
// mail server receives. Messages are queued as the app queues them and sent by a jobs runner.

const received: Received[] = [];
let server: RunningSmtp;
let port: number;

beforeAll(async () => {
	server = await startSmtp(0, received);
	port = server.port;
});

afterAll(() => server.close());

let db: Db;
let restore: () => void;
let runner: JobRunner;
let ahead = 0;

beforeEach(() => {
	received.length = 0;
	db = testDatabase();
	ahead = 0;
	runner = new JobRunner({ db, jobs: [sendMessage], clock: () => Date.now() + ahead, log: () => {} });
	const email = smtpTransport({
		url: `smtp://127.0.0.1:${port}`,
		from: 'Hearth <hearth@agency.example.org>',
		options: { secure: false, ignoreTLS: true }
	});
	restore = useTransports({ email });
});

afterEach(() => {
	restore();
	db.$client.close();
});

const invitation: Outgoing = {
	channel: 'email',
	to: 'rosa.rivera@example.org',
	subject: 'Invitación: reunión del equipo familiar el martes',
	text: 'Hola, Rosa. Ana Pérez la invita a la reunión del equipo familiar.\nÁbrala aquí: https://hearth.example.org/invite/tok-ñandú',
	html: '<p>Hola, Rosa. Ana Pérez la invita a la reunión del equipo familiar.</p><p><a href="https://hearth.example.org/invite/tok-ñandú">Abrir la invitación</a></p>',
	locale: 'es',
	kind: 'invite'
};

const ics = [
	'BEGIN:VCALENDAR',
	'VERSION:2.0',
	'PRODID:-//Hearth//ES',
	'METHOD:REQUEST',
	'BEGIN:VEVENT',
	'UID:meeting-1@hearth.example.org',
	'SEQUENCE:0',
	'DTSTAMP:20261020T150000Z',
	'DTSTART:20261103T233000Z',
	'DTEND:20261104T003000Z',
	'SUMMARY:Reunión del equipo familiar',
	'END:VEVENT',
	'END:VCALENDAR'
].join('\r\n');

/** Queues the message as the app does and lets the jobs runner hand it to the SMTP server. */
async function deliver(message: Outgoing) {
	const result = await notify(db, message);
	await runner.runDue();
	return result;
}

const statuses = () => db.select().from(outbox).all();

async function onlyMessage(): Promise<{ envelope: Received; mail: ParsedMail }> {
	expect(received).toHaveLength(1);
	return { envelope: received[0], mail: await simpleParser(received[0].raw) };
}

describe('email through a real SMTP server', () => {
	it('delivers a Spanish invitation with its text and HTML parts, and records only that it was sent', async () => {
		const result = await deliver(invitation);
		expect(result).toEqual({ ok: true, id: expect.any(String) });

		const { envelope, mail } = await onlyMessage();
		expect(envelope).toMatchObject({ from: 'hearth@agency.example.org', to: ['rosa.rivera@example.org'] });
		expect(mail.from?.value).toEqual([{ name: 'Hearth', address: 'hearth@agency.example.org' }]);
		expect(mail.subject).toBe('Invitación: reunión del equipo familiar el martes');
		expect(mail.text?.trim()).toBe(invitation.text);
		expect(mail.html).toContain('<a href="https://hearth.example.org/invite/tok-ñandú">Abrir la invitación</a>');
		expect(mail.headers.get('content-language')).toBe('es');
		expect(mail.attachments).toEqual([]);

		expect(db.select().from(outbox).all()).toMatchObject([{ id: result.id, channel: 'email', kind: 'invite', locale: 'es', status: 'sent', error: null }]);
	});

	it('carries a calendar invitation as a text/calendar; method=REQUEST part', async () => {
		const result = await deliver({ ...invitation, kind: 'meeting-invite', calendar: { method: 'REQUEST', ics } });
		expect(result.ok).toBe(true);

		const { envelope, mail } = await onlyMessage();
		const raw = envelope.raw.toString('utf8');
		expect(raw).toMatch(/Content-Type: text\/calendar; charset=utf-8; method=REQUEST/i);
		// mailparser hands the calendar part over as an attachment of the alternative.
		const calendar = mail.attachments.find((a) => a.contentType === 'text/calendar');
		expect(calendar?.content.toString('utf8')).toBe(ics);
		expect(calendar?.content.toString('utf8')).toContain('SUMMARY:Reunión del equipo familiar');
		expect(mail.text?.trim()).toBe(invitation.text);
		expect(mail.html).toContain('Abrir la invitación');
	});

	it('sends plain text alone when there is no HTML', async () => {
		const { html: _, ...textOnly } = invitation;
		expect((await deliver(textOnly)).ok).toBe(true);
		const { mail } = await onlyMessage();
		expect(mail.text?.trim()).toBe(invitation.text);
		expect(mail.html).toBe(false);
	});

	it('records a plain failure when the server refuses the recipient for good, tries no more, and stores no address', async () => {
		await deliver({ ...invitation, to: 'nadie@unknown.example.org' });
		expect(received).toEqual([]);
		const rows = statuses();
		expect(rows).toMatchObject([{ status: 'failed', kind: 'invite', error: 'Delivery failed: the mail server refused the sender or the recipient (550)' }]);
		expect(JSON.stringify(rows)).not.toContain('unknown.example.org');
		ahead += 86_400_000;
		expect(await runner.runDue()).toBe(0);
	});

	it('refuses to send a sign-in link in clear text when SMTP_URL asks for ?requireTLS=true', async () => {
		useTransports({ email: smtpTransport({ url: `smtp://127.0.0.1:${port}/?requireTLS=true`, from: 'hearth@agency.example.org' }) });
		await deliver(invitation);
		// The server offers no STARTTLS (and answers 500 to it): nothing is sent; the message waits for the settings to be fixed.
		expect(statuses()).toMatchObject([{ status: 'queued', error: 'Delivery failed: could not set up a secure connection to the mail server (500)' }]);
		expect(received).toEqual([]);
	});

	it('keeps the message while no mail server answers, and delivers it at a later try once one does', async () => {
		const closed = await closedPort();
		useTransports({ email: smtpTransport({ url: `smtp://127.0.0.1:${closed}`, from: 'hearth@agency.example.org', options: { ignoreTLS: true } }) });
		const result = await deliver(invitation);
		expect(result.ok).toBe(true);
		expect(statuses()).toMatchObject([{ status: 'queued', error: 'Delivery failed: could not reach the mail server' }]);

		const back = await startSmtp(closed, received);
		try {
			ahead += 30_000; // the first backoff
			await runner.runDue();
			const { envelope, mail } = await onlyMessage();
			expect(envelope.to).toEqual(['rosa.rivera@example.org']);
			expect(mail.text?.trim()).toBe(invitation.text);
			expect(statuses()).toMatchObject([{ id: result.id, status: 'sent', error: null }]);
		} finally {
			await back.close();
		}
	});
});
