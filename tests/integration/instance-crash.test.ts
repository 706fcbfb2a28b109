// Issue 19: `kill -9` of one instance during a 10-client edit storm loses no update any client saw
// acknowledged (`saved`, collab-protocol.ts), and its clients reconnect, through the load balancer, to the
// other instance and converge. Two instances on PostgreSQL and one Redis, behind a small TCP balancer that
// sends each new connection to the first instance that answers (as a load balancer with health checks would).
// Skipped, with one line each from the setup files, when PostgreSQL or Redis does not answer.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createServer, connect as tcpConnect, type Server, type Socket } from 'node:net';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { MESSAGE_HEARTH, decodeHearthMessage } from '../../src/lib/domain/collab-protocol.ts';
import { removeServer, startAnotherInstance, startServer, type RunningServer } from '../support/server.ts';
import { connect, demoIds, destroy, notesLine, notesText, signIn, synced, waitFor, type Client } from '../support/clients.ts';
import { dropPrefix, testPrefix } from '../support/redis.ts';

const redisUrl = inject('redisUrl');
const postgresUrl = inject('postgresUrl');

/** A TCP balancer on its own port: each new connection goes to the first of `ports()` that accepts it. */
async function balancer(ports: () => number[]): Promise<{ port: number; close: () => Promise<void> }> {
	const sockets = new Set<Socket>();
	const server: Server = createServer((client) => {
		sockets.add(client);
		client.on('close', () => sockets.delete(client));
		client.on('error', () => client.destroy());
		client.pause();
		const attempt = (i: number) => {
			const list = ports();
			if (i >= list.length) return client.destroy();
			const upstream = tcpConnect(list[i], '127.0.0.1');
			upstream.once('error', () => attempt(i + 1));
			upstream.once('connect', () => {
				sockets.add(upstream);
				upstream.removeAllListeners('error');
				upstream.on('error', () => client.destroy());
				upstream.on('close', () => client.destroy());
				client.on('close', () => upstream.destroy());
				client.pipe(upstream);
				upstream.pipe(client);
				client.resume();
			});
		};
		attempt(0);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const port = (server.address() as { port: number }).port;
	return {
		port,
		close: () =>
			new Promise((resolve) => {
				for (const s of sockets) s.destroy();
				server.close(() => resolve());
			})
	};
}

/**
 * A client that writes `[name:k]` tokens and keeps the highest k the server acknowledged as saved: each
 * sync message its socket sends (sync step 2, update) records how far it had written; each `saved n` the
 * server sends acknowledges the next n of them, in order; a new socket starts a new count.
 */
function stormClient(url: string, docId: string, cookie: string, name: string) {
	let written = 0;
	let acknowledged = 0;
	class Counting extends WebSocket {
		sent: number[] = [];
		constructor(address: string | URL, protocols?: string | string[]) {
			super(address, protocols, { headers: { origin: url, cookie } });
			this.addEventListener('message', (event) => {
				const data = new Uint8Array(event.data as ArrayBuffer);
				if (data[0] !== MESSAGE_HEARTH) return;
				const message = decodeHearthMessage(data.subarray(1));
				if (message?.t === 'saved') for (const k of this.sent.splice(0, message.n)) acknowledged = Math.max(acknowledged, k);
				if (message?.t === 'refused') this.sent.shift();
			});
		}
		override send(data: ArrayBufferLike | Uint8Array) {
			const bytes = data instanceof Uint8Array ? data : new Uint8Array(data as ArrayBuffer);
			// Message type 0 (sync), then its subtype: 1 = step 2, 2 = update. Each gets one acknowledgement.
			if (bytes[0] === 0 && (bytes[1] === 1 || bytes[1] === 2)) this.sent.push(written);
			super.send(data);
		}
	}
	const doc = new Y.Doc();
	const provider = new WebsocketProvider(url.replace(/^http/, 'ws') + '/collab', docId, doc, {
		WebSocketPolyfill: Counting as unknown as typeof globalThis.WebSocket,
		disableBc: true,
		maxBackoffTime: 200
	});
	const client: Client = { doc, provider, closed: new Promise(() => undefined) };
	return {
		client,
		write: () => notesLine(doc).insert(0, `[${name}:${++written}]`),
		get written() {
			return written;
		},
		get acknowledged() {
			return acknowledged;
		}
	};
}

describe.skipIf(!redisUrl || !postgresUrl)('kill -9 of one instance during an edit storm (PostgreSQL, Redis)', () => {
	const prefix = testPrefix();
	let one: RunningServer;
	let two: RunningServer;
	let lb: Awaited<ReturnType<typeof balancer>>;
	let alive = [0, 0];

	beforeAll(async () => {
		const env = { REDIS_URL: redisUrl!, REDIS_PREFIX: prefix, SIGNIN_THROTTLE: '1' };
		one = await startServer(env, undefined, { postgres: postgresUrl! });
		two = await startAnotherInstance(one, env);
		alive = [one.port, two.port];
		lb = await balancer(() => alive);
	});

	afterAll(async () => {
		await lb?.close();
		await two?.stop();
		await one?.stop();
		if (one) await removeServer(one);
		if (redisUrl) await dropPrefix(redisUrl, prefix);
	});

	it('loses no acknowledged update, and every client reconnects to the other instance and converges', async () => {
		const url = `http://127.0.0.1:${lb.port}`;
		const cookie = await signIn(one.url, 'caseworker@demo.test');
		const { meetingId } = await demoIds(one.url, cookie);
		const docId = `meeting:${meetingId}`;
		// Ten clients, all through the balancer, so all on instance 1 until it dies.
		const clients = Array.from({ length: 10 }, (_, i) => stormClient(url, docId, cookie, `c${i}`));
		for (const c of clients) await synced(c.client, 10_000);
		let storming = true;
		const storm = (async () => {
			while (storming) {
				for (const c of clients) if (c.client.provider.wsconnected) c.write();
				await new Promise((r) => setTimeout(r, 20));
			}
		})();
		await waitFor(() => clients.every((c) => c.acknowledged >= 5), 10_000, 'every client to have edits acknowledged');
		// The balancer stops sending to instance 1, and instance 1 dies mid-storm.
		alive = [two.port];
		await one.stop('SIGKILL');
		const acknowledgedAtDeath = clients.map((c) => c.acknowledged);
		await waitFor(() => clients.every((c) => c.client.provider.wsconnected && c.client.provider.synced), 15_000, 'every client to reconnect');
		const atReconnect = clients.map((c) => c.acknowledged);
		await waitFor(() => clients.every((c, i) => c.acknowledged > atReconnect[i]), 10_000, 'edits to be acknowledged by instance 2');
		storming = false;
		await storm;
		await waitFor(() => clients.every((c) => c.acknowledged === c.written), 15_000, 'every last edit to be acknowledged');
		// Converged: every client holds the same notes.
		await waitFor(() => new Set(clients.map((c) => notesText(c.client.doc))).size === 1, 10_000, 'the clients to converge');
		// A newcomer loads from instance 2 (and its database): every acknowledged edit is there.
		const reader = connect(url, docId, cookie);
		await synced(reader, 10_000);
		const text = notesText(reader.doc);
		const missing: string[] = [];
		clients.forEach((c, i) => {
			for (let k = 1; k <= c.acknowledged; k++) if (!text.includes(`[c${i}:${k}]`)) missing.push(`c${i}:${k}`);
		});
		expect(missing).toEqual([]);
		expect(acknowledgedAtDeath.every((n) => n >= 5)).toBe(true);
		destroy(reader);
		for (const c of clients) destroy(c.client);
	}, 90_000);
});
