import { describe, expect, it } from 'vitest';
import { readFormBody, safeNext } from './http';

const ORIGIN = 'https://hearth.example.org';

describe('safeNext: where to go after signing in', () => {
	it('keeps a path on this site, with its query and fragment', () => {
		expect(safeNext('/meetings/abc', ORIGIN)).toBe('/meetings/abc');
		expect(safeNext('/audit?case=abc&page=2#top', ORIGIN)).toBe('/audit?case=abc&page=2#top');
		expect(safeNext(`${ORIGIN}/cases`, ORIGIN)).toBe('/cases');
	});

	it('never leaves the site, however the address is written', () => {
		const offSite = [
			'//evil.example/x',
			'/\\evil.example/x',
			'\\\\evil.example/x',
			'/\t/evil.example/path', // the issue's /%09/other-host/path: browsers drop the tab
			'/\n/evil.example/path',
			'/\r/evil.example/path',
			'/\t\\evil.example',
			'/ /evil.example',
			'/.//evil.example', // "." is resolved away, leaving //evil.example
			'/./\\evil.example',
			'/x/..//evil.example',
			'https://evil.example/x',
			'http:evil.example',
			'javascript:alert(1)',
			'data:text/html,hi',
			' //evil.example',
			'\t//evil.example',
			'',
			'cases',
			`${ORIGIN}.evil.example/x`,
			`${ORIGIN}@evil.example/x`,
			'https://hearth.example.org:444/cases',
			'http://hearth.example.org/cases'
		];
		for (const value of offSite) {
			const next = safeNext(value, ORIGIN);
			expect(new URL(next, ORIGIN).origin, JSON.stringify(value)).toBe(ORIGIN);
			expect(next.startsWith('//'), JSON.stringify(value)).toBe(false);
		}
		expect(safeNext('//evil.example/x', ORIGIN)).toBe('/cases');
		expect(safeNext('/\t/evil.example/path', ORIGIN)).toBe('/cases');
		expect(safeNext(null, ORIGIN, '/')).toBe('/');
	});

	it('gives back only characters a Location header can carry: control characters, emoji and accents are encoded or dropped', () => {
		for (const value of ['/\n', '/\0', '/\u0007x', '/😀', '/niños?q=señal', '/%0a', '/a\u2028b', '/\uD800', '/cases?x=1\r\nSet-Cookie: a=b']) {
			const next = safeNext(value, ORIGIN);
			expect(next, JSON.stringify(value)).toMatch(/^\/[\x21-\x7e]*$/);
			expect(next.startsWith('//')).toBe(false);
		}
		expect(safeNext('/😀', ORIGIN)).toBe('/%F0%9F%98%80');
		expect(safeNext('/cases?x=1\r\nSet-Cookie: a=b', ORIGIN)).toBe('/cases?x=1Set-Cookie:%20a=b');
	});

	it('keeps encoded slashes and double encoding as a path on this site', () => {
		// Encoded slashes stay encoded: a browser does not turn %2F into a path separator, let alone a host.
		expect(safeNext('/%2F%2Fevil.example', ORIGIN)).toBe('/%2F%2Fevil.example');
		expect(safeNext('/%252F%252Fevil.example', ORIGIN)).toBe('/%252F%252Fevil.example');
		expect(safeNext('/%5Cevil.example', ORIGIN)).toBe('/%5Cevil.example');
	});
});

describe('readFormBody: every body is a form, or a plain 400', () => {
	const post = (body: BodyInit | null, type?: string) => new Request(`${ORIGIN}/sign-in`, { method: 'POST', body, headers: type ? { 'content-type': type } : {} });

	it('passes forms through, readable', async () => {
		const read = await readFormBody(post('email=a%40b.c&password=x', 'application/x-www-form-urlencoded'));
		if (!read.ok) throw new Error('refused');
		expect(Object.fromEntries(await read.request.formData())).toEqual({ email: 'a@b.c', password: 'x' });
		const multipart = new FormData();
		multipart.set('email', 'ana@example.test');
		const read2 = await readFormBody(new Request(`${ORIGIN}/sign-in`, { method: 'POST', body: multipart }));
		if (!read2.ok) throw new Error('refused');
		expect((await read2.request.formData()).get('email')).toBe('ana@example.test');
	});

	it('reads an empty body, of any type or none, as an empty form', async () => {
		for (const type of [undefined, 'text/plain', 'application/json', 'multipart/form-data']) {
			const read = await readFormBody(post(null, type));
			if (!read.ok) throw new Error(`refused ${type}`);
			expect([...(await read.request.formData()).keys()]).toEqual([]);
		}
	});

	it('refuses what cannot be read as a form', async () => {
		const refused = [
			post('email=a', 'text/plain'),
			post('{"locale":"es"}', 'application/json'),
			post('x', 'multipart/form-data'),
			post('garbage', 'multipart/form-data; boundary=XX'),
			post('--XX\r\nContent-Disposition: form-data; name="a"\r\n\r\nunterminated', 'multipart/form-data; boundary=XX'),
			post('x', 'application/x-sveltekit-formdata'),
			post('x')
		];
		for (const request of refused) expect(await readFormBody(request)).toEqual({ ok: false, status: 400 });
	});

	it('reads invalid UTF-8 as replacement characters, as browsers do', async () => {
		const bytes = new Uint8Array([...new TextEncoder().encode('email='), 0xff, 0xfe, 0xc3]);
		const read = await readFormBody(post(bytes, 'application/x-www-form-urlencoded'));
		if (!read.ok) throw new Error('refused');
		expect((await read.request.formData()).get('email')).toBe('\uFFFD\uFFFD\uFFFD');
	});

	it('answers 413 for a body past the size limit, 400 for one cut off', async () => {
		const tooLarge = new ReadableStream({ start: (c) => c.error(Object.assign(new Error('Payload Too Large'), { status: 413 })) });
		expect(await readFormBody(new Request(`${ORIGIN}/x`, { method: 'POST', body: tooLarge, duplex: 'half' } as RequestInit))).toEqual({ ok: false, status: 413 });
		const cutOff = new ReadableStream({ start: (c) => c.error(new Error('aborted')) });
		expect(await readFormBody(new Request(`${ORIGIN}/x`, { method: 'POST', body: cutOff, duplex: 'half' } as RequestInit))).toEqual({ ok: false, status: 400 });
	});

	it('leaves requests without a body alone', async () => {
		const get = new Request(`${ORIGIN}/cases`);
		expect(await readFormBody(get)).toEqual({ ok: true, request: get });
	});
});
