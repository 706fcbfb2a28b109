// vitest globalSetup: is there a Redis to test against? TEST_REDIS_URL (or REDIS_URL), else the one the
// project's machines and CI run at redis://127.0.0.1:6379 when it answers. Asked once per run; the Redis
// suites read the answer with inject('redisUrl') and are skipped, with one line saying so, without it.
// HEARTH_REQUIRE_REDIS=1 (CI, whose machine runs Redis) turns a missing Redis into a failure.
import type { TestProject } from 'vitest/node';
import { Redis } from 'ioredis';

declare module 'vitest' {
	export interface ProvidedContext {
		/** The Redis the Redis suites use, or null when none answers (they are skipped). */
		redisUrl: string | null;
	}
}

const DEFAULT_URL = 'redis://127.0.0.1:6379';

async function answers(url: string): Promise<boolean> {
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

export default async function setup(project: TestProject): Promise<void> {
	const url = process.env.TEST_REDIS_URL || process.env.REDIS_URL || DEFAULT_URL;
	const ok = await answers(url);
	if (!ok && process.env.HEARTH_REQUIRE_REDIS === '1') throw new Error(`HEARTH_REQUIRE_REDIS=1 but no Redis answers at ${url}`);
	if (!ok) console.log(`Redis suites skipped: no Redis answers at ${url} (start one, or set TEST_REDIS_URL=redis://host:port, to run them).`);
	project.provide('redisUrl', ok ? url : null);
}
