// vitest globalSetup: is there a Redis to test against? TEST_REDIS_URL (or REDIS_URL), else the one the
// project's machines and CI run at redis://127.0.0.1:6379 when it answers. Asked once per run; the Redis
// suites read the answer with inject('redisUrl') and are skipped, with one line saying so, without it.
// HEARTH_REQUIRE_REDIS=1 (CI, whose machine runs Redis) turns a missing Redis into a failure, and so does
// HEARTH_TEST_ENGINE=postgres (its test servers run on PostgreSQL and Redis).
import type { TestProject } from 'vitest/node';
import { TEST_REDIS_URL, redisAnswers } from './redis.ts';

declare module 'vitest' {
	export interface ProvidedContext {
		/** The Redis the Redis suites use, or null when none answers (they are skipped). */
		redisUrl: string | null;
	}
}

export default async function setup(project: TestProject): Promise<void> {
	const url = TEST_REDIS_URL;
	const ok = await redisAnswers(url);
	if (!ok && process.env.HEARTH_REQUIRE_REDIS === '1') throw new Error(`HEARTH_REQUIRE_REDIS=1 but no Redis answers at ${url}`);
	if (!ok && process.env.HEARTH_TEST_ENGINE === 'postgres') throw new Error(`HEARTH_TEST_ENGINE=postgres but no Redis answers at ${url}`);
	if (!ok) console.log(`Redis suites skipped: no Redis answers at ${url} (start one, or set TEST_REDIS_URL=redis://host:port, to run them).`);
	project.provide('redisUrl', ok ? url : null);
}
