import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it, vi } from 'vitest';
import { z } from 'zod';
import { testDatabase } from '../../../../tests/support/db.ts';
import { createTestDatabase } from '../../../../tests/support/postgres.ts';
import { closeDatabase, first, migrateDatabase, openPostgres, tablesOf, transact, type Db } from '../db/index.ts';
import { defineJob, enqueue, JobError, PermanentJobError, useSealingKey, type JobDefinition } from './index.ts';
import { JobRunner, retryDelay, type RunnerOptions } from './runner.ts';
import { claimNext } from './store.ts';

// The runner against a real database and a clock the tests set: no waiting on timers, each test moves
// `time` and asks the runner to run what is due. On both engines: an in-memory SQLite database per test,
// and (when PostgreSQL answers at TEST_DATABASE_URL) a database of this file's own, emptied per test.

const postgresUrl = inject('postgresUrl');
let db: Db;
let time: number;
const clock = () => time;
const START = Date.UTC(2026, 10, 3, 15, 0);
const logged: string[] = [];

type Engine = { name: 'sqlite' | 'pg'; setup: () => Promise<void>; open: () => Promise<Db>; close: (db: Db) => Promise<void>; teardown: () => Promise<void> };

const sqlite: Engine = {
	name: 'sqlite',
	setup: async () => {},
	open: async () => testDatabase(),
	close: async (d) => closeDatabase(d),
	teardown: async () => {}
};

let pgDatabase: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
let pgShared: Db | undefined;
const pg: Engine = {
	name: 'pg',
	setup: async () => {
		pgDatabase = await createTestDatabase(postgresUrl!);
		pgShared = openPostgres(pgDatabase.url);
		await migrateDatabase(pgShared);
	},
	open: async () => {
		await pgShared!.delete(tablesOf(pgShared!).jobs);
		return pgShared!;
	},
	close: async () => {},
	teardown: async () => {
		if (pgShared) await closeDatabase(pgShared);
		await pgDatabase?.drop();
	}
};

/** A kind whose tries do what `outcomes` says, in order (then succeed), recording each payload it saw. */
function scripted(outcomes: (Error | 'hang')[] = [], extra: Partial<JobDefinition<{ n: number }>> = {}) {
	const seen: { n: number; attempt: number; now: number }[] = [];
	const failed: { jobId: string; error: string; payload: { n: number } | null }[] = [];
	let hang: (() => void) | undefined;
	let hanging: () => void = () => {};
	const started = new Promise<void>((resolve) => (hanging = resolve));
	const job = defineJob<{ n: number }>({
		kind: 'test.scripted',
		payload: z.object({ n: z.number() }),
		maxAttempts: 3,
		retry: { baseMs: 1000, capMs: 60_000 },
		timeoutMs: 10_000,
		run(payload, { attempt, now }) {
			seen.push({ ...payload, attempt, now });
			const outcome = outcomes.shift();
			if (outcome === 'hang') {
				hanging();
				return new Promise<void>((resolve) => (hang = resolve));
			}
			if (outcome) throw outcome;
		},
		failed({ jobId, error, payload }) {
			failed.push({ jobId, error, payload });
		},
		...extra
	});
	/** Lets the hanging try finish, once it has started. */
	const finishHanging = async () => {
		await started;
		hang?.();
	};
	return { job, seen, failed, finishHanging, started };
}

function runner(job: JobDefinition<{ n: number }>, options: Partial<RunnerOptions> = {}) {
	return new JobRunner({ db, jobs: [job], clock, random: () => 0, log: (t) => logged.push(t), leaseMs: 60_000, ...options });
}

const row = async (id: string) => {
	const { jobs } = tablesOf(db);
	return (await first(db.select().from(jobs).where(eq(jobs.id, id))))!;
};
const allJobs = () => db.select().from(tablesOf(db).jobs);
const pendingJobs = () => db.select().from(tablesOf(db).jobs).where(eq(tablesOf(db).jobs.status, 'pending'));


function runnerSuite(engine: Engine) {
	describe(`jobs on ${engine.name}`, () => {
		beforeAll(() => engine.setup());
		afterAll(() => engine.teardown());
		beforeEach(async () => {
			db = await engine.open();
			time = START;
			logged.length = 0;
		});
		afterEach(() => engine.close(db));

		describe('a job', () => {
			it('runs once it is due, with its payload, and is then done with the payload blanked', async () => {
				const { job, seen } = scripted();
				const id = await enqueue(db, job, { n: 7 }, { runAt: START + 5000, now: START });
				const r = runner(job);
				expect(await r.runDue()).toBe(0);
				expect(await row(id)).toMatchObject({ status: 'pending', attempts: 0, runAt: START + 5000 });

				time = START + 5000;
				expect(await r.runDue()).toBe(1);
				expect(seen).toEqual([{ n: 7, attempt: 1, now: START + 5000 }]);
				expect(await row(id)).toMatchObject({ status: 'done', attempts: 1, doneAt: START + 5000, payload: null, lockedBy: null, lockedUntil: null, lastError: null });
				expect(await r.runDue()).toBe(0);
			});

			it('is queued inside the caller’s transaction: rolled back with it, it never runs', async () => {
				const { job, seen } = scripted();
				await expect(
					transact(db, async (tx) => {
						await enqueue(tx, job, { n: 1 }, { now: START });
						throw new Error('the change that asked for it failed');
					})
				).rejects.toThrow('the change that asked for it failed');
				expect(await allJobs()).toEqual([]);
				await runner(job).runDue();
				expect(seen).toEqual([]);
			});

			it('refuses a payload that does not fit its kind: a bug in the caller, nothing queued', async () => {
				const { job } = scripted();
				await expect(enqueue(db, job, { n: 'seven' } as unknown as { n: number })).rejects.toThrow();
				expect(await allJobs()).toEqual([]);
			});

			it('is stored sealed: the table never holds the payload in clear', async () => {
				const secret = defineJob({ kind: 'test.secret', payload: z.object({ to: z.string(), link: z.string() }), run() {} });
				await enqueue(db, secret, { to: 'rosa.rivera@example.org', link: 'https://hearth.example.org/invite/abcdefgh' }, { now: START });
				const stored = JSON.stringify(await allJobs());
				for (const clear of ['rosa', 'example', 'invite', 'abcdefgh']) expect(stored).not.toContain(clear);
			});
		});

		describe('a try that fails', () => {
			it('is tried again after a backoff that doubles, with its reason kept, until it works', async () => {
				const { job, seen } = scripted([new JobError('could not reach the mail server'), new JobError('could not reach the mail server')]);
				const id = await enqueue(db, job, { n: 1 }, { now: START });
				const r = runner(job);
				await r.runDue();
				expect(await row(id)).toMatchObject({ status: 'pending', attempts: 1, runAt: START + 1000, lastError: 'could not reach the mail server', lockedBy: null });
				time = START + 999;
				expect(await r.runDue()).toBe(0);
				time = START + 1000;
				await r.runDue();
				expect(await row(id)).toMatchObject({ status: 'pending', attempts: 2, runAt: START + 1000 + 2000 });
				time = START + 3000;
				await r.runDue();
				expect(await row(id)).toMatchObject({ status: 'done', attempts: 3, lastError: null });
				expect(seen.map((s) => s.attempt)).toEqual([1, 2, 3]);
				expect(logged).toEqual([expect.stringContaining('try 1 of 3 failed, trying again later: could not reach the mail server'), expect.stringContaining('try 2 of 3 failed')]);
			});

			it('after its last try is failed for good: the reason recorded, the kind told in the same transaction, the payload blanked', async () => {
				const down = new JobError('could not reach the mail server');
				const { job, failed } = scripted([down, down, down]);
				const id = await enqueue(db, job, { n: 2 }, { now: START });
				const r = runner(job);
				for (const at of [START, START + 1000, START + 3000]) {
					time = at;
					await r.runDue();
				}
				expect(await row(id)).toMatchObject({ status: 'failed', attempts: 3, doneAt: START + 3000, payload: null, lastError: 'could not reach the mail server' });
				expect(failed).toEqual([{ jobId: id, error: 'could not reach the mail server', payload: { n: 2 } }]);
				expect(logged.at(-1)).toContain('failed for good after 3 tries');
				time = START + 3_600_000;
				expect(await r.runDue()).toBe(0);
			});

			it('that no try can mend (PermanentJobError) is failed at once', async () => {
				const { job, failed } = scripted([new PermanentJobError('the mail server refused the recipient (550)')]);
				const id = await enqueue(db, job, { n: 3 }, { now: START });
				await runner(job).runDue();
				expect(await row(id)).toMatchObject({ status: 'failed', attempts: 1, lastError: 'the mail server refused the recipient (550)' });
				expect(failed).toHaveLength(1);
			});

			it('that takes longer than its kind allows counts as failed', async () => {
				vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
				try {
					const { job, started } = scripted(['hang'], { timeoutMs: 5000 });
					const id = await enqueue(db, job, { n: 4 }, { now: START });
					const done = runner(job).runDue();
					// The claim is a round trip on PostgreSQL: the try (and its timer) starts after it.
					await started;
					await vi.advanceTimersByTimeAsync(5000);
					await done;
					expect(await row(id)).toMatchObject({ status: 'pending', attempts: 1, lastError: 'did not finish within 5 s' });
				} finally {
					vi.useRealTimers();
				}
			});
		});

		describe('backoff', () => {
			it('doubles from the base up to the cap, less up to a fifth at random', () => {
				const retry = { baseMs: 30_000, capMs: 3_600_000 };
				expect([1, 2, 3, 4, 7, 8, 9, 30].map((a) => retryDelay(a, retry, () => 0))).toEqual([30_000, 60_000, 120_000, 240_000, 1_920_000, 3_600_000, 3_600_000, 3_600_000]);
				expect(retryDelay(1, retry, () => 0.999999)).toBe(24_000);
				expect(retryDelay(8, retry, () => 0.5)).toBe(3_240_000);
				for (let i = 0; i < 100; i++) {
					const d = retryDelay(3, retry);
					expect(d).toBeGreaterThan(96_000);
					expect(d).toBeLessThanOrEqual(120_000);
				}
			});
		});

		describe('leases', () => {
			it('keep a claimed job from a second runner until they run out', async () => {
				const a = scripted(['hang']);
				const id = await enqueue(db, a.job, { n: 5 }, { now: START });
				const first = runner(a.job, { id: 'runner-a' });
				const running = first.runDue();
				await vi.waitFor(async () => expect(await row(id)).toMatchObject({ lockedBy: 'runner-a', lockedUntil: START + 60_000, attempts: 1 }));

				const b = scripted();
				const second = runner(b.job, { id: 'runner-b' });
				time = START + 59_999;
				expect(await second.runDue()).toBe(0);
				expect(b.seen).toEqual([]);

				// Runner A is stuck past its lease: B may take the job over, as the next try.
				time = START + 60_000;
				expect(await second.runDue()).toBe(1);
				expect(b.seen).toEqual([{ n: 5, attempt: 2, now: START + 60_000 }]);
				expect(await row(id)).toMatchObject({ status: 'done', attempts: 2 });

				// A's late finish no longer holds the lease: it changes nothing.
				await a.finishHanging();
				await running;
				expect(await row(id)).toMatchObject({ status: 'done', attempts: 2, doneAt: START + 60_000 });
			});

			it('leave a job whose process died mid-try claimable once the lease has run out, the cut-short try counted', async () => {
				const { job, seen } = scripted();
				const id = await enqueue(db, job, { n: 6 }, { now: START });
				// A process claims it and dies before recording anything: the row keeps its lease, nothing else.
				expect((await claimNext(db, { kinds: ['test.scripted'], runnerId: 'crashed', now: START, leaseMs: 60_000 }))?.id).toBe(id);
				const after = runner(job);
				time = START + 30_000;
				expect(await after.runDue()).toBe(0);
				time = START + 60_000;
				expect(await after.runDue()).toBe(1);
				expect(seen).toEqual([{ n: 6, attempt: 2, now: START + 60_000 }]);
				expect(await row(id)).toMatchObject({ status: 'done', attempts: 2 });
			});

			it('whose job was cut short on its last try fail it for good rather than run it past its tries', async () => {
				const { job, seen, failed } = scripted();
				const id = await enqueue(db, job, { n: 7 }, { now: START, maxAttempts: 1 });
				await claimNext(db, { kinds: ['test.scripted'], runnerId: 'crashed', now: START, leaseMs: 60_000 });
				time = START + 60_000;
				await runner(job).runDue();
				expect(seen).toEqual([]);
				expect(await row(id)).toMatchObject({ status: 'failed', attempts: 2, lastError: 'stopped before it finished, 1 times' });
				expect(failed).toEqual([{ jobId: id, error: 'stopped before it finished, 1 times', payload: null }]);
			});

			it('are one statement: two claims at once never take the same job', async () => {
				const { job } = scripted();
				const ids: string[] = [];
				for (const n of [1, 2, 3]) ids.push(await enqueue(db, job, { n }, { now: START }));
				const claims = (await Promise.all(['r1', 'r2', 'r3', 'r4'].map((runnerId) => claimNext(db, { kinds: ['test.scripted'], runnerId, now: START, leaseMs: 60_000 })))).map((r) => r?.id);
				const taken = claims.filter(Boolean);
				expect([...taken].sort()).toEqual([...ids].sort());
				expect(claims.filter((c) => c === undefined)).toHaveLength(1);
			});

			it('are taken only for kinds the runner knows: another kind waits for a runner that does', async () => {
				const { job } = scripted();
				const other = defineJob({ kind: 'test.other', payload: z.object({}), timeoutMs: 10_000, run() {} });
				const id = await enqueue(db, other, {}, { now: START });
				expect(await runner(job).runDue()).toBe(0);
				expect(await row(id)).toMatchObject({ status: 'pending', attempts: 0, lockedBy: null });
			});
		});

		describe('a started runner', () => {
			it('runs a job queued in this process at once, without waiting for its next look', async () => {
				const { job, seen } = scripted();
				const r = runner(job, { pollMs: 3_600_000 });
				r.start();
				try {
					const id = await enqueue(db, job, { n: 12 }, { now: START });
					await vi.waitFor(async () => expect((await row(id)).status).toBe('done'));
					expect(seen).toEqual([{ n: 12, attempt: 1, now: START }]);
				} finally {
					await r.stop();
				}
			});
		});

		describe('stopping', () => {
			it('waits for a running job, or gives it back untried when it does not finish in time', async () => {
				const { job, seen, finishHanging } = scripted(['hang']);
				const id = await enqueue(db, job, { n: 8 }, { now: START });
				const r = runner(job);
				void r.runDue();
				await vi.waitFor(async () => expect(await row(id)).toMatchObject({ attempts: 1, lockedBy: r.id }));
				await r.stop(0);
				expect(await row(id)).toMatchObject({ status: 'pending', attempts: 0, lockedBy: null, lockedUntil: null });
				expect(logged).toEqual([expect.stringContaining('given back for the next start')]);
				await finishHanging();

				// The next start runs it at once.
				const next = runner(job);
				expect(await next.runDue()).toBe(1);
				expect(seen.map((s) => s.attempt)).toEqual([1, 1]);
				expect((await row(id)).status).toBe('done');
			});

			it('lets a job that finishes within the grace record its outcome', async () => {
				const { job, finishHanging } = scripted(['hang']);
				const id = await enqueue(db, job, { n: 9 }, { now: START });
				const r = runner(job);
				void r.runDue();
				await vi.waitFor(async () => expect(await row(id)).toMatchObject({ attempts: 1, lockedBy: r.id }));
				const stopped = r.stop(10_000);
				await finishHanging();
				await stopped;
				expect(await row(id)).toMatchObject({ status: 'done', attempts: 1 });
			});

			it('claims nothing more once stopped', async () => {
				const { job, seen } = scripted();
				const r = runner(job);
				await r.stop();
				await enqueue(db, job, { n: 10 }, { now: START });
				expect(await r.runDue()).toBe(0);
				expect(seen).toEqual([]);
			});
		});

		describe('a recurring job', () => {
			it('is scheduled once however often it is asked for, and again after each run', async () => {
				const runs: number[] = [];
				const sweep = defineJob({ kind: 'test.sweep', payload: z.object({}), everyMs: 15 * 60_000, timeoutMs: 10_000, run: (_p, { now }) => void runs.push(now) });
				const r = new JobRunner({ db, jobs: [sweep], clock, log: () => {} });
				await r.scheduleRecurring();
				await r.scheduleRecurring();
				await new JobRunner({ db, jobs: [sweep], clock, log: () => {} }).scheduleRecurring();
				expect(await allJobs()).toMatchObject([{ kind: 'test.sweep', status: 'pending', uniqueKey: 'test.sweep', runAt: START }]);
				await r.runDue();
				expect(runs).toEqual([START]);
				const pending = await pendingJobs();
				expect(pending).toMatchObject([{ kind: 'test.sweep', runAt: START + 15 * 60_000 }]);
				await r.scheduleRecurring();
				expect(await pendingJobs()).toHaveLength(1);
				time = START + 15 * 60_000;
				await r.runDue();
				expect(runs).toEqual([START, START + 15 * 60_000]);
			});
		});

		describe('a payload that cannot be read', () => {
			it('(sealed under another key) fails the job for good, saying why', async () => {
				const { job, seen, failed } = scripted();
				const id = await enqueue(db, job, { n: 11 }, { now: START });
				useSealingKey(randomBytes(32));
				await runner(job).runDue();
				expect(seen).toEqual([]);
				expect(await row(id)).toMatchObject({ status: 'failed', lastError: expect.stringContaining('could not be read') });
				expect(failed).toEqual([{ jobId: id, error: expect.stringContaining('HEARTH_SECRET_KEY'), payload: null }]);
			});
		});
		if (engine.name === 'pg') {
			describe('two instances (two pools on one PostgreSQL)', () => {
				it('run each of 40 jobs exactly once while both claim at once (FOR UPDATE SKIP LOCKED)', async () => {
					const other = openPostgres(pgDatabase!.url);
					try {
						const ran: number[] = [];
						const job = defineJob<{ n: number }>({
							kind: 'test.counted',
							payload: z.object({ n: z.number() }),
							timeoutMs: 10_000,
							async run({ n }) {
								ran.push(n);
								// Each try takes a moment on purpose, so that both runners hold claims at once.
								await new Promise((resolve) => setTimeout(resolve, 5));
							}
						});
						for (let n = 0; n < 40; n++) await enqueue(db, job, { n }, { now: START });
						const a = new JobRunner({ db, jobs: [job], clock, log: () => {}, id: 'instance-1', concurrency: 4 });
						const b = new JobRunner({ db: other, jobs: [job], clock, log: () => {}, id: 'instance-2', concurrency: 4 });
						const [byA, byB] = await Promise.all([a.runDue(), b.runDue()]);
						expect(byA + byB).toBe(40);
						expect([...ran].sort((x, y) => x - y)).toEqual(Array.from({ length: 40 }, (_, n) => n));
						expect(byA).toBeGreaterThan(0);
						expect(byB).toBeGreaterThan(0);
						const done = await db.select({ status: tablesOf(db).jobs.status, attempts: tablesOf(db).jobs.attempts }).from(tablesOf(db).jobs);
						expect(done.every((r) => r.status === 'done' && r.attempts === 1)).toBe(true);
					} finally {
						await closeDatabase(other);
					}
				});

				it('let the other instance take over a claim whose instance died, once its lease has run out', async () => {
					const other = openPostgres(pgDatabase!.url);
					try {
						const { job, seen } = scripted();
						const id = await enqueue(db, job, { n: 13 }, { now: START });
						// Instance 1 claims it and dies (its pool is gone; the row keeps the lease).
						const dying = openPostgres(pgDatabase!.url);
						expect((await claimNext(dying, { kinds: ['test.scripted'], runnerId: 'instance-1', now: START, leaseMs: 60_000 }))?.id).toBe(id);
						await closeDatabase(dying);
						const survivor = new JobRunner({ db: other, jobs: [job], clock, log: () => {}, id: 'instance-2', leaseMs: 60_000 });
						time = START + 59_999;
						expect(await survivor.runDue()).toBe(0);
						time = START + 60_000;
						expect(await survivor.runDue()).toBe(1);
						expect(seen).toEqual([{ n: 13, attempt: 2, now: START + 60_000 }]);
						expect(await row(id)).toMatchObject({ status: 'done', attempts: 2 });
					} finally {
						await closeDatabase(other);
					}
				});
			});
		}
	});
}

runnerSuite(sqlite);
if (postgresUrl) runnerSuite(pg);
else describe.skip('jobs on pg (PostgreSQL does not answer: see the line printed above)', () => it('skipped', () => undefined));
