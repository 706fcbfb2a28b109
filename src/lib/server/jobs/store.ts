import { and, asc, eq, inArray, isNull, lte, or, sql } from 'drizzle-orm';
import type { Db } from '../db/index.ts';
import { jobs } from '../db/schema.ts';

// The jobs table's SQL, all of it, in portable Drizzle (no SQLite-only syntax): the move to PostgreSQL
// changes the claim's subquery (FOR UPDATE SKIP LOCKED, marked below) and makes these functions async.

/** The database or a transaction on it: a job queued inside the caller's transaction commits with it. */
export type Queryable = Db | Parameters<Parameters<Db['transaction']>[0]>[0];

export type JobRow = typeof jobs.$inferSelect;

/** Which claim of a job a runner holds: a runner whose lease ran out (and the job was claimed again) changes nothing. */
export type Lease = { id: string; lockedBy: string; attempts: number };

function held(lease: Lease) {
	return and(eq(jobs.id, lease.id), eq(jobs.lockedBy, lease.lockedBy), eq(jobs.attempts, lease.attempts), eq(jobs.status, 'pending'));
}

/**
 * Adds a pending job. With `uniqueKey`, nothing is added while a pending job holds that key (a recurring
 * job is scheduled once however often it is asked for): returns whether a row was added.
 */
export function insertJob(
	q: Queryable,
	row: { id: string; kind: string; payload: string; uniqueKey: string | null; runAt: number; maxAttempts: number; createdAt: number }
): boolean {
	const insert = q.insert(jobs).values({ ...row, status: 'pending', attempts: 0 });
	// No conflict target: both engines then skip a row any unique index refuses, the partial one on
	// (unique_key) WHERE status = 'pending' included. (Drizzle 0.45 writes a target's WHERE after DO NOTHING.)
	const added = row.uniqueKey ? insert.onConflictDoNothing().run() : insert.run();
	return added.changes > 0;
}

/**
 * Claims the job due first (run_at ≤ now, of one of `kinds`, not held by a live lease) for `runnerId`
 * until `now + leaseMs`, counting the try. One statement, so two runners never claim the same job:
 * `UPDATE … WHERE id IN (SELECT … ORDER BY run_at LIMIT 1) AND <still free> RETURNING *`.
 */
export function claimNext(db: Queryable, options: { kinds: string[]; runnerId: string; now: number; leaseMs: number }): JobRow | undefined {
	const { kinds, runnerId, now, leaseMs } = options;
	if (kinds.length === 0) return undefined;
	const free = and(eq(jobs.status, 'pending'), or(isNull(jobs.lockedUntil), lte(jobs.lockedUntil, now)));
	const next = db
		.select({ id: jobs.id })
		.from(jobs)
		.where(and(free, lte(jobs.runAt, now), inArray(jobs.kind, kinds)))
		.orderBy(asc(jobs.runAt), asc(jobs.id))
		.limit(1);
	// PostgreSQL: next.for('update', { skipLocked: true }), so runners of a cluster pass each other's claims.
	return db
		.update(jobs)
		.set({ lockedBy: runnerId, lockedUntil: now + leaseMs, attempts: sql`${jobs.attempts} + 1` })
		.where(and(inArray(jobs.id, next), free))
		.returning()
		.get();
}

/** Done: the payload is blanked and the lease let go. False when the lease was no longer held. */
export function markDone(q: Queryable, lease: Lease, now: number): boolean {
	return q.update(jobs).set({ status: 'done', doneAt: now, payload: null, lastError: null, lockedBy: null, lockedUntil: null }).where(held(lease)).run().changes > 0;
}

/** The try failed and another is due at `runAt`. False when the lease was no longer held. */
export function markRetry(q: Queryable, lease: Lease, runAt: number, error: string): boolean {
	return q.update(jobs).set({ runAt, lastError: error, lockedBy: null, lockedUntil: null }).where(held(lease)).run().changes > 0;
}

/** No more tries: recorded as failed with why, the payload blanked. False when the lease was no longer held. */
export function markFailed(q: Queryable, lease: Lease, now: number, error: string): boolean {
	return q.update(jobs).set({ status: 'failed', doneAt: now, payload: null, lastError: error, lockedBy: null, lockedUntil: null }).where(held(lease)).run().changes > 0;
}

/** Gives a claimed job back untried (the process is stopping): free at once, the try not counted. */
export function release(q: Queryable, lease: Lease): boolean {
	return q.update(jobs).set({ lockedBy: null, lockedUntil: null, attempts: sql`${jobs.attempts} - 1` }).where(held(lease)).run().changes > 0;
}

/** Forgets jobs finished (done or failed) before `before` (ms); returns how many. */
export function deleteFinished(q: Queryable, before: number): number {
	return q.delete(jobs).where(and(inArray(jobs.status, ['done', 'failed']), lte(jobs.doneAt, before))).run().changes;
}
