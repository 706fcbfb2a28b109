import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/lib/server/db/index.ts';
import { outbox } from '../../src/lib/server/db/schema.ts';
import { notify, useTransports, type Outgoing } from '../../src/lib/server/notify/index.ts';
import { smtpTransport } from '../../src/lib/server/notify/smtp.ts';
import { testDatabase } from '../support/db.ts';

// A real SMTP server on a random local port: what nodemailer writes is what a mail server receives.
// smtp-server's built-in certificate has expired, so no STARTTLS here (and nodemailer must not ask for it).

type Received = { from: string; to: string[]; raw: Buffer };
const received: Received[] = [];
let server: SMTPServer;
let port: number;

beforeAll(async () => {
	server = new SMTPServer({
		authOptional: true,
		disabledCommands: ['STARTTLS', 'AUTH'],
		logger: false,
		onRcptTo(address, _session, callback) {
			if (address.address.endsWith('@unknown.example.org')) return callback(Object.assign(new Error('No such user'), { responseCode: 550 }));
			callback();
		},
		onData(stream, session, callback) {
			const chunks: Buffer[] = [];
			stream.on('data', (c: Buffer) => chunks.push(c));
			stream.on('end', () => {
				received.push({
					from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
					to: session.envelope.rcptTo.map((r) => r.address),
					raw: Buffer.concat(chunks)
				});
				callback();
			});
		}
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	port = (server.server.address() as AddressInfo).port;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

let db: Db;
let restore: () => void;

beforeEach(() => {
	received.length = 0;
	db = testDatabase();
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

async function onlyMessage(): Promise<{ envelope: Received; mail: ParsedMail }> {
	expect(received).toHaveLength(1);
	return { envelope: received[0], mail: await simpleParser(received[0].raw) };
}

describe('email through a real SMTP server', () => {
	it('delivers a Spanish invitation with its text and HTML parts, and records only that it was sent', async () => {
		const result = await notify(db, invitation);
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
		const result = await notify(db, { ...invitation, kind: 'meeting-invite', calendar: { method: 'REQUEST', ics } });
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
		expect((await notify(db, textOnly)).ok).toBe(true);
		const { mail } = await onlyMessage();
		expect(mail.text?.trim()).toBe(invitation.text);
		expect(mail.html).toBe(false);
	});

	it('returns a plain failure when the server refuses the recipient, and stores no address', async () => {
		const result = await notify(db, { ...invitation, to: 'nadie@unknown.example.org' });
		expect(result).toMatchObject({ ok: false, error: 'Delivery failed: the mail server refused the sender or the recipient (550)' });
		expect(received).toEqual([]);
		const rows = db.select().from(outbox).all();
		expect(rows).toMatchObject([{ status: 'failed', kind: 'invite' }]);
		expect(JSON.stringify(rows)).not.toContain('unknown.example.org');
	});

	it('refuses to send a sign-in link in clear text when SMTP_URL asks for ?requireTLS=true', async () => {
		useTransports({ email: smtpTransport({ url: `smtp://127.0.0.1:${port}/?requireTLS=true`, from: 'hearth@agency.example.org' }) });
		const result = await notify(db, invitation);
		// The server offers no STARTTLS (and answers 500 to it): nothing is sent.
		expect(result).toMatchObject({ ok: false, error: 'Delivery failed: could not set up a secure connection to the mail server (500)' });
		expect(received).toEqual([]);
	});

	it('returns a plain failure when no mail server answers', async () => {
		const closed = await new Promise<number>((resolve) => {
			const probe = new SMTPServer({ logger: false });
			probe.listen(0, '127.0.0.1', () => {
				const p = (probe.server.address() as AddressInfo).port;
				probe.close(() => resolve(p));
			});
		});
		useTransports({ email: smtpTransport({ url: `smtp://127.0.0.1:${closed}`, from: 'hearth@agency.example.org', options: { ignoreTLS: true } }) });
		const result = await notify(db, invitation);
		expect(result).toMatchObject({ ok: false, error: 'Delivery failed: could not reach the mail server' });
		expect(db.select().from(outbox).all()).toMatchObject([{ status: 'failed' }]);
	});
});
