import { z } from 'zod';
import { cellKey, IN_PERSON_PLACES, isBlock, JOIN_MODES, LANGUAGE_MAX, NEEDS, PERIODS, PLACE_NAME_MAX, PREFERENCES, WEEKDAYS } from './availability.ts';
import type { AvailabilityField, AvailabilityRecord, AvailabilityValues, DateBlock, InPersonPlace, WeeklyBlock } from './availability.ts';
import { isTimeZone } from './meeting-plan.ts';
import { isCalendarDay } from './time.ts';

// The checks of the availability form (availability.ts) and the reading of stored rows: on the server only.

/** `HH:MM` on a quarter hour, or `24:00` → minutes after midnight; anything else → null. */
function quarterMinutes(value: string): number | null {
	const m = /^(\d{2}):(\d{2})$/.exec(value);
	if (!m) return null;
	const minutes = Number(m[1]) * 60 + Number(m[2]);
	if (Number(m[2]) >= 60 || minutes > 24 * 60 || minutes % 15 !== 0) return null;
	return minutes;
}

const preference = z.enum(PREFERENCES);
const typed = (max: number) => z.string().trim().max(max);

/**
 * Checks the typed form. Returns the record to store, or the fields that are wrong (the form shows them
 * with what was typed). Rules: a known IANA zone; each grid cell empty or one of the marks; a date row
 * either empty or complete (an existing day, from before to, on quarter hours, a mark); join modes, place
 * and needs from their lists (unknown codes refused); a community place's name only with that place; the
 * interpreter's language only with that need; typed texts within their limits. Nothing said at all is a
 * valid answer (the person has not said yet).
 */
export function parseAvailability(values: AvailabilityValues): { ok: true; record: AvailabilityRecord } | { ok: false; fields: AvailabilityField[] } {
	const fields: AvailabilityField[] = [];
	if (!isTimeZone(values.timeZone)) fields.push('timeZone');
	const weekly: WeeklyBlock[] = [];
	let gridBroken = false;
	for (const weekday of WEEKDAYS) {
		for (const p of PERIODS) {
			const v = values.grid[cellKey(weekday, p.code)] ?? '';
			if (v === '') continue;
			const mark = preference.safeParse(v);
			if (!mark.success) gridBroken = true;
			else weekly.push({ weekday, start: p.start, end: p.end, preference: mark.data });
		}
	}
	const dates: DateBlock[] = [];
	values.dates.forEach((row, n) => {
		if (!row.date && !row.from && !row.to && !row.mark) return;
		const start = quarterMinutes(row.from);
		const end = quarterMinutes(row.to);
		const mark = preference.safeParse(row.mark);
		const block = start !== null && end !== null ? { start, end } : null;
		if (!isCalendarDay(row.date) || !block || !isBlock(block) || !mark.success) return void fields.push(`date-${n}`);
		dates.push({ date: row.date, start: block.start, end: block.end, preference: mark.data });
	});
	const joinModes = z.array(z.enum(JOIN_MODES)).safeParse([...new Set(values.join)]);
	const needs = z.array(z.enum(NEEDS)).safeParse([...new Set(values.need)]);
	const place = values.place === '' ? null : z.enum(IN_PERSON_PLACES).safeParse(values.place);
	const placeName = typed(PLACE_NAME_MAX).safeParse(values.placeName);
	const language = typed(LANGUAGE_MAX).safeParse(values.language);
	if (!placeName.success) fields.push('placeName');
	if (!language.success) fields.push('language');
	// A broken cell or an unknown code comes only from a changed page or a script: refused as the whole form.
	if (gridBroken || !joinModes.success || !needs.success || (place !== null && !place.success)) return { ok: false, fields: fields.length > 0 ? fields : ['timeZone'] };
	if (fields.length > 0) return { ok: false, fields };
	const inPerson = joinModes.data.includes('IN_PERSON');
	const where = inPerson && place?.success ? place.data : null;
	return {
		ok: true,
		record: {
			timeZone: values.timeZone,
			weekly,
			dates,
			joinModes: joinModes.data,
			inPersonPlace: where,
			placeName: where === 'COMMUNITY' && placeName.data ? placeName.data : null,
			needs: needs.data,
			interpreterLanguage: needs.data.includes('INTERPRETER') && language.data ? language.data : null
		}
	};
}

/** The stored JSON columns of a record, read defensively (a row that does not parse reads as nothing said). */
export function recordFromRow(row: { timeZone: string; weekly: string; dates: string; joinModes: string; inPersonPlace: string | null; placeName: string | null; needs: string; interpreterLanguage: string | null }): AvailabilityRecord {
	const list = <T>(json: string, item: z.ZodType<T>): T[] => {
		try {
			const parsed: unknown = JSON.parse(json);
			if (!Array.isArray(parsed)) return [];
			// Each entry on its own: one odd entry leaves the others readable.
			return parsed.flatMap((entry) => {
				const one = item.safeParse(entry);
				return one.success ? [one.data] : [];
			});
		} catch {
			return [];
		}
	};
	const block = { start: z.number().int(), end: z.number().int(), preference };
	return {
		timeZone: row.timeZone,
		weekly: list(row.weekly, z.object({ weekday: z.number().int().min(1).max(7), ...block })).filter(isBlock),
		dates: list(row.dates, z.object({ date: z.string(), ...block })).filter((b) => isCalendarDay(b.date) && isBlock(b)),
		joinModes: list(row.joinModes, z.enum(JOIN_MODES)),
		inPersonPlace: (IN_PERSON_PLACES as readonly string[]).includes(row.inPersonPlace ?? '') ? (row.inPersonPlace as InPersonPlace) : null,
		placeName: row.placeName,
		needs: list(row.needs, z.enum(NEEDS)),
		interpreterLanguage: row.interpreterLanguage
	};
}
