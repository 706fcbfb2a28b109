import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import { now as clockNow } from '../clock.ts';
import type { Db } from '../db/index.ts';
import { newId } from '../ids.ts';
import { seal } from './sealed.ts';
import { insertJob, type Queryable } from './store.ts';

// Jobs: work done outside any request, durably. A job is queued with `enqueue` (inside the caller's
// transaction when given one, so it exists exactly when the change that asked for it does), and the
// process's one runner (runner.ts) claims it when it is due, runs its kind's handler, and retries a
// failure with exponential backoff until its tries run out. Messages to people (notify/), expiry sweeps
// (sweeps.ts), and the reminders and deadline checks to come go through here.
//
// Not here: unloading and compacting shared documents. Those act on one process's memory (a room's Y.Doc
// held by the collab server), so a durable job that another process or a later start could pick up would
// find nothing to unload; they stay timers of the collab server.

export type { Queryable } from './store.ts';

/** What a handler gets besides its payload. */
export type JobContext = {
	db: Db;
	/** The runner's clock when this try started (ms since the epoch). */
	now: number;
	jobId: string;
	/** Which try this is: 1 for the first. */
	attempt: number;
	/** Aborted when the try runs past its kind's `timeoutMs` (it is then counted as failed). */
	signal: AbortSignal;
};

/**
 * A kind of job: its name, its payload's schema, what to do, and how hard to try. Handlers must be safe to
 * run twice (a process that dies after the work but before recording it runs it again: at least once).
 * Method syntax on purpose: a definition for one payload type fits where any definition is expected.
 */
export type JobDefinition<P> = {
	/** A key such as `message.send` (never text): stored in each row. */
	kind: string;
	/** Checked when queued (a bad payload is a bug and throws) and again when run (a changed schema fails the job). */
	payload: z.ZodType<P>;
	/**
	 * Does the work. Throw to fail this try: a `JobError`'s message is stored as the reason, so it must hold no
	 * address, link or name; any other error is stored by its message too. `PermanentJobError`: no more tries.
	 */
	run(payload: P, context: JobContext): Promise<void> | void;
	/**
	 * After the last try failed (or the payload can no longer be read: `payload` is then null): record it
	 * where people will look. Runs in the transaction that marks the job failed (`tx`, either engine).
	 */
	failed?(outcome: { tx: Queryable; jobId: string; now: number; error: string; payload: P | null }): Promise<void> | void;
	/** Tries in all, the first included. Default 10. */
	maxAttempts?: number;
	/** Backoff between tries: `baseMs` doubling each time up to `capMs`, less up to a fifth at random. Default 30 s to 1 h. */
	retry?: { baseMs: number; capMs: number };
	/** How long one try may take before it counts as failed. Default 60 s; must stay below the runner's lease. */
	timeoutMs?: number;
	/** A recurring job: the runner keeps one pending, due this long after the last one finished. */
	everyMs?: number;
};

/** A failed try whose message is safe to store and show (plain words, no address or secret). */
export class JobError extends Error {
	override name = 'JobError';
}

/** A failure that no later try can mend (a refused recipient, an unreadable payload): no more tries. */
export class PermanentJobError extends JobError {
	override name = 'PermanentJobError';
}

const KIND = /^[a-z0-9]+(?:[-.][a-z0-9]+)*$/;

/** Declares a kind of job (see `JobDefinition`). Throws for a kind that is not a key. */
export function defineJob<P>(definition: JobDefinition<P>): JobDefinition<P> {
	if (!KIND.test(definition.kind) || definition.kind.length > 64) throw new TypeError(`job kind must be a key such as message.send: ${definition.kind}`);
	return definition;
}

// The sealing key and the runner's wake-up are shared through globalThis: the SvelteKit bundle (which
// queues) and the custom server (whose runner runs) each have their own copy of this module.
const KEY = Symbol.for('hearth.jobs');
type Shared = { key?: Buffer; wake?: () => void };
function shared(): Shared {
	return ((globalThis as { [KEY]?: Shared })[KEY] ??= {});
}

/**
 * Sets the key payloads are sealed with (boot.ts: from HEARTH_SECRET_KEY or the key file next to the
 * database). Without it (unit tests), a random key for this process only.
 */
export function useSealingKey(key: Buffer): void {
	if (key.length !== 32) throw new TypeError('the sealing key must be 32 bytes');
	shared().key = key;
}

/** The key payloads are sealed with in this process (see `useSealingKey`). */
export function sealingKey(): Buffer {
	return (shared().key ??= randomBytes(32));
}

/** Where the runner listens for new work queued in this process (runner.ts sets it while running). */
export function setWakeUp(wake: (() => void) | undefined): void {
	shared().wake = wake;
}

export type EnqueueOptions = {
	/** Not before this time (ms since the epoch). Default: now. */
	runAt?: number;
	/** Overrides the kind's `maxAttempts`. */
	maxAttempts?: number;
	/** The job's id, when another row shares it (notify: the outbox row). Default: a new id. */
	id?: string;
	/** Now, as the caller's context reads it (ms). Default: the clock. */
	now?: number;
};

/**
 * Queues a job of `job`'s kind with `payload` (sealed before it is stored) and resolves to its id once the
 * row is written. With a transaction as `q`, the job is written in it and exists only if it commits. Wakes
 * this process's runner, which then runs it once it is due (or finds it at its next look, when the wake-up
 * comes before the commit). Throws (before anything is written) when the payload does not fit the kind's
 * schema: a bug in the caller.
 */
export async function enqueue<P>(q: Queryable, job: JobDefinition<P>, payload: P, options: EnqueueOptions = {}): Promise<string> {
	job.payload.parse(payload);
	const id = options.id ?? newId();
	const now = options.now ?? clockNow();
	await insertJob(q, {
		id,
		kind: job.kind,
		payload: sealPayload(id, job.kind, payload),
		uniqueKey: null,
		runAt: options.runAt ?? now,
		maxAttempts: options.maxAttempts ?? job.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
		createdAt: now
	});
	const wake = shared().wake;
	if (wake) setImmediate(wake);
	return id;
}

export const DEFAULT_MAX_ATTEMPTS = 10;

/** A payload as stored: JSON, sealed under this process's key and bound to the row's id and kind. */
export function sealPayload(id: string, kind: string, payload: unknown): string {
	return seal(sealingKey(), JSON.stringify(payload), `${id}:${kind}`);
}
