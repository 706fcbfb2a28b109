import { Temporal } from 'temporal-polyfill';

// Local days and wall-clock times in a named IANA zone → instants, through Temporal (temporal-polyfill:
// Node 24 has no native Temporal). Every conversion from what a person reads on a clock or a calendar
// (an audit filter's day, a meeting's 17:30, availability, a deadline's last day) to an instant goes
// through here, so that the days on which clocks change are right once, everywhere:
// - a day need not start at 00:00: where clocks jump forward at midnight (America/Santiago, America/Havana,
//   Asia/Beirut) the first minute of the day is 01:00;
// - a wall time that does not exist (in the gap) is moved forward by the gap's length, and one that exists
//   twice (in the overlap) means its first occurrence: Temporal's 'compatible' rule, the one calendars and
//   RFC 5545 use.
// Instants are milliseconds since the Unix epoch (UTC).

/** A calendar day, month 1–12. */
export type CalendarDay = { year: number; month: number; day: number };
/** A wall-clock time on a calendar day, 24-hour, minutes 0–59. */
export type WallTime = CalendarDay & { hour: number; minute: number };

/**
 * The instant a wall-clock time in `timeZone` names. A time skipped by a change of clocks is moved forward
 * by the length of the gap (02:30 on the night clocks go from 02:00 to 03:00 is 03:30); a time that occurs
 * twice is the first of the two. Throws a RangeError for an unknown zone or a day that does not exist.
 */
export function zonedWallTimeToInstant(wall: WallTime, timeZone: string): number {
	return Temporal.PlainDateTime.from({ ...wall }, { overflow: 'reject' }).toZonedDateTime(timeZone, { disambiguation: 'compatible' }).epochMilliseconds;
}

/**
 * The first instant of a calendar day in `timeZone` (not always its 00:00: see above), after moving the day
 * `plusDays` days on. `startOfLocalDay(d, z, 1)` is the end (exclusive) of day `d`, so "from day a to day b"
 * is `[startOfLocalDay(a, z), startOfLocalDay(b, z, 1))`. `day` is a CalendarDay or `YYYY-MM-DD`; throws a
 * RangeError for a day that does not exist (2026-02-30) or an unknown zone.
 */
export function startOfLocalDay(day: CalendarDay | string, timeZone: string, plusDays = 0): number {
	const date = typeof day === 'string' ? Temporal.PlainDate.from(day, { overflow: 'reject' }) : Temporal.PlainDate.from({ ...day }, { overflow: 'reject' });
	return date.add({ days: plusDays }).toZonedDateTime({ timeZone }).epochMilliseconds;
}

/** Whether `value` is a calendar day written YYYY-MM-DD that exists (2026-02-29 does not). */
export function isCalendarDay(value: string): boolean {
	if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
	try {
		Temporal.PlainDate.from(value, { overflow: 'reject' });
		return true;
	} catch {
		return false;
	}
}

/** The calendar day an instant falls on in `timeZone`. */
export function zonedDate(instant: number, timeZone: string): CalendarDay {
	const date = Temporal.Instant.fromEpochMilliseconds(instant).toZonedDateTimeISO(timeZone);
	return { year: date.year, month: date.month, day: date.day };
}

/** A calendar day written YYYY-MM-DD (ISO 8601), as the database and date inputs hold it. */
export function isoDay(day: CalendarDay): string {
	return Temporal.PlainDate.from({ ...day }, { overflow: 'reject' }).toString();
}
