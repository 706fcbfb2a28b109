// Issue 16.12 on the real server: a family member who signed out comes back with a new code sent to the
// phone or email of their invitation, never shown on a page, without the link ever working twice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { removeServer, startServer, type RunningServer } from '../support/server.ts';
import { waitUntil, withSql } from '../support/sql.ts';
import { CODE_TRY_FLOOR_MS } from '../../src/lib/server/services/sign-in-codes.ts';
import { accept, demoIds, get, invite, personId, signIn, waitFor, type CreatedInvite } from '../support/clients.ts';

let server: RunningServer;
let staff: string;
let ids: { caseId: string; meetingId: string };
const people: Record<string, string> = {};

beforeAll(async () => {
	// Every caller here is 127.0.0.1: keep each refusal as its own audit entry (no per-address summaries), so
	// the trail can be read before the minute's summary is written.
	server = await startServer({ ANONYMOUS_REFUSAL_ROWS: '100000', ANONYMOUS_REFUSAL_ROWS_IN_ALL: '100000' });
	staff = await signIn(server.url, 'caseworker@demo.test');
	ids = await demoIds(server.url, staff);
	for (const name of ['Rosa Rivera', 'Lucia Ortiz', 'Tom Baker', 'Grace Whitfield', 'Daniel Ortiz', 'Sofia Rivera', 'Ana Rivera']) people[name] = await personId(server.url, staff, ids.caseId, name);
});

afterAll(async () => {
	await server?.stop();
	if (server) await removeServer(server);
});

type Filed = { kind: string; to: string; text: string; channel: string; locale: string };

function outbox(): Filed[] {
	const dir = join(server.dir, 'outbox');
	try {
		return readdirSync(dir)
			.filter((f) => f.endsWith('.json'))
			.sort()
			.map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')));
	} catch {
		return [];
	}
}

/**
 * Messages queued to anyone: the outbox table, whose row is written before the page answers (the jobs
 * runner sends the message just after). Counting files instead, "nothing was sent" could pass because
 * the runner had not got to it yet.
 */
async function queued(): Promise<number> {
	const { n } = (await withSql(server, (db) => db.get<{ n: number }>('SELECT count(*) AS n FROM outbox'), { readonly: true }))!;
	return n;
}

const codesTo = (to: string) => outbox().filter((m) => m.kind === 'sign-in-code' && m.to === to);

/** The newest sign-in code sent to `to`, once it has arrived after `before` earlier ones. */
async function newCode(to: string, before: number): Promise<string> {
	await waitFor(() => codesTo(to).length > before, 3000, `a sign-in code to ${to}`);
	return /\b(\d{6})\b/.exec(codesTo(to).at(-1)!.text)![1];
}

/** Rosa's phone: the language she chose stays in its cookie after she signs out. */
const SPANISH = 'PARAGLIDE_LOCALE=es';

function post(path: string, body: Record<string, string>, cookie?: string): Promise<Response> {
	return fetch(`${server.url}${path}`, {
		method: 'POST',
		headers: { origin: server.url, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', ...(cookie ? { cookie } : {}) },
		body: new URLSearchParams(body),
		redirect: 'manual'
	});
}

async function signOut(cookie: string): Promise<void> {
	expect((await post('/sign-out', {}, cookie)).status).toBe(303);
	expect((await get(server.url, '/family', cookie)).status).toBe(303);
}

const sessionCookie = (res: Response) => res.headers.getSetCookie().find((c) => c.startsWith('hearth_session='))?.split(';')[0];

describe('signing in again after signing out', () => {
	let rosaInvite: CreatedInvite;
	const ROSA_PHONE = '+15555550103';

	beforeAll(async () => {
		rosaInvite = await invite(server.url, staff, ids.caseId, people['Rosa Rivera'], { meetingId: ids.meetingId, channel: 'sms', locale: 'es' });
	});

	it('tells the family member before signing out how to come back', async () => {
		const rosa = await accept(server.url, rosaInvite);
		const page = await (await fetch(`${server.url}/sign-out`, { headers: { cookie: rosa, accept: 'text/html' } })).text();
		expect(page).toContain('Antes de cerrar sesión');
		expect(page).toContain('Se lo enviamos por mensaje de texto al teléfono donde le llegó la invitación.');
		expect(page).toContain(`${server.url}/join`);
		// The devices page says it too, next to its "Sign out".
		expect(await (await get(server.url, '/sessions', rosa)).text()).toContain('Cómo volver a entrar');
		await signOut(rosa);
	});

	it('sends a new code to the phone of the invitation (never to the page), and the code signs her in once; the link stays used', async () => {
		// Her link, opened again: used (410), with a way back.
		const landing = await get(server.url, `/invite/${rosaInvite.token}`);
		expect(landing.status).toBe(410);
		const html = await landing.text();
		expect(html).toContain('Este enlace ya se usó');
		expect(html).toContain('action="/join?/sendCode"');
		expect(html).not.toContain('5550103'); // her number is not on the page

		const before = codesTo(ROSA_PHONE).length;
		const asked = await post('/join?/sendCode', { token: rosaInvite.token }, SPANISH);
		expect(asked.status).toBe(200);
		const askedHtml = await asked.text();
		expect(askedHtml).toContain('Le enviamos un código nuevo por mensaje de texto');
		const code = await newCode(ROSA_PHONE, before);
		expect(askedHtml).not.toContain(code);
		expect(codesTo(ROSA_PHONE).at(-1)!.text).toContain('Su código para volver a entrar a Hearth es');

		const wrong = await post('/join?/codeSignIn', { via: 'token', value: rosaInvite.token, code: code === '000000' ? '111111' : '000000' }, SPANISH);
		expect(wrong.status).toBe(400);
		expect(await wrong.text()).toContain('Ese código no coincide o ya venció');

		const right = await post('/join?/codeSignIn', { via: 'token', value: rosaInvite.token, code });
		expect(right.status).toBe(303);
		expect(right.headers.get('location')).toBe(`/meetings/${ids.meetingId}`);
		const rosa = sessionCookie(right)!;
		expect((await get(server.url, `/meetings/${ids.meetingId}`, rosa)).status).toBe(200);

		// Single use: the same code again does nothing.
		const again = await post('/join?/codeSignIn', { via: 'token', value: rosaInvite.token, code });
		expect(again.status).toBe(400);
		// And the link itself never lets anyone in a second time.
		expect((await post(`/invite/${rosaInvite.token}`, {})).status).toBe(410);
		await signOut(rosa);
	});

	it('asked with a phone number or email, answers the same whether or not an invitation has it', async () => {
		const before = codesTo(ROSA_PHONE).length;
		const statusOf = async (destination: string) => {
			const res = await post('/join?/sendCode', { destination }, SPANISH);
			const html = await res.text();
			return { status: res.status, said: /<p role="status">([^<]*)<\/p>/.exec(html)?.[1] };
		};
		const known = await statusOf('(555) 555-0103'); // Rosa's phone, as she would type it
		const unknown = await statusOf('(555) 555-0177');
		const notJoined = await statusOf('tom.baker@example.test'); // no invitation of his was used by email
		expect(known.said).toContain('Si ese teléfono o correo tiene una invitación');
		expect(unknown).toEqual(known);
		expect(notJoined).toEqual(known);
		// Only the real one got a message.
		const code = await newCode(ROSA_PHONE, before);
		expect(outbox().filter((m) => m.kind === 'sign-in-code' && m.to !== ROSA_PHONE)).toEqual([]);

		const right = await post('/join?/codeSignIn', { via: 'destination', value: '555-555-0103', code });
		expect(right.status).toBe(303);
		await signOut(sessionCookie(right)!);
	});

	it('sends at most three codes an hour asked with the link, and one asked by phone number or email', async () => {
		// One of each sent above: two more go with the link, the next is refused plainly to the link's holder.
		for (let i = 0; i < 2; i++) {
			const before = codesTo(ROSA_PHONE).length;
			expect(await (await post('/join?/sendCode', { token: rosaInvite.token }, SPANISH)).text()).toContain('Le enviamos un código nuevo');
			await newCode(ROSA_PHONE, before);
		}
		expect(await (await post('/join?/sendCode', { token: rosaInvite.token }, SPANISH)).text()).toContain('Ya le enviamos varios códigos');
		// By phone number: the same answer as ever, and no message.
		expect(await (await post('/join?/sendCode', { destination: ROSA_PHONE }, SPANISH)).text()).toContain('Si ese teléfono o correo tiene una invitación');
		// No code was made for either (a code is stored before its answer; its message follows the answer).
		const made = (await withSql(server, (db) => db.get<{ n: number }>('SELECT COUNT(*) AS n FROM sign_in_codes JOIN invites ON invites.id = sign_in_codes.invite_id WHERE invites.person_id = ?', [people['Rosa Rivera']]), { readonly: true }))!;
		expect(made.n).toBe(4);
	});

	it('gives requests sent at once no more codes an hour than the same requests one by one', async () => {
		const created = await invite(server.url, staff, ids.caseId, people['Sofia Rivera'], { meetingId: ids.meetingId, channel: 'sms' });
		await signOut(await accept(server.url, created));
		// Eight at once with her link: three codes (CODES_PER_HOUR), the rest told to use the last one. Before
		// the fix, on PostgreSQL, requests at once each counted the hour's codes before any had stored its own.
		const answers = await Promise.all(Array.from({ length: 8 }, async () => (await post('/join?/sendCode', { token: created.token })).text()));
		expect(answers.filter((html) => html.includes('We sent a new code by text message'))).toHaveLength(3);
		expect(answers.filter((html) => html.includes('We already sent you several codes'))).toHaveLength(5);
		const made = (await withSql(server, (db) => db.get<{ n: number }>('SELECT COUNT(*) AS n FROM sign_in_codes WHERE invite_id = (SELECT id FROM invites WHERE person_id = ? ORDER BY created_at DESC LIMIT 1)', [people['Sofia Rivera']]), { readonly: true }))!;
		expect(made.n).toBe(3);
	});

	it('lets no one who knows only her email flood her with codes, use up hers, or lock the one she asked for with her link', async () => {
		const created = await invite(server.url, staff, ids.caseId, people['Ana Rivera'], { meetingId: ids.meetingId, channel: 'email' });
		await signOut(await accept(server.url, created));
		const to = 'ana.rivera@example.test';
		const before = codesTo(to).length;
		// Someone types her email four times: one code in the hour, the rest refused after the same answer.
		for (let i = 0; i < 4; i++) expect(await (await post('/join?/sendCode', { destination: to })).text()).toContain('If that phone number or email has an invitation');
		const sends = () => withSql(server, (db) => db.all<{ outcome: string }>("SELECT outcome FROM audit_events WHERE action = 'sign-in-code.send' AND resource_id = (SELECT id FROM invites WHERE person_id = ? ORDER BY created_at DESC LIMIT 1)", [people['Ana Rivera']]), { readonly: true });
		await waitUntil(async () => (await sends()).length === 4, 3000, 'the four requests to be handled');
		expect((await sends()).filter((r) => r.outcome === 'allowed')).toHaveLength(1);
		const theirs = await newCode(to, before);
		// And guesses five wrong codes by her email: that locks the code asked for by email, nothing else.
		const wrong = theirs === '000000' ? '111111' : '000000';
		for (let i = 0; i < 5; i++) expect((await post('/join?/codeSignIn', { via: 'destination', value: to, code: wrong })).status).toBe(400);
		// She asks with her own link: a code of her own comes, and signs her in.
		const mine = codesTo(to).length;
		const mineAsked = await (await post('/join?/sendCode', { token: created.token })).text();
		expect(/<p role="status">([^<]*)<\/p>/.exec(mineAsked)?.[1]).toContain('We sent a new code to the email');
		const code = await newCode(to, mine);
		const right = await post('/join?/codeSignIn', { via: 'token', value: created.token, code });
		expect(right.status).toBe(303);
		await signOut(sessionCookie(right)!);
	});

	it('answers a try by phone number or email no sooner than a floor, whatever it finds', async () => {
		for (const value of ['nobody.here@example.test', 'rosa.rivera@example.test', '555-555-0103']) {
			const started = performance.now();
			expect((await post('/join?/codeSignIn', { via: 'destination', value, code: '123456' })).status).toBe(400);
			expect(performance.now() - started).toBeGreaterThanOrEqual(CODE_TRY_FLOOR_MS);
		}
	});

	it('works from the Join page with the short code of a used invitation too', async () => {
		const created = await invite(server.url, staff, ids.caseId, people['Sofia Rivera'], { meetingId: ids.meetingId, channel: 'sms' });
		await signOut(await accept(server.url, created));
		const looked = await post('/join?/lookup', { shortCode: created.shortCode });
		expect(looked.status).toBe(410);
		const html = await looked.text();
		expect(html).toContain('This link was already used');
		expect(html).toContain(`name="shortCode" value="${created.shortCode}"`);
		const to = '+15555550114';
		const before = codesTo(to).length;
		expect(await (await post('/join?/sendCode', { shortCode: created.shortCode })).text()).toContain('We sent a new code by text message');
		const code = await newCode(to, before);
		const right = await post('/join?/codeSignIn', { via: 'shortCode', value: created.shortCode.toLowerCase(), code });
		expect(right.status).toBe(303);
		await signOut(sessionCookie(right)!);
	});

	it('locks a code after five wrong tries', async () => {
		const created = await invite(server.url, staff, ids.caseId, people['Grace Whitfield'], { meetingId: ids.meetingId, channel: 'email' });
		await signOut(await accept(server.url, created));
		const to = 'grace.whitfield@example.test';
		const before = codesTo(to).length;
		await post('/join?/sendCode', { token: created.token });
		const code = await newCode(to, before);
		const wrong = code === '000000' ? '111111' : '000000';
		for (let i = 0; i < 5; i++) expect((await post('/join?/codeSignIn', { via: 'token', value: created.token, code: wrong })).status).toBe(400);
		expect((await post('/join?/codeSignIn', { via: 'token', value: created.token, code })).status).toBe(400);
	});

	it('is not offered for an invitation given in person: the page says to ask the caseworker for a new code', async () => {
		const created = await invite(server.url, staff, ids.caseId, people['Lucia Ortiz'], { meetingId: ids.meetingId, channel: 'in_person' });
		await signOut(await accept(server.url, created));
		const html = await (await get(server.url, `/invite/${created.token}`)).text();
		expect(html).toContain('ask your caseworker for a new code');
		expect(html).not.toContain('/join?/sendCode');
		const before = await queued();
		expect(await (await post('/join?/sendCode', { token: created.token })).text()).toContain('ask your caseworker for a new code');
		expect(await queued()).toBe(before);
	});

	it('ends with the person’s access: a turned-off invitation gets no code', async () => {
		const created = await invite(server.url, staff, ids.caseId, people['Tom Baker'], { meetingId: ids.meetingId, channel: 'email' });
		await signOut(await accept(server.url, created));
		const page = await (await get(server.url, `/cases/${ids.caseId}`, staff)).text();
		const inviteId = [...page.matchAll(/name="inviteId" value="([a-z2-7]+)"/g)].map((m) => m[1])[0];
		expect((await post(`/cases/${ids.caseId}?/revoke`, { inviteId }, staff)).status).toBe(200);
		const landing = await get(server.url, `/invite/${created.token}`);
		expect(landing.status).toBe(410);
		expect(await landing.text()).not.toContain('/join?/sendCode');
		const before = await queued();
		const asked = await (await post('/join?/sendCode', { token: created.token })).text();
		expect(asked).toContain('We cannot send a new code for this invitation');
		expect(await queued()).toBe(before);
	});

	it('goes only to where the invitation went: a changed phone number on the record gets nothing', async () => {
		const created = await invite(server.url, staff, ids.caseId, people['Daniel Ortiz'], { meetingId: ids.meetingId, channel: 'sms' });
		await signOut(await accept(server.url, created));
		await withSql(server, (db) => db.run('UPDATE case_people SET phone = ? WHERE id = ?', ['+15555550999', people['Daniel Ortiz']]));
		const before = await queued();
		expect(await (await post('/join?/sendCode', { token: created.token })).text()).toContain('We cannot send a new code for this invitation');
		expect(await queued()).toBe(before);
	});

	it('is audited, with no code, phone number or email in the trail', async () => {
		const rows = await withSql(server, (db) => db.all<{ action: string; outcome: string; case_id: string | null; detail: string | null }>("SELECT action, outcome, case_id, detail FROM audit_events WHERE action LIKE 'sign-in-code.%'"), { readonly: true });
		expect(rows.some((r) => r.action === 'sign-in-code.send' && r.outcome === 'allowed' && r.case_id === ids.caseId)).toBe(true);
		expect(rows.some((r) => r.action === 'sign-in-code.accept' && r.outcome === 'allowed')).toBe(true);
		expect(rows.some((r) => r.action === 'sign-in-code.accept' && r.outcome === 'denied')).toBe(true);
		expect(rows.some((r) => r.action === 'sign-in-code.send' && r.outcome === 'denied' && r.detail?.includes('too-many'))).toBe(true);
		const trail = JSON.stringify(rows);
		for (const secret of ['5550103', '555-0103', 'example.test', ...codesTo(ROSA_PHONE).map((m) => /\d{6}/.exec(m.text)![0])]) expect(trail).not.toContain(secret);
	});
});

describe('an invitation whose life has ended', () => {
	it('gets no new code, even for someone who joined with it', async () => {
		const short = await startServer({ INVITE_TTL_HOURS: '0.001' }); // 3.6 seconds, for an invitation to the whole case
		try {
			const worker = await signIn(short.url, 'caseworker@demo.test');
			const demo = await demoIds(short.url, worker);
			const created = await invite(short.url, worker, demo.caseId, await personId(short.url, worker, demo.caseId, 'Grace Whitfield'), { channel: 'email' });
			const grace = await accept(short.url, created);
			await fetch(`${short.url}/sign-out`, { method: 'POST', headers: { cookie: grace, origin: short.url }, redirect: 'manual' });
			let html = '';
			const deadline = Date.now() + 8000;
			while (!html.includes('We cannot send a new code') && Date.now() < deadline) {
				const res = await fetch(`${short.url}/join?/sendCode`, { method: 'POST', headers: { origin: short.url, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' }, body: new URLSearchParams({ token: created.token }) });
				html = await res.text();
				if (!html.includes('We cannot send a new code')) await new Promise((r) => setTimeout(r, 500));
			}
			expect(html).toContain('We cannot send a new code for this invitation');
		} finally {
			await short.stop();
			await removeServer(short);
		}
	});
});
