// Bad input on every form action and endpoint, found by walking src/routes (a new route is covered without
// touching this file): bodies no form sends, empty, huge or in broken UTF-8, signed out and signed in, as a
// staff member and as a family member. Nothing may answer 500; a body that cannot be read as a form gets a
// plain 400 in the reader's language before any route runs (hooks.server.ts, readFormBody in http.ts).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeServer, startServer, type RunningServer } from '../support/server.ts';
import { accept, demoIds, invite, personId, signIn } from '../support/clients.ts';
import { pageRoutes, routeHandlers } from '../support/routes.ts';

type Handler = { route: string; file: string; method: string; action: string | null };

const BODY_METHODS = ['POST', 'PUT', 'PATCH', 'DELETE'];

/** Every form action (+page.server.ts) and every endpoint method (+server.ts) under src/routes. */
function handlers(): Handler[] {
	const all = routeHandlers();
	const actions = all.filter((h) => h.kind === 'action').map(({ route, file, action }) => ({ route, file, method: 'POST', action }));
	const endpoints = [...new Set(all.filter((h) => h.kind === 'endpoint').map((h) => h.file))].flatMap((file) => {
		const { route } = all.find((h) => h.file === file)!;
		// A GET-only endpoint is sent bodies with POST as well: it must refuse them plainly too.
		const withBody = all.filter((h) => h.file === file && BODY_METHODS.includes(h.method)).map((h) => h.method);
		return (withBody.length ? withBody : ['POST']).map((method) => ({ route, file, method, action: null }));
	});
	return [...actions, ...endpoints];
}

/** Every form field name the app's pages use: the huge and broken bodies fill them all. */
function fieldNames(): string[] {
	const names = new Set(['email', 'password', 'next', 'locale']);
	const walk = (d: string) => {
		for (const name of readdirSync(d)) {
			const full = join(d, name);
			if (statSync(full).isDirectory()) walk(full);
			else if (name.endsWith('.svelte')) for (const m of readFileSync(full, 'utf8').matchAll(/\bname="([A-Za-z]\w*)"/g)) names.add(m[1]);
		}
	};
	walk('src');
	return [...names].sort();
}

type Body = { name: string; headers: Record<string, string>; body: () => BodyInit | undefined; unreadable: boolean; status?: number };

const enc = new TextEncoder();
const bytes = (...parts: (string | number[])[]) => {
	const chunks = parts.map((p) => (typeof p === 'string' ? enc.encode(p) : new Uint8Array(p)));
	const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
	let at = 0;
	for (const c of chunks) {
		out.set(c, at);
		at += c.length;
	}
	return out;
};

function bodies(fields: string[]): Body[] {
	const form = (value: (field: string) => string) => new URLSearchParams(fields.map((f) => [f, value(f)])).toString();
	const multipart = (boundary: string, value: number[]) =>
		bytes(...fields.flatMap((f) => [`--${boundary}\r\nContent-Disposition: form-data; name="${f}"\r\n\r\n`, value, '\r\n']), `--${boundary}--\r\n`);
	const perField = Math.floor(400_000 / fields.length);
	return [
		{ name: 'text/plain', headers: { 'content-type': 'text/plain' }, body: () => form(() => 'x'), unreadable: true },
		{ name: 'text/plain (empty-looking)', headers: { 'content-type': 'text/plain;charset=UTF-8' }, body: () => ' ', unreadable: true },
		{ name: 'multipart without a boundary', headers: { 'content-type': 'multipart/form-data' }, body: () => 'email=x', unreadable: true },
		{ name: 'malformed multipart', headers: { 'content-type': 'multipart/form-data; boundary=XyZ' }, body: () => '--XyZ\r\nContent-Disposition: form-data; name="email"\r\n\r\nnever ends', unreadable: true },
		{ name: 'multipart of garbage', headers: { 'content-type': 'multipart/form-data; boundary=XyZ' }, body: () => 'garbage', unreadable: true },
		{ name: 'JSON', headers: { 'content-type': 'application/json' }, body: () => JSON.stringify(Object.fromEntries(fields.map((f) => [f, 'x']))), unreadable: true },
		{ name: 'SvelteKit binary form', headers: { 'content-type': 'application/x-sveltekit-formdata' }, body: () => 'x', unreadable: true },
		{ name: 'empty body, no type', headers: {}, body: () => undefined, unreadable: false },
		{ name: 'empty form', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: () => '', unreadable: false },
		{ name: 'huge fields', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: () => form(() => 'a'.repeat(perField)), unreadable: false },
		{ name: 'past the size limit', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: () => form(() => 'a'.repeat(40_000)) + 'a'.repeat(600_000), unreadable: true, status: 413 },
		{ name: 'invalid UTF-8 (form)', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: () => bytes(...fields.flatMap((f, i) => [`${i ? '&' : ''}${f}=`, [0xff, 0xfe, 0xc3, 0x28]])), unreadable: false },
		{ name: 'invalid UTF-8 (percent-encoded)', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: () => form(() => '%FF%C3%28%ED%A0%80'), unreadable: false },
		{ name: 'invalid UTF-8 (multipart)', headers: { 'content-type': 'multipart/form-data; boundary=XyZ' }, body: () => multipart('XyZ', [0xff, 0xfe, 0xc3, 0x28]), unreadable: false },
		{ name: 'a file where text belongs', headers: { 'content-type': 'multipart/form-data; boundary=XyZ' }, body: () => bytes(...fields.flatMap((f) => [`--XyZ\r\nContent-Disposition: form-data; name="${f}"; filename="x.txt"\r\nContent-Type: text/plain\r\n\r\nx\r\n`]), '--XyZ--\r\n'), unreadable: false }
	];
}

let server: RunningServer;
let ids: { caseId: string; meetingId: string };
const roles = ['signed out', 'caseworker', 'family member'] as const;
type Role = (typeof roles)[number];
const cookies = new Map<Role, string | undefined>();
const signInAgain = new Map<Role, () => Promise<string>>();

beforeAll(async () => {
	server = await startServer();
	const staff = await signIn(server.url, 'caseworker@demo.test');
	ids = await demoIds(server.url, staff);
	const daniel = await personId(server.url, staff, ids.caseId, 'Daniel Ortiz');
	signInAgain.set('caseworker', () => signIn(server.url, 'caseworker@demo.test'));
	signInAgain.set('family member', async () => accept(server.url, await invite(server.url, await signIn(server.url, 'caseworker@demo.test'), ids.caseId, daniel, { meetingId: ids.meetingId })));
	cookies.set('signed out', undefined);
	cookies.set('caseworker', staff);
	cookies.set('family member', await signInAgain.get('family member')!());
});

afterAll(async () => {
	await server?.stop();
	if (server) await removeServer(server);
});

/** A URL for a route, its parameters filled with the demo case's ids (a made-up id for any other). */
function pathOf(h: Handler): string {
	const path = h.route.replace(/\[{1,2}(?:\.\.\.)?(\w+)\]{1,2}/g, (_, param: string) =>
		param === 'caseId' ? ids.caseId : param === 'meetingId' ? ids.meetingId : param === 'token' ? 'a'.repeat(32) : 'a'.repeat(24)
	);
	return h.action && h.action !== 'default' ? `${path}?/${h.action}` : path;
}

const sessionEnded = (res: Response) => res.headers.getSetCookie().some((c) => /^hearth_session=/.test(c) && /Max-Age=0|Expires=Thu, 01 Jan 1970/i.test(c));

describe('bad input to every form action and endpoint', () => {
	const found = handlers();

	it('finds the app’s form actions and endpoints', () => {
		const names = found.map((h) => `${h.method} ${h.route}${h.action ? ` ${h.action}` : ''}`);
		expect(names).toContain('POST /sign-in default');
		expect(names).toContain('POST /language');
		expect(names).toContain('POST /meetings/[meetingId] addMember');
		expect(found.length).toBeGreaterThan(15);
	});

	for (const role of roles) {
		it(`never answers 500, and refuses an unreadable body with a plain 400: ${role}`, { timeout: 180_000 }, async () => {
			const problems: string[] = [];
			const fields = fieldNames();
			for (const h of found) {
				for (const b of bodies(fields)) {
					const cookie = cookies.get(role);
					const res = await fetch(server.url + pathOf(h), {
						method: h.method,
						headers: { origin: server.url, accept: 'text/html', 'accept-language': 'en', ...(cookie ? { cookie } : {}), ...b.headers },
						body: b.body(),
						redirect: 'manual'
					});
					const text = await res.text();
					const where = `${role}: ${h.method} ${pathOf(h)} with ${b.name} → ${res.status}`;
					if (res.status >= 500) problems.push(`${where}: ${text.slice(0, 200)}`);
					if (b.unreadable) {
						const status = b.status ?? 400;
						const message = status === 413 ? 'That was too much to send. Please go back, make it shorter, and try again.' : 'We could not read what was sent. Please go back and try again.';
						if (res.status !== status || !res.headers.get('content-type')?.startsWith('text/plain') || text !== message) problems.push(`${where}, expected a plain ${status}: ${text.slice(0, 120)}`);
					}
					// Sign-out (and any other way a session ends) with a body it could read: sign in again.
					if (cookie && sessionEnded(res)) cookies.set(role, await signInAgain.get(role)!());
				}
			}
			expect(problems).toEqual([]);
		});
	}

	it('answers an address it cannot decode with a plain 400 page, and odd query strings without a 500', async () => {
		const pages = [...new Set(pageRoutes())];
		const problems: string[] = [];
		for (const role of roles) {
			const cookie = cookies.get(role);
			for (const route of pages) {
				const headers = { accept: 'text/html', 'accept-language': 'en', ...(cookie ? { cookie } : {}) };
				const odd = `${pathOf({ route, file: '', method: 'GET', action: null })}?next=%ZZ&s=%00&case=%FF&person=${'a'.repeat(3000)}&page=1e400&upto=-1&from=%00&to=0000-00-00&action=%25&verify=1`;
				const res = await fetch(server.url + odd, { headers, redirect: 'manual' });
				if (res.status >= 500) problems.push(`${role}: ${route} with odd query → ${res.status}`);
				if (!route.includes('[')) continue;
				const broken = route.replace(/\[{1,2}(?:\.\.\.)?\w+\]{1,2}/, '%E0%A4%A');
				const bad = await fetch(server.url + broken, { headers, redirect: 'manual' });
				const html = await bad.text();
				if (bad.status !== 400 || !html.includes('We could not read what was sent.')) problems.push(`${role}: ${broken} → ${bad.status}`);
			}
		}
		expect(problems).toEqual([]);
	});

	it('wrote no server error to the log', () => {
		expect(server.output()).not.toMatch(/TypeError|Invalid redirect|Error: /);
	});
});

describe('requests Node cannot parse', () => {
	/** Sends `head` as the raw start of a request and returns the first line of the answer ('' for a bare reset). */
	const rawAnswer = (head: string) =>
		new Promise<string>((resolve) => {
			const socket = connect(Number(new URL(server.url).port), '127.0.0.1', () => socket.write(head));
			let got = '';
			socket.on('data', (d) => (got += d));
			socket.on('close', () => resolve(got.split('\r\n')[0]));
			socket.on('error', () => resolve(got.split('\r\n')[0]));
		});

	it('get a plain answer, not a reset: headers too large (a grown cookie jar) and a malformed header', async () => {
		expect(await rawAnswer(`GET / HTTP/1.1\r\nHost: x\r\nCookie: a=${'x'.repeat(20_000)}\r\n\r\n`)).toBe('HTTP/1.1 431 Request Header Fields Too Large');
		expect(await rawAnswer(`GET / HTTP/1.1\r\nHost: x\r\nX-Bad: a\0b\r\n\r\n`)).toBe('HTTP/1.1 400 Bad Request');
	});
});
