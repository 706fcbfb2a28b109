import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, WebSocket } from 'ws';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { releaseDeflate, releaseInflate } from './zlib-release';

// The same negotiation as the collab server (server.ts).
const OPTIONS = { threshold: 1024, serverNoContextTakeover: true, clientNoContextTakeover: true };

let wss: WebSocketServer | undefined;
afterEach(() => wss?.close());

async function pair(): Promise<{ server: WebSocket; client: WebSocket }> {
	wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: OPTIONS });
	await new Promise((r) => wss!.once('listening', r));
	const server = new Promise<WebSocket>((r) => wss!.once('connection', r));
	const client = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`);
	await new Promise((r) => client.once('open', r));
	return { server: await server, client };
}

/** Compressible but not trivial: a document's worth of words. */
const big = (n: number) => Buffer.from(Array.from({ length: n }, (_, i) => `word${i % 97} `).join('') + randomBytes(8).toString('hex'));
const internals = (ws: WebSocket) => (ws as unknown as { _extensions: Record<string, { _deflate: unknown; _inflate: unknown }> })._extensions['permessage-deflate'];
const next = (ws: WebSocket) => new Promise<Buffer>((r) => ws.once('message', (d: Buffer) => r(d)));

describe('freeing a socket’s zlib streams between large messages', () => {
	it('closes the compressor after a large message, and the next one is compressed and arrives intact', async () => {
		const { server, client } = await pair();
		expect(server.extensions).toContain('permessage-deflate');
		for (const size of [4000, 6000, 3000]) {
			const payload = big(size);
			const arrived = next(client);
			await new Promise<void>((resolve, reject) => server.send(payload, (err) => (err ? reject(err) : resolve())));
			expect(internals(server)._deflate).not.toBeNull();
			expect(releaseDeflate(server)).toBe(true);
			expect(internals(server)._deflate).toBeNull();
			expect((await arrived).equals(payload)).toBe(true);
		}
		client.close();
	});

	it('does not close the compressor while another message is being compressed', async () => {
		const { server, client } = await pair();
		const got: Buffer[] = [];
		client.on('message', (d: Buffer) => got.push(d));
		const first = big(5000);
		const second = big(7000);
		let released: boolean | undefined;
		server.send(first, () => (released ??= releaseDeflate(server)));
		server.send(second);
		await new Promise<void>((r) => {
			const check = () => (got.length === 2 ? r() : setTimeout(check, 5));
			check();
		});
		expect(got[0].equals(first) && got[1].equals(second)).toBe(true);
		expect(typeof released).toBe('boolean');
		client.close();
	});

	it('closes the decompressor after a large message from the client, and the next one still inflates', async () => {
		const { server, client } = await pair();
		for (const size of [5000, 2000]) {
			const payload = big(size);
			const arrived = new Promise<Buffer>((r) =>
				server.once('message', (d: Buffer) => {
					expect(internals(server)._inflate).not.toBeNull();
					expect(releaseInflate(server)).toBe(true);
					r(d);
				})
			);
			client.send(payload);
			expect((await arrived).equals(payload)).toBe(true);
			expect(internals(server)._inflate).toBeNull();
		}
		client.close();
	});
});
