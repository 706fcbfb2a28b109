import { eq } from 'drizzle-orm';
import { opaqueId } from '../../domain/doc-id.ts';
import { typedTextFor } from '../../domain/people.ts';
import { m } from '../../paraglide/messages.js';
import { first, tablesOf } from '../db/index.ts';
import { meetingCalendar } from '../notify/ics.ts';
import { organizer } from './meeting-notices.ts';
import { meetingClosed } from './documents.ts';
import { authorize, refuseUnknown, type RequestContext, type Result } from './access.ts';

/** A meeting's calendar file: its iCalendar text and a file name. */
export type CalendarFile = { ics: string; method: 'REQUEST' | 'CANCEL'; filename: string };

/**
 * Meeting `meetingId` as a calendar event for whoever may open the meeting (policy `view` on the meeting;
 * a refusal is audited as `meeting.calendar`): "add to my calendar". The same UID and revision as the
 * invitations and notices (notify/ics.ts), so adding it twice, or after an emailed invitation, keeps one
 * event; a cancelled meeting comes as a cancellation. Words in `locale`, the place as that language has it,
 * links at `origin`. Times in the meeting's own zone (calendar apps show them in the reader's).
 */
export async function meetingCalendarFile(ctx: RequestContext, meetingId: string, origin: string, locale: 'en' | 'es'): Promise<Result<CalendarFile>> {
	const { meetings } = tablesOf(ctx);
	if (!opaqueId.safeParse(meetingId).success) return refuseUnknown(ctx, 'meeting', meetingId, 'meeting.calendar');
	const meeting = await first(ctx.db.select().from(meetings).where(eq(meetings.id, meetingId)));
	if (!meeting) return refuseUnknown(ctx, 'meeting', meetingId, 'meeting.calendar');
	const refused = await authorize(ctx, 'view', { type: 'meeting', caseId: meeting.caseId, meetingId, closed: meetingClosed(meeting.status) }, 'meeting.calendar');
	if (refused) return refused;
	const method = meeting.status === 'cancelled' ? 'CANCEL' : 'REQUEST';
	const o = { locale } as const;
	const ics = meetingCalendar({
		meetingId,
		origin,
		sequence: meeting.calendarSequence,
		method,
		start: meeting.startsAt,
		end: meeting.startsAt + meeting.durationMinutes * 60_000,
		timeZone: meeting.timeZone,
		summary: meeting.kind === 'FGDM' ? m.meeting_kind_fgdm({}, o) : m.meeting_kind_ftdm({}, o),
		description: m.meeting_notice_calendar_description({ link: `${origin}/meetings/${meetingId}` }, o),
		location: typedTextFor({ en: meeting.location, es: meeting.locationEs }, locale)?.text ?? null,
		stamp: ctx.now,
		organizer: organizer(origin)
	});
	return { ok: true, value: { ics, method, filename: 'meeting.ics' } };
}
