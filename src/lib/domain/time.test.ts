import { describe, expect, it } from 'vitest';
import { isCalendarDay, isoDay, startOfLocalDay, zonedDate, zonedWallTimeToInstant } from './time';

const iso = (instant: number) => new Date(instant).toISOString();
const wall = (date: string, hour: number, minute: number) => {
	const [year, month, day] = date.split('-').map(Number);
	return { year, month, day, hour, minute };
};

describe('wall-clock time in a zone', () => {
	it('keeps 17:30 in Chicago across the daylight-saving change', () => {
		expect(iso(zonedWallTimeToInstant(wall('2026-10-27', 17, 30), 'America/Chicago'))).toBe('2026-10-27T22:30:00.000Z');
		expect(iso(zonedWallTimeToInstant(wall('2026-11-03', 17, 30), 'America/Chicago'))).toBe('2026-11-03T23:30:00.000Z');
	});

	it('moves a time the clocks skip forward by the length of the gap', () => {
		// Chicago, 8 March 2026: 02:00 → 03:00. 02:30 does not exist; it is 03:30 CDT.
		expect(iso(zonedWallTimeToInstant(wall('2026-03-08', 2, 30), 'America/Chicago'))).toBe('2026-03-08T08:30:00.000Z');
		// London, 29 March 2026: 01:00 → 02:00.
		expect(iso(zonedWallTimeToInstant(wall('2026-03-29', 1, 30), 'Europe/London'))).toBe('2026-03-29T01:30:00.000Z');
		// Lord Howe Island moves its clocks by half an hour: 4 October 2026, 02:00 → 02:30.
		expect(iso(zonedWallTimeToInstant(wall('2026-10-04', 2, 15), 'Australia/Lord_Howe'))).toBe('2026-10-03T15:45:00.000Z');
	});

	it('takes the first of a time that happens twice', () => {
		// Chicago, 1 November 2026: 02:00 → 01:00; 01:30 CDT comes first.
		expect(iso(zonedWallTimeToInstant(wall('2026-11-01', 1, 30), 'America/Chicago'))).toBe('2026-11-01T06:30:00.000Z');
		expect(iso(zonedWallTimeToInstant(wall('2026-10-25', 1, 30), 'Europe/London'))).toBe('2026-10-25T00:30:00.000Z');
		// Lord Howe, 5 April 2026: 02:00 → 01:30; 01:45 at UTC+11 comes first.
		expect(iso(zonedWallTimeToInstant(wall('2026-04-05', 1, 45), 'Australia/Lord_Howe'))).toBe('2026-04-04T14:45:00.000Z');
	});

	it('refuses a day that does not exist and a zone that does not exist', () => {
		expect(() => zonedWallTimeToInstant(wall('2026-02-30', 9, 0), 'America/Chicago')).toThrow(RangeError);
		expect(() => zonedWallTimeToInstant(wall('2026-02-28', 9, 0), 'Mars/Olympus_Mons')).toThrow(RangeError);
	});
});

describe('the first instant of a local day', () => {
	it('is 01:00 where the clocks jump forward at midnight (the audit filter bug: 2026-09-06 in Santiago)', () => {
		// Chile goes from UTC-4 to UTC-3 at 00:00 on 6 September 2026: the day begins at 01:00, 04:00 UTC.
		// (The old arithmetic gave 03:00 UTC, 23:00 on 5 September.)
		expect(iso(startOfLocalDay('2026-09-06', 'America/Santiago'))).toBe('2026-09-06T04:00:00.000Z');
		expect(iso(startOfLocalDay('2026-09-05', 'America/Santiago', 1))).toBe('2026-09-06T04:00:00.000Z');
		// Cuba, 8 March 2026, 00:00 → 01:00 (UTC-4).
		expect(iso(startOfLocalDay('2026-03-08', 'America/Havana'))).toBe('2026-03-08T05:00:00.000Z');
		// Lebanon, 29 March 2026, 00:00 → 01:00 (UTC+3).
		expect(iso(startOfLocalDay('2026-03-29', 'Asia/Beirut'))).toBe('2026-03-28T22:00:00.000Z');
	});

	it('is the first 00:00 where the clocks go back at midnight', () => {
		// Chile, 5 April 2026: 00:00 → 23:00 on the 4th; the 4th began at UTC-3, the 5th begins at UTC-4.
		expect(iso(startOfLocalDay('2026-04-04', 'America/Santiago'))).toBe('2026-04-04T03:00:00.000Z');
		expect(iso(startOfLocalDay('2026-04-05', 'America/Santiago'))).toBe('2026-04-05T04:00:00.000Z');
		// Cuba, 1 November 2026 (01:00 → 00:00): the day still begins at its one 00:00, UTC-4.
		expect(iso(startOfLocalDay('2026-11-01', 'America/Havana'))).toBe('2026-11-01T04:00:00.000Z');
		// Lebanon, 25 October 2026: 00:00 → 23:00 on the 24th.
		expect(iso(startOfLocalDay('2026-10-25', 'Asia/Beirut'))).toBe('2026-10-24T22:00:00.000Z');
	});

	it('makes days of 23 and 25 hours where the change is at night, and handles month and year ends', () => {
		const hours = (day: string, zone: string) => (startOfLocalDay(day, zone, 1) - startOfLocalDay(day, zone)) / 3_600_000;
		expect(hours('2026-03-08', 'America/Chicago')).toBe(23);
		expect(hours('2026-11-01', 'America/Chicago')).toBe(25);
		expect(hours('2026-10-04', 'Australia/Lord_Howe')).toBe(23.5);
		expect(hours('2026-09-06', 'America/Santiago')).toBe(23);
		expect(hours('2026-03-29', 'Europe/London')).toBe(23);
		expect(iso(startOfLocalDay('2026-12-31', 'UTC', 1))).toBe('2027-01-01T00:00:00.000Z');
		expect(iso(startOfLocalDay({ year: 2028, month: 2, day: 28 }, 'UTC', 1))).toBe('2028-02-29T00:00:00.000Z');
	});

	it('refuses a day that does not exist', () => {
		expect(() => startOfLocalDay('2026-02-29', 'UTC')).toThrow(RangeError);
		expect(isCalendarDay('2026-02-29')).toBe(false);
		expect(isCalendarDay('2028-02-29')).toBe(true);
		expect(isCalendarDay('2026-5-1')).toBe(false);
		expect(isCalendarDay('+002026-05-01')).toBe(false);
	});
});

describe('the calendar day of an instant', () => {
	it('is the day in the zone, not in UTC', () => {
		expect(zonedDate(Date.UTC(2026, 10, 24, 3, 0), 'America/Chicago')).toEqual({ year: 2026, month: 11, day: 23 });
		expect(zonedDate(Date.UTC(2026, 8, 6, 3, 59), 'America/Santiago')).toEqual({ year: 2026, month: 9, day: 5 });
		expect(zonedDate(Date.UTC(2026, 8, 6, 4, 0), 'America/Santiago')).toEqual({ year: 2026, month: 9, day: 6 });
	});

	it('writes a day as YYYY-MM-DD', () => {
		expect(isoDay({ year: 2026, month: 3, day: 8 })).toBe('2026-03-08');
		expect(isoDay(zonedDate(Date.UTC(2026, 10, 24, 3, 0), 'America/Chicago'))).toBe('2026-11-23');
	});
});
