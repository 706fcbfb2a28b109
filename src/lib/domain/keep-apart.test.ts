import { describe, expect, it } from 'vitest';
import { keepApartClash, meetingsShared, mustKeepApart, orderedPair } from './keep-apart';

const pairs = [orderedPair('mother', 'father')];

describe('keep-apart pairs', () => {
	it('stores a pair one way, whichever order the two are named in', () => {
		expect(orderedPair('mother', 'father')).toEqual(orderedPair('father', 'mother'));
		expect(orderedPair('b', 'a')).toEqual({ personA: 'a', personB: 'b' });
	});

	it('keeps the two apart in either direction, and nobody else', () => {
		expect(mustKeepApart(pairs, 'father', 'mother')).toBe(true);
		expect(mustKeepApart(pairs, 'mother', 'father')).toBe(true);
		expect(mustKeepApart(pairs, 'mother', 'grandmother')).toBe(false);
	});

	it('names the member a newcomer clashes with, or nobody', () => {
		expect(keepApartClash(pairs, 'father', ['grandmother', 'mother'])).toBe('mother');
		expect(keepApartClash(pairs, 'father', ['grandmother', 'aunt'])).toBeNull();
		expect(keepApartClash(pairs, 'father', [])).toBeNull();
		// Already in the session: no clash with oneself.
		expect(keepApartClash(pairs, 'father', ['father'])).toBeNull();
	});

	it('finds the meetings where two people share a session, each once', () => {
		const memberships = [
			{ sessionId: 's1', personId: 'mother', meetingId: 'm1' },
			{ sessionId: 's1', personId: 'father', meetingId: 'm1' },
			{ sessionId: 's2', personId: 'mother', meetingId: 'm1' },
			{ sessionId: 's2', personId: 'father', meetingId: 'm1' },
			{ sessionId: 's3', personId: 'father', meetingId: 'm2' }
		];
		expect(meetingsShared(memberships, 'mother', 'father')).toEqual(['m1']);
		expect(meetingsShared(memberships.slice(4), 'mother', 'father')).toEqual([]);
	});
});
