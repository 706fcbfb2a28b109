import ical, { ICalCalendarMethod, ICalEventStatus } from 'ical-generator';
import { getVtimezoneComponent } from '@touch4it/ical-timezones';
import { Temporal } from 'temporal-polyfill';

// A meeting as a calendar event (RFC 5545 iCalendar, with RFC 5546 iTIP methods), for invitations and
// "add to calendar": one UID per meeting for its whole life, so a calendar app moves the event it already
// holds when the meeting moves (same UID, higher SEQUENCE, METHOD:REQUEST) and removes it when the meeting
// is cancelled (METHOD:CANCEL, STATUS:CANCELLED), instead of adding a second one (peers' users got duplicate
// events and cancellations that stayed). Times are written in the meeting's own zone with its VTIMEZONE
// (@touch4it/ical-timezones), from the instant: never from a JS Date, which ical-generator would write as
// the host's wall clock (../shared/stack.md).

export type MeetingEvent = {
	/** The meeting's id (the UID is made from it and the app's host: the same for every version). */
	meetingId: string;
	/** The app's address (https://host), for the UID's domain and the link. */
	origin: string;
	/** Revision of the meeting's time and place (meetings.calendar_sequence): 0 when planned, +1 each change. */
	sequence: number;
	method: 'REQUEST' | 'CANCEL';
	/** Start and end instants (ms UTC) and the meeting's IANA zone. */
	start: number;
	end: number;
	timeZone: string;
	/** In the reader's language: what the event is called and says; the place as the reader may read it (null: none). */
	summary: string;
	description: string;
	location: string | null;
	/** When this version was made (ms UTC): DTSTAMP. */
	stamp: number;
	/** Who sends it (the agency) and to whom, when known (an email address each). */
	organizer: { name: string; email: string };
	attendee?: { name: string; email: string } | null;
};

/** The UID of meeting `meetingId` on the app at `origin`: `meeting-<id>@<host>` (RFC 5545 §3.8.4.7). */
export function meetingUid(meetingId: string, origin: string): string {
	return `meeting-${meetingId}@${new URL(origin).hostname}`;
}

/**
 * The iCalendar text (CRLF lines) of one meeting event as `event` describes it: METHOD, one VEVENT with
 * UID, SEQUENCE, DTSTAMP, DTSTART/DTEND under the meeting's TZID, and that zone's VTIMEZONE. Throws a
 * RangeError for an unknown zone or an end not after the start.
 */
export function meetingCalendar(event: MeetingEvent): string {
	if (!(event.end > event.start)) throw new RangeError('a meeting ends after it starts');
	if (!getVtimezoneComponent(event.timeZone)) throw new RangeError(`no VTIMEZONE for ${event.timeZone}`);
	const zoned = (ms: number) => Temporal.Instant.fromEpochMilliseconds(ms).toZonedDateTimeISO(event.timeZone);
	const calendar = ical({
		prodId: { company: 'Hearth', product: 'Hearth meetings', language: 'EN' },
		method: event.method === 'CANCEL' ? ICalCalendarMethod.CANCEL : ICalCalendarMethod.REQUEST,
		timezone: { name: null, generator: getVtimezoneComponent }
	});
	calendar.createEvent({
		id: meetingUid(event.meetingId, event.origin),
		sequence: event.sequence,
		stamp: Temporal.Instant.fromEpochMilliseconds(event.stamp),
		start: zoned(event.start),
		end: zoned(event.end),
		timezone: event.timeZone,
		summary: event.summary,
		description: event.description,
		location: event.location,
		url: `${event.origin}/meetings/${event.meetingId}`,
		status: event.method === 'CANCEL' ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
		organizer: event.organizer,
		attendees: event.attendee ? [{ name: event.attendee.name, email: event.attendee.email }] : []
	});
	return calendar.toString();
}
