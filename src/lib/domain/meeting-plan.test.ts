import { describe, expect, it } from 'vitest';
import { meetingPlanValues, parseMeetingPlan, sessionsOfPlan, isTimeZone, type MeetingPlanValues } from './meeting-plan.ts';
import { zonedWallTimeToInstant } from './time.ts';

const ana = 'anaaaaaaaaaaaaaaaa';
const luis = 'luisaaaaaaaaaaaaaa';
const dana = 'danaaaaaaaaaaaaaaa';

const good = (over: Partial<MeetingPlanValues> = {}): MeetingPlanValues => ({
	kind: 'FTDM',
	meetingType: 'PLACEMENT_CHANGE',
	emergency: 'off',
	date: '2026-12-03',
	time: '17:30',
	timeZone: 'America/Chicago',
	durationMinutes: '90',
	location: 'Room 2, 100 Main St',
	locationEs: '',
	facilitatorId: dana,
	participants: [
		{ personId: ana, mode: 'IN_PERSON' },
		{ personId: luis, mode: 'SEPARATE_SESSION' }
	],
	...over
});

describe('the plan-a-meeting form', () => {
	it('reads a whole form: the time in the meeting’s zone, each person with how they join', () => {
		const r = parseMeetingPlan(good());
		expect(r.ok).toBe(true);
		if (!r.ok) return;
		expect(r.plan.startsAt).toBe(zonedWallTimeToInstant({ year: 2026, month: 12, day: 3, hour: 17, minute: 30 }, 'America/Chicago'));
		expect(r.plan.durationMinutes).toBe(90);
		expect(r.plan.emergency).toBe(false);
		expect(r.plan.participants).toEqual([
			{ personId: ana, mode: 'IN_PERSON' },
			{ personId: luis, mode: 'SEPARATE_SESSION' }
		]);
	});

	it('names each wrong field once, in the form’s order', () => {
		const r = parseMeetingPlan(good({ date: '2026-02-30', time: '25:00', durationMinutes: 'ninety', timeZone: 'Mars/Olympus', kind: 'PARTY' }));
		expect(r).toEqual({ ok: false, fields: ['kind', 'date', 'time', 'timeZone', 'durationMinutes'] });
	});

	it('asks for at least one person, a known way to join, and each person once', () => {
		expect(parseMeetingPlan(good({ participants: [] }))).toEqual({ ok: false, fields: ['participants'] });
		expect(parseMeetingPlan(good({ participants: [{ personId: ana, mode: 'CARRIER_PIGEON' }] }))).toEqual({ ok: false, fields: ['participants'] });
		expect(parseMeetingPlan(good({ participants: [{ personId: ana, mode: 'VIDEO' }, { personId: ana, mode: 'PHONE' }] }))).toEqual({ ok: false, fields: ['participants'] });
	});

	it('keeps a meeting between 15 minutes and 8 hours, and a place to 200 letters', () => {
		expect(parseMeetingPlan(good({ durationMinutes: '10' })).ok).toBe(false);
		expect(parseMeetingPlan(good({ durationMinutes: '481' })).ok).toBe(false);
		expect(parseMeetingPlan(good({ location: 'x'.repeat(201) }))).toEqual({ ok: false, fields: ['location'] });
	});

	it('an emergency is an FTDM’s only', () => {
		const ftdm = parseMeetingPlan(good({ emergency: 'on' }));
		const fgdm = parseMeetingPlan(good({ emergency: 'on', kind: 'FGDM' }));
		expect(ftdm.ok && ftdm.plan.emergency).toBe(true);
		expect(fgdm.ok && fgdm.plan.emergency).toBe(false);
	});

	it('a time in the spring gap moves forward by the gap (time.ts), never fails', () => {
		const r = parseMeetingPlan(good({ date: '2026-03-08', time: '02:30' }));
		expect(r.ok && r.plan.startsAt).toBe(zonedWallTimeToInstant({ year: 2026, month: 3, day: 8, hour: 3, minute: 30 }, 'America/Chicago'));
	});

	it('reads the checkboxes and each chosen person’s way to join from the form; a mode without its box is ignored', () => {
		const form = new FormData();
		for (const [k, v] of Object.entries({ kind: 'FGDM', meetingType: 'EXIT_REUNIFICATION', date: '2026-12-03', time: '09:00', timeZone: 'UTC', durationMinutes: '60', facilitatorId: dana })) form.set(k, v);
		form.append('person', ana);
		form.append('person', ana);
		form.set(`mode-${ana}`, 'PHONE');
		form.set(`mode-${luis}`, 'VIDEO');
		const values = meetingPlanValues(form);
		expect(values.participants).toEqual([{ personId: ana, mode: 'PHONE' }]);
		expect(values.emergency).toBe('off');
		expect(values.location).toBe('');
	});

	it('separates people who join by a separate session', () => {
		expect(sessionsOfPlan([{ personId: ana, mode: 'VIDEO' }, { personId: luis, mode: 'SEPARATE_SESSION' }, { personId: dana, mode: 'WRITTEN_INPUT' }])).toEqual({ joint: [ana, dana], separate: [luis] });
	});

	it('knows time zones by their IANA names only', () => {
		expect(isTimeZone('America/Chicago')).toBe(true);
		expect(isTimeZone('America/Argentina/Buenos_Aires')).toBe(true);
		expect(isTimeZone('Nowhere/Special')).toBe(false);
		expect(isTimeZone('America/Chicago; drop table')).toBe(false);
	});
});
