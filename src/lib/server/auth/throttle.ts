// Sign-in throttling with growing delays, per client address and per account. Never a lockout an
// attacker can trigger: the per-account delay from all addresses together is capped low, so someone
// guessing from elsewhere can slow the real person down by seconds, never keep them out; the long
// delays apply only to the address that keeps failing.

import { now as clockNow } from '../clock.ts';

type Entry = { failures: number; nextAllowedAt: number; lastFailureAt: number };

export type ThrottleRule = { free: number; baseMs: number; capMs: number };

export const RULES = {
	/** One client address, all accounts. */
	address: { free: 10, baseMs: 1_000, capMs: 15 * 60_000 },
	/** One account from one address. */
	accountAddress: { free: 5, baseMs: 2_000, capMs: 15 * 60_000 },
	/** One account from everywhere: capped low on purpose (see above). */
	account: { free: 20, baseMs: 1_000, capMs: 10_000 }
} satisfies Record<string, ThrottleRule>;

/** How long an address's or account's failures are kept after its last one. */
export const FORGET_AFTER_MS = 60 * 60_000;

/**
 * What sign-in asks of a throttle: in this process (SignInThrottle) or shared by every instance
 * (redis/limits.ts), so that an attacker cannot multiply his tries by the number of instances. Callers
 * await the answers (the shared one asks Redis).
 */
export interface SignInThrottling {
	/** See SignInThrottle.reserve: 0 to go ahead (the try now counts as a failure), else milliseconds to wait. */
	reserve(address: string, account: string, now?: number): number | Promise<number>;
	/** See SignInThrottle.succeed. */
	succeed(address: string, account: string): void | Promise<void>;
}

/** Keys of the three counts one try touches, with their rules: address, account from address, account. */
export function throttleKeys(rules: typeof RULES, address: string, account: string): [string, ThrottleRule][] {
	return [
		[`a:${address}`, rules.address],
		[`aa:${account}|${address}`, rules.accountAddress],
		[`u:${account}`, rules.account]
	];
}

/** The throttle of one process. */
export class SignInThrottle implements SignInThrottling {
	private readonly entries = new Map<string, Entry>();
	private readonly rules: typeof RULES;

	constructor(rules: typeof RULES = RULES) {
		this.rules = rules;
	}

	private keys(address: string, account: string): [string, ThrottleRule][] {
		return throttleKeys(this.rules, address, account);
	}

	/** Milliseconds to wait before this attempt may be checked; 0 when it may go ahead. */
	retryAfter(address: string, account: string, now = clockNow()): number {
		let wait = 0;
		for (const [key] of this.keys(address, account)) {
			const e = this.entries.get(key);
			if (e) wait = Math.max(wait, e.nextAllowedAt - now);
		}
		return Math.max(0, wait);
	}

	/**
	 * Takes a try before the password is checked: 0 when it may go ahead (and it now counts as a failure, so
	 * tries sent at once are counted one by one, however long each check takes), else the milliseconds to
	 * wait (and nothing is counted). A try that turns out right is given back by `succeed`. Synchronous on
	 * purpose: nothing may run between the look and the count.
	 */
	reserve(address: string, account: string, now = clockNow()): number {
		const wait = this.retryAfter(address, account, now);
		if (wait === 0) this.fail(address, account, now);
		return wait;
	}

	fail(address: string, account: string, now = clockNow()): void {
		this.prune(now);
		for (const [key, rule] of this.keys(address, account)) {
			const e = this.entries.get(key) ?? { failures: 0, nextAllowedAt: 0, lastFailureAt: now };
			e.failures++;
			e.lastFailureAt = now;
			const over = e.failures - rule.free;
			e.nextAllowedAt = over > 0 ? now + Math.min(rule.baseMs * 2 ** (over - 1), rule.capMs) : 0;
			this.entries.set(key, e);
		}
	}

	/**
	 * The right password: forgets the account's failures, and gives the address back the try `reserve`
	 * counted for this sign-in (its other failures stand: they may be guesses at other accounts).
	 */
	succeed(address: string, account: string): void {
		this.entries.delete(`aa:${account}|${address}`);
		this.entries.delete(`u:${account}`);
		const byAddress = this.entries.get(`a:${address}`);
		if (byAddress) {
			byAddress.failures = Math.max(0, byAddress.failures - 1);
			if (byAddress.failures <= this.rules.address.free) byAddress.nextAllowedAt = 0;
		}
	}

	private prune(now: number): void {
		if (this.entries.size < 10_000) return;
		for (const [key, e] of this.entries) if (now - e.lastFailureAt > FORGET_AFTER_MS) this.entries.delete(key);
	}
}
