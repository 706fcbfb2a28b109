import { z } from 'zod';
import { opaqueId } from './doc-id.ts';
import { MEETING_KINDS, MEETING_TYPES, PARTICIPATION_MODES, type ParticipationMode } from './roles.ts';
import { isCalendarDay, zonedWallTimeToInstant, type WallTime } from './time.ts';

// The "Plan a meeting" form (create and change): what staff type, checked field by field so that the page
// can say which field is wrong and keep everything typed. Pure: the service adds what needs the database
// (the facilitator is on the case, the people are the case's, no keep-apart pair is put together).

/** The form as typed: strings only, exactly what goes back into the inputs when something is wrong. */
export type MeetingPlanValues = {
	kind: string;
	meetingType: string;
	emergency: 'on' | 'off';
	date: string;
	time: string;
	timeZone: string;
	durationMinutes: string;
	location: string;
	locationEs: string;
	facilitatorId: string;
	/** Chosen people, each with how they join (a person not chosen is absent). */
	participants: { personId: string; mode: string }[];
};

export const MEETING_LENGTH_MINUTES = { min: 15, max: 480 } as const;
export const PLACE_MAX = 200;

/** The time zones a meeting may be in: any zone this runtime knows (IANA names). */
export function isTimeZone(value: string): boolean {
	if (!/^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/.test(value) || value.length > 64) return false;
	try {
		new Intl.DateTimeFormat('en', { timeZone: value });
		return true;
	} catch {
		return false;
	}
}

const placeText = z.string().trim().max(PLACE_MAX);

const schema = z.object({
	kind: z.enum(MEETING_KINDS),
	meetingType: z.enum(MEETING_TYPES),
	emergency: z.enum(['on', 'off']).transform((v) => v === 'on'),
	date: z.string().refine(isCalendarDay),
	time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/),
	timeZone: z.string().refine(isTimeZone),
	durationMinutes: z.coerce.number().int().min(MEETING_LENGTH_MINUTES.min).max(MEETING_LENGTH_MINUTES.max),
	location: placeText,
	locationEs: placeText,
	facilitatorId: opaqueId,
	participants: z
		.array(z.object({ personId: opaqueId, mode: z.enum(PARTICIPATION_MODES) }))
		.min(1)
		.max(60)
		.refine((ps) => new Set(ps.map((p) => p.personId)).size === ps.length)
});

export type MeetingPlanField = keyof MeetingPlanValues;
export type MeetingPlan = {
	kind: (typeof MEETING_KINDS)[number];
	meetingType: (typeof MEETING_TYPES)[number];
	emergency: boolean;
	startsAt: number;
	/** The wall time as typed, in `timeZone` (for the deadline's day). */
	wall: WallTime;
	timeZone: string;
	durationMinutes: number;
	location: string;
	locationEs: string;
	facilitatorId: string;
	participants: { personId: string; mode: ParticipationMode }[];
};

/**
 * The plan, or the fields that are wrong (each once, in the form's order). A time that does not exist in
 * the zone (in the spring gap) moves forward by the gap, as time.ts does everywhere.
 */
export function parseMeetingPlan(values: MeetingPlanValues): { ok: true; plan: MeetingPlan } | { ok: false; fields: MeetingPlanField[] } {
	const parsed = schema.safeParse(values);
	if (!parsed.success) {
		const fields = [...new Set(parsed.error.issues.map((i) => String(i.path[0]) as MeetingPlanField))];
		return { ok: false, fields };
	}
	const d = parsed.data;
	const [year, month, day] = d.date.split('-').map(Number);
	const [hour, minute] = d.time.split(':').map(Number);
	const wall = { year, month, day, hour, minute };
	return {
		ok: true,
		plan: {
			kind: d.kind,
			meetingType: d.meetingType,
			// Only an FTDM has an emergency clock (domain.md §1); an FGDM conference is planned ahead.
			emergency: d.kind === 'FTDM' && d.emergency,
			startsAt: zonedWallTimeToInstant(wall, d.timeZone),
			wall,
			timeZone: d.timeZone,
			durationMinutes: d.durationMinutes,
			location: d.location,
			locationEs: d.locationEs,
			facilitatorId: d.facilitatorId,
			participants: d.participants
		}
	};
}

/**
 * Reads the form's fields: `person` once per chosen person (checkboxes), `mode-<personId>` for how each
 * joins. Unknown or repeated fields are ignored; every value is a string, cut to a sane length, so what
 * goes back into the page is what was typed, never an object.
 */
export function meetingPlanValues(form: FormData): MeetingPlanValues {
	const text = (name: string, max = 300) => {
		const v = form.get(name);
		return typeof v === 'string' ? v.slice(0, max) : '';
	};
	const chosen = [...new Set(form.getAll('person').filter((v): v is string => typeof v === 'string'))].slice(0, 100);
	return {
		kind: text('kind', 20),
		meetingType: text('meetingType', 40),
		emergency: form.get('emergency') === 'on' ? 'on' : 'off',
		date: text('date', 20),
		time: text('time', 10),
		timeZone: text('timeZone', 80),
		durationMinutes: text('durationMinutes', 10),
		location: text('location', PLACE_MAX + 50),
		locationEs: text('locationEs', PLACE_MAX + 50),
		facilitatorId: text('facilitatorId', 64),
		participants: chosen.map((personId) => ({ personId: personId.slice(0, 64), mode: text(`mode-${personId.slice(0, 64)}`, 30) }))
	};
}

/** People who join by SEPARATE_SESSION each get a session of their own; the others share the joint one. */
export function sessionsOfPlan(participants: readonly { personId: string; mode: ParticipationMode }[]): { joint: string[]; separate: string[] } {
	return {
		joint: participants.filter((p) => p.mode !== 'SEPARATE_SESSION').map((p) => p.personId),
		separate: participants.filter((p) => p.mode === 'SEPARATE_SESSION').map((p) => p.personId)
	};
}
