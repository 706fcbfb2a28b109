import { afterEach, describe, expect, it } from 'vitest';
import { clockMoveSchema, disableTestClock, enableTestClock, isTestClock, moveClock, now } from './clock';
import { parseConfig } from './config';

afterEach(() => disableTestClock());

describe('the clock', () => {
	it('is the system clock unless tests move it', () => {
		const before = Date.now();
		const read = now();
		expect(read).toBeGreaterThanOrEqual(before);
		expect(read).toBeLessThanOrEqual(Date.now());
		expect(isTestClock()).toBe(false);
		expect(() => moveClock({ advanceMs: 1000 })).toThrow(/HEARTH_TEST_CLOCK=1/);
	});

	it('moves forward by advanceMs, and keeps running from there', () => {
		enableTestClock();
		const start = now();
		const moved = moveClock({ advanceMs: 3 * 3_600_000 });
		expect(moved - start).toBeGreaterThanOrEqual(3 * 3_600_000);
		expect(moved - start).toBeLessThan(3 * 3_600_000 + 1000);
		expect(now()).toBeGreaterThanOrEqual(moved);
	});

	it('moves to an instant with at, in the past as well', () => {
		enableTestClock();
		const at = Date.UTC(2026, 10, 3, 23, 30);
		const moved = moveClock({ at });
		expect(moved - at).toBeGreaterThanOrEqual(0);
		expect(moved - at).toBeLessThan(1000);
		disableTestClock();
		expect(Math.abs(now() - Date.now())).toBeLessThan(1000);
	});

	it('takes one of the two moves, and nothing else', () => {
		expect(clockMoveSchema.safeParse({ advanceMs: 60_000 }).success).toBe(true);
		expect(clockMoveSchema.safeParse({ at: 1_790_000_000_000 }).success).toBe(true);
		for (const bad of [{}, { advanceMs: -1 }, { advanceMs: 1.5 }, { advanceMs: '60000' }, { advanceMs: 1, at: 1 }, { at: 1, extra: true }, null]) {
			expect(clockMoveSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
		}
	});
});

describe('HEARTH_TEST_CLOCK', () => {
	it('is refused outside tests: a movable clock would let a caller expire sessions and codes', () => {
		expect(() => parseConfig({ HEARTH_TEST_CLOCK: '1' })).toThrow(/HEARTH_TEST_CLOCK: a movable clock is for tests only/);
		expect(() => parseConfig({ HEARTH_TEST_CLOCK: '1', NODE_ENV: 'production' })).toThrow(/HEARTH_TEST_CLOCK/);
		expect(parseConfig({ HEARTH_TEST_CLOCK: '1', NODE_ENV: 'test' }).HEARTH_TEST_CLOCK).toBe(true);
		expect(parseConfig({ HEARTH_TEST_CLOCK: '1', HEARTH_ALLOW_TEST_CLOCK: '1' }).HEARTH_TEST_CLOCK).toBe(true);
		expect(parseConfig({}).HEARTH_TEST_CLOCK).toBe(false);
	});
});
