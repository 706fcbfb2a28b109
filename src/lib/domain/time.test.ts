import { describe, expect, it } from 'vitest';
import { zonedDate, zonedWallTimeToInstant } from './time';

describe('wall-clock time in a zone', () => {
	it('keeps 17:30 in Chicago across the daylight-saving change', () => {
		const summer = zonedWallTimeToInstant({ year: 2026, month: 10, day: 27, hour: 17, minute: 30 }, 'America/Chicago');
		const winter = zonedWallTimeToInstant({ year: 2026, month: 11, day: 3, hour: 17, minute: 30 }, 'America/Chicago');
		expect(new Date(summer).toISOString()).toBe('2026-10-27T22:30:00.000Z');
		expect(new Date(winter).toISOString()).toBe('2026-11-03T23:30:00.000Z');
	});

	it('gives the calendar date in the zone, not in UTC', () => {
		expect(zonedDate(Date.UTC(2026, 10, 24, 3, 0), 'America/Chicago')).toEqual({ year: 2026, month: 11, day: 23 });
	});
});
