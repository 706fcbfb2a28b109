// Refusals of callers who are not signed in, counted per client address in fixed windows (one minute by
// default), so that nobody can fill the audit trail or hold the database's write lock by asking for made-up
// ids: the first few refusals of an address in a window are written as their own audit entries, the rest
// are counted and written as one summary entry per address, action, case and reason when the window ends
// (so the record that they happened is kept, with how many, first and last time). An address that goes on
// past the limit is answered 429 until the window ends. A request let through counts toward that limit while
// it is being answered (it may yet be refused): a burst sent all at once gets no more answers than the same
// requests sent one by one (where each refusal is counted before the next is looked at). Without that, on
// PostgreSQL and Redis, where the look, the route and the count each wait, a burst of 100 all passed the
// look before the first refusal was counted (tests/integration/audit-flood.test.ts). A request's first
// refusal ends its being answered in the same step (`note` with `admittedAt`; one script on Redis), so it
// never counts twice and a burst gets exactly the limit through. Pure bookkeeping: audit.ts writes the
// entries.
// The counts per address (which decide row, summary or 429) live in this process on one instance, and on
// Redis with several (redis/limits.ts), so that an address cannot multiply its refusals by the number of
// instances; the summaries stay with the instance that counted them (each writes its own).

export type AnonymousRefusalPolicy = {
	/** Length of a window, in milliseconds. */
	windowMs: number;
	/** Refusals per address and window written as their own entries. */
	rowsPerAddress: number;
	/** Refusals written as their own entries per window, all addresses together (many addresses at once). */
	rowsInAll: number;
	/** Refusals per address and window after which its anonymous requests are answered 429. */
	limitPerAddress: number;
};

export const DEFAULT_ANONYMOUS_REFUSAL_POLICY: AnonymousRefusalPolicy = { windowMs: 60_000, rowsPerAddress: 10, rowsInAll: 300, limitPerAddress: 60 };

/** One refusal as the audit writer sees it. */
export type AnonymousRefusal = { clientAddress: string | null; action: string; resourceType: string; caseId: string | null; why: string | null; at: number };

/** Refusals counted instead of written: one summary entry each. `clientAddress` null: too many addresses to keep apart. */
export type RefusalSummary = {
	clientAddress: string | null;
	action: string;
	resourceType: string;
	caseId: string | null;
	why: string | null;
	count: number;
	firstAt: number;
	lastAt: number;
};

/** More keys than this in one window and further addresses are counted together (memory stays bounded). */
const MAX_SUMMARIES = 10_000;
const MAX_ADDRESSES = 100_000;

/**
 * Refusals counted per address and window (`windowStart`, ms). Answers are synchronous in this process,
 * promises when shared by several instances; callers handle both.
 */
export interface RefusalCounts {
	/**
	 * Counts one refusal of `address`: 'row' while the address and all addresses together are within their
	 * rows. With `answeredIn` (the window a request of `address` was admitted in): in the same atomic step,
	 * that request stops counting as being answered (as `answered` would), so that the refused request is
	 * never counted twice, as a refusal and as being answered, while other requests ask `admit`.
	 */
	take(address: string, windowStart: number, policy: AnonymousRefusalPolicy, answeredIn?: number): 'row' | 'counted' | Promise<'row' | 'counted'>;
	/** How many refusals `address` has in that window. */
	seen(address: string, windowStart: number): number | Promise<number>;
	/**
	 * In one step: whether `address`'s refusals in that window and its requests still being answered
	 * together stay under `limit`, and if so one more request being answered. `ttlMs`: how long a count
	 * left by an instance that died mid-request may last.
	 */
	admit(address: string, windowStart: number, limit: number, ttlMs: number): boolean | Promise<boolean>;
	/** One request admitted in that window has been answered (its refusal, if any, already counted). */
	answered(address: string, windowStart: number): void | Promise<void>;
}

/** The counts of one process. */
export class LocalRefusalCounts implements RefusalCounts {
	private windowStart = -Infinity;
	private readonly perAddress = new Map<string, number>();
	/** Requests of each address admitted in this window and not yet answered (no entry: none). */
	private readonly answering = new Map<string, number>();
	private written = 0;

	private roll(windowStart: number): void {
		if (windowStart <= this.windowStart) return;
		this.windowStart = windowStart;
		this.perAddress.clear();
		this.answering.clear();
		this.written = 0;
	}

	take(address: string, windowStart: number, policy: AnonymousRefusalPolicy, answeredIn?: number): 'row' | 'counted' {
		this.roll(windowStart);
		// Synchronous: the refusal and the answer are one step here whatever the order.
		if (answeredIn !== undefined) this.answered(address, answeredIn);
		const seen = (this.perAddress.get(address) ?? 0) + 1;
		if (this.perAddress.has(address) || this.perAddress.size < MAX_ADDRESSES) this.perAddress.set(address, seen);
		if (seen <= policy.rowsPerAddress && this.written < policy.rowsInAll) {
			this.written++;
			return 'row';
		}
		return 'counted';
	}

	seen(address: string, windowStart: number): number {
		this.roll(windowStart);
		return this.perAddress.get(address) ?? 0;
	}

	admit(address: string, windowStart: number, limit: number): boolean {
		this.roll(windowStart);
		const busy = this.answering.get(address) ?? 0;
		if ((this.perAddress.get(address) ?? 0) + busy >= limit) return false;
		this.answering.set(address, busy + 1);
		return true;
	}

	answered(address: string, windowStart: number): void {
		// Admitted in a window that has ended: its count went with it.
		if (windowStart !== this.windowStart) return;
		const busy = (this.answering.get(address) ?? 0) - 1;
		if (busy > 0) this.answering.set(address, busy);
		else this.answering.delete(address);
	}
}

export class AnonymousRefusals {
	readonly policy: AnonymousRefusalPolicy;
	private readonly counts: RefusalCounts;
	private readonly pending = new Map<string, RefusalSummary & { windowStart: number }>();
	/** When the oldest summary's window ends: until then `takeDue` has nothing to do (it runs on every refusal). */
	private earliestDue = Infinity;

	/** `counts`: where the per-address counts live (this process unless given). */
	constructor(policy: AnonymousRefusalPolicy = DEFAULT_ANONYMOUS_REFUSAL_POLICY, counts: RefusalCounts = new LocalRefusalCounts()) {
		this.policy = policy;
		this.counts = counts;
	}

	private windowOf(at: number): number {
		return Math.floor(at / this.policy.windowMs) * this.policy.windowMs;
	}

	/**
	 * Counts one refusal. 'row': write it as its own entry; 'counted': it is in a summary that
	 * `takeDue` hands out when its window has ended. Synchronous with this process's counts, a promise
	 * with shared ones. `admittedAt`: the refusal is of a request that `admit(refusal.clientAddress,
	 * admittedAt)` let through and that still counts as being answered; in the same atomic step it stops
	 * counting so (the caller must then not call `answered` for it), so that it never counts twice toward
	 * the limit. Rejects only when the shared counts cannot be reached.
	 */
	note(refusal: AnonymousRefusal, admittedAt?: number): 'row' | 'counted' | Promise<'row' | 'counted'> {
		const windowStart = this.windowOf(refusal.at);
		const answeredIn = admittedAt === undefined ? undefined : this.windowOf(admittedAt);
		const verdict = this.counts.take(refusal.clientAddress ?? 'unknown', windowStart, this.policy, answeredIn);
		return typeof verdict === 'string' ? this.summarise(refusal, verdict, windowStart) : verdict.then((v) => this.summarise(refusal, v, windowStart));
	}

	private summarise(refusal: AnonymousRefusal, verdict: 'row' | 'counted', windowStart: number): 'row' | 'counted' {
		if (verdict === 'row') return 'row';
		const { at, ...about } = refusal;
		let keyed: RefusalSummary = { ...about, count: 0, firstAt: at, lastAt: at };
		let key = summaryKey(keyed);
		if (!this.pending.has(key) && this.pending.size >= MAX_SUMMARIES) {
			keyed = { ...keyed, clientAddress: null };
			key = summaryKey(keyed);
		}
		const summary = this.pending.get(key) ?? { ...keyed, windowStart };
		this.earliestDue = Math.min(this.earliestDue, summary.windowStart + this.policy.windowMs);
		summary.count++;
		summary.firstAt = Math.min(summary.firstAt, refusal.at);
		summary.lastAt = Math.max(summary.lastAt, refusal.at);
		this.pending.set(key, summary);
		return 'counted';
	}

	/** Whether this address has used up its refusals for the current window: answer it 429. */
	blocked(clientAddress: string | null, now: number): boolean | Promise<boolean> {
		const seen = this.counts.seen(clientAddress ?? 'unknown', this.windowOf(now));
		return typeof seen === 'number' ? seen >= this.policy.limitPerAddress : seen.then((n) => n >= this.policy.limitPerAddress);
	}

	/**
	 * Whether to answer a request of a caller who is not signed in from `clientAddress` at `now` (false:
	 * answer 429), counting its refusals and its requests still being answered. Admitted, it counts toward
	 * the limit until `answered(clientAddress, now)` (the same `now`) is called, after its refusal, if any,
	 * was noted.
	 */
	admit(clientAddress: string | null, now: number): boolean | Promise<boolean> {
		return this.counts.admit(clientAddress ?? 'unknown', this.windowOf(now), this.policy.limitPerAddress, 2 * this.policy.windowMs);
	}

	/** A request `admit` let through at `now` has been answered (and no `note` with `admittedAt` released it). */
	answered(clientAddress: string | null, now: number): void | Promise<void> {
		return this.counts.answered(clientAddress ?? 'unknown', this.windowOf(now));
	}

	/** The summaries of windows that have ended (all of them when `all`, at shutdown), no longer kept here. */
	takeDue(now: number, all = false): RefusalSummary[] {
		if (!all && now < this.earliestDue) return [];
		const due: RefusalSummary[] = [];
		this.earliestDue = Infinity;
		for (const [key, summary] of this.pending) {
			const ends = summary.windowStart + this.policy.windowMs;
			if (!all && now < ends) {
				this.earliestDue = Math.min(this.earliestDue, ends);
				continue;
			}
			this.pending.delete(key);
			const { windowStart: _window, ...rest } = summary;
			due.push(rest);
		}
		return due.sort((a, b) => a.firstAt - b.firstAt);
	}

	/** Summaries still being counted. */
	get pendingCount(): number {
		return this.pending.size;
	}
}

function summaryKey(s: Pick<RefusalSummary, 'clientAddress' | 'action' | 'resourceType' | 'caseId' | 'why'>): string {
	return JSON.stringify([s.clientAddress, s.action, s.resourceType, s.caseId, s.why]);
}
