import { and, asc, eq, inArray, isNull, lte, or, sql } from 'drizzle-orm';
import { affected, first, skipLocked, tablesOf, type Db } from '../db/index.ts';
import type { jobs } from '../db/schema.ts';

// The jobs table's SQL, all of it, in portable Drizzle on either engine (the tables of the handle's engine,
// `tablesOf`). The one engine-specific part, the claim's row lock on PostgreSQL, is db/index.ts's
// `skipLocked`.

/** The database or a transaction on it (`transact`'s `tx`): a job queued inside the caller's transaction commits with it. */
export type Queryable = Db;

export type JobRow = typeof jobs.$inferSelect;

/** Which claim of a job a runner holds: a runner whose lease ran out (and the job was claimed again) changes nothing. */
export type Lease = { id: string; lockedBy: string; attempts: number };

function held(q: Queryable, lease: Lease) {
	const { jobs } = tablesOf(q);
	return and(eq(jobs.id, lease.id), eq(jobs.lockedBy, lease.lockedBy), eq(jobs.attempts, lease.attempts), eq(jobs.status, 'pending'));
}

/**
 * Adds a pending job. With `uniqueKey`, nothing is added while a pending job holds that key (a recurring
 * job is scheduled once however often it is asked for): resolves to whether a row was added.
 */
export async function insertJob(
	q: Queryable,
	row: { id: string; kind: string; payload: string; uniqueKey: string | null; runAt: number; maxAttempts: number; createdAt: number }
): Promise<boolean> {
	const { jobs } = tablesOf(q);
	const insert = q.insert(jobs).values({ ...row, status: 'pending', attempts: 0 });
	// No conflict target: both engines then skip a row any unique index refuses, the partial one on
	// (unique_key) WHERE status = 'pending' included. (Drizzle 0.45 writes a target's WHERE after DO NOTHING.)
	return (await affected(row.uniqueKey ? insert.onConflictDoNothing() : insert)) > 0;
}

/**
 * Claims the job due first (run_at ≤ now, of one of `kinds`, not held by a live lease) for `runnerId`
 * until `now + leaseMs`, counting the try. One statement, so two runners never claim the same job:
 * `UPDATE … WHERE id IN (SELECT … ORDER BY run_at LIMIT 1 [FOR UPDATE SKIP LOCKED]) AND <still free>
 * RETURNING *`. On PostgreSQL the row lock lets the runners of several instances pass each other's
 * claims (each takes the next free job instead of waiting and then finding it taken). A lease that ran out
 * (its runner died) makes the job free again. Resolves to the claimed row, or undefined when none is due.
 */
export async function claimNext(db: Queryable, options: { kinds: string[]; runnerId: string; now: number; leaseMs: number }): Promise<JobRow | undefined> {
	const { kinds, runnerId, now, leaseMs } = options;
	if (kinds.length === 0) return undefined;
	const { jobs } = tablesOf(db);
	const free = and(eq(jobs.status, 'pending'), or(isNull(jobs.lockedUntil), lte(jobs.lockedUntil, now)));
	const next = skipLocked(
		db,
		db
			.select({ id: jobs.id })
			.from(jobs)
			.where(and(free, lte(jobs.runAt, now), inArray(jobs.kind, kinds)))
			.orderBy(asc(jobs.runAt), asc(jobs.id))
			.limit(1)
	);
	// `id = (subquery)`, not `id IN (subquery)`: with IN, PostgreSQL may plan the subquery as a join and,
	// when claims race, an UPDATE came back empty while jobs were free (runner.test.ts: 20 of 40 ran).
	return first(
		db
			.update(jobs)
			.set({ lockedBy: runnerId, lockedUntil: now + leaseMs, attempts: sql`${jobs.attempts} + 1` })
			.where(and(sql`${jobs.id} = (${next})`, free))
			.returning()
	);
}

/** Done: the payload is blanked and the lease let go. Resolves to false when the lease was no longer held. */
export async function markDone(q: Queryable, lease: Lease, now: number): Promise<boolean> {
	const { jobs } = tablesOf(q);
	return (await affected(q.update(jobs).set({ status: 'done', doneAt: now, payload: null, lastError: null, lockedBy: null, lockedUntil: null }).where(held(q, lease)))) > 0;
}

/** The try failed and another is due at `runAt`. Resolves to false when the lease was no longer held. */
export async function markRetry(q: Queryable, lease: Lease, runAt: number, error: string): Promise<boolean> {
	const { jobs } = tablesOf(q);
	return (await affected(q.update(jobs).set({ runAt, lastError: error, lockedBy: null, lockedUntil: null }).where(held(q, lease)))) > 0;
}

/** No more tries: recorded as failed with why, the payload blanked. Resolves to false when the lease was no longer held. */
export async function markFailed(q: Queryable, lease: Lease, now: number, error: string): Promise<boolean> {
	const { jobs } = tablesOf(q);
	return (await affected(q.update(jobs).set({ status: 'failed', doneAt: now, payload: null, lastError: error, lockedBy: null, lockedUntil: null }).where(held(q, lease)))) > 0;
}

/** Gives a claimed job back untried (the process is stopping): free at once, the try not counted. */
export async function release(q: Queryable, lease: Lease): Promise<boolean> {
	const { jobs } = tablesOf(q);
	return (await affected(q.update(jobs).set({ lockedBy: null, lockedUntil: null, attempts: sql`${jobs.attempts} - 1` }).where(held(q, lease)))) > 0;
}

/** Forgets jobs finished (done or failed) before `before` (ms); resolves to how many. */
export async function deleteFinished(q: Queryable, before: number): Promise<number> {
	const { jobs } = tablesOf(q);
	return affected(q.delete(jobs).where(and(inArray(jobs.status, ['done', 'failed']), lte(jobs.doneAt, before))));
}
