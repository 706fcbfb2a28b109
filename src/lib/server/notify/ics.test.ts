import { describe, expect, it } from 'vitest';
import ICAL from 'ical.js';
import { Temporal } from 'temporal-polyfill';
import { meetingCalendar, meetingUid, type MeetingEvent } from './ics.ts';

/** Parses iCalendar text as a calendar app would: registers its VTIMEZONEs, returns METHOD and the event. */
function parse(text: string) {
	const calendar = new ICAL.Component(ICAL.parse(text));
	for (const vtz of calendar.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(vtz);
	const vevent = calendar.getFirstSubcomponent('vevent')!;
	const event = new ICAL.Event(vevent);
	return {
		method: String(calendar.getFirstPropertyValue('method')),
		uid: event.uid,
		sequence: event.sequence,
		status: String(vevent.getFirstPropertyValue('status')),
		tzid: event.startDate.zone?.tzid ?? String(vevent.getFirstProperty('dtstart')?.getParameter('tzid')),
		start: event.startDate.toJSDate().getTime(),
		end: event.endDate.toJSDate().getTime(),
		summary: event.summary,
		location: event.location
	};
}

const at = (wall: string, zone: string) => Temporal.PlainDateTime.from(wall).toZonedDateTime(zone).epochMilliseconds;

function event(start: number, timeZone: string, extra: Partial<MeetingEvent> = {}): MeetingEvent {
	return {
		meetingId: 'abcdefghijklmnopqrstuvwx',
		origin: 'https://hearth.example.test',
		sequence: 0,
		method: 'REQUEST',
		start,
		end: start + 90 * 60_000,
		timeZone,
		summary: 'Reunión del equipo familiar',
		description: 'Abra el enlace para ver la reunión.',
		location: 'Oficina del condado, sala 2',
		stamp: Date.UTC(2026, 10, 29, 12),
		organizer: { name: 'Hearth demo agency', email: 'meetings@agency.example.test' },
		attendee: { name: 'Ana', email: 'ana@example.test' },
		...extra
	};
}

// The weeks clocks change (US: 2026-11-01, 2027-03-14; EU: 2027-03-28, 2027-10-31), and a plain week.
const CASES: [string, string][] = [
	['2026-11-02T17:30', 'America/Chicago'],
	['2026-10-31T09:00', 'America/Los_Angeles'],
	['2027-03-15T08:00', 'America/New_York'],
	['2027-03-13T23:30', 'America/Denver'],
	['2027-03-29T18:00', 'Europe/Madrid'],
	['2027-10-30T12:00', 'Europe/Madrid'],
	['2026-12-09T15:00', 'America/Anchorage']
];
const VIEWERS = ['America/Los_Angeles', 'America/New_York', 'Europe/Madrid', 'Asia/Kathmandu'];

describe('meetingCalendar', () => {
	for (const [wall, zone] of CASES) {
		it(`a meeting at ${wall} in ${zone} parses to that instant, on that day, from four zones`, () => {
			const start = at(wall, zone);
			const parsed = parse(meetingCalendar(event(start, zone)));
			expect(parsed.method).toBe('REQUEST');
			expect(parsed.tzid).toBe(zone);
			expect(parsed.start).toBe(start);
			expect(parsed.end).toBe(start + 90 * 60_000);
			// Its own day in its own zone never moves; each viewer's clock shows the same instant.
			expect(Temporal.Instant.fromEpochMilliseconds(parsed.start).toZonedDateTimeISO(zone).toPlainDateTime().toString().slice(0, 16)).toBe(wall);
			for (const viewer of VIEWERS) {
				expect(Temporal.Instant.fromEpochMilliseconds(parsed.start).toZonedDateTimeISO(viewer).epochMilliseconds).toBe(start);
			}
		});
	}

	it('keeps one UID: a move is the same event with a higher SEQUENCE, a cancellation removes it', () => {
		const start = at('2026-12-09T17:30', 'America/Chicago');
		const first = parse(meetingCalendar(event(start, 'America/Chicago')));
		const moved = parse(meetingCalendar(event(start + 86_400_000, 'America/Chicago', { sequence: 1 })));
		const cancelled = parse(meetingCalendar(event(start + 86_400_000, 'America/Chicago', { sequence: 2, method: 'CANCEL' })));
		expect(first.uid).toBe(meetingUid('abcdefghijklmnopqrstuvwx', 'https://hearth.example.test'));
		expect(moved.uid).toBe(first.uid);
		expect(cancelled.uid).toBe(first.uid);
		expect([first.sequence, moved.sequence, cancelled.sequence]).toEqual([0, 1, 2]);
		expect(cancelled.method).toBe('CANCEL');
		expect(cancelled.status).toBe('CANCELLED');
		expect(first.status).toBe('CONFIRMED');
	});

	it('writes the reader’s words as given, accents and all, and leaves out a place it is not given', () => {
		const start = at('2026-12-09T17:30', 'America/Chicago');
		const parsed = parse(meetingCalendar(event(start, 'America/Chicago', { location: null })));
		expect(parsed.summary).toBe('Reunión del equipo familiar');
		expect(parsed.location).toBeNull();
	});

	it('refuses an unknown zone and an end before the start', () => {
		const start = at('2026-12-09T17:30', 'America/Chicago');
		expect(() => meetingCalendar(event(start, 'Mars/Olympus'))).toThrow(RangeError);
		expect(() => meetingCalendar(event(start, 'America/Chicago', { end: start }))).toThrow(RangeError);
	});
});
