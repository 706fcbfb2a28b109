// Redis for tests: each test file its own random key prefix, deleted after.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

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
