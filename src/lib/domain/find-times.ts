import { Temporal } from 'temporal-polyfill';
import { startOfLocalDay, zonedWallTimeToInstant, type CalendarDay } from './time.ts';
import { isAfterDeadline, type Deadline } from './jurisdiction.ts';
import type { KeepApartPair } from './keep-apart.ts';
import { DAY_MINUTES, isBlock, STEP_MINUTES, type Availability, type Preference } from './availability.ts';

// Finding meeting times around the family (issue 22; the practice guides: the family has a say in the
// time, date and place; consider hours before and after office hours, lunch and weekends; domain.md §6:
// availability is collected privately and intersected on the server). Pure: no clock, no database, no
// host time zone; every time a person gives is a wall-clock time in their own IANA zone, every time this
// returns is an instant (ms UTC), named in a zone only by whoever shows it.
//
// A person's availability is a repeating weekly pattern plus date-specific changes, each a block of whole
// quarter hours marked "works best", "if need be" or "can't". Where a date-specific change covers a time,
// it is what counts there; elsewhere the weekly pattern; a time neither covers is "not said". Where blocks
// of the same layer overlap, the least available mark counts (can't > not said > if need be > works best
// … read as "worst wins"), so the order the blocks were entered in never matters.
//
// A meeting at a time is as good as the worst quarter hour of it for each person. A time any required
// person "can't" make is never proposed; the others are ranked by how many can come and how gladly (a
// required person counts three times an optional one; works best counts twice if need be; not said counts
// for a little, less than if need be), then earlier first. A person who takes part in writing (written
// input) is not held to any time. Times are spread across days: at most `perDay` a day (in the agency's
// zone), never two that overlap.

export { PREFERENCES, STEP_MINUTES, DAY_MINUTES, isBlock } from './availability.ts';
export type { Preference, WeeklyBlock, DateBlock, Availability } from './availability.ts';

/** Office hours of the agency: weekly blocks (no preference: inside is office hours) in its zone. */
export type OfficeHours = { timeZone: string; weekly: readonly { weekday: number; start: number; end: number }[] };

/** Someone asked to the meeting. `availability` null: they have not given it. `written`: takes part in writing. */
export type Invitee = { personId: string; required: boolean; written?: boolean; availability: Availability | null };

export type FindTimesInput = {
	/** Candidates start at or after `from` and end at or before `until` (ms UTC). */
	from: number;
	until: number;
	/** The meeting's length in minutes (a whole number of quarter hours, at least one). */
	durationMinutes: number;
	invitees: readonly Invitee[];
	keepApart: readonly KeepApartPair[];
	officeHours: OfficeHours;
	/** How many times to return (default 8) and at most how many on one day of the agency's zone (default 2). */
	limit?: number;
	perDay?: number;
};

/** How one person stands at a time: one of the marks, or not said (`NOT_SAID`, also when they gave no availability). */
export type Standing = Preference | 'NOT_SAID';

/**
 * A proposed time and its reasons. Ids are sorted, so the answer never depends on the order of the input.
 * `cannot` holds only optional people (a required one who cannot is never proposed); `written` those who
 * take part in writing; `separateSessions` the keep-apart pairs both of whom may come at this time (each
 * needs a separate session, domain.md §6); `outsideOfficeHours` when any part is outside the agency's hours.
 */
export type ProposedTime = {
	start: number;
	end: number;
	score: number;
	best: string[];
	ifNeedBe: string[];
	notSaid: string[];
	cannot: string[];
	written: string[];
	outsideOfficeHours: boolean;
	separateSessions: KeepApartPair[];
};

// Standings as small numbers, worst first: the worst of several is their minimum.
const CANT = 0;
const NOT_SAID = 1;
const IF_NEED_BE = 2;
const BEST = 3;
/** Not covered by any block of a layer (a date-specific layer leaves the weekly one to count there). */
const UNSET = 4;
const CODE: Record<Preference, number> = { CANT, IF_NEED_BE, BEST };
const STANDING: Standing[] = ['CANT', 'NOT_SAID', 'IF_NEED_BE', 'BEST'];
/** What each standing adds to a time's score, for an optional person (a required one counts REQUIRED_WEIGHT times). */
const VALUE = [0, 0.25, 1, 2];
const REQUIRED_WEIGHT = 3;

/**
 * Wall-clock minutes of calendar days in one zone → instants, fast: a day of exactly 24 hours holds no
 * change of clocks, so its minutes are its first instant plus minutes; any other day (the days clocks
 * change) goes through Temporal minute by minute asked (time.ts: a skipped time moves forward, a repeated
 * one is its first occurrence).
 */
class ZoneDays {
	private readonly starts = new Map<string, { start: number; day: CalendarDay; regular: boolean }>();
	readonly timeZone: string;
	constructor(timeZone: string) {
		this.timeZone = timeZone;
	}

	/** The first instant of `date` (YYYY-MM-DD) and whether the day is 24 hours long. */
	day(date: string): { start: number; day: CalendarDay; regular: boolean } {
		let d = this.starts.get(date);
		if (!d) {
			const start = startOfLocalDay(date, this.timeZone);
			const next = startOfLocalDay(date, this.timeZone, 1);
			const [year, month, day] = date.split('-').map(Number);
			d = { start, day: { year, month, day }, regular: next - start === DAY_MINUTES * 60_000 };
			this.starts.set(date, d);
		}
		return d;
	}

	/** The instant of minute `minute` (0 … 1440) of `date` in this zone. */
	instant(date: string, minute: number): number {
		const d = this.day(date);
		if (d.regular) return d.start + minute * 60_000;
		if (minute >= DAY_MINUTES) return startOfLocalDay(date, this.timeZone, 1);
		return zonedWallTimeToInstant({ ...d.day, hour: Math.floor(minute / 60), minute: minute % 60 }, this.timeZone);
	}
}

/** The calendar days (YYYY-MM-DD) in `timeZone` that [from, until) touches, with each one's ISO weekday. */
function daysCovering(from: number, until: number, timeZone: string): { date: string; weekday: number }[] {
	const first = Temporal.Instant.fromEpochMilliseconds(from).toZonedDateTimeISO(timeZone).toPlainDate();
	const last = Temporal.Instant.fromEpochMilliseconds(Math.max(from, until - 1)).toZonedDateTimeISO(timeZone).toPlainDate();
	const days: { date: string; weekday: number }[] = [];
	for (let d = first; Temporal.PlainDate.compare(d, last) <= 0; d = d.add({ days: 1 })) days.push({ date: d.toString(), weekday: d.dayOfWeek });
	return days;
}

/**
 * Marks, in `layer` (one entry per quarter hour from `origin`), the blocks' quarter hours with the worst of
 * what is there and the block's mark.
 */
function paint(layer: Uint8Array, origin: number, from: number, to: number, code: number): void {
	const step = STEP_MINUTES * 60_000;
	const a = Math.max(0, Math.ceil((from - origin) / step));
	const b = Math.min(layer.length, Math.ceil((to - origin) / step));
	for (let i = a; i < b; i++) if (code < layer[i]) layer[i] = code;
}

/** One person's standing at each quarter hour of the search (from `origin`, `steps` of them). */
function standings(availability: Availability | null, origin: number, steps: number, zones: Map<string, ZoneDays>): Uint8Array {
	const result = new Uint8Array(steps).fill(NOT_SAID);
	if (!availability) return result;
	const zone = zones.get(availability.timeZone) ?? new ZoneDays(availability.timeZone);
	zones.set(availability.timeZone, zone);
	const end = origin + steps * STEP_MINUTES * 60_000;
	const weekly = new Uint8Array(steps).fill(UNSET);
	const dated = new Uint8Array(steps).fill(UNSET);
	const days = daysCovering(origin, end, availability.timeZone);
	for (const { date, weekday } of days) {
		for (const b of availability.weekly) {
			if (b.weekday !== weekday || !isBlock(b)) continue;
			paint(weekly, origin, zone.instant(date, b.start), zone.instant(date, b.end), CODE[b.preference]);
		}
	}
	const inSearch = new Set(days.map((d) => d.date));
	for (const b of availability.dates) {
		if (!inSearch.has(b.date) || !isBlock(b)) continue;
		paint(dated, origin, zone.instant(b.date, b.start), zone.instant(b.date, b.end), CODE[b.preference]);
	}
	for (let i = 0; i < steps; i++) {
		const v = dated[i] !== UNSET ? dated[i] : weekly[i];
		result[i] = v === UNSET ? NOT_SAID : v;
	}
	return result;
}

/** Whether each quarter hour of the search is inside the agency's office hours. */
function officeSteps(hours: OfficeHours, origin: number, steps: number, zones: Map<string, ZoneDays>): Uint8Array {
	const inside = new Uint8Array(steps);
	const zone = zones.get(hours.timeZone) ?? new ZoneDays(hours.timeZone);
	zones.set(hours.timeZone, zone);
	for (const { date, weekday } of daysCovering(origin, origin + steps * STEP_MINUTES * 60_000, hours.timeZone)) {
		for (const b of hours.weekly) {
			if (b.weekday !== weekday || !isBlock(b)) continue;
			const step = STEP_MINUTES * 60_000;
			const a = Math.max(0, Math.ceil((zone.instant(date, b.start) - origin) / step));
			const e = Math.min(steps, Math.ceil((zone.instant(date, b.end) - origin) / step));
			for (let i = a; i < e; i++) inside[i] = 1;
		}
	}
	return inside;
}

/**
 * Ranks meeting times (see the top of this module). Returns at most `limit` times, best first, spread
 * across days. Candidates start on quarter hours (UTC, which is a quarter hour in every zone in use).
 * Throws a RangeError for a duration that is not a positive whole number of quarter hours, an unknown time
 * zone, or a search longer than 120 days.
 */
export function findTimes(input: FindTimesInput): ProposedTime[] {
	const { durationMinutes } = input;
	if (!Number.isInteger(durationMinutes) || durationMinutes <= 0 || durationMinutes % STEP_MINUTES !== 0) throw new RangeError('the duration must be a whole number of quarter hours');
	const step = STEP_MINUTES * 60_000;
	const origin = Math.ceil(input.from / step) * step;
	const steps = Math.floor((input.until - origin) / step);
	if (steps > 120 * 96) throw new RangeError('a search of more than 120 days');
	const length = durationMinutes / STEP_MINUTES;
	if (steps < length) return [];
	const limit = input.limit ?? 8;
	const perDay = input.perDay ?? 2;

	const zones = new Map<string, ZoneDays>();
	const people = [...input.invitees].sort((a, b) => (a.personId < b.personId ? -1 : a.personId > b.personId ? 1 : 0));
	const held = people.filter((p) => !p.written);
	const marks = held.map((p) => standings(p.availability, origin, steps, zones));
	const office = officeSteps(input.officeHours, origin, steps, zones);

	// Each candidate start: each person's worst quarter hour over the meeting, then the score.
	type Scored = { i: number; score: number; worst: Uint8Array };
	const scored: Scored[] = [];
	for (let i = 0; i + length <= steps; i++) {
		let score = 0;
		let refused = false;
		const worst = new Uint8Array(held.length);
		for (let p = 0; p < held.length && !refused; p++) {
			const m = marks[p];
			let w = BEST;
			for (let s = i; s < i + length && w > CANT; s++) if (m[s] < w) w = m[s];
			worst[p] = w;
			if (w === CANT && held[p].required) refused = true;
			score += VALUE[w] * (held[p].required ? REQUIRED_WEIGHT : 1);
		}
		if (!refused) scored.push({ i, score, worst });
	}
	scored.sort((a, b) => b.score - a.score || a.i - b.i);

	// Spread: at most `perDay` on a day of the agency's zone, none overlapping another chosen.
	const chosen: Scored[] = [];
	const perDate = new Map<string, number>();
	const dayOf = (instant: number) => Temporal.Instant.fromEpochMilliseconds(instant).toZonedDateTimeISO(input.officeHours.timeZone).toPlainDate().toString();
	for (const c of scored) {
		if (chosen.length >= limit) break;
		if (chosen.some((o) => Math.abs(o.i - c.i) < length)) continue;
		const date = dayOf(origin + c.i * step);
		if ((perDate.get(date) ?? 0) >= perDay) continue;
		perDate.set(date, (perDate.get(date) ?? 0) + 1);
		chosen.push(c);
	}

	return chosen.map(({ i, score, worst }) => {
		const by = (code: number) => held.filter((_, p) => worst[p] === code).map((p) => p.personId);
		const mayCome = new Set(held.filter((_, p) => worst[p] !== CANT).map((p) => p.personId));
		let outside = false;
		for (let s = i; s < i + length; s++) if (!office[s]) outside = true;
		return {
			start: origin + i * step,
			end: origin + (i + length) * step,
			score,
			best: by(BEST),
			ifNeedBe: by(IF_NEED_BE),
			notSaid: by(NOT_SAID),
			cannot: by(CANT),
			written: people.filter((p) => p.written).map((p) => p.personId),
			outsideOfficeHours: outside,
			separateSessions: input.keepApart.filter((pair) => mayCome.has(pair.personA) && mayCome.has(pair.personB)).map((pair) => ({ ...pair }))
		};
	});
}

/** How one person stands at [start, end): the worst of their quarter hours (for showing one person's answer). */
export function standingAt(availability: Availability | null, start: number, end: number): Standing {
	const step = STEP_MINUTES * 60_000;
	const origin = Math.floor(start / step) * step;
	const steps = Math.max(1, Math.ceil((end - origin) / step));
	const marks = standings(availability, origin, steps, new Map());
	return STANDING[Math.min(...marks)];
}

/**
 * Where to look for times: from the start of `earliest` to the end of the deadline's day when the
 * meeting's trigger sets one (jurisdiction.ts decisionDeadline), else `weeks` weeks (default 6) from
 * `earliest`, in the agency's `timeZone`. A deadline already before `earliest` still gives that one day:
 * the worker sees that the meeting is late, never an empty search.
 */
export function searchWindow(earliest: CalendarDay, deadline: Deadline, timeZone: string, weeks = 6): { from: number; until: number } {
	const from = startOfLocalDay(earliest, timeZone);
	if (deadline.kind === 'BY_DAY') {
		if (isAfterDeadline(deadline, earliest)) return { from, until: startOfLocalDay(earliest, timeZone, 1) };
		return { from, until: startOfLocalDay(deadline.day, timeZone, 1) };
	}
	return { from, until: startOfLocalDay(earliest, timeZone, weeks * 7) };
}
