import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testDatabase } from '../../../../tests/support/db.ts';
import { config } from '../config.ts';
import { transact, type Db } from '../db/index.ts';
import { casePeople, jobs, outbox } from '../db/schema.ts';
import { JobRunner } from '../jobs/runner.ts';
import { seedDemo } from '../services/seed.ts';
import { notify, sendMessage, useTransports, type Outgoing } from './index.ts';
import { fileTransport, logTransport, readFileOutbox, transportsFromConfig } from './transports.ts';

const invite: Outgoing = {
	channel: 'email',
	to: 'rosa.rivera@example.org',
	subject: 'Invitación a la reunión del equipo familiar',
	text: 'Hola Rosa: abra este enlace para unirse: https://hearth.example.org/invite/secret-token-123',
	html: '<p>Hola Rosa: <a href="https://hearth.example.org/invite/secret-token-123">unirse</a></p>',
	locale: 'es',
	kind: 'invite'
};

let db: Db;
let dir: string;
let restore: () => void;
let runner: JobRunner;
/** How far the runner's clock is ahead of the system clock (ms): tests move it past a retry's backoff. */
let ahead = 0;

beforeEach(() => {
	db = testDatabase();
	dir = mkdtempSync(join(tmpdir(), 'hearth-outbox-'));
	restore = useTransports({ email: fileTransport(dir), sms: fileTransport(dir) });
	ahead = 0;
	runner = new JobRunner({ db, jobs: [sendMessage], clock: () => Date.now() + ahead, random: () => 0, log: () => {} });
});

afterEach(() => {
	restore();
	db.$client.close();
	rmSync(dir, { recursive: true, force: true });
});

function rows() {
	return db.select().from(outbox).all();
}

/** Queues the message as the app does, then lets the jobs runner send it (what the server's runner does at once). */
async function send(message: Outgoing) {
	const result = await notify(db, message);
	await runner.runDue();
	return result;
}

/** Moves the runner's clock forward and runs what came due: the next try after a backoff. */
async function later(ms: number) {
	ahead += ms;
	await runner.runDue();
}

describe('notify', () => {
	it('queues the message and returns at once: the runner sends it, then the outbox says sent', async () => {
		const result = await notify(db, invite);
		expect(result).toEqual({ ok: true, id: expect.any(String) });
		expect(rows()).toMatchObject([{ id: result.id, status: 'queued', error: null }]);
		expect(await readFileOutbox(dir)).toEqual([]);
		expect(db.select().from(jobs).all()).toMatchObject([{ id: result.id, kind: 'message.send', status: 'pending', attempts: 0 }]);

		await runner.runDue();
		expect(await readFileOutbox(dir)).toMatchObject([{ id: result.id, to: invite.to }]);
		expect(rows()).toMatchObject([{ id: result.id, status: 'sent', error: null }]);
	});

	it('never leaves the recipient, the words or the link in the database in clear, queued or sent', async () => {
		const clear = ['rosa.rivera', 'example.org', 'Invitación', 'Hola', 'secret-token-123', 'unirse'];
		const stored = () => JSON.stringify([db.$client.prepare('SELECT * FROM jobs').all(), db.$client.prepare('SELECT * FROM outbox').all()]);
		await notify(db, invite);
		for (const secret of clear) expect(stored()).not.toContain(secret);
		await runner.runDue();
		for (const secret of clear) expect(stored()).not.toContain(secret);
		expect(db.select().from(jobs).all()).toMatchObject([{ status: 'done', payload: null }]);
	});

	it('is queued with the change that asked for it: rolled back together, nothing is sent', async () => {
		await expect(
			transact(db, async (tx) => {
				await notify(tx, invite);
				throw new Error('the invitation could not be saved');
			})
		).rejects.toThrow('the invitation could not be saved');
		await runner.runDue();
		expect(rows()).toEqual([]);
		expect(db.select().from(jobs).all()).toEqual([]);
		expect(await readFileOutbox(dir)).toEqual([]);
	});

	it('tries a sign-in code for about as long as it works (10 minutes), anything else for about a day', async () => {
		await notify(db, { ...invite, kind: 'sign-in-code' });
		await notify(db, invite);
		expect(db.select({ kind: jobs.kind, maxAttempts: jobs.maxAttempts }).from(jobs).all().map((j) => j.maxAttempts).sort((a, b) => a - b)).toEqual([5, 30]);
	});
});

describe('notify through the file transport', () => {
	it('writes the message and records that it was sent, without the words or the recipient', async () => {
		const result = await send(invite);
		expect(result).toEqual({ ok: true, id: expect.any(String) });

		const [filed, ...more] = await readFileOutbox(dir);
		expect(more).toEqual([]);
		expect(filed).toMatchObject({
			id: result.id,
			channel: 'email',
			to: 'rosa.rivera@example.org',
			subject: invite.subject,
			text: invite.text,
			html: invite.html,
			locale: 'es',
			kind: 'invite',
			calendar: null
		});
		expect(readdirSync(dir)[0]).toMatch(new RegExp(`^\\d{4}-\\d\\d-\\d\\dT[\\d-]+Z-${result.id}\\.json$`));
		// The file holds a sign-in link: only this user may read it.
		expect(statSync(join(dir, readdirSync(dir)[0])).mode & 0o077).toBe(0);

		const [row] = rows();
		expect(row).toMatchObject({
			id: result.id,
			channel: 'email',
			kind: 'invite',
			locale: 'es',
			status: 'sent',
			error: null,
			caseId: null,
			personId: null
		});
		const stored = JSON.stringify(db.$client.prepare('SELECT * FROM outbox').all());
		for (const secret of ['rosa.rivera', 'Invitación', 'Hola', 'secret-token-123']) expect(stored).not.toContain(secret);
	});

	it('records the case and the person the message was for', async () => {
		const seeded = await seedDemo(db);
		const caseId = seeded?.caseId ?? '';
		const person = db.select().from(casePeople).where(eq(casePeople.caseId, caseId)).get();
		expect(person).toBeDefined();
		const result = await send({ ...invite, caseId, personId: person?.id });
		expect(result.ok).toBe(true);
		expect(rows()).toMatchObject([{ caseId, personId: person?.id, status: 'sent' }]);
	});

	it('sends SMS to the number in E.164 and ignores the subject', async () => {
		const result = await send({
			channel: 'sms',
			to: '+1 (555) 123-4567',
			subject: '',
			text: 'Su código de Hearth: 482913',
			locale: 'es',
			kind: 'invite-code'
		});
		expect(result.ok).toBe(true);
		expect(await readFileOutbox(dir)).toMatchObject([{ channel: 'sms', to: '+15551234567', kind: 'invite-code' }]);
		expect(rows()).toMatchObject([{ channel: 'sms', kind: 'invite-code', locale: 'es', status: 'sent' }]);
	});

	it('keeps a calendar invitation with the message', async () => {
		const ics = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'METHOD:REQUEST', 'BEGIN:VEVENT', 'UID:m1@hearth', 'END:VEVENT', 'END:VCALENDAR'].join('\r\n');
		const result = await send({ ...invite, kind: 'meeting-invite', calendar: { method: 'REQUEST', ics } });
		expect(result.ok).toBe(true);
		expect((await readFileOutbox(dir))[0].calendar).toEqual({ method: 'REQUEST', ics });
	});
});

describe('messages that cannot be sent', () => {
	const refusals: [string, Partial<Outgoing>, RegExp][] = [
		['an address that is not an email address', { to: 'rosa.rivera at example.org' }, /^Cannot send: to is not an email address$/],
		['a phone number without country code', { channel: 'sms', to: '555-123-4567' }, /to is not a phone number with country code/],
		['a phone number that is too short', { channel: 'sms', to: '+52 81' }, /to is not a phone number with country code/],
		['empty text', { text: '  \n ' }, /^Cannot send: text is empty$/],
		['an empty subject', { subject: '' }, /subject is empty/],
		['a subject with a line break', { subject: 'Hola\r\nBcc: someone@example.org' }, /subject has a line break/],
		['text too long for one SMS conversation', { channel: 'sms', to: '+15551234567', text: 'a'.repeat(1601) }, /text is longer than 1600 characters/],
		['email text over 100 000 characters', { text: 'a'.repeat(100_001) }, /text is longer than 100000 characters/],
		[
			'a calendar invitation by SMS',
			{ channel: 'sms', to: '+15551234567', calendar: { method: 'REQUEST', ics: 'BEGIN:VCALENDAR\r\nMETHOD:REQUEST' } },
			/calendar invitations go by email only/
		],
		[
			'a calendar whose METHOD disagrees',
			{ calendar: { method: 'CANCEL', ics: 'BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR' } },
			/calendar.ics METHOD does not match calendar.method/
		]
	];

	it.each(refusals)('refuses %s with a plain error at once, records it as failed, queues and writes nothing', async (_, change, error) => {
		const message = { ...invite, ...change };
		const result = await send(message);
		expect(result).toEqual({ ok: false, id: expect.any(String), error: expect.stringMatching(error) });
		expect(rows()).toMatchObject([{ id: result.id, status: 'failed', error: result.ok ? null : result.error }]);
		expect(db.select().from(jobs).all()).toEqual([]);
		expect(readdirSync(dir)).toEqual([]);
		// The refusal never repeats what it refused.
		if (!result.ok) expect(result.error).not.toContain(message.to);
	});

	it('throws for a kind that is text rather than a key: that is a bug, not a bad address', async () => {
		await expect(notify(db, { ...invite, kind: 'Your invitation' })).rejects.toThrow(/kind must be a key/);
		await expect(notify(db, { ...invite, locale: 'fr' as 'en' })).rejects.toThrow(TypeError);
		expect(rows()).toEqual([]);
	});
});

describe('a transport that fails', () => {
	it('keeps the message queued with a plain reason, tries again after a backoff, and sends it once the transport works', async () => {
		let down = true;
		const file = fileTransport(dir);
		useTransports({
			email: {
				async send(message, meta) {
					if (down) throw new Error('550 5.1.1 <rosa.rivera@example.org>: Recipient address rejected');
					await file.send(message, meta);
				}
			}
		});
		const result = await send(invite);
		expect(result.ok).toBe(true);
		expect(rows()).toMatchObject([{ status: 'queued', kind: 'invite', locale: 'es', error: 'Delivery failed: 550 5.1.1 <[recipient]>: Recipient address rejected' }]);
		expect(JSON.stringify(rows())).not.toContain('rosa.rivera');
		expect(db.select().from(jobs).all()).toMatchObject([{ status: 'pending', attempts: 1, lastError: 'Delivery failed: 550 5.1.1 <[recipient]>: Recipient address rejected' }]);

		await later(29_000);
		expect(db.select().from(jobs).all()).toMatchObject([{ attempts: 1 }]);
		down = false;
		await later(1_000);
		expect(rows()).toMatchObject([{ status: 'sent', error: null }]);
		expect(await readFileOutbox(dir)).toMatchObject([{ id: result.id, to: invite.to }]);
	});

	it('records failed, with why, once its tries have run out', async () => {
		useTransports({ email: { send: () => Promise.reject(Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:587'), { code: 'ECONNECTION' })) } });
		await send({ ...invite, kind: 'sign-in-code' });
		for (let i = 0; i < 4; i++) await later(3_600_000);
		expect(rows()).toMatchObject([{ status: 'failed', error: 'Delivery failed: could not reach the mail server' }]);
		expect(db.select().from(jobs).all()).toMatchObject([{ status: 'failed', attempts: 5, payload: null }]);
	});

	it('says in plain words what the mail server did, and stops at a refusal for good', async () => {
		const refused = Object.assign(new Error("Can't send mail - all recipients were rejected: 550 other@example.org unknown"), {
			code: 'EENVELOPE',
			responseCode: 550
		});
		useTransports({ email: { send: () => Promise.reject(refused) } });
		await send(invite);
		expect(rows()).toMatchObject([{ status: 'failed', error: 'Delivery failed: the mail server refused the sender or the recipient (550)' }]);
		expect(db.select().from(jobs).all()).toMatchObject([{ status: 'failed', attempts: 1 }]);

		// "Try again later" (4xx) is worth another try.
		const later451 = Object.assign(new Error('451 4.7.1 Greylisted, please try again'), { code: 'EENVELOPE', responseCode: 451 });
		useTransports({ email: { send: () => Promise.reject(later451) } });
		await send(invite);
		expect(rows()[1]).toMatchObject({ status: 'queued', error: 'Delivery failed: the mail server refused the sender or the recipient (451)' });

		const down = Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:587'), { code: 'ECONNECTION' });
		useTransports({ email: { send: () => Promise.reject(down) } });
		await send(invite);
		expect(rows()[2]).toMatchObject({ status: 'queued', error: 'Delivery failed: could not reach the mail server' });
	});

	it('redacts a phone number in an SMS provider error, in any spelling', async () => {
		useTransports({ sms: { send: () => Promise.reject(new Error('number +1 555 123 4567 is not reachable')) } });
		await send({ ...invite, channel: 'sms', to: '+15551234567' });
		expect(rows()).toMatchObject([{ error: 'Delivery failed: number [number] is not reachable' }]);
	});
});

describe('transports from the environment', () => {
	it('uses the file transport in OUTBOX_DIR by default, for email and SMS', async () => {
		const { email, sms } = transportsFromConfig({ ...config(), OUTBOX_DIR: dir });
		await email.send(invite);
		await sms.send({ ...invite, channel: 'sms', to: '+15551234567' });
		expect((await readFileOutbox(dir)).map((m) => m.channel).sort()).toEqual(['email', 'sms']);
	});

	it('log prints the message for a developer to follow the link', async () => {
		const lines: string[] = [];
		await logTransport((t) => lines.push(t)).send(invite);
		expect(lines.join('\n')).toContain('[notify] email to rosa.rivera@example.org (invite, es)');
		expect(lines.join('\n')).toContain('https://hearth.example.org/invite/secret-token-123');
	});
});
