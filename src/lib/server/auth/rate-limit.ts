// A fixed-window counter per key (e.g. client address): for invite look-ups, where every try is a
// guess at a secret. In memory on one instance; shared by every instance on Redis (redis/limits.ts).

import { now as clockNow } from '../clock.ts';

/** Tries per key and window. Callers await the answer (the shared limiter asks Redis). */
export interface TryLimiter {
	/** Counts a try; false when this key has used up its window (a window starts at its first try). */
	take(key: string, now?: number): boolean | Promise<boolean>;
}

export class RateLimiter implements TryLimiter {
	private readonly hits = new Map<string, { count: number; windowStart: number }>();
	private readonly limit: number;
	private readonly windowMs: number;

	constructor(limit: number, windowMs: number) {
		this.limit = limit;
		this.windowMs = windowMs;
	}

	/** Counts a try; false when this key has used up its window. */
	take(key: string, now = clockNow()): boolean {
		let entry = this.hits.get(key);
		if (!entry || now - entry.windowStart >= this.windowMs) {
			if (this.hits.size > 10_000) this.prune(now);
			entry = { count: 0, windowStart: now };
			this.hits.set(key, entry);
		}
		entry.count++;
		return entry.count <= this.limit;
	}

	private prune(now: number): void {
		for (const [key, e] of this.hits) if (now - e.windowStart >= this.windowMs) this.hits.delete(key);
	}
}
