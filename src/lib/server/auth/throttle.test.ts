import { describe, expect, it } from 'vitest';
import { RULES, SignInThrottle } from './throttle';

describe('sign-in throttling', () => {
	it('lets a few mistakes through, then makes the same address wait longer and longer', () => {
		const t = new SignInThrottle();
		let now = 1_000_000;
		for (let i = 0; i <= RULES.accountAddress.free; i++) {
			expect(t.retryAfter('10.0.0.1', 'ana@demo.test', now)).toBe(0);
			t.fail('10.0.0.1', 'ana@demo.test', now);
		}
		const first = t.retryAfter('10.0.0.1', 'ana@demo.test', now);
		expect(first).toBeGreaterThan(0);
		now += first;
		t.fail('10.0.0.1', 'ana@demo.test', now);
		expect(t.retryAfter('10.0.0.1', 'ana@demo.test', now)).toBeGreaterThan(first);
	});

	it('never locks the real person out: failures elsewhere delay an account by seconds at most', () => {
		const t = new SignInThrottle();
		const now = 1_000_000;
		// An attacker fails from many addresses against one account.
		for (let i = 0; i < 500; i++) t.fail(`203.0.113.${i % 250}`, 'sam@demo.test', now);
		expect(t.retryAfter('198.51.100.7', 'sam@demo.test', now)).toBeLessThanOrEqual(RULES.account.capMs);
	});

	it('forgets an account’s failures after a successful sign-in', () => {
		const t = new SignInThrottle();
		for (let i = 0; i < 8; i++) t.fail('10.0.0.2', 'lee@demo.test', 0);
		t.succeed('10.0.0.2', 'lee@demo.test');
		expect(t.retryAfter('10.0.0.2', 'lee@demo.test', 0)).toBe(0);
	});

	it('counts a try when it is taken, so tries sent at once get no more through than tries sent one by one', () => {
		const t = new SignInThrottle();
		const now = 1_000_000;
		// 150 guesses arrive before any password check has finished: each takes its try at once.
		const waits = Array.from({ length: 150 }, () => t.reserve('10.0.0.3', 'kim@demo.test', now));
		expect(waits.filter((w) => w === 0)).toHaveLength(RULES.accountAddress.free + 1);
		expect(waits.slice(RULES.accountAddress.free + 1).every((w) => w > 0)).toBe(true);
		// A try that had to wait was not counted: the wait does not grow with the number refused.
		expect(t.retryAfter('10.0.0.3', 'kim@demo.test', now)).toBe(RULES.accountAddress.baseMs);
	});

	it('gives the try back when the password was right, and keeps the real person within seconds of signing in', () => {
		const t = new SignInThrottle();
		const now = 1_000_000;
		for (let i = 0; i < 500; i++) t.reserve(`203.0.113.${i % 250}`, 'sam@demo.test', now);
		// The real person, from their own address, waits at most the per-account cap, then gets in.
		const wait = t.reserve('198.51.100.7', 'sam@demo.test', now);
		expect(wait).toBeLessThanOrEqual(RULES.account.capMs);
		expect(t.reserve('198.51.100.7', 'sam@demo.test', now + wait)).toBe(0);
		t.succeed('198.51.100.7', 'sam@demo.test');
		expect(t.retryAfter('198.51.100.7', 'sam@demo.test', now + wait)).toBe(0);
		// Signing in many times from one address (an office) never adds up to a wait.
		for (let i = 0; i < 50; i++) {
			expect(t.reserve('192.0.2.1', `staff${i % 3}@demo.test`, now)).toBe(0);
			t.succeed('192.0.2.1', `staff${i % 3}@demo.test`);
		}
	});
});
