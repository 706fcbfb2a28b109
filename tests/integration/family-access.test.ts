// Family access and privacy on the real server, with real y-websocket clients: invites, keep-apart
// pairs, separate sessions, read-only observers, revocation, dead links.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { removeServerFiles, startServer, type RunningServer } from '../support/server.ts';
import { accept, connect, demoIds, destroy, get, invite, personId, rawSocket, signIn, synced, waitFor } from '../support/clients.ts';

let server: RunningServer;
let staff: string;
let ids: { caseId: string; meetingId: string };
const people: Record<string, string> = {};

// What must never reach Daniel (kept apart from Ana) or anyone else in the family: Ana's details.
const ANA_SECRETS = ['12 Example Lane', '+15555550101', 'ana.rivera@example.test'];

beforeAll(async () => {
	server = await startServer({ COLLAB_UNLOAD_MS: '200' });
	staff = await signIn(server.url, 'caseworker@demo.test');
	ids = await demoIds(server.url, staff);
	for (const name of ['Ana Rivera', 'Daniel Ortiz', 'Rosa Rivera', 'Jordan Lee', 'Grace Whitfield', 'Lucia Ortiz', 'Tom Baker']) {
		people[name] = await personId(server.url, staff, ids.caseId, name);
	}
});

afterAll(async () => {
	await server?.stop();
	if (server) removeServerFiles(server);
});

function outboxFiles(): { kind: string; to: string; locale: string; text: string; subject: string }[] {
	const dir = join(server.dir, 'outbox');
	try {
		return readdirSync(dir)
			.sort()
			.map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')));
	} catch {
		return [];
	}
}

describe('an invitation', () => {
	it('lands a parent on her page with no secret in the URL, showing her meetings and nothing else of the case', async () => {
		const created = await invite(server.url, staff, ids.caseId, people['Daniel Ortiz'], { meetingId: ids.meetingId });
		const landing = await get(server.url, `/invite/${created.token}`);
		expect(landing.status).toBe(200);
		// Nothing of the URL (its token) goes to another site; not `no-referrer`, which breaks the Join form post.
		expect(landing.headers.get('referrer-policy')).toBe('same-origin');
		const html = await landing.text();
		expect(html).toContain('Sam Okafor'); // who invited him
		expect(html).toContain('Hello, Daniel');
		const res = await fetch(`${server.url}/invite/${created.token}`, { method: 'POST', headers: { origin: server.url, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' }, body: '', redirect: 'manual' });
		expect(res.status).toBe(303);
		expect(res.headers.get('location')).toBe(`/meetings/${ids.meetingId}`);
		const cookie = res.headers.getSetCookie().find((c) => c.startsWith('hearth_session='))!.split(';')[0];
		expect((await get(server.url, `/meetings/${ids.meetingId}`, cookie)).status).toBe(200);
		expect((await get(server.url, '/family', cookie)).status).toBe(200);
		// Nothing else of the case: the staff case page, the invite form and safety settings refuse him.
		for (const path of [`/cases/${ids.caseId}`, `/cases/${ids.caseId}/safety`, '/cases']) expect((await get(server.url, path, cookie)).status).toBe(403);
	});

	it('is single use: a second confirm gets the "already used" page', async () => {
		const created = await invite(server.url, staff, ids.caseId, people['Lucia Ortiz'], { meetingId: ids.meetingId });
		await accept(server.url, created);
		const again = await get(server.url, `/invite/${created.token}`);
		expect(await again.text()).toContain('This link was already used');
		await expect(accept(server.url, created)).rejects.toThrow(/410/);
	});

	it('asks for the 6-digit code when required, and locks after five wrong ones', async () => {
		const created = await invite(server.url, staff, ids.caseId, people['Grace Whitfield'], { requireCode: true });
		expect(created.verifyCode).toMatch(/^\d{6}$/);
		const wrong = created.verifyCode === '000000' ? '111111' : '000000';
		const attempt = (code: string) =>
			fetch(`${server.url}/invite/${created.token}`, { method: 'POST', headers: { origin: server.url, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' }, body: new URLSearchParams({ code }), redirect: 'manual' });
		const first = await attempt(wrong);
		expect(first.status).toBe(400);
		expect(await first.text()).toContain('That code does not match');
		for (let i = 0; i < 4; i++) await attempt(wrong);
		// Locked: even the right code is refused now, and the page says to ask for a new link.
		const locked = await attempt(created.verifyCode!);
		expect(locked.status).toBe(410);
		expect(await locked.text()).toContain('locked');
	});

	it('can be opened with the short code read over the phone', async () => {
		const created = await invite(server.url, staff, ids.caseId, people['Tom Baker'], { meetingId: ids.meetingId });
		const typed = created.shortCode.toLowerCase().replace('-', ' ');
		const lookup = await fetch(`${server.url}/join?/lookup`, { method: 'POST', headers: { origin: server.url, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' }, body: new URLSearchParams({ shortCode: typed }), redirect: 'manual' });
		expect(lookup.status).toBe(200);
		expect(await lookup.text()).toContain('Hello, Tom');
		const joined = await fetch(`${server.url}/join?/accept`, { method: 'POST', headers: { origin: server.url, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' }, body: new URLSearchParams({ shortCode: typed }), redirect: 'manual' });
		expect(joined.status).toBe(303);
		expect(joined.headers.getSetCookie().some((c) => c.startsWith('hearth_session='))).toBe(true);
	});

	it('is sent by email in the person’s language, with the code in a second message', async () => {
		const before = outboxFiles().length;
		await invite(server.url, staff, ids.caseId, people['Rosa Rivera'], { channel: 'email', locale: 'es', requireCode: true });
		const sent = outboxFiles().slice(before);
		const email = sent.find((m) => m.kind === 'invite')!;
		expect(email.to).toBe('rosa.rivera@example.test');
		expect(email.locale).toBe('es');
		expect(email.subject).toContain('le invita');
		expect(email.text).toContain('Hola Rosa');
		const code = sent.find((m) => m.kind === 'invite-code')!;
		expect(code.to).toBe('+15555550103'); // the other channel
		expect(code.text).toMatch(/Su código .* es \d{6}/);
		// The outbox table records that it was sent, never what it said or to whom.
		const db = new Database(server.dbPath, { readonly: true });
		const rows = db.prepare('SELECT * FROM outbox').all();
		db.close();
		expect(JSON.stringify(rows)).not.toContain('rosa.rivera');
		expect(JSON.stringify(rows)).not.toContain('/invite/');
	});
});

describe('domestic violence protections', () => {
	let daniel: string;
	let ana: string;

	beforeAll(async () => {
		daniel = await accept(server.url, await invite(server.url, staff, ids.caseId, people['Daniel Ortiz'], { meetingId: ids.meetingId }));
		ana = await accept(server.url, await invite(server.url, staff, ids.caseId, people['Ana Rivera'], { requireCode: true }));
	});

	it('never shows Daniel anything of Ana’s details: pages, page data, or the people he shares a session with', async () => {
		for (const path of ['/family', '/family/__data.json', `/meetings/${ids.meetingId}`, `/meetings/${ids.meetingId}/__data.json`]) {
			const body = await (await get(server.url, path, daniel)).text();
			for (const secret of ANA_SECRETS) expect(body, `${path} shows ${secret}`).not.toContain(secret);
			// He does not even see that she has a separate session.
			expect(body, path).not.toContain('Separate meeting with Ana');
		}
	});

	it('shows Ana her own details, and the grandmother only what others agreed to share', async () => {
		const mine = await (await get(server.url, '/family', ana)).text();
		expect(mine).toContain('12 Example Lane');
		const rosa = await accept(server.url, await invite(server.url, staff, ids.caseId, people['Rosa Rivera']));
		const hers = await (await get(server.url, '/family/__data.json', rosa)).text();
		for (const secret of ANA_SECRETS) expect(hers).not.toContain(secret);
		// Daniel's phone is not labelled, but he has not agreed to share it (16.10); Lucia has.
		expect(hers).not.toContain('+15555550102');
		expect(hers).toContain('+15555550104');
	});

	it('keeps Daniel out of Ana’s separate session document, and Ana out of the joint one', async () => {
		const meetingHtml = await (await get(server.url, `/meetings/${ids.meetingId}`, staff)).text();
		const anaSession = [...new Set([...meetingHtml.matchAll(/name="meetingSessionId" value="([a-z2-7]+)"/g)].map((m) => m[1]))][1];
		expect((await rawSocket(`${server.url.replace('http', 'ws')}/collab/session:${anaSession}`, { origin: server.url, cookie: daniel })).status).toBe(403);
		expect((await rawSocket(`${server.url.replace('http', 'ws')}/collab/meeting:${ids.meetingId}`, { origin: server.url, cookie: ana })).status).toBe(403);
		const c = connect(server.url, `session:${anaSession}`, ana);
		await synced(c);
		destroy(c);
	});

	it('refuses to put a keep-apart pair in the same session', async () => {
		const meetingHtml = await (await get(server.url, `/meetings/${ids.meetingId}`, staff)).text();
		const joint = /name="meetingSessionId" value="([a-z2-7]+)"/.exec(meetingHtml)![1];
		const res = await fetch(`${server.url}/meetings/${ids.meetingId}?/addMember`, {
			method: 'POST',
			headers: { cookie: staff, origin: server.url, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
			body: new URLSearchParams({ meetingSessionId: joint, personId: people['Ana Rivera'] }),
			redirect: 'manual'
		});
		expect(res.status).toBe(409);
		expect(await res.text()).toContain('must be kept apart from Daniel Ortiz');
	});
});

describe('read-only observers', () => {
	it('follow the live notes, but their edits never reach anyone', async () => {
		const observer = await accept(server.url, await invite(server.url, staff, ids.caseId, people['Jordan Lee'], { meetingId: ids.meetingId }));
		const watcher = connect(server.url, `meeting:${ids.meetingId}`, observer);
		const worker = connect(server.url, `meeting:${ids.meetingId}`, staff);
		await Promise.all([synced(watcher), synced(worker)]);
		watcher.doc.getText('t').insert(0, 'observer-was-here ');
		worker.doc.getText('t').insert(0, 'staff-typed ');
		await waitFor(() => watcher.doc.getText('t').toString().includes('staff-typed'), 2000, 'the observer to follow');
		// The worker's own later edit has arrived, so anything the observer sent before it would have too.
		expect(worker.doc.getText('t').toString()).not.toContain('observer-was-here');
		destroy(watcher, worker);
		const fresh = connect(server.url, `meeting:${ids.meetingId}`, staff);
		await synced(fresh);
		expect(fresh.doc.getText('t').toString()).not.toContain('observer-was-here');
		destroy(fresh);
	});
});

describe('revoking', () => {
	it('ends the person’s access and closes their open socket within a second', async () => {
		const created = await invite(server.url, staff, ids.caseId, people['Grace Whitfield'], { meetingId: ids.meetingId });
		const grace = await accept(server.url, created);
		const c = connect(server.url, `meeting:${ids.meetingId}`, grace);
		await synced(c);
		const page = await (await get(server.url, `/cases/${ids.caseId}`, staff)).text();
		const inviteId = [...page.matchAll(/name="inviteId" value="([a-z2-7]+)"/g)].map((m) => m[1])[0];
		const started = Date.now();
		const res = await fetch(`${server.url}/cases/${ids.caseId}?/revoke`, {
			method: 'POST',
			headers: { cookie: staff, origin: server.url, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
			body: new URLSearchParams({ inviteId }),
			redirect: 'manual'
		});
		expect(res.status).toBe(200);
		expect((await c.closed).code).toBe(4403);
		expect(Date.now() - started).toBeLessThan(1000);
		expect((await get(server.url, '/family', grace)).status).toBe(303);
		destroy(c);
	});

	it('shows a clear page for a revoked link that was never used', async () => {
		const created = await invite(server.url, staff, ids.caseId, people['Tom Baker']);
		const page = await (await get(server.url, `/cases/${ids.caseId}`, staff)).text();
		const inviteId = [...page.matchAll(/name="inviteId" value="([a-z2-7]+)"/g)].map((m) => m[1])[0];
		await fetch(`${server.url}/cases/${ids.caseId}?/revoke`, { method: 'POST', headers: { cookie: staff, origin: server.url, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' }, body: new URLSearchParams({ inviteId }) });
		const html = await (await get(server.url, `/invite/${created.token}`)).text();
		expect(html).toContain('This link was turned off');
		expect(html).toContain('ask for a new link');
	});
});

describe('expired links', () => {
	it('get a clear page saying so and how to ask for a new one', async () => {
		const short = await startServer({ INVITE_TTL_HOURS: '0.0003' }); // about one second
		try {
			const worker = await signIn(short.url, 'caseworker@demo.test');
			const demo = await demoIds(short.url, worker);
			const created = await invite(short.url, worker, demo.caseId, await personId(short.url, worker, demo.caseId, 'Tom Baker'));
			let html = '';
			const deadline = Date.now() + 5000;
			while (!html.includes('This link was only good') && Date.now() < deadline) {
				html = await (await get(short.url, `/invite/${created.token}`)).text();
				if (!html.includes('This link was only good')) await new Promise((r) => setTimeout(r, 200));
			}
			expect(html).toContain('This link was only good for a few days');
			expect(html).toContain('ask for a new link');
		} finally {
			await short.stop();
			removeServerFiles(short);
		}
	});
});

describe('the audit trail', () => {
	it('records a staff member changing a case id in a URL as a refusal', async () => {
		const outsider = await signIn(server.url, 'outsider@demo.test');
		expect((await get(server.url, `/cases/${ids.caseId}`, outsider)).status).toBe(403);
		const db = new Database(server.dbPath, { readonly: true });
		const row = db.prepare("SELECT outcome, actor_role FROM audit_events WHERE action = 'case.view' AND resource_id = ? AND outcome = 'denied'").get(ids.caseId) as { outcome: string } | undefined;
		db.close();
		expect(row?.outcome).toBe('denied');
	});
});

describe('private family time', () => {
	it('is a session of the family members whose notes staff cannot open', async () => {
		const rosa = await accept(server.url, await invite(server.url, staff, ids.caseId, people['Rosa Rivera'], { meetingId: ids.meetingId }));
		const before = new Set([...(await (await get(server.url, `/meetings/${ids.meetingId}`, staff)).text()).matchAll(/name="meetingSessionId" value="([a-z2-7]+)"/g)].map((m) => m[1]));
		const res = await fetch(`${server.url}/meetings/${ids.meetingId}?/familyTime`, {
			method: 'POST',
			headers: { cookie: staff, origin: server.url, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
			redirect: 'manual'
		});
		expect(res.status).toBe(200);
		const page = await (await get(server.url, `/meetings/${ids.meetingId}`, staff)).text();
		const familyTime = [...page.matchAll(/name="meetingSessionId" value="([a-z2-7]+)"/g)].map((m) => m[1]).find((id) => !before.has(id))!;
		expect(familyTime).toBeTruthy();
		const ws = (cookie: string) => rawSocket(`${server.url.replace('http', 'ws')}/collab/session:${familyTime}`, { origin: server.url, cookie });
		expect((await ws(staff)).status).toBe(403);
		const open = await ws(rosa);
		expect(open.ws).toBeTruthy();
		open.ws?.close();
		// Professionals leave: the trainee observer is not in it.
		const observer = await accept(server.url, await invite(server.url, staff, ids.caseId, people['Jordan Lee'], { meetingId: ids.meetingId }));
		expect((await ws(observer)).status).toBe(403);
	});
});
