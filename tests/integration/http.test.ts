// Pages and request safety on the real server: access refusals, headers, origin checks, throttling.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeServerFiles, startServer, type RunningServer } from '../support/server.ts';
import { demoIds, get, signIn } from '../support/clients.ts';

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
	if (server) removeServerFiles(server);
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
