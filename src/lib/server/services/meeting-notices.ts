import { and, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import { opaqueId } from '../../domain/doc-id.ts';
import { typedTextFor } from '../../domain/people.ts';
import { m } from '../../paraglide/messages.js';
import { formatDateTime } from '../../format.ts';
import { first, tablesOf, type Db } from '../db/index.ts';
import { defineJob, enqueue, type Queryable } from '../jobs/index.ts';
import { notify } from '../notify/index.ts';
import { meetingCalendar } from '../notify/ics.ts';
import { config } from '../config.ts';
import { correctionVisibleTo, personReader } from './meeting-summary.ts';

// What a meeting's invited people are told, outside the app: that it was moved or cancelled, and that its
// summary is ready (again, when corrected). One job kind; each message in the language of the person's
// invitation, with a link, and nothing of what was said or written in the meeting. An email about a move or
// a cancellation carries the meeting as a calendar event (notify/ics.ts), so the event already in their
// calendar moves or goes away.

/** What happened: `moved` (its time or place changed), `cancelled`, `summary` (version 1) or `summary-corrected`. */
export const NOTICES = ['moved', 'cancelled', 'summary', 'summary-corrected'] as const;
export type Notice = (typeof NOTICES)[number];

const payload = z.object({ meetingId: opaqueId, what: z.enum(NOTICES), version: z.number().int().min(1).optional(), origin: z.url() });

/**
 * Tells each person invited to meeting `meetingId`, or to its whole case (invitations not turned off), what
 * happened to it: by email, else by text message, in the language of their invitation, with a link to the
 * meeting (or its summary) at `origin` (the app's address the request that caused it came to). One message
 * per person, whatever their invitations; a correction only to those it changed anything for (what they may
 * read of the summary: meeting-summary.ts). Staff see it in the app. A summary notice waits (fails this try)
 * until that version is written; a notice about a meeting that changed again since (moved then cancelled)
 * is sent as it now stands. Safe to run twice (the outbox may then hold a second message).
 */
export const meetingNotice = defineJob({
	kind: 'meeting.notice',
	payload,
	maxAttempts: 8,
	retry: { baseMs: 30_000, capMs: 600_000 },
	async run({ meetingId, what, version, origin }, { db, now }) {
		const { meetings, meetingSummaries, participants, casePeople } = tablesOf(db);
		const meeting = await first(db.select().from(meetings).where(eq(meetings.id, meetingId)));
		if (!meeting) return;
		if (what === 'summary' || what === 'summary-corrected') {
			if (meeting.status !== 'held') return;
			const written = await first(db.select({ id: meetingSummaries.id }).from(meetingSummaries).where(and(eq(meetingSummaries.meetingId, meetingId), eq(meetingSummaries.version, version ?? 1))));
			if (!written) throw new Error('the summary is not written yet');
		}
		// A move announced after the meeting was cancelled would mislead: the cancellation has its own notice.
		if (what === 'moved' && meeting.status !== 'scheduled') return;
		const invited = await db
			.select({ personId: participants.personId, meetingId: participants.meetingId, locale: participants.locale, givenName: casePeople.givenName, email: casePeople.email, phone: casePeople.phone })
			.from(participants)
			.innerJoin(casePeople, eq(casePeople.id, participants.personId))
			.where(and(eq(participants.caseId, meeting.caseId), isNull(participants.revokedAt)));
		const told = new Set<string>();
		for (const p of invited) {
			// Who may see the meeting (policy.ts, participant `meeting.view`): invited to it, or to the whole case.
			if ((p.meetingId !== null && p.meetingId !== meetingId) || told.has(p.personId)) continue;
			const destination = p.email ? { channel: 'email' as const, to: p.email } : p.phone ? { channel: 'sms' as const, to: p.phone } : null;
			if (!destination) continue;
			// A correction of what they may not see (a line of someone kept apart from them) is not theirs to hear of.
			if (what === 'summary-corrected' && !(await correctionVisibleTo(db as Db, meetingId, version ?? 1, await personReader(db as Db, meeting.caseId, meetingId, p.personId)))) continue;
			told.add(p.personId);
			const locale = p.locale === 'es' ? 'es' : 'en';
			const o = { locale } as const;
			const name = p.givenName;
			const when = formatDateTime(meeting.startsAt, locale, meeting.timeZone);
			const page = `${origin}/meetings/${meetingId}`;
			const words = {
				summary: () => ({ subject: m.summary_notice_subject({}, o), text: m.summary_notice_text({ name, when, link: `${page}/summary` }, o) }),
				'summary-corrected': () => ({ subject: m.summary_notice_subject({}, o), text: m.summary_notice_corrected_text({ name, when, link: `${page}/summary` }, o) }),
				cancelled: () => ({ subject: m.meeting_notice_cancelled_subject({}, o), text: m.meeting_notice_cancelled_text({ name, when, link: page }, o) }),
				moved: () => {
					const place = typedTextFor({ en: meeting.location, es: meeting.locationEs }, locale)?.text;
					const text = place ? m.meeting_notice_moved_text({ name, when, place, link: page }, o) : m.meeting_notice_moved_text_no_place({ name, when, link: page }, o);
					return { subject: m.meeting_notice_moved_subject({}, o), text };
				}
			}[what]();
			const calendar =
				destination.channel === 'email' && (what === 'moved' || what === 'cancelled')
					? {
							method: what === 'cancelled' ? ('CANCEL' as const) : ('REQUEST' as const),
							ics: meetingCalendar({
								meetingId,
								origin,
								sequence: meeting.calendarSequence,
								method: what === 'cancelled' ? 'CANCEL' : 'REQUEST',
								start: meeting.startsAt,
								end: meeting.startsAt + meeting.durationMinutes * 60_000,
								timeZone: meeting.timeZone,
								summary: meeting.kind === 'FGDM' ? m.meeting_kind_fgdm({}, o) : m.meeting_kind_ftdm({}, o),
								description: m.meeting_notice_calendar_description({ link: page }, o),
								location: typedTextFor({ en: meeting.location, es: meeting.locationEs }, locale)?.text ?? null,
								stamp: now,
								organizer: organizer(origin),
								attendee: { name, email: destination.to }
							})
						}
					: undefined;
			await notify(db as Db, { ...destination, locale, kind: `meeting-${what}`, caseId: meeting.caseId, personId: p.personId, ...words, calendar }, { now });
		}
	}
});

/**
 * Who a calendar event is from: the sender the app mails as (MAIL_FROM, `Name <address>` or an address), or
 * when it sends no email of its own (a log or file transport), `Hearth <meetings@<host of origin>>`.
 */
export function organizer(origin: string, mailFrom = config().MAIL_FROM): { name: string; email: string } {
	const named = mailFrom ? /^\s*(.*?)\s*<([^<>]+)>\s*$/.exec(mailFrom) : null;
	if (named) return { name: named[1] || 'Hearth', email: named[2] };
	if (mailFrom) return { name: 'Hearth', email: mailFrom.trim() };
	return { name: 'Hearth', email: `meetings@${new URL(origin).hostname}` };
}

/** Queues `meetingNotice` (in the caller's transaction when `q` is one), due `delayMs` after `now`. */
export function queueMeetingNotice(q: Queryable, notice: z.infer<typeof payload>, now: number, delayMs = 0): Promise<string> {
	return enqueue(q, meetingNotice, notice, { runAt: now + delayMs, now });
}
