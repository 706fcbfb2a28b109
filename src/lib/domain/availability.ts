
// What a family member says of their time and how they can take part (issue 22; the practice guides:
// hours before or after office hours, at lunch and on weekends; joining by phone or in writing), as the
// availability form shows it and find-times.ts reads it. The form is a grid of the week's days by parts
// of the day, each marked "works best", "if need be" or "can't" (a select per cell: usable with a keyboard
// and a screen reader, not a drag-only grid), plus up to three date-specific changes. Stored as blocks of
// whole quarter hours (find-times.ts), so a finer editor later reads and writes the same rows. No zod and
// no Temporal here: the form's page imports this module in the browser (the checks are availability-parse.ts).

/** How a time suits a person: works best, if need be, can't. */
export const PREFERENCES = ['BEST', 'IF_NEED_BE', 'CANT'] as const;
export type Preference = (typeof PREFERENCES)[number];

/** Minutes of a day that blocks start and end on: whole quarter hours, 0 to 1440 (24:00, the end of the day). */
export const STEP_MINUTES = 15;
export const DAY_MINUTES = 1440;

/** A repeating block: ISO weekday (1 Monday … 7 Sunday), from `start` to `end` (minutes after local midnight, end exclusive). */
export type WeeklyBlock = { weekday: number; start: number; end: number; preference: Preference };
/** A change on one calendar day (YYYY-MM-DD in the person's zone), from `start` to `end` (minutes, end exclusive). */
export type DateBlock = { date: string; start: number; end: number; preference: Preference };
/** What a person said of their time, in their own IANA zone. */
export type Availability = { timeZone: string; weekly: readonly WeeklyBlock[]; dates: readonly DateBlock[] };

/** Whether a block's minutes are whole quarter hours within a day and it is not empty. */
export function isBlock(b: { start: number; end: number }): boolean {
	return Number.isInteger(b.start) && Number.isInteger(b.end) && b.start >= 0 && b.end <= DAY_MINUTES && b.start < b.end && b.start % STEP_MINUTES === 0 && b.end % STEP_MINUTES === 0;
}

/** The parts of a day the form offers, early morning to evening (minutes after local midnight, end exclusive). */
export const PERIODS = [
	{ code: 'EARLY', start: 6 * 60, end: 8 * 60 },
	{ code: 'MORNING', start: 8 * 60, end: 12 * 60 },
	{ code: 'LUNCH', start: 12 * 60, end: 13 * 60 },
	{ code: 'AFTERNOON', start: 13 * 60, end: 17 * 60 },
	{ code: 'EVENING', start: 17 * 60, end: 21 * 60 }
] as const;
export type PeriodCode = (typeof PERIODS)[number]['code'];
/** ISO weekdays, Monday (1) to Sunday (7). */
export const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;

/** How someone can take part (domain.md §1 participant mode, as a person says it). */
export const JOIN_MODES = ['IN_PERSON', 'VIDEO', 'PHONE', 'WRITTEN'] as const;
export type JoinMode = (typeof JOIN_MODES)[number];
/** Where, in person: the agency's office, their home, a community place they name. */
export const IN_PERSON_PLACES = ['OFFICE', 'HOME', 'COMMUNITY'] as const;
export type InPersonPlace = (typeof IN_PERSON_PLACES)[number];
/** What they need to attend. */
export const NEEDS = ['TRANSPORT', 'CHILD_CARE', 'INTERPRETER'] as const;
export type Need = (typeof NEEDS)[number];

/** How many date-specific changes the form offers at once, and the longest typed texts. */
export const DATE_ROWS = 3;
export const PLACE_NAME_MAX = 120;
export const LANGUAGE_MAX = 60;

/** A person's availability and how they take part, as stored (the `availability` table, JSON parsed). */
export type AvailabilityRecord = Availability & {
	weekly: WeeklyBlock[];
	dates: DateBlock[];
	joinModes: JoinMode[];
	inPersonPlace: InPersonPlace | null;
	placeName: string | null;
	needs: Need[];
	interpreterLanguage: string | null;
};

/** The form's fields as typed: every value a string, so a refused form shows back exactly what was typed. */
export type AvailabilityValues = {
	timeZone: string;
	/** `<weekday>-<period>` → '' (not said) or a preference. */
	grid: Record<string, string>;
	dates: { date: string; from: string; to: string; mark: string }[];
	join: string[];
	place: string;
	placeName: string;
	need: string[];
	language: string;
};

export type AvailabilityField = 'timeZone' | `date-${number}` | 'placeName' | 'language';

/** The grid cell's key in AvailabilityValues.grid. */
export const cellKey = (weekday: number, period: PeriodCode) => `${weekday}-${period}`;

/** Reads the form's fields (names: timeZone, w-<weekday>-<period>, d-date-<n>, d-from-<n>, d-to-<n>, d-mark-<n>, join, place, placeName, need, language). */
export function availabilityValues(form: FormData): AvailabilityValues {
	const text = (name: string) => {
		const v = form.get(name);
		return typeof v === 'string' ? v : '';
	};
	const grid: Record<string, string> = {};
	for (const weekday of WEEKDAYS) for (const p of PERIODS) grid[cellKey(weekday, p.code)] = text(`w-${weekday}-${p.code}`);
	const dates = Array.from({ length: DATE_ROWS }, (_, n) => ({ date: text(`d-date-${n}`), from: text(`d-from-${n}`), to: text(`d-to-${n}`), mark: text(`d-mark-${n}`) }));
	const all = (name: string) => form.getAll(name).filter((v): v is string => typeof v === 'string');
	return { timeZone: text('timeZone'), grid, dates, join: all('join'), place: text('place'), placeName: text('placeName'), need: all('need'), language: text('language') };
}

/**
 * The form's values for a stored record (or an empty form in `timeZone` when there is none): each grid
 * cell holds the mark of a stored weekly block that covers that part of the day exactly (a block stored by
 * a finer editor, covering only part of it, shows as the least available mark found there).
 */
export function valuesOf(record: AvailabilityRecord | null, timeZone: string): AvailabilityValues {
	const grid: Record<string, string> = {};
	const order: Record<Preference, number> = { CANT: 0, IF_NEED_BE: 1, BEST: 2 };
	for (const weekday of WEEKDAYS) {
		for (const p of PERIODS) {
			const marks = (record?.weekly ?? []).filter((b) => b.weekday === weekday && b.start < p.end && b.end > p.start).map((b) => b.preference);
			grid[cellKey(weekday, p.code)] = marks.sort((a, b) => order[a] - order[b])[0] ?? '';
		}
	}
	const hhmm = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
	const dates = Array.from({ length: DATE_ROWS }, (_, n) => {
		const d = record?.dates[n];
		return d ? { date: d.date, from: hhmm(d.start), to: hhmm(d.end), mark: d.preference } : { date: '', from: '', to: '', mark: '' };
	});
	return {
		timeZone: record?.timeZone ?? timeZone,
		grid,
		dates,
		join: record?.joinModes ?? [],
		place: record?.inPersonPlace ?? '',
		placeName: record?.placeName ?? '',
		need: record?.needs ?? [],
		language: record?.interpreterLanguage ?? ''
	};
}

