// Pages and request safety on the real server: access refusals, headers, origin checks, throttling,
// compression, and the saved notes in the meeting page.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request, type IncomingHttpHeaders } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import * as Y from 'yjs';
import { removeServer, startServer, type RunningServer } from '../support/server.ts';
import { connect, demoIds, destroy, get, signIn, synced, waitFor } from '../support/clients.ts';
import { withSql } from '../support/sql.ts';

let server: RunningServer;
let caseworker: string;
let ids: { caseId: string; meetingId: string };

beforeAll(async () => {
	server = await startServer({ SIGNIN_THROTTLE: '1' });
	caseworker = await signIn(server.url, 'caseworker@demo.test');
	ids = await demoIds(server.url, caseworker);
});

afterAll(async () => {
	await server?.stop();
	if (server) await removeServer(server);
});

describe('pages only for the people assigned to the case', () => {
	it('refuses the outsider and the admin on the case and meeting pages, without showing case data', async () => {
		for (const email of ['outsider@demo.test', 'admin@demo.test']) {
			const cookie = await signIn(server.url, email);
			for (const path of [`/cases/${ids.caseId}`, `/meetings/${ids.meetingId}`]) {
				const res = await get(server.url, path, cookie);
				expect(res.status, `${email} ${path}`).toBe(403);
				const html = await res.text();
				expect(html).not.toContain('Rivera');
				expect(html).not.toContain('Okafor');
			}
			const list = await (await get(server.url, '/cases', cookie)).text();
			expect(list).not.toContain('Rivera');
		}
	});

	it('keeps a person signed in when a stale session cookie comes before the valid one (issue 17)', async () => {
		const both = `hearth_session=stale.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa; ${caseworker}`;
		const res = await get(server.url, `/cases/${ids.caseId}`, both);
		expect(res.status).toBe(200);
		expect(await res.text()).toContain('Rivera');
		// and nothing but stale ones: signed out, sent to sign in
		expect((await get(server.url, `/cases/${ids.caseId}`, 'hearth_session=stale.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa')).status).toBe(303);
	});

	it('sends someone who is not signed in to the sign-in page, remembering where they were going', async () => {
		const res = await get(server.url, `/meetings/${ids.meetingId}`);
		expect(res.status).toBe(303);
		expect(res.headers.get('location')).toBe(`/sign-in?next=${encodeURIComponent(`/meetings/${ids.meetingId}`)}`);
	});

	it('never redirects off the site after sign-in', async () => {
		const res = await fetch(`${server.url}/sign-in?next=//evil.example/x`, {
			method: 'POST',
			headers: { origin: server.url, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
			body: new URLSearchParams({ email: 'facilitator@demo.test', password: 'hearth-demo' }),
			redirect: 'manual'
		});
		expect(res.headers.get('location')).toBe('/cases');
	});
});

/** next= values that once answered 500 or sent a signed-in person off the site (issue 17), and their kin. */
const TRICKY_NEXT = [
	'/%0a',
	'/%0d%0aSet-Cookie:%20x=y',
	'/%00',
	'/%F0%9F%98%80',
	'/ni%C3%B1os',
	'/%E2%80%A8',
	'/%FF',
	'/%09/evil.example/path',
	'/%0A/evil.example/path',
	'/%5Cevil.example',
	'/%5C%5Cevil.example',
	'//evil.example',
	'/%2F%2Fevil.example',
	'/%252F%252Fevil.example',
	'/.//evil.example',
	'/x/..//evil.example',
	'%2F%2Fevil.example',
	'https://evil.example/',
	'https:evil.example',
	'/%20/evil.example',
	'%09//evil.example'
];

/** Where a browser would go, given this Location on this site. */
const landing = (location: string | null) => new URL(location ?? '', server.url);

describe('after sign-in, only a path on this site', () => {
	it('sends a signed-in person only to a path on this site, whatever next= holds, never with a 500', async () => {
		for (const next of TRICKY_NEXT) {
			const res = await get(server.url, `/sign-in?next=${next}`, caseworker);
			expect(res.status, next).toBe(303);
			const location = res.headers.get('location');
			expect(location, next).toMatch(/^\/(?!\/)[\x21-\x7e]*$/);
			expect(landing(location).origin, next).toBe(server.url);
		}
	});

	it('does the same for a successful sign-in carrying such a next', async () => {
		for (const next of TRICKY_NEXT.slice(0, 10)) {
			const res = await fetch(`${server.url}/sign-in?next=${next}`, {
				method: 'POST',
				headers: { origin: server.url, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
				body: new URLSearchParams({ email: 'caseworker@demo.test', password: 'hearth-demo' }),
				redirect: 'manual'
			});
			expect(res.status, next).toBe(303);
			expect(landing(res.headers.get('location')).origin, next).toBe(server.url);
		}
	});

	it('keeps a path on this site as it was asked for', async () => {
		const res = await get(server.url, `/sign-in?next=${encodeURIComponent(`/meetings/${ids.meetingId}`)}`, caseworker);
		expect(res.headers.get('location')).toBe(`/meetings/${ids.meetingId}`);
	});

	it('lets the language switch go back only to a path on this site', async () => {
		for (const next of ['/\t/evil.example/x', '//evil.example', '/\n', '/😀']) {
			const res = await fetch(`${server.url}/language`, {
				method: 'POST',
				headers: { origin: server.url, 'content-type': 'application/x-www-form-urlencoded' },
				body: new URLSearchParams({ locale: 'en', next }),
				redirect: 'manual'
			});
			expect(res.status, next).toBe(303);
			expect(landing(res.headers.get('location')).origin, next).toBe(server.url);
		}
	});
});

describe('request safety', () => {
	it('sends security headers, and no-store on signed-in pages', async () => {
		const res = await get(server.url, `/cases/${ids.caseId}`, caseworker);
		expect(res.headers.get('cache-control')).toBe('no-store');
		expect(res.headers.get('x-content-type-options')).toBe('nosniff');
		expect(res.headers.get('referrer-policy')).toBeTruthy();
		expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
		const cookie = (await fetch(`${server.url}/sign-in`, {
			method: 'POST',
			headers: { origin: server.url, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
			body: new URLSearchParams({ email: 'caseworker@demo.test', password: 'hearth-demo' }),
			redirect: 'manual'
		})).headers.getSetCookie().find((c) => c.startsWith('hearth_session='))!;
		expect(cookie).toMatch(/HttpOnly/i);
		expect(cookie).toMatch(/SameSite=Lax/i);
	});

	it('refuses a form post from another site', async () => {
		const res = await fetch(`${server.url}/sign-out`, {
			method: 'POST',
			headers: { cookie: caseworker, origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
			redirect: 'manual'
		});
		expect(res.status).toBe(403);
		// The session survived the attempt.
		expect((await get(server.url, '/cases', caseworker)).status).toBe(200);
		// And the attempt is on the audit trail (SvelteKit's own check answered before anything could record it).
		const rows = await withSql(server, (db) => db.all<{ resource_id: string; detail: string }>("SELECT resource_id, detail FROM audit_events WHERE action = 'http.cross-site'"), { readonly: true });
		expect(rows.some((r) => r.resource_id === '/sign-out' && JSON.parse(r.detail).withSession === true)).toBe(true);
	});

	it('refuses a cross-site JSON post', async () => {
		const res = await fetch(`${server.url}/language`, {
			method: 'POST',
			headers: { cookie: caseworker, 'content-type': 'application/json', origin: 'https://evil.example' },
			body: '{}',
			redirect: 'manual'
		});
		expect(res.status).toBe(403);
	});
});

describe('sign-in', () => {
	async function attempt(email: string, password: string): Promise<{ status: number; html: string }> {
		const res = await fetch(`${server.url}/sign-in`, {
			method: 'POST',
			headers: { origin: server.url, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', 'accept-language': 'en' },
			body: new URLSearchParams({ email, password }),
			redirect: 'manual'
		});
		return { status: res.status, html: await res.text() };
	}

	it('answers a wrong email and a wrong password the same way', async () => {
		const wrongPassword = await attempt('supervisor@demo.test', 'not-it');
		const wrongEmail = await attempt('nobody@demo.test', 'not-it');
		expect(wrongPassword.status).toBe(wrongEmail.status);
		const message = (html: string) => /role="alert"[^>]*>([^<]*)</.exec(html)?.[1];
		expect(message(wrongPassword.html)).toBeTruthy();
		expect(message(wrongPassword.html)).toBe(message(wrongEmail.html));
	});

	it('says a password or email is too long, not missing, and keeps the email', async () => {
		const longPassword = await attempt('supervisor@demo.test', 'x'.repeat(1001));
		expect(longPassword.status).toBe(400);
		expect(longPassword.html).toContain('That password is too long. A password has at most 1000 characters.');
		expect(longPassword.html).toContain('value="supervisor@demo.test"');
		const longEmail = await attempt(`${'a'.repeat(250)}@demo.test`, 'x');
		expect(longEmail.html).toContain('That email is too long. An email has at most 254 characters.');
		expect((await attempt('', 'x')).html).toContain('Please enter your email.');
		expect((await attempt('supervisor@demo.test', '')).html).toContain('Please enter your password.');
	});

	it('tells an administrator which new account field is too long, keeping what was typed', async () => {
		const admin = await signIn(server.url, 'admin@demo.test');
		const res = await fetch(`${server.url}/admin/users?/add`, {
			method: 'POST',
			headers: { cookie: admin, origin: server.url, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', 'accept-language': 'en' },
			body: new URLSearchParams({ name: 'N'.repeat(121), email: 'new.person@demo.test', role: 'caseworker', password: 'p'.repeat(201) })
		});
		expect(res.status).toBe(400);
		const html = await res.text();
		expect(html).toContain('That name is too long. A name has at most 120 characters.');
		expect(html).toContain('That password is too long. A password has at most 200 characters.');
		expect(html).toContain('value="new.person@demo.test"');
		expect(html).not.toContain('Please enter a name.');
	});

	it('slows down repeated failures for an account, and lets the right password in after the wait', async () => {
		const email = 'facilitator@demo.test';
		let throttled: { status: number; html: string } | undefined;
		for (let i = 0; i < 8 && !throttled; i++) {
			const r = await attempt(email, `wrong-${i}`);
			if (r.status === 429) throttled = r;
		}
		expect(throttled?.status).toBe(429);
		expect(throttled?.html).toContain('Too many tries');
		// While throttled, even the right password waits.
		expect((await attempt(email, 'hearth-demo')).status).toBe(429);
	});
});

/** A request as a browser sends it, read byte for byte (fetch would decompress for us). */
function raw(path: string, headers: Record<string, string> = {}, method = 'GET', body?: string): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
	return new Promise((resolve, reject) => {
		const req = request(`${server.url}${path}`, { method, headers }, (res) => {
			const chunks: Buffer[] = [];
			res.on('data', (c: Buffer) => chunks.push(c));
			res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
		});
		req.on('error', reject);
		req.end(body);
	});
}

/** Writes a paragraph into a document's notes over a real socket, and waits until it is saved. */
async function writeNotes(docId: string, cookie: string, text: string): Promise<void> {
	const writer = connect(server.url, docId, cookie);
	await synced(writer);
	const p = new Y.XmlElement('paragraph');
	p.insert(0, [new Y.XmlText(text)]);
	writer.doc.getXmlFragment('notes').push([p]);
	const reader = connect(server.url, docId, cookie);
	await synced(reader);
	await waitFor(() => reader.doc.getXmlFragment('notes').toString().includes(text), 3000, 'the notes to be saved');
	destroy(writer, reader);
}

const count = (haystack: string, needle: string) => haystack.split(needle).length - 1;

describe('the saved notes in the meeting page', () => {
	const line = `Saved line ${Math.random().toString(36).slice(2)}: Rosa drives on Tuesdays`;

	beforeAll(async () => {
		await writeNotes(`meeting:${ids.meetingId}`, caseworker, line);
		await writeNotes(`meeting:${ids.meetingId}`, caseworker, '<script>alert("notes")</script>');
	});

	it('are in the page’s HTML once, as plain text, and not in its data (so they cross the network once)', async () => {
		const html = await (await get(server.url, `/meetings/${ids.meetingId}`, caseworker)).text();
		expect(count(html, line)).toBe(1);
		expect(html).toMatch(new RegExp(`<div class="notes-saved[^"]*" data-saved-notes="[a-z2-7]+">(?:(?!</div>).)*<p>${line}</p>`, 's'));
		// Escaped: what someone typed never becomes markup.
		expect(html).toContain('<p>&lt;script&gt;alert(&quot;notes&quot;)&lt;/script&gt;</p>');
		expect(html).not.toContain('<script>alert(');
		// The live editor is not there yet: no second textbox, one notes region.
		expect(html).not.toContain('role="textbox"');
		expect(count(html, 'class="notes-saved')).toBe(1);
		// A client-side visit (the page's data) carries neither the notes nor a slot for them.
		const data = await (await get(server.url, `/meetings/${ids.meetingId}/__data.json`, caseworker)).text();
		expect(data).not.toContain(line);
		expect(data).not.toContain('Rosa drives');
	});

	it('come with the script that opens their socket early, allowed by the page’s Content Security Policy', async () => {
		const res = await get(server.url, `/meetings/${ids.meetingId}`, caseworker);
		const html = await res.text();
		const script = new RegExp(`<script data-notes-doc="meeting:${ids.meetingId}">([^<]+)</script>`).exec(html);
		expect(script).not.toBeNull();
		const hash = createHash('sha256').update(script![1]).digest('base64');
		expect(res.headers.get('content-security-policy')).toContain(`'sha256-${hash}'`);
		// Only on a page with notes to open.
		expect(await (await get(server.url, `/cases/${ids.caseId}`, caseworker)).text()).not.toContain('data-notes-doc');
	});
});

describe('compression', () => {
	it('gzips or brotli-compresses pages and their data for browsers that take it, keeping the session cookie', async () => {
		const plain = await (await get(server.url, `/meetings/${ids.meetingId}`, caseworker)).text();
		for (const [encoding, decode] of [
			['gzip', gunzipSync],
			['br', brotliDecompressSync]
		] as const) {
			const page = await raw(`/meetings/${ids.meetingId}`, { cookie: caseworker, 'accept-encoding': encoding });
			expect(page.status).toBe(200);
			expect(page.headers['content-encoding']).toBe(encoding);
			expect(page.headers['content-length']).toBeUndefined();
			expect(page.headers.vary).toMatch(/accept-encoding/i);
			expect(page.headers['set-cookie']?.some((c) => c.startsWith('hearth_session='))).toBe(true);
			expect(page.headers['content-security-policy']).toBeTruthy();
			const html = decode(page.body).toString();
			expect(html.length).toBeGreaterThan(page.body.length * 2);
			// The same page as sent plain, but for the parts that differ per response (the notes' slot,
			// and the server's clock at each answer, which the stage timer reads).
			const bySlot = (h: string) => h.replace(/(data-saved-notes="|savedNotes:")[a-z2-7]+"/g, '$1"').replace(/serverNow:\d+/g, 'serverNow:0');
			expect(bySlot(html)).toBe(bySlot(plain));
			const data = await raw(`/meetings/${ids.meetingId}/__data.json`, { cookie: caseworker, 'accept-encoding': encoding });
			expect(data.headers['content-encoding']).toBe(encoding);
			expect(JSON.parse(decode(data.body).toString()).type).toBe('data');
		}
	});

	it('sends pages plain to a client that does not take compression', async () => {
		const page = await raw(`/meetings/${ids.meetingId}`, { cookie: caseworker });
		expect(page.headers['content-encoding']).toBeUndefined();
		expect(page.body.toString()).toContain('<h1');
	});

	it('leaves redirects with their cookies alone', async () => {
		const signInPost = await raw(
			'/sign-in',
			{ origin: server.url, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', 'accept-encoding': 'gzip, br' },
			'POST',
			new URLSearchParams({ email: 'supervisor@demo.test', password: 'hearth-demo' }).toString()
		);
		expect(signInPost.status).toBe(303);
		expect(signInPost.headers.location).toBe('/cases');
		expect(signInPost.headers['content-encoding']).toBeUndefined();
		expect(signInPost.headers['set-cookie']?.find((c) => c.startsWith('hearth_session='))).toMatch(/HttpOnly/i);
		const away = await raw(`/meetings/${ids.meetingId}`, { 'accept-encoding': 'gzip' });
		expect(away.status).toBe(303);
		expect(away.headers.location).toContain('/sign-in?next=');
	});

	it('serves the built files precompressed as before, without compressing them twice', async () => {
		const html = await (await get(server.url, `/meetings/${ids.meetingId}`, caseworker)).text();
		const script = /\/_app\/immutable\/entry\/start\.[\w-]+\.js/.exec(html)![0];
		const plain = await raw(script);
		const br = await raw(script, { 'accept-encoding': 'br' });
		expect(br.headers['content-encoding']).toBe('br');
		expect(brotliDecompressSync(br.body).equals(plain.body)).toBe(true);
	});

	it('keeps the collab socket working beside it', async () => {
		const c = connect(server.url, `meeting:${ids.meetingId}`, caseworker);
		await synced(c);
		expect(c.provider.wsconnected).toBe(true);
		destroy(c);
	});
});
