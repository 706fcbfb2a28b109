import { describe, expect, it } from 'vitest';
import { AnonymousRefusals } from './anonymous-refusals';

const policy = { windowMs: 60_000, rowsPerAddress: 3, rowsInAll: 5, limitPerAddress: 6 };
const T0 = 6_000_000; // the start of a window
const refusal = (clientAddress: string | null, at: number, action = 'meeting.view', why: string | null = 'not-found') => ({ clientAddress, action, resourceType: 'meeting', caseId: null, why, at });

describe('refusals of callers who are not signed in', () => {
	it('writes the first few of an address, then counts the rest into one summary per action and reason', () => {
		const r = new AnonymousRefusals(policy);
		const answers = Array.from({ length: 10 }, (_, i) => r.note(refusal('203.0.113.5', T0 + i * 1000)));
		expect(answers).toEqual(['row', 'row', 'row', 'counted', 'counted', 'counted', 'counted', 'counted', 'counted', 'counted']);
		r.note(refusal('203.0.113.5', T0 + 20_000, 'invite.open', 'unknown'));
		// Nothing is due before the window ends…
		expect(r.takeDue(T0 + 59_999)).toEqual([]);
		// …then one summary each, with the count and the first and last time.
		expect(r.takeDue(T0 + 60_000)).toEqual([
			{ clientAddress: '203.0.113.5', action: 'meeting.view', resourceType: 'meeting', caseId: null, why: 'not-found', count: 7, firstAt: T0 + 3000, lastAt: T0 + 9000 },
			{ clientAddress: '203.0.113.5', action: 'invite.open', resourceType: 'meeting', caseId: null, why: 'unknown', count: 1, firstAt: T0 + 20_000, lastAt: T0 + 20_000 }
		]);
		expect(r.takeDue(T0 + 120_000)).toEqual([]);
	});

	it('answers an address 429 once it is past the limit, until the window ends; others are not touched', () => {
		const r = new AnonymousRefusals(policy);
		for (let i = 0; i < 5; i++) r.note(refusal('203.0.113.5', T0 + i));
		expect(r.blocked('203.0.113.5', T0 + 10)).toBe(false);
		r.note(refusal('203.0.113.5', T0 + 11));
		expect(r.blocked('203.0.113.5', T0 + 12)).toBe(true);
		expect(r.blocked('198.51.100.7', T0 + 12)).toBe(false);
		expect(r.blocked('203.0.113.5', T0 + 60_000)).toBe(false);
		// A new window: its own rows again.
		expect(r.note(refusal('203.0.113.5', T0 + 60_001))).toBe('row');
	});

	it('counts requests still being answered toward the limit: a burst sent at once gets no more through than one by one', () => {
		const r = new AnonymousRefusals(policy);
		// Ten at once, none answered yet: as many as the limit are let through, the rest answered 429.
		const admitted = Array.from({ length: 10 }, () => r.admit('203.0.113.5', T0));
		expect(admitted).toEqual([true, true, true, true, true, true, false, false, false, false]);
		expect(r.admit('198.51.100.7', T0)).toBe(true);
		// Answered without a refusal: its place is free again.
		r.answered('203.0.113.5', T0);
		expect(r.admit('203.0.113.5', T0 + 1)).toBe(true);
		// Refused, then answered: the refusal keeps the place.
		r.note(refusal('203.0.113.5', T0 + 2));
		r.answered('203.0.113.5', T0);
		expect(r.admit('203.0.113.5', T0 + 3)).toBe(false);
		for (let i = 0; i < 5; i++) r.answered('203.0.113.5', T0);
		expect(r.admit('203.0.113.5', T0 + 4)).toBe(true);
		// A new window starts afresh; an answer from the window before changes nothing in it.
		const next = Array.from({ length: 7 }, () => r.admit('203.0.113.5', T0 + 60_000));
		expect(next.filter(Boolean)).toHaveLength(6);
		r.answered('203.0.113.5', T0);
		expect(r.admit('203.0.113.5', T0 + 60_001)).toBe(false);
	});

	it('stops counting a refused request as being answered in the same step as it counts its refusal', () => {
		const r = new AnonymousRefusals(policy);
		expect(Array.from({ length: 5 }, () => r.admit('203.0.113.5', T0))).toEqual([true, true, true, true, true]);
		// One of the five is refused: one refusal and four being answered, five in all, so a sixth fits.
		r.note(refusal('203.0.113.5', T0 + 1), T0);
		expect(r.admit('203.0.113.5', T0 + 2)).toBe(true);
		expect(r.admit('203.0.113.5', T0 + 3)).toBe(false);
		// A refusal of no admitted request (the 429 itself) releases nothing.
		r.note(refusal('203.0.113.5', T0 + 4, 'http.too-many', null));
		// The five still being answered are answered: two refusals hold their places, four are free.
		for (let i = 0; i < 5; i++) r.answered('203.0.113.5', T0);
		expect(Array.from({ length: 5 }, () => r.admit('203.0.113.5', T0 + 5))).toEqual([true, true, true, true, false]);
	});

	it('caps the rows of all addresses together, so many addresses at once cannot fill the trail either', () => {
		const r = new AnonymousRefusals(policy);
		const answers = Array.from({ length: 20 }, (_, i) => r.note(refusal(`192.0.2.${i}`, T0 + i)));
		expect(answers.filter((a) => a === 'row')).toHaveLength(policy.rowsInAll);
		expect(r.takeDue(T0, true).reduce((n, s) => n + s.count, 0)).toBe(15);
	});

	it('hands out everything still counted at shutdown', () => {
		const r = new AnonymousRefusals(policy);
		for (let i = 0; i < 8; i++) r.note(refusal(null, T0 + i));
		expect(r.takeDue(T0 + 10, true)).toEqual([{ clientAddress: null, action: 'meeting.view', resourceType: 'meeting', caseId: null, why: 'not-found', count: 5, firstAt: T0 + 3, lastAt: T0 + 7 }]);
		expect(r.pendingCount).toBe(0);
	});
});
