// Redis for tests: each test file its own random key prefix, deleted after.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

/** The Redis tests use: TEST_REDIS_URL (or REDIS_URL), else the one the project's machines and CI run. */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL || process.env.REDIS_URL || 'redis://127.0.0.1:6379';

/** Whether a Redis answers PING at `url` within a second. Never throws. */
export async function redisAnswers(url = TEST_REDIS_URL): Promise<boolean> {
	const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 1000 });
	client.on('error', () => {});
	try {
		await client.connect();
		return (await client.ping()) === 'PONG';
	} catch {
		return false;
	} finally {
		client.disconnect();
	}
}

/** A prefix no other test run uses: `hearth-test-<random>:`. */
export function testPrefix(): string {
	return `hearth-test-${randomBytes(6).toString('hex')}:`;
}

/** Deletes every key under `prefix` (channels need nothing: they vanish with their subscribers). */
export async function dropPrefix(url: string, prefix: string): Promise<void> {
	const client = new Redis(url, { maxRetriesPerRequest: 1 });
	try {
		let cursor = '0';
		do {
			const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
			if (keys.length > 0) await client.del(...keys);
			cursor = next;
		} while (cursor !== '0');
	} finally {
		client.disconnect();
	}
}
