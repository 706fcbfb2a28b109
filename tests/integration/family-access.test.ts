// Family access and privacy on the real server, with real y-websocket clients: invites, keep-apart
// pairs, separate sessions, read-only observers, revocation, dead links.
import { presentedOf } from '../../src/lib/domain/decision.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as Y from 'yjs';
import { MESSAGE_HEARTH, decodeHearthMessage } from '../../src/lib/domain/collab-protocol.ts';
import { formatDateTime, formatShortDateTime } from '../../src/lib/format.ts';
import { removeServer, startServer, type RunningServer } from '../support/server.ts';
import { withSql } from '../support/sql.ts';
import { accept, connect, demoIds, destroy, get, invite, personId, rawSocket, signIn, synced, waitFor, notesLine, notesText } from '../support/clients.ts';

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
	if (server) await removeServer(server);
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

/** The messages sent since `before`, once `count` of them have arrived: the jobs runner sends them just after the page answers. */
async function sentSince(before: number, count = 1) {
	await waitFor(() => outboxFiles().length >= before + count, 5000, `${count} message(s) sent`);
	return outboxFiles().slice(before);
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

	it('keeps a short code typed far too long in the field and says no invitation has it (issue 17)', async () => {
		const typed = 'ABCDE-FGHIJ '.repeat(5).trim();
		const res = await fetch(`${server.url}/join?/lookup`, { method: 'POST', headers: { origin: server.url, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' }, body: new URLSearchParams({ shortCode: typed }), redirect: 'manual' });
		expect(res.status).toBe(404);
		expect(await res.text()).toContain(`value="${typed}"`);
	});

	it('is sent by email in the person’s language, with the code in a second message', async () => {
		const before = outboxFiles().length;
		await invite(server.url, staff, ids.caseId, people['Rosa Rivera'], { channel: 'email', locale: 'es', requireCode: true });
		const sent = await sentSince(before, 2);
		const email = sent.find((m) => m.kind === 'invite')!;
		expect(email.to).toBe('rosa.rivera@example.test');
		expect(email.locale).toBe('es');
		expect(email.subject).toContain('le invita');
		expect(email.text).toContain('Hola Rosa');
		const code = sent.find((m) => m.kind === 'invite-code')!;
		expect(code.to).toBe('+15555550103'); // the other channel
		expect(code.text).toMatch(/Su código .* es \d{6}/);
		// The outbox table records that it was sent, never what it said or to whom.
		const rows = await withSql(server, (db) => db.all('SELECT * FROM outbox'), { readonly: true });
		expect(JSON.stringify(rows)).not.toContain('rosa.rivera');
		expect(JSON.stringify(rows)).not.toContain('/invite/');
	});
});

describe('an invitation to a meeting (issue 17.10, 17.11)', () => {
	// The aliases are quoted: PostgreSQL folds an unquoted one to lower case.
	const meetingRow = () =>
		withSql(
			server,
			async (db) => {
				const row = (await db.get<{ startsAt: number; minutes: number; zone: string; location: string; locationEs: string }>('SELECT starts_at AS "startsAt", duration_minutes AS minutes, time_zone AS zone, location, location_es AS "locationEs" FROM meetings WHERE id = ?', [ids.meetingId]))!;
				const invite = (await db.get<{ expiresAt: number }>('SELECT expires_at AS "expiresAt" FROM invites ORDER BY created_at DESC LIMIT 1'))!;
				return { ...row, expiresAt: invite.expiresAt };
			},
			{ readonly: true }
		);

	it('lasts until the meeting has ended, and its email names the date, time and place in the reader’s language and the meeting’s zone', async () => {
		const before = outboxFiles().length;
		await invite(server.url, staff, ids.caseId, people['Daniel Ortiz'], { meetingId: ids.meetingId, channel: 'email' });
		const meeting = await meetingRow();
		// The demo meeting is three days away: 72 hours from now ends before it does.
		expect(meeting.expiresAt).toBeGreaterThanOrEqual(meeting.startsAt + meeting.minutes * 60_000);
		const email = (await sentSince(before)).find((m) => m.kind === 'invite')!;
		expect(email.text).toContain(`When: ${formatDateTime(meeting.startsAt, 'en', meeting.zone)}`);
		expect(email.text).toContain(`Where: ${meeting.location}`);
		expect(email.text).toContain(`Or go to ${server.url}/join and type this code:`);
		expect(email.text).toContain(`The link works one time, until ${formatDateTime(meeting.expiresAt, 'en', meeting.zone)}.`);
		expect(email.text).toContain('Sam Okafor invites you to a family team meeting.');
	});

	it('by text message is short, in Spanish for a Spanish reader ("5:30 p.m."), with when, where and the Join page’s address', async () => {
		const before = outboxFiles().length;
		await invite(server.url, staff, ids.caseId, people['Rosa Rivera'], { meetingId: ids.meetingId, channel: 'sms', locale: 'es' });
		const meeting = await meetingRow();
		const sms = (await sentSince(before)).find((m) => m.kind === 'invite')!;
		expect(sms.to).toBe('+15555550103');
		expect(sms.text).toContain(formatShortDateTime(meeting.startsAt, 'es', meeting.zone));
		expect(sms.text).toMatch(/5:30\sp\.\s?m\./);
		// The place in Spanish, as staff typed it for Spanish readers (issue 17: the English place went to them).
		expect(sms.text).toContain(meeting.locationEs);
		expect(sms.text).not.toContain(meeting.location);
		expect(sms.text).toContain(`en ${server.url}/join`);
		expect(sms.text).toContain('/invite/');
		// Two text-message segments at most; it used to be a letter.
		expect(sms.text.length, sms.text).toBeLessThanOrEqual(320);
	});

	it('names who sent the 6-digit code: the facilitator, when she made it', async () => {
		const dana = await signIn(server.url, 'facilitator@demo.test');
		const created = await invite(server.url, dana, ids.caseId, people['Lucia Ortiz'], { meetingId: ids.meetingId, requireCode: true });
		const html = await (await get(server.url, `/invite/${created.token}`)).text();
		expect(html).toContain('Dana Reyes gave you this code, or sent it in a second message.');
		expect(html).not.toContain('Your caseworker gave you this code');
	});

	it('answers 404 for a link nobody was given and 410 for a used one, each with the plain page', async () => {
		const unknown = await get(server.url, `/invite/${'a'.repeat(32)}`);
		expect(unknown.status).toBe(404);
		expect(await unknown.text()).toContain('We could not find this link');
		const created = await invite(server.url, staff, ids.caseId, people['Tom Baker'], { meetingId: ids.meetingId });
		await accept(server.url, created);
		const used = await get(server.url, `/invite/${created.token}`);
		expect(used.status).toBe(410);
		expect(await used.text()).toContain('This link was already used');
	});
});

describe('a signed-out worker opening the invite form for one person (issue 17.8)', () => {
	it('comes back to the form with that person chosen after signing in', async () => {
		const form = `/cases/${ids.caseId}/invite?person=${people['Rosa Rivera']}`;
		const res = await get(server.url, form);
		expect(res.status).toBe(303);
		const location = res.headers.get('location')!;
		expect(location).toBe(`/sign-in?next=${encodeURIComponent(form)}`);
		const signedIn = await fetch(`${server.url}${location}`, {
			method: 'POST',
			headers: { origin: server.url, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
			body: new URLSearchParams({ email: 'caseworker@demo.test', password: 'hearth-demo' }),
			redirect: 'manual'
		});
		expect(signedIn.status).toBe(303);
		expect(signedIn.headers.get('location')).toBe(form);
	});
});

describe('the devices page', () => {
	it('describes each device plainly ("Chrome on an Android phone"), never with the raw user-agent string', async () => {
		const ua = 'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/129.0.0.0 Mobile Safari/537.36';
		const created = await invite(server.url, staff, ids.caseId, people['Grace Whitfield'], { meetingId: ids.meetingId });
		const res = await fetch(`${server.url}/invite/${created.token}`, { method: 'POST', headers: { origin: server.url, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', 'user-agent': ua }, body: '', redirect: 'manual' });
		const cookie = res.headers.getSetCookie().find((c) => c.startsWith('hearth_session='))!.split(';')[0];
		for (const path of ['/sessions', '/sessions/__data.json']) {
			const body = await (await get(server.url, path, cookie)).text();
			expect(body, path).not.toContain('Mozilla/5.0');
			expect(body, path).not.toContain('AppleWebKit');
		}
		expect(await (await get(server.url, '/sessions', cookie)).text()).toContain('Chrome on an Android phone');
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
		notesLine(watcher.doc).insert(0, 'observer-was-here ');
		notesLine(worker.doc).insert(0, 'staff-typed ');
		await waitFor(() => notesText(watcher.doc).includes('staff-typed'), 2000, 'the observer to follow');
		// The worker's own later edit has arrived, so anything the observer sent before it would have too.
		expect(notesText(worker.doc)).not.toContain('observer-was-here');
		destroy(watcher, worker);
		const fresh = connect(server.url, `meeting:${ids.meetingId}`, staff);
		await synced(fresh);
		expect(notesText(fresh.doc)).not.toContain('observer-was-here');
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
			await removeServer(short);
		}
	});
});

describe('the audit trail', () => {
	it('records a staff member changing a case id in a URL as a refusal', async () => {
		const outsider = await signIn(server.url, 'outsider@demo.test');
		expect((await get(server.url, `/cases/${ids.caseId}`, outsider)).status).toBe(403);
		const row = await withSql(server, (db) => db.get<{ outcome: string }>("SELECT outcome, actor_role FROM audit_events WHERE action = 'case.view' AND resource_id = ? AND outcome = 'denied'", [ids.caseId]), { readonly: true });
		expect(row?.outcome).toBe('denied');
	});
});

describe('private family time', () => {
	const post = (path: string, cookie: string, body: Record<string, string> = {}) =>
		fetch(`${server.url}/meetings/${ids.meetingId}?${path.includes('/') ? path : `/${path}`}`, {
			method: 'POST',
			headers: { cookie, origin: server.url, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
			body: new URLSearchParams(body),
			redirect: 'manual'
		});
	const openFamilyTimes = async () => {
		const rows = await withSql(server, (db) => db.all<{ id: string }>("SELECT id FROM meeting_sessions WHERE meeting_id = ? AND kind = 'FAMILY_ALONE' AND ended_at IS NULL", [ids.meetingId]), { readonly: true });
		return rows.map((r) => r.id);
	};
	/** What the collab server says this person may do with a document (its first `access` message), or the refusal's HTTP status. */
	const accessOf = async (docId: string, cookie: string): Promise<'read' | 'write' | number> => {
		const opened = await rawSocket(`${server.url.replace('http', 'ws')}/collab/${docId}`, { origin: server.url, cookie });
		const { ws, status } = opened;
		if (!ws) return status ?? 0;
		const access = await nextAccess(opened);
		ws.close();
		return access;
	};
	/**
	 * The next access message on a socket from rawSocket, reading what it received from the start (the one
	 * sent on join can come with the upgrade, before any listener added after `open`).
	 */
	const cursors = new WeakMap<object, number>();
	const nextAccess = (open: Awaited<ReturnType<typeof rawSocket>>) =>
		new Promise<'read' | 'write'>((resolve) => {
			const received = open.received!;
			const look = () => {
				for (let i = cursors.get(received) ?? 0; i < received.length; i++) {
					const bytes = new Uint8Array(received[i]);
					const message = bytes[0] === MESSAGE_HEARTH ? decodeHearthMessage(bytes.subarray(1)) : null;
					if (message?.t === 'access') {
						cursors.set(received, i + 1);
						open.ws!.off('message', look);
						resolve(message.access);
						return;
					}
				}
				cursors.set(received, received.length);
			};
			open.ws!.on('message', look);
			look();
		});

	let rosa: string;
	let familyTime: string;

	beforeAll(async () => {
		rosa = await accept(server.url, await invite(server.url, staff, ids.caseId, people['Rosa Rivera'], { meetingId: ids.meetingId }));
	});

	it('is one at a time: two presses at once start one family time, and both are told it is on', async () => {
		expect(await openFamilyTimes()).toEqual([]);
		const [a, b] = await Promise.all([post('familyTime', staff), post('familyTime', staff)]);
		expect([a.status, b.status]).toEqual([200, 200]);
		const pages = [await a.text(), await b.text()];
		expect(pages.some((html) => html.includes('Family time is already on'))).toBe(true);
		expect(await openFamilyTimes()).toHaveLength(1);
		familyTime = (await openFamilyTimes())[0];
		// A third press, later, still finds the same one.
		expect(await (await post('familyTime', staff)).text()).toContain('Family time is already on');
		expect(await openFamilyTimes()).toEqual([familyTime]);
	});

	it('is a session of the family members whose notes staff cannot open', async () => {
		const ws = (cookie: string) => rawSocket(`${server.url.replace('http', 'ws')}/collab/session:${familyTime}`, { origin: server.url, cookie });
		expect((await ws(staff)).status).toBe(403);
		const open = await ws(rosa);
		expect(open.ws).toBeTruthy();
		open.ws?.close();
		// Professionals leave: the trainee observer is not in it.
		const observer = await accept(server.url, await invite(server.url, staff, ids.caseId, people['Jordan Lee'], { meetingId: ids.meetingId }));
		expect((await ws(observer)).status).toBe(403);
	});

	it('tells the family plainly that only they see it, and how to share it', async () => {
		const html = await (await get(server.url, `/meetings/${ids.meetingId}?s=${familyTime}`, rosa)).text();
		expect(html).toContain('Family time: only your family can see these notes');
		expect(html).toContain('If you share these notes, the staff on your family');
		expect(html).toContain(`action="?s=${familyTime}&amp;/shareFamilyTime"`);
		// Staff are told the family can share them (true now), and get no share button.
		const staffHtml = await (await get(server.url, `/meetings/${ids.meetingId}?s=${familyTime}`, staff)).text();
		expect(staffHtml).toContain('They can share them with the team when they are ready.');
		expect(staffHtml).not.toContain('/shareFamilyTime');
	});

	it('opens the notes to the staff, read only, once a family member shares them; nobody else can share', async () => {
		const marker = `Our plan: Grandma keeps the children on weekdays ${Math.random().toString(36).slice(2)}`;
		const writer = connect(server.url, `session:${familyTime}`, rosa);
		await synced(writer);
		const p = new Y.XmlElement('paragraph');
		p.insert(0, [new Y.XmlText(marker)]);
		writer.doc.getXmlFragment('notes').push([p]);
		const check = connect(server.url, `session:${familyTime}`, rosa);
		await synced(check);
		await waitFor(() => check.doc.getXmlFragment('notes').toString().includes(marker), 3000, 'the family’s notes to be saved');
		destroy(writer, check);
		const staffSees = async () => (await (await get(server.url, `/meetings/${ids.meetingId}?s=${familyTime}`, staff)).text()).includes(marker);
		expect(await staffSees()).toBe(false);

		// Staff cannot share the family's notes for them, nor can someone who is not in family time.
		const observer = await accept(server.url, await invite(server.url, staff, ids.caseId, people['Jordan Lee'], { meetingId: ids.meetingId }));
		for (const who of [staff, observer]) expect((await post('shareFamilyTime', who, { meetingSessionId: familyTime })).status).toBe(403);
		expect(await staffSees()).toBe(false);
		expect(await accessOf(`session:${familyTime}`, staff)).toBe(403);

		// The form posts back to the family-time part of the page, which then says it is shared.
		const shared = await post(`s=${familyTime}&/shareFamilyTime`, rosa, { meetingSessionId: familyTime });
		expect(shared.status).toBe(200);
		expect(await shared.text()).toContain('Family time: shared with the team');
		expect(await staffSees()).toBe(true);
		// What they presented joins the meeting's record as it was then (the summary shows it).
		const record = connect(server.url, `meeting:${ids.meetingId}`, staff);
		await synced(record);
		try {
			expect(presentedOf(record.doc).map((p) => p.text)).toEqual([marker]);
		} finally {
			destroy(record);
		}
		expect(await accessOf(`session:${familyTime}`, staff)).toBe('read');
		expect(await accessOf(`session:${familyTime}`, rosa)).toBe('write');
		// What staff type in it is never stored: the family's words stay theirs.
		const worker = connect(server.url, `session:${familyTime}`, staff);
		await synced(worker);
		notesLine(worker.doc).insert(0, 'staff-edit ');
		const family = connect(server.url, `session:${familyTime}`, rosa);
		await synced(family);
		notesLine(family.doc).insert(0, 'family-after ');
		await waitFor(() => notesText(worker.doc).includes('family-after'), 2000, 'the family’s later edit to reach staff');
		expect(notesText(family.doc)).not.toContain('staff-edit');
		destroy(worker, family);

		// Recorded: who shared, when, and that they did (never what the notes say).
		const { row, session, refusals } = await withSql(
			server,
			async (db) => ({
				row: (await db.get<{ actor_kind: string; actor_role: string; outcome: string; detail: string }>("SELECT actor_kind, actor_role, outcome, detail FROM audit_events WHERE action = 'meeting.family-time.share' AND resource_id = ? AND detail IS NOT NULL", [familyTime]))!,
				session: (await db.get<{ shared_at: number; shared_by: string }>('SELECT shared_at, shared_by FROM meeting_sessions WHERE id = ?', [familyTime]))!,
				refusals: (await db.get<{ n: number }>("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'meeting.family-time.share' AND outcome = 'denied'"))!
			}),
			{ readonly: true }
		);
		expect(row).toMatchObject({ actor_kind: 'participant', actor_role: 'RELATIVE_KIN', outcome: 'allowed' });
		expect(session.shared_by).toBe(people['Rosa Rivera']);
		expect(refusals.n).toBeGreaterThanOrEqual(2);
	});

	it('ends when staff end it: its notes turn read only at once, and a later family time can start', async () => {
		const open = await rawSocket(`${server.url.replace('http', 'ws')}/collab/session:${familyTime}`, { origin: server.url, cookie: rosa });
		expect(await nextAccess(open)).toBe('write');
		const narrowed = nextAccess(open);
		const ended = await post('endFamilyTime', staff, { meetingSessionId: familyTime });
		expect(ended.status).toBe(200);
		expect(await narrowed).toBe('read');
		open.ws!.close();
		expect(await accessOf(`session:${familyTime}`, rosa)).toBe('read');
		expect(await openFamilyTimes()).toEqual([]);
		expect(await (await get(server.url, `/meetings/${ids.meetingId}?s=${familyTime}`, rosa)).text()).toContain('Family time has ended.');
		// The next one is a new family time, with notes of its own.
		expect((await post('familyTime', staff)).status).toBe(200);
		const [next] = await openFamilyTimes();
		expect(next).toBeTruthy();
		expect(next).not.toBe(familyTime);
		expect(await accessOf(`session:${next}`, rosa)).toBe('write');
		expect(await accessOf(`session:${next}`, staff)).toBe(403);
		expect((await post('endFamilyTime', staff, { meetingSessionId: next })).status).toBe(200);
	});
});
