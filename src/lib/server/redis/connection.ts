import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';

// What instances tell each other, on Redis (REDIS_URL; unset: one instance, everything in process). Two
// connections per process: one for commands (counters, PUBLISH, PING) and one for subscriptions (a
// connection in subscriber mode takes no other command). Every key and channel starts with the prefix
// (REDIS_PREFIX, `hearth:` by default), so that several deployments or test runs can share one Redis.
//
// The SvelteKit bundle and server/index.ts each have their own copy of this module: the open connection
// lives on globalThis, like the clock and the collab server (registry.ts), so both use one.

export type ChannelHandler = (message: Buffer) => void;

/** An open Redis: commands, subscriptions and this process's name among the instances. */
export type RedisLink = {
	/** For commands (not in subscriber mode). */
	readonly commands: Redis;
	/** Every key and channel name starts with this. */
	readonly prefix: string;
	/** This process among the instances: messages it published come back to it, and are told apart by this. */
	readonly instanceId: string;
	/**
	 * Subscribes `handler` to `channel` (without the prefix). `ready` resolves once Redis has confirmed the
	 * subscription: anything published anywhere after that reaches the handler. `unsubscribe` is idempotent;
	 * the channel is left when its last handler goes.
	 */
	subscribe(channel: string, handler: ChannelHandler): { ready: Promise<void>; unsubscribe: () => void };
	/** Publishes binary `message` on `channel` (without the prefix). Never throws: a failure is logged. */
	publish(channel: string, message: Buffer): void;
	/** Resolves when Redis answers PING within `timeoutMs`; rejects otherwise. */
	ping(timeoutMs?: number): Promise<void>;
	close(): Promise<void>;
};

/**
 * Connects to the Redis at `url` (redis:// or rediss://). Commands issued while the connection is down are
 * queued and retried (ioredis' offline queue), so a Redis restart delays instances, never crashes them.
 */
export function openRedis(url: string, prefix: string): RedisLink {
	const options = { maxRetriesPerRequest: 3, lazyConnect: false, connectionName: 'hearth' };
	const commands = new Redis(url, options);
	const subscriber = new Redis(url, options);
	for (const [name, conn] of [['commands', commands], ['subscriber', subscriber]] as const) {
		conn.on('error', (err: Error) => console.error(`redis (${name}): ${err.message}`));
	}
	const handlers = new Map<string, { set: Set<ChannelHandler>; ready: Promise<void> }>();
	subscriber.on('messageBuffer', (channel: Buffer, message: Buffer) => {
		const entry = handlers.get(channel.toString());
		if (!entry) return;
		for (const h of entry.set) {
			try {
				h(message);
			} catch (err) {
				console.error(`redis: a handler of ${channel.toString()} failed`, err);
			}
		}
	});

	return {
		commands,
		prefix,
		instanceId: randomUUID(),
		subscribe(channel, handler) {
			const name = prefix + channel;
			let entry = handlers.get(name);
			if (!entry) {
				entry = { set: new Set(), ready: subscriber.subscribe(name).then(() => undefined) };
				// A failed subscription is reported to whoever waits on `ready`; nobody else must see it unhandled.
				entry.ready.catch(() => {});
				handlers.set(name, entry);
			}
			const mine = entry;
			mine.set.add(handler);
			let done = false;
			return {
				ready: mine.ready,
				unsubscribe: () => {
					if (done) return;
					done = true;
					mine.set.delete(handler);
					if (mine.set.size > 0 || handlers.get(name) !== mine) return;
					handlers.delete(name);
					// Ordered after any SUBSCRIBE queued before it on the same connection.
					subscriber.unsubscribe(name).catch((err: Error) => console.error(`redis: could not leave ${name}: ${err.message}`));
				}
			};
		},
		publish(channel, message) {
			commands.publish(prefix + channel, message).catch((err: Error) => console.error(`redis: could not publish on ${prefix + channel}: ${err.message}`));
		},
		async ping(timeoutMs = 1000) {
			let timer: ReturnType<typeof setTimeout> | undefined;
			try {
				await Promise.race([
					commands.ping(),
					new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs)))
				]);
			} finally {
				clearTimeout(timer);
			}
		},
		async close() {
			await Promise.allSettled([subscriber.quit(), commands.quit()]);
		}
	};
}

const KEY = Symbol.for('hearth.redis');
type Holder = { [KEY]?: RedisLink };

/** Makes `link` this process's Redis (boot.ts), or forgets it (undefined). */
export function setRedis(link: RedisLink | undefined): void {
	(globalThis as Holder)[KEY] = link;
}

/** This process's Redis, or undefined when it runs alone (REDIS_URL unset). */
export function redis(): RedisLink | undefined {
	return (globalThis as Holder)[KEY];
}
