// Every route, action, endpoint and shared-document kind against every role, checked on the running
// server. A new route that is not in this matrix fails the test: decide who may use it, then list it.
import { readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeServerFiles, startServer, type RunningServer } from '../support/server.ts';
import { demoIds, rawSocket, signIn } from '../support/clients.ts';

const ROLES = ['anonymous', 'admin', 'outsider', 'caseworker', 'facilitator', 'supervisor'] as const;
type Role = (typeof ROLES)[number];
type Expect = Record<Role, number>;

const staffOnCase = (ok: number): Expect => ({ anonymous: 303, admin: 403, outsider: 403, caseworker: ok, facilitator: ok, supervisor: ok });
const anySignedIn = (ok: number, anonymous: number): Expect => ({ anonymous, admin: ok, outsider: ok, caseworker: ok, facilitator: ok, supervisor: ok });
const adminOnly = (ok: number): Expect => ({ anonymous: 303, admin: ok, outsider: 403, caseworker: 403, facilitator: 403, supervisor: 403 });

type Ids = { caseId: string; meetingId: string };
type Entry = { route: string; method: 'GET' | 'POST'; path: (ids: Ids) => string; body?: Record<string, string>; expect: Expect };

/** Route ids as SvelteKit names them (groups stripped), with what each role gets. */
const MATRIX: Entry[] = [
	{ route: '/', method: 'GET', path: () => '/', expect: anySignedIn(303, 303) },
	{ route: '/sign-in', method: 'GET', path: () => '/sign-in', expect: anySignedIn(303, 200) },
	{ route: '/sign-in', method: 'POST', path: () => '/sign-in', body: { email: 'x@demo.test', password: 'wrong-password' }, expect: anySignedIn(303, 400) },
	{ route: '/sign-out', method: 'POST', path: () => '/sign-out', expect: anySignedIn(303, 303) },
	{ route: '/language', method: 'POST', path: () => '/language', body: { locale: 'en', next: '/' }, expect: anySignedIn(303, 303) },
	{ route: '/cases', method: 'GET', path: () => '/cases', expect: anySignedIn(200, 303) },
	{ route: '/cases/[caseId]', method: 'GET', path: (i) => `/cases/${i.caseId}`, expect: staffOnCase(200) },
	{ route: '/meetings/[meetingId]', method: 'GET', path: (i) => `/meetings/${i.meetingId}`, expect: staffOnCase(200) },
	{ route: '/admin/users', method: 'GET', path: () => '/admin/users', expect: adminOnly(200) },
	// Form actions: a refused person gets the 403 page; an administrator's empty form gets "please fix".
	{ route: '/admin/users', method: 'POST', path: () => '/admin/users?/add', body: { name: '' }, expect: adminOnly(400) },
	{ route: '/admin/users', method: 'POST', path: () => '/admin/users?/toggle', body: { userId: 'aaaaaaaaaaaaaaaaaaaaaaaa', disabled: 'true' }, expect: adminOnly(404) }
];

/** Shared-document kinds: 101 = the socket opens; read-only roles would be listed here as 'read'. */
const DOCUMENTS: { kind: string; docId: (i: Ids) => string; expect: Record<Role, number> }[] = [
	{ kind: 'meeting', docId: (i) => `meeting:${i.meetingId}`, expect: { anonymous: 401, admin: 403, outsider: 403, caseworker: 101, facilitator: 101, supervisor: 101 } },
	{ kind: 'plan', docId: (i) => `plan:${i.caseId}`, expect: { anonymous: 401, admin: 403, outsider: 403, caseworker: 101, facilitator: 101, supervisor: 101 } }
];

function routeIds(dir = 'src/routes'): Set<string> {
	const ids = new Set<string>();
	const walk = (d: string) => {
		for (const name of readdirSync(d)) {
			const full = join(d, name);
			if (statSync(full).isDirectory()) walk(full);
			else if (/^\+(page|server)\.(svelte|ts|js)$/.test(name) || /^\+page\.server\.(ts|js)$/.test(name)) {
				const id = '/' + relative(dir, d).split(sep).filter((s) => s && !/^\(.*\)$/.test(s)).join('/');
				ids.add(id);
			}
		}
	};
	walk(dir);
	return ids;
}

let server: RunningServer;
let ids: Ids;
const cookies = new Map<Role, string | undefined>();

beforeAll(async () => {
	server = await startServer();
	cookies.set('anonymous', undefined);
	for (const role of ROLES) if (role !== 'anonymous') cookies.set(role, await signIn(server.url, `${role}@demo.test`));
	ids = await demoIds(server.url, cookies.get('caseworker')!);
});

afterAll(async () => {
	await server?.stop();
	if (server) removeServerFiles(server);
});

describe('authorization matrix', () => {
	it('lists every route in the app', () => {
		const listed = new Set(MATRIX.map((e) => e.route));
		const missing = [...routeIds()].filter((r) => !listed.has(r));
		expect(missing, 'routes with no row in the authorization matrix').toEqual([]);
	});

	for (const entry of MATRIX) {
		it(`${entry.method} ${entry.path({ caseId: '[caseId]', meetingId: '[meetingId]' })}`, async () => {
			const got: Partial<Record<Role, number>> = {};
			// Sign-out ends the session it is sent with: give it a fresh one per role.
			for (const role of ROLES) {
				const cookie = entry.route === '/sign-out' && role !== 'anonymous' ? await signIn(server.url, `${role}@demo.test`) : cookies.get(role);
				const res = await fetch(server.url + entry.path(ids), {
					method: entry.method,
					headers: {
						...(cookie ? { cookie } : {}),
						accept: 'text/html',
						...(entry.method === 'POST' ? { origin: server.url, 'content-type': 'application/x-www-form-urlencoded' } : {})
					},
					body: entry.method === 'POST' ? new URLSearchParams(entry.body ?? {}) : undefined,
					redirect: 'manual'
				});
				got[role] = res.status;
				if (res.status === 403) {
					const html = await res.text();
					expect(html, `${role} refused page leaks case data`).not.toContain('Rivera');
				}
			}
			expect(got).toEqual(entry.expect);
		});
	}

	for (const doc of DOCUMENTS) {
		it(`shared document ${doc.kind}`, async () => {
			const got: Partial<Record<Role, number>> = {};
			for (const role of ROLES) {
				const cookie = cookies.get(role);
				const { ws, status } = await rawSocket(`${server.url.replace('http', 'ws')}/collab/${doc.docId(ids)}`, { origin: server.url, ...(cookie ? { cookie } : {}) });
				got[role] = ws ? 101 : (status ?? 0);
				ws?.close();
			}
			expect(got).toEqual(doc.expect);
		});
	}
});
