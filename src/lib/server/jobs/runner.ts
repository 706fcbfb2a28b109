import { hostname } from 'node:os';
import { now as clockNow } from '../clock.ts';
import { transact, type Db } from '../db/index.ts';
import { newId } from '../ids.ts';
import { DEFAULT_MAX_ATTEMPTS, JobError, PermanentJobError, sealPayload, sealingKey, setWakeUp, type JobDefinition } from './index.ts';
import { unseal } from './sealed.ts';
import { claimNext, insertJob, markDone, markFailed, markRetry, release, type JobRow, type Lease } from './store.ts';

// The one runner of a process (of the cluster, with PostgreSQL): it looks for due jobs every `pollMs` and
// whenever this process queues one, claims each with a lease, runs it, and records the outcome. Several
// jobs run at once (`concurrency`), so a slow mail server holds one slot, not the sweeps.

export type RunnerOptions = {
	db: Db;
	/** Every kind this runner may run; a job of another kind stays pending for a runner that knows it. */
	jobs: JobDefinition<unknown>[];
	/** The time (ms since the epoch). Default: the clock (clock.ts), which tests of the real server move. */
	clock?: () => number;
	/** How often to look for due jobs. Default 1 s. */
	pollMs?: number;
	/** Jobs run at once. Default 4. */
	concurrency?: number;
	/** How long a claim holds a job: past it, a job whose runner died can be claimed again. Default 5 minutes. */
	leaseMs?: number;
	/** Random numbers in [0, 1) for the backoff's jitter (tests pin it). */
	random?: () => number;
	/** Where failures are told (a try that failed, a job that will not be tried again). */
	log?: (text: string) => void;
	/** This runner's name in `locked_by`. Default: host, process id and a random part. */
	id?: string;
};

type Running = { lease: Lease; done: Promise<void> };

const DEFAULT_RETRY = { baseMs: 30_000, capMs: 3_600_000 };
const DEFAULT_TIMEOUT_MS = 60_000;

/**
 * How long to wait before try `attempt + 1` after try `attempt` failed (ms): `baseMs · 2^(attempt−1)`,
 * at most `capMs`, less up to a fifth at random so that jobs failed by one outage do not all come back at
 * once. `random` returns a number in [0, 1).
 */
export function retryDelay(attempt: number, retry: { baseMs: number; capMs: number }, random: () => number = Math.random): number {
	const full = Math.min(retry.capMs, retry.baseMs * 2 ** Math.max(0, attempt - 1));
	return Math.round(full * (1 - 0.2 * random()));
}

export class JobRunner {
	readonly id: string;
	private readonly db: Db;
	private readonly kinds = new Map<string, JobDefinition<unknown>>();
	private readonly clock: () => number;
	private readonly pollMs: number;
	private readonly concurrency: number;
	private readonly leaseMs: number;
	private readonly random: () => number;
	private readonly log: (text: string) => void;
	private readonly running = new Map<string, Running>();
	private timer: ReturnType<typeof setInterval> | undefined;
	private stopping = false;
	private finished = 0;
	/** A look for work under way (claims are awaited), and whether another was asked for meanwhile. */
	private looking: Promise<void> | null = null;
	private lookAgain = false;

	constructor(options: RunnerOptions) {
		this.db = options.db;
		this.clock = options.clock ?? clockNow;
		this.pollMs = options.pollMs ?? 1000;
		this.concurrency = options.concurrency ?? 4;
		this.leaseMs = options.leaseMs ?? 5 * 60_000;
		this.random = options.random ?? Math.random;
		this.log = options.log ?? ((text) => console.warn(text));
		this.id = options.id ?? `${hostname()}:${process.pid}:${newId().slice(0, 8)}`;
		for (const job of options.jobs) {
			if (this.kinds.has(job.kind)) throw new TypeError(`job kind ${job.kind} is defined twice`);
			// A try still running when its lease runs out could be claimed again and run twice at once.
			if ((job.timeoutMs ?? DEFAULT_TIMEOUT_MS) >= this.leaseMs) throw new TypeError(`job kind ${job.kind}: timeoutMs must be below the lease (${this.leaseMs} ms)`);
			this.kinds.set(job.kind, job);
		}
	}

	/**
	 * Starts looking for work: schedules the recurring jobs that are missing, runs what is due, then looks
	 * every `pollMs` and whenever this process queues a job. One runner per process (boot.ts starts it): the
	 * wake-up goes to the runner started last.
	 */
	start(): void {
		if (this.timer) return;
		this.stopping = false;
		setWakeUp(() => void this.pump());
		this.timer = setInterval(() => void this.pump(), this.pollMs);
		this.timer.unref();
		this.scheduleRecurring()
			.catch((e: unknown) => this.log(`jobs: could not schedule the recurring jobs: ${(e as Error).message}`))
			.finally(() => void this.pump());
	}

	/**
	 * Stops claiming, waits up to `graceMs` for the jobs running now, and gives back those still running
	 * (free at once for the next start, the try not counted). Never loses a job: a job given back may have
	 * done its work already and run again (at least once). Resolves when nothing of this runner is left.
	 */
	async stop(graceMs = 10_000): Promise<void> {
		this.stopping = true;
		if (this.timer) clearInterval(this.timer);
		this.timer = undefined;
		setWakeUp(undefined);
		// A claim on its way: its job is then running (and waited for) or given back below.
		await this.looking;
		const still = [...this.running.values()];
		if (still.length === 0) return;
		let timer: ReturnType<typeof setTimeout> | undefined;
		await Promise.race([Promise.allSettled(still.map((r) => r.done)), new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)))]);
		clearTimeout(timer);
		for (const { lease } of this.running.values()) {
			if (await release(this.db, lease)) this.log(`job ${lease.id}: still running at stop, given back for the next start`);
		}
	}

	/**
	 * Runs every job due now, and what comes due while they run, and resolves once none is left (the test
	 * clock's route, and unit tests: no waiting on timers). Returns how many tries finished.
	 */
	async runDue(): Promise<number> {
		const before = this.finished;
		for (;;) {
			await this.pump();
			if (this.running.size === 0) break;
			await Promise.allSettled([...this.running.values()].map((r) => r.done));
		}
		return this.finished - before;
	}

	/** Each recurring kind gets its pending job if it has none (due now: a sweep runs soon after a start). */
	async scheduleRecurring(): Promise<void> {
		const now = this.clock();
		for (const job of this.kinds.values()) if (job.everyMs) await this.scheduleNext(this.db, job, now, now);
	}

	private async scheduleNext(q: Parameters<typeof insertJob>[0], job: JobDefinition<unknown>, now: number, runAt: number): Promise<void> {
		const id = newId();
		await insertJob(q, { id, kind: job.kind, payload: sealPayload(id, job.kind, {}), uniqueKey: job.kind, runAt, maxAttempts: job.maxAttempts ?? DEFAULT_MAX_ATTEMPTS, createdAt: now });
	}

	/**
	 * Claims due jobs up to `concurrency` and starts them; resolves once this look has claimed what it could.
	 * One look at a time: asked while one is under way, another follows it (a job queued meanwhile is seen).
	 * Each claim is one statement (store.ts claimNext), so runners in other processes never take the same job.
	 */
	private pump(): Promise<void> {
		if (this.looking) {
			this.lookAgain = true;
			return this.looking;
		}
		this.looking = (async () => {
			do {
				this.lookAgain = false;
				await this.look();
			} while (this.lookAgain && !this.stopping);
		})().finally(() => (this.looking = null));
		return this.looking;
	}

	private async look(): Promise<void> {
		try {
			while (!this.stopping && this.running.size < this.concurrency) {
				const row = await claimNext(this.db, { kinds: [...this.kinds.keys()], runnerId: this.id, now: this.clock(), leaseMs: this.leaseMs });
				if (!row) return;
				const lease = { id: row.id, lockedBy: this.id, attempts: row.attempts };
				const done = this.execute(row, lease)
					// Recording the outcome failed (the database closed at stop): the lease runs out and the job is tried again.
					.catch((e: unknown) => this.log(`job ${row.kind} ${row.id}: could not record how it went: ${(e as Error).message}`))
					.finally(() => {
						this.running.delete(row.id);
						this.finished++;
						void this.pump();
					});
				this.running.set(row.id, { lease, done });
			}
		} catch (e) {
			// The database refused (busy, closed at stop): the next look tries again.
			if (!this.stopping) this.log(`jobs: could not look for work: ${(e as Error).message}`);
		}
	}

	private async execute(row: JobRow, lease: Lease): Promise<void> {
		const job = this.kinds.get(row.kind)!;
		let payload: unknown = null;
		try {
			// A try cut short by a crash was counted when claimed: with none left, it is not run again.
			if (row.attempts > row.maxAttempts) throw new PermanentJobError(`stopped before it finished, ${row.maxAttempts} times`);
			payload = this.readPayload(row, job);
			await this.runWithin(job, payload, { db: this.db, now: this.clock(), jobId: row.id, attempt: row.attempts });
		} catch (e) {
			await this.failTry(row, lease, job, payload, e);
			return;
		}
		const now = this.clock();
		await transact(this.db, async (tx) => {
			if ((await markDone(tx, lease, now)) && job.everyMs) await this.scheduleNext(tx, job, now, now + job.everyMs);
		});
	}

	private readPayload(row: JobRow, job: JobDefinition<unknown>): unknown {
		let json: unknown;
		try {
			json = JSON.parse(unseal(sealingKey(), row.payload ?? '', `${row.id}:${row.kind}`));
		} catch {
			throw new PermanentJobError('its details could not be read (was HEARTH_SECRET_KEY or hearth-secret.key changed?)');
		}
		const parsed = job.payload.safeParse(json);
		if (!parsed.success) throw new PermanentJobError('its details no longer fit its kind');
		return parsed.data;
	}

	private async runWithin(job: JobDefinition<unknown>, payload: unknown, context: Omit<Parameters<JobDefinition<unknown>['run']>[1], 'signal'>): Promise<void> {
		const timeoutMs = job.timeoutMs ?? DEFAULT_TIMEOUT_MS;
		const controller = new AbortController();
		let timer: ReturnType<typeof setTimeout> | undefined;
		const timedOut = new Promise<never>((_, reject) => {
			timer = setTimeout(() => {
				controller.abort();
				reject(new JobError(`did not finish within ${Math.round(timeoutMs / 1000)} s`));
			}, timeoutMs);
		});
		const work = Promise.resolve().then(() => job.run(payload, { ...context, signal: controller.signal }));
		work.catch(() => {}); // settled after a timeout: already counted as failed
		try {
			await Promise.race([work, timedOut]);
		} finally {
			clearTimeout(timer);
		}
	}

	private async failTry(row: JobRow, lease: Lease, job: JobDefinition<unknown>, payload: unknown, e: unknown): Promise<void> {
		const error = (e instanceof Error ? e.message : String(e)).slice(0, 500) || 'failed';
		const now = this.clock();
		const last = e instanceof PermanentJobError || row.attempts >= row.maxAttempts;
		if (!last) {
			await markRetry(this.db, lease, now + retryDelay(row.attempts, job.retry ?? DEFAULT_RETRY, this.random), error);
			this.log(`job ${row.kind} ${row.id}: try ${row.attempts} of ${row.maxAttempts} failed, trying again later: ${error}`);
			return;
		}
		await transact(this.db, async (tx) => {
			if (!(await markFailed(tx, lease, now, error))) return;
			await job.failed?.({ tx, jobId: row.id, now, error, payload });
			if (job.everyMs) await this.scheduleNext(tx, job, now, now + job.everyMs);
		});
		this.log(`job ${row.kind} ${row.id}: failed for good after ${row.attempts} ${row.attempts === 1 ? 'try' : 'tries'}: ${error}`);
	}
}
