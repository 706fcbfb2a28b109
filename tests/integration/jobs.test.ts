// Issue 18 on the real server: an invitation made while the mail server is down answers at once, says the
// message is on its way, waits in the jobs table sealed, and is delivered by the jobs runner once the mail
// server is back; a stop (SIGTERM) while it waits loses nothing. The test clock is moved past each backoff
// (POST /__test/clock), so nothing here sleeps through one.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeServer, startServer, testEngine, type RunningServer } from '../support/server.ts';
import { withSql } from '../support/sql.ts';
import { demoIds, personId, signIn } from '../support/clients.ts';
import { closedPort, startSmtp, type Received } from '../support/smtp.ts';

let server: RunningServer;
let smtpPort: number;
let staff: string;
let ids: { caseId: string; meetingId: string };
let rosa: string;
const received: Received[] = [];
const ROSA_EMAIL = 'rosa.rivera@example.test';

beforeAll(async () => {
	smtpPort = await closedPort();
	server = await startServer({
		HEARTH_TEST_CLOCK: '1',
		NODE_ENV: 'test',
		MAIL_TRANSPORT: 'smtp',
		SMTP_URL: `smtp://127.0.0.1:${smtpPort}/?ignoreTLS=true`,
		MAIL_FROM: 'Hearth <hearth@agency.example.org>'
	});
	staff = await signIn(server.url, 'caseworker@demo.test');
	ids = await demoIds(server.url, staff);
	rosa = await personId(server.url, staff, ids.caseId, 'Rosa Rivera');
});

afterAll(async () => {
	await server?.stop();
	if (server) await removeServer(server);
});

/** Moves the server's clock forward and waits for the jobs that came due; returns how many ran. */
async function advance(ms: number): Promise<number> {
	const res = await fetch(`${server.url}/__test/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ advanceMs: ms }) });
	expect(res.status).toBe(200);
	return ((await res.json()) as { ran: number }).ran;
}

/** The worker invites Rosa by email, in Spanish, through the form; returns the page and how long it took. */
async function inviteRosa(): Promise<{ html: string; ms: number; token: string }> {
	const started = performance.now();
	const res = await fetch(`${server.url}/cases/${ids.caseId}/invite`, {
		method: 'POST',
		headers: { cookie: staff, origin: server.url, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
		body: new URLSearchParams({ personId: rosa, meetingId: ids.meetingId, channel: 'email', locale: 'es' }),
		redirect: 'manual'
	});
	const html = await res.text();
	expect(res.status).toBe(200);
	const link = /data-testid="invite-link">([^<]+)</.exec(html)?.[1] ?? '';
	return { html, ms: performance.now() - started, token: link.split('/invite/')[1] };
}

function rows<T>(query: string): Promise<T[]> {
	return withSql(server, (db) => db.all<T>(query), { readonly: true });
}

type JobRow = { id: string; kind: string; status: string; attempts: number; payload: string | null; last_error: string | null; locked_by: string | null };
const messageJobs = () => rows<JobRow>("SELECT * FROM jobs WHERE kind = 'message.send' ORDER BY created_at");
const outbox = () => rows<{ id: string; status: string; error: string | null }>('SELECT id, status, error FROM outbox ORDER BY created_at');

/** What the mail server received for this invitation link. */
async function mailWith(token: string) {
	const found = [];
	for (const r of received) {
		const mail = await simpleParser(r.raw);
		if (mail.text?.includes(token)) found.push({ to: r.to, mail });
	}
	return found;
}

describe('an invitation while the mail server is down', () => {
	let first: { html: string; ms: number; token: string };

	it('answers at once and tells the worker the message is on its way', async () => {
		first = await inviteRosa();
		// nodemailer gives a refused connection up at once, but the page never waits on the mail server.
		expect(first.ms).toBeLessThan(5000);
		expect(first.html).toContain('The link is on its way by email.');
		expect(first.token).toMatch(/^[a-z2-7]{32}$/);
	});

	it('waits in the jobs table, sealed: never the link’s token or Rosa’s address in clear', async () => {
		// The runner tried once, at once, and recorded why it failed.
		await expect.poll(async () => (await messageJobs())[0]?.last_error, { timeout: 5000 }).toBe('Delivery failed: could not reach the mail server');
		const [job] = await messageJobs();
		expect(job).toMatchObject({ status: 'pending', last_error: 'Delivery failed: could not reach the mail server', locked_by: null });
		expect(job.payload).toMatch(/^v1\./);
		const stored = JSON.stringify(await rows('SELECT * FROM jobs'));
		for (const clear of [first.token, ROSA_EMAIL, 'rosa.rivera', 'Hola Rosa', '/invite/']) expect(stored).not.toContain(clear);
		expect(await outbox()).toMatchObject([{ id: job.id, status: 'queued', error: 'Delivery failed: could not reach the mail server' }]);
	});

	// Nowhere in the database at all (the person's own record holds her address, so only the token here).
	it('nor anywhere else in the database: not in the SQLite file or its log, not in any PostgreSQL table', async () => {
		if (testEngine === 'postgres') {
			// Every row of every table, as text (bytes show as hex there: the token's hex is looked for too).
			const hex = Buffer.from(first.token).toString('hex');
			await withSql(
				server,
				async (db) => {
					const tables = await db.all<{ name: string }>("SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'");
					expect(tables.map((t) => t.name)).toContain('jobs');
					for (const { name } of tables) {
						const text = (await db.all<{ row: string }>(`SELECT t::text AS row FROM "${name}" t`)).map((r) => r.row).join('\n');
						expect(text.includes(first.token) || text.includes(hex), name).toBe(false);
					}
				},
				{ readonly: true }
			);
			return;
		}
		for (const file of [server.dbPath, `${server.dbPath}-wal`]) {
			let bytes: Buffer;
			try {
				bytes = readFileSync(file);
			} catch {
				continue;
			}
			expect(bytes.includes(first.token), file).toBe(false);
		}
	});

	// SQLite only: on PostgreSQL the instances share the key given in HEARTH_SECRET_KEY; there is no key file.
	it.skipIf(testEngine === 'postgres')('was sealed with a key made once next to the database, for this user only', () => {
		expect(statSync(join(server.dir, 'hearth-secret.key')).mode & 0o777).toBe(0o600);
	});

	it('is delivered by the runner once the mail server is back (the clock moved past the backoff)', async () => {
		const smtp = await startSmtp(smtpPort, received);
		try {
			expect(await advance(60_000)).toBeGreaterThanOrEqual(1);
			const delivered = await mailWith(first.token);
			expect(delivered).toHaveLength(1);
			expect(delivered[0].to).toEqual([ROSA_EMAIL]);
			expect(delivered[0].mail.subject).toContain('le invita');
			expect(delivered[0].mail.text).toContain(`${server.url}/invite/${first.token}`);
			expect(await outbox()).toMatchObject([{ status: 'sent', error: null }]);
			expect(await messageJobs()).toMatchObject([{ status: 'done', payload: null }]);
			// Once only: a later move of the clock sends nothing again.
			await advance(3_600_000);
			expect(await mailWith(first.token)).toHaveLength(1);
		} finally {
			await smtp.close();
		}
	});
});

describe('a stop while a message waits (SIGTERM)', () => {
	it('loses nothing: the next start sends it', async () => {
		// The clock moved on an hour above: the worker's session ended (30 minutes idle). She signs in again.
		staff = await signIn(server.url, 'caseworker@demo.test');
		const waiting = await inviteRosa();
		await expect.poll(async () => (await messageJobs()).at(-1)?.last_error, { timeout: 5000 }).toBe('Delivery failed: could not reach the mail server');
		expect(await server.stop('SIGTERM')).toBe(0);
		expect(server.output()).toContain('SIGTERM: stopping Hearth');
		const [job] = (await messageJobs()).slice(-1);
		expect(job).toMatchObject({ status: 'pending', locked_by: null });
		expect(job.payload).toMatch(/^v1\./);

		await server.restart();
		const smtp = await startSmtp(smtpPort, received);
		try {
			// The new process's clock starts from the real time again, an hour behind the one that queued the
			// message (and set its next try after a backoff): move it past both.
			expect(await advance(3 * 3_600_000)).toBeGreaterThanOrEqual(1);
			const delivered = await mailWith(waiting.token);
			expect(delivered).toHaveLength(1);
			expect((await outbox()).at(-1)).toMatchObject({ id: job.id, status: 'sent' });
		} finally {
			await smtp.close();
		}
	});
});

describe('the test clock', () => {
	it('answers only with HEARTH_TEST_CLOCK=1, and takes only a move', async () => {
		const bad = await fetch(`${server.url}/__test/clock`, { method: 'POST', body: JSON.stringify({ advanceMs: -5 }) });
		expect(bad.status).toBe(400);
		expect((await fetch(`${server.url}/__test/clock`)).status).toBe(405);
		const plain = await startServer();
		try {
			const res = await fetch(`${plain.url}/__test/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ advanceMs: 1000 }) });
			expect(res.status).not.toBe(200);
		} finally {
			await plain.stop();
			await removeServer(plain);
		}
	});
});
