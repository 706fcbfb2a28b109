import { Temporal } from 'temporal-polyfill';
import { MEETING_TYPES, type MeetingType } from './roles.ts';
import type { CalendarDay } from './time.ts';
import { PLAN_SECTIONS, type PlanSection } from './plan-sections.ts';

// When the decision a meeting is for must be made (domain.md §5, "rule engine; configure per state"). The
// rules are data (JURISDICTION_DEFAULTS below, domain.md's defaults); an agency in another state swaps the
// object, not the code. Days are calendar days in the case's time zone; the instant a day starts is for
// time.ts.

/** One deadline: before an event the tool does not date (the move, the hearing), or a count of working days. */
export type DeadlineRule = { kind: 'BEFORE_MOVE' } | { kind: 'BEFORE_HEARING' } | { kind: 'WORKING_DAYS'; days: number };

export type JurisdictionConfig = {
	/** Days no one works besides Saturdays and Sundays, YYYY-MM-DD. */
	holidays: readonly string[];
	/** Per FTDM trigger (domain.md §1 tdm.meeting_type): the usual deadline and the one of an emergency. */
	rules: Record<MeetingType, { usual: DeadlineRule; emergency: DeadlineRule }>;
	/**
	 * The sections a new case plan starts with, in order (plan-sections.ts): the server seeds them once
	 * (plan-doc.ts seedPlan). Each at most once.
	 */
	planTemplate: readonly PlanSection[];
};

/**
 * domain.md §1 and §5 ([MO-TDM], [AK-TDM], [BCDSS]): a TDM is held before the move; for an emergency
 * removal by the next working day; for an emergency placement change within 1 business day. Exit and
 * permanency meetings have no emergency clock in the sources: before the move home, before the hearing.
 */
export const JURISDICTION_DEFAULTS: JurisdictionConfig = {
	holidays: [],
	rules: {
		CONSIDERED_REMOVAL: { usual: { kind: 'BEFORE_MOVE' }, emergency: { kind: 'WORKING_DAYS', days: 1 } },
		PLACEMENT_CHANGE: { usual: { kind: 'BEFORE_MOVE' }, emergency: { kind: 'WORKING_DAYS', days: 1 } },
		EXIT_REUNIFICATION: { usual: { kind: 'BEFORE_MOVE' }, emergency: { kind: 'BEFORE_MOVE' } },
		PERMANENCY_PLANNING: { usual: { kind: 'BEFORE_HEARING' }, emergency: { kind: 'BEFORE_HEARING' } }
	},
	// domain.md §4: the family's vision first, in their own words; then what keeps the children safe, what
	// must change and how, and the federal floor (services, visits, permanency, the youth's part).
	planTemplate: PLAN_SECTIONS
};

function plain(day: CalendarDay): Temporal.PlainDate {
	return Temporal.PlainDate.from({ ...day }, { overflow: 'reject' });
}

function asDay(d: Temporal.PlainDate): CalendarDay {
	return { year: d.year, month: d.month, day: d.day };
}

/** A working day: Monday to Friday, and not one of the jurisdiction's holidays. */
export function isWorkingDay(day: CalendarDay, config: JurisdictionConfig = JURISDICTION_DEFAULTS): boolean {
	const d = plain(day);
	return d.dayOfWeek <= 5 && !config.holidays.includes(d.toString());
}

/** The `n`th working day after `day` (n ≥ 1): the next working day of a Friday is the Monday. */
export function addWorkingDays(day: CalendarDay, n: number, config: JurisdictionConfig = JURISDICTION_DEFAULTS): CalendarDay {
	let d = plain(day);
	let left = Math.max(1, Math.floor(n));
	// A bounded walk: a year of holidays in a row is a broken configuration, not a deadline.
	for (let guard = 0; guard < 400; guard++) {
		d = d.add({ days: 1 });
		if (isWorkingDay(asDay(d), config) && --left === 0) return asDay(d);
	}
	throw new RangeError('no working day within 400 days: check the jurisdiction holidays');
}

/** The deadline a trigger implies, decided on `decidedOn` (the day the meeting is asked for). */
export type Deadline = { kind: 'BEFORE_MOVE' } | { kind: 'BEFORE_HEARING' } | { kind: 'BY_DAY'; day: CalendarDay; workingDays: number };

export function decisionDeadline(type: MeetingType, emergency: boolean, decidedOn: CalendarDay, config: JurisdictionConfig = JURISDICTION_DEFAULTS): Deadline {
	const rule = config.rules[type][emergency ? 'emergency' : 'usual'];
	if (rule.kind === 'WORKING_DAYS') return { kind: 'BY_DAY', day: addWorkingDays(decidedOn, rule.days, config), workingDays: rule.days };
	return rule;
}

/** Whether a meeting held on `meetingDay` is after a dated deadline (a dated deadline only: the move is not dated here). */
export function isAfterDeadline(deadline: Deadline, meetingDay: CalendarDay): boolean {
	return deadline.kind === 'BY_DAY' && Temporal.PlainDate.compare(plain(meetingDay), plain(deadline.day)) > 0;
}

/**
 * Every trigger has its rules, and the plan template names known sections, each once (a configuration that
 * misses one is refused at load, not at a meeting or a new plan).
 */
export function isCompleteConfig(config: JurisdictionConfig): boolean {
	const template = config.planTemplate ?? [];
	return (
		MEETING_TYPES.every((t) => config.rules[t]?.usual && config.rules[t]?.emergency) &&
		template.length > 0 &&
		template.every((code) => (PLAN_SECTIONS as readonly string[]).includes(code)) &&
		new Set(template).size === template.length
	);
}
