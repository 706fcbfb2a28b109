import { lte } from 'drizzle-orm';
import { z } from 'zod';
import { deleteExpiredSessions } from '../auth/session.ts';
import { sessionPolicy } from '../config.ts';
import { tablesOf } from '../db/index.ts';
import { defineJob } from './index.ts';
import { deleteFinished } from './store.ts';

// Expiry sweeps, a recurring job: what has ended is refused when it is read whether or not it was swept
// (sessions, codes); the sweep keeps the tables to what is live, so that a copy of the database holds no
// more than it must. Rate limits and sign-in throttles keep their state in memory and prune it themselves
// (auth/rate-limit.ts, auth/throttle.ts): nothing of theirs is stored to sweep.

/** How often the sweep runs. */
export const SWEEP_EVERY_MS = 15 * 60_000;
/**
 * Sign-in codes are kept a day past their expiry: the limit of 3 codes an hour per invitation counts the
 * rows of the last hour (services/sign-in-codes.ts), so none of those may go.
 */
const CODES_KEPT_MS = 24 * 3_600_000;
/** Finished jobs (payloads already blanked) are kept two weeks for whoever looks into a failure; the outbox keeps the record. */
const FINISHED_JOBS_KEPT_MS = 14 * 24 * 3_600_000;

export const sweepExpired = defineJob({
	kind: 'sweep.expired',
	payload: z.object({}),
	everyMs: SWEEP_EVERY_MS,
	maxAttempts: 3,
	retry: { baseMs: 60_000, capMs: 5 * 60_000 },
	async run(_payload, { db, now }) {
		const { signInCodes } = tablesOf(db);
		await deleteExpiredSessions(db, sessionPolicy(), now);
		await db.delete(signInCodes).where(lte(signInCodes.expiresAt, now - CODES_KEPT_MS));
		await deleteFinished(db, now - FINISHED_JOBS_KEPT_MS);
	}
});
