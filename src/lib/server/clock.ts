import { z } from 'zod';

// The time as Hearth reads it. Services get it from the request's context (ctx.now, set from here in
// hooks.server.ts) and jobs from theirs; only this module reads the system clock. Tests set the time:
// unit tests pass a time to the function they call, and tests of the real server start it with
// HEARTH_TEST_CLOCK=1 and move this clock forward (POST /__test/clock, server/index.ts) instead of
// sleeping through an expiry, a rest or a retry's backoff.
//
// The state lives on globalThis because the custom server (plain Node) and the SvelteKit bundle each have
// their own copy of this module, and both must read one clock.

const KEY = Symbol.for('hearth.clock');
type ClockState = { testing: boolean; offsetMs: number };
type Holder = { [KEY]?: ClockState };

function state(): ClockState {
	return ((globalThis as Holder)[KEY] ??= { testing: false, offsetMs: 0 });
}

/**
 * Now, in milliseconds since the epoch (UTC). In production the system clock; under the test clock, the
 * system clock plus however far tests have moved it (time keeps running between moves).
 */
export function now(): number {
	return Date.now() + state().offsetMs;
}

/**
 * Lets tests move this process's clock (`moveClock`). The server calls it at start only when
 * HEARTH_TEST_CLOCK=1, which config.ts refuses outside NODE_ENV=test unless HEARTH_ALLOW_TEST_CLOCK=1.
 */
export function enableTestClock(): void {
	state().testing = true;
}

/** Back to the system clock, unmovable (unit tests of this module). */
export function disableTestClock(): void {
	const s = state();
	s.testing = false;
	s.offsetMs = 0;
}

/** Whether tests may move the clock in this process. */
export function isTestClock(): boolean {
	return state().testing;
}

/** How tests move the clock: forward by `advanceMs`, or to the instant `at` (ms since the epoch). */
export const clockMoveSchema = z.union([
	z.object({ advanceMs: z.number().int().min(0).max(10 * 365 * 86_400_000) }).strict(),
	z.object({ at: z.number().int().min(0) }).strict()
]);
export type ClockMove = z.infer<typeof clockMoveSchema>;

/**
 * Moves the test clock and returns the new now (ms). Throws when the test clock is not enabled: a bug in a
 * caller, since the only route to it is registered only with the test clock on.
 */
export function moveClock(move: ClockMove): number {
	const s = state();
	if (!s.testing) throw new Error('The clock can be moved only with HEARTH_TEST_CLOCK=1.');
	if ('advanceMs' in move) s.offsetMs += move.advanceMs;
	else s.offsetMs = move.at - Date.now();
	return now();
}
