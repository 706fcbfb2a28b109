// `npm run test:integration:postgres`: the integration suite (tests/integration) once more, with every test
// server on PostgreSQL and Redis (HEARTH_TEST_ENGINE=postgres, tests/support/server.ts), as agencies that run
// several instances deploy it. `npm test` runs it right after the SQLite run of test:unit, so each file of
// the suite (authorization matrix, collab, family access, audit, …) passes on both engines.
//
// When PostgreSQL (TEST_DATABASE_URL) or Redis (TEST_REDIS_URL) does not answer, it prints one line saying so
// and exits 0, as the PostgreSQL and Redis suites of test:unit skip; HEARTH_REQUIRE_POSTGRES=1 (CI, whose
// machine runs both) runs it anyway, so that it fails loudly (HEARTH_REQUIRE_REDIS=1 likewise for Redis). instances.test.ts and instance-crash.test.ts
// are left out: they start their own servers on each engine and already ran both in test:unit.
// Needs `npm run build` first (the test servers run the built app). Arguments, if any, name the files to run
// instead of the whole folder (`npm run test:integration:postgres -- tests/integration/jobs.test.ts`).
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { TEST_DATABASE_URL, postgresAnswers } from '../tests/support/postgres.ts';
import { TEST_REDIS_URL, redisAnswers } from '../tests/support/redis.ts';

const root = resolve(import.meta.dirname, '..');
const BOTH_ENGINES_ALREADY = ['tests/integration/instances.test.ts', 'tests/integration/instance-crash.test.ts'];

/** Prints why the run is skipped, and ends it as passed. */
function skip(why: string): never {
	console.log(`PostgreSQL integration run skipped: ${why}.`);
	process.exit(0);
}
const required = process.env.HEARTH_REQUIRE_POSTGRES === '1';
if (!required && !(await postgresAnswers())) skip(`nothing answers at ${TEST_DATABASE_URL} (start PostgreSQL there, or set TEST_DATABASE_URL=postgres://…, to run it)`);
if (!required && process.env.HEARTH_REQUIRE_REDIS !== '1' && !(await redisAnswers())) skip(`no Redis answers at ${TEST_REDIS_URL} (start one, or set TEST_REDIS_URL=redis://host:port, to run it)`);

const files = process.argv.slice(2);
const args = ['run', ...(files.length > 0 ? files : ['tests/integration', ...BOTH_ENGINES_ALREADY.flatMap((f) => ['--exclude', f])])];
const started = performance.now();
const run = spawnSync(join(root, 'node_modules', '.bin', 'vitest'), args, {
	cwd: root,
	stdio: 'inherit',
	env: { ...process.env, HEARTH_TEST_ENGINE: 'postgres' }
});
console.log(`PostgreSQL integration run: ${((performance.now() - started) / 1000).toFixed(0)} s`);
process.exit(run.status ?? 1);
