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
});
