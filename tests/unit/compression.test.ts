// server/compression.ts on a real node:http server with small handlers that answer the way SvelteKit's
// (writeHead, then write chunks, waiting for 'drain') and sirv's (writeHead with headers, then a piped
// stream) do. The production server's own pages are checked in tests/integration/http.test.ts.
import { afterEach, describe, expect, it } from 'vitest';
import { createServer, request, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { brotliDecompressSync, createGunzip, gunzipSync } from 'node:zlib';
import { randomBytes } from 'node:crypto';
import { chooseEncoding, compressResponse, MIN_COMPRESS_BYTES } from '../../server/compression.ts';

let server: Server | undefined;

afterEach(async () => {
	await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
	server = undefined;
});

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
	server = createServer((req, res) => {
		compressResponse(req, res);
		handler(req, res);
	});
	await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
	const address = server.address();
	return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
}

type Raw = { status: number; headers: IncomingHttpHeaders; body: Buffer };

function get(url: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Raw> {
	return new Promise((resolve, reject) => {
		const req = request(url, { method, headers }, (res) => {
			const chunks: Buffer[] = [];
			res.on('data', (c: Buffer) => chunks.push(c));
			res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
		});
		req.on('error', reject);
		req.end();
	});
}

const page = '<!doctype html><p>' + 'Grandma Rosa drives the children to school on Tuesdays. '.repeat(200) + '</p>';

/** Writes like SvelteKit's setResponse: headers one by one, writeHead(status), chunks with backpressure. */
function kitLike(body: Buffer | string, headers: Record<string, string | string[]> = { 'content-type': 'text/html' }, status = 200) {
	return (_req: IncomingMessage, res: ServerResponse) => {
		for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
		res.writeHead(status);
		const data = Buffer.from(body);
		let at = 0;
		const next = () => {
			while (at < data.length) {
				const chunk = data.subarray(at, (at += 16 * 1024));
				if (!res.write(chunk)) return void res.once('drain', next);
			}
			res.end();
		};
		next();
	};
}

describe('which encoding', () => {
	it('prefers brotli, then gzip, honours q=0, and sends nothing compressed to a client that did not ask', () => {
		expect(chooseEncoding('gzip, deflate, br, zstd')).toBe('br');
		expect(chooseEncoding('gzip, deflate')).toBe('gzip');
		expect(chooseEncoding('br;q=0, gzip')).toBe('gzip');
		expect(chooseEncoding('gzip;q=0.5, br;q=0.2')).toBe('gzip');
		expect(chooseEncoding('identity')).toBeNull();
		expect(chooseEncoding('*;q=0')).toBeNull();
		expect(chooseEncoding('*')).toBe('br');
		expect(chooseEncoding(undefined)).toBeNull();
		expect(chooseEncoding('')).toBeNull();
	});
});

describe('compressing responses', () => {
	it('gzips a page written in chunks, drops Content-Length, keeps Set-Cookie and adds Vary', async () => {
		const url = await serve(kitLike(page, { 'content-type': 'text/html; charset=utf-8', 'set-cookie': ['a=1; HttpOnly', 'b=2'], 'content-length': String(Buffer.byteLength(page)), etag: '"abc"' }));
		const res = await get(url, { 'accept-encoding': 'gzip' });
		expect(res.headers['content-encoding']).toBe('gzip');
		expect(res.headers['content-length']).toBeUndefined();
		expect(res.headers.vary).toMatch(/accept-encoding/i);
		expect(res.headers['set-cookie']).toEqual(['a=1; HttpOnly', 'b=2']);
		expect(res.headers.etag).toBe('W/"abc"');
		expect(gunzipSync(res.body).toString()).toBe(page);
		expect(res.body.length).toBeLessThan(Buffer.byteLength(page) / 10);
	});

	it('uses brotli when the browser takes it', async () => {
		const url = await serve(kitLike(JSON.stringify({ type: 'data', notes: page }), { 'content-type': 'application/json' }));
		const res = await get(url, { 'accept-encoding': 'gzip, deflate, br' });
		expect(res.headers['content-encoding']).toBe('br');
		expect(JSON.parse(brotliDecompressSync(res.body).toString()).notes).toBe(page);
	});

	it('sends the page as it is to a client that does not ask, or to a HEAD request', async () => {
		const url = await serve(kitLike(page));
		const plain = await get(url);
		expect(plain.headers['content-encoding']).toBeUndefined();
		expect(plain.headers.vary).toMatch(/accept-encoding/i);
		expect(plain.body.toString()).toBe(page);
		const head = await get(url, { 'accept-encoding': 'gzip' }, 'HEAD');
		expect(head.headers['content-encoding']).toBeUndefined();
	});

	it('leaves redirects, empty answers, small bodies, images and already-encoded files alone', async () => {
		const url = await serve((req, res) => {
			if (req.url === '/redirect') {
				res.setHeader('location', '/sign-in');
				res.setHeader('set-cookie', 'hearth_session=x; HttpOnly');
				res.writeHead(303);
				return void res.end();
			}
			if (req.url === '/empty') return void res.writeHead(204).end();
			if (req.url === '/small') return void res.writeHead(200, { 'content-type': 'text/plain' }).end('Cross-site request refused');
			if (req.url === '/image') return void res.writeHead(200, { 'content-type': 'image/png' }).end(randomBytes(4096));
			// sirv with a precompressed file: its own encoding and length.
			const file = Buffer.from('x');
			res.writeHead(200, { 'content-type': 'text/javascript', 'content-encoding': 'br', 'content-length': file.length });
			res.end(file);
		});
		const redirect = await get(`${url}/redirect`, { 'accept-encoding': 'gzip' });
		expect(redirect.status).toBe(303);
		expect(redirect.headers.location).toBe('/sign-in');
		expect(redirect.headers['set-cookie']).toEqual(['hearth_session=x; HttpOnly']);
		expect(redirect.headers['content-encoding']).toBeUndefined();
		expect((await get(`${url}/empty`, { 'accept-encoding': 'gzip' })).headers['content-encoding']).toBeUndefined();
		const small = await get(`${url}/small`, { 'accept-encoding': 'gzip' });
		expect(small.headers['content-encoding']).toBeUndefined();
		expect(small.headers['content-length']).toBe(String('Cross-site request refused'.length));
		expect(small.body.toString()).toBe('Cross-site request refused');
		expect((await get(`${url}/image`, { 'accept-encoding': 'gzip' })).headers['content-encoding']).toBeUndefined();
		const encoded = await get(`${url}/static.js`, { 'accept-encoding': 'gzip, br' });
		expect(encoded.headers['content-encoding']).toBe('br');
		expect(encoded.body.toString()).toBe('x');
		expect(MIN_COMPRESS_BYTES).toBeGreaterThan('Cross-site request refused'.length);
	});

	it('compresses a large piped file and a large written body whole, however slowly the client reads', async () => {
		// Text that compresses only a little, so the compressor's and the socket's buffers both fill up.
		const body = Buffer.from(randomBytes(3 * 1024 * 1024).toString('base64'));
		const url = await serve((req, res) => {
			if (req.url === '/piped') {
				res.writeHead(200, { 'content-type': 'text/plain', 'content-length': body.length });
				Readable.from([body.subarray(0, body.length / 2), body.subarray(body.length / 2)]).pipe(res);
			} else kitLike(body, { 'content-type': 'text/plain' })(req, res);
		});
		for (const path of ['/piped', '/written']) {
			const received = await new Promise<Buffer>((resolve, reject) => {
				request(`${url}${path}`, { headers: { 'accept-encoding': 'gzip' } }, (res) => {
					expect(res.headers['content-encoding']).toBe('gzip');
					const chunks: Buffer[] = [];
					const gunzip = createGunzip();
					gunzip.on('data', (c: Buffer) => chunks.push(c));
					gunzip.on('end', () => resolve(Buffer.concat(chunks)));
					gunzip.on('error', reject);
					// A slow reader: pause now and then.
					res.on('data', () => {
						res.pause();
						setTimeout(() => res.resume(), 1);
					});
					res.pipe(gunzip);
				})
					.on('error', reject)
					.end();
			});
			expect(received.equals(body), path).toBe(true);
		}
	});

	it('sends each streamed piece as it is written, not when the response ends', async () => {
		let finish: () => void = () => {};
		const url = await serve((_req, res) => {
			res.setHeader('content-type', 'text/html');
			res.writeHead(200);
			res.write('<p>first part</p>');
			finish = () => res.end('<p>second part</p>');
		});
		const text = await new Promise<string>((resolve, reject) => {
			request(url, { headers: { 'accept-encoding': 'gzip' } }, (res) => {
				const gunzip = createGunzip();
				let seen = '';
				gunzip.on('data', (c: Buffer) => {
					seen += c.toString();
					// The first part arrived while the server still holds the second.
					if (seen === '<p>first part</p>') finish();
				});
				gunzip.on('end', () => resolve(seen));
				res.pipe(gunzip);
			})
				.on('error', reject)
				.end();
		});
		expect(text).toBe('<p>first part</p><p>second part</p>');
	});
});
