import { and, eq, inArray, ne } from 'drizzle-orm';
import { opaqueId } from '../../domain/doc-id.ts';
import { decisionDeadline } from '../../domain/jurisdiction.ts';
import { findTimes, searchWindow, type Invitee, type ProposedTime } from '../../domain/find-times.ts';
import { isoDay, zonedDate } from '../../domain/time.ts';
import { first, tablesOf } from '../db/index.ts';
import { availabilityOf } from './availability.ts';
import { authorize, refuseUnknown, type RequestContext, type Result } from './access.ts';

// The worker's view of good times for a planned meeting (issue 22, "find times"): everyone invited to it
// (its joint session and separate sessions), the availability each gave, the keep-apart pairs of the case
// and the deadline its trigger implies, ranked by find-times.ts. Staff only: it names who can come when.

/** Office hours the ranking calls "inside office hours": Monday to Friday, 8:00 to 17:00 in the agency's zone. */
export const OFFICE_WEEK = [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: 8 * 60, end: 17 * 60 }));

export type MeetingTimes = {
	meetingId: string;
	caseId: string;
	agencyTimeZone: string;
	durationMinutes: number;
	/** The search: its first and last days (YYYY-MM-DD, the agency's zone), and whether the last is the deadline's day. */
	window: { fromDay: string; untilDay: string; byDeadline: boolean };
	/** Everyone considered, by id: name, whether required (each parent), whether they gave their availability, and their zone. */
	people: Record<string, { name: string; required: boolean; given: boolean; timeZone: string | null; written: boolean }>;
	times: ProposedTime[];
};

/**
 * Ranked times for meeting `meetingId` (policy `schedule` on its case: the case's staff; refusals audited
 * as `meeting.times`), searched from today (the agency's day, at `ctx.now`) to the end of the decision
 * deadline's day, or six weeks. Each parent invited is required; everyone else optional; someone joining in
 * writing is held to no time. Staff have no availability of their own yet, so they are not in the search.
 */
export async function meetingTimes(ctx: RequestContext, meetingId: string): Promise<Result<MeetingTimes>> {
	const { meetings, cases, agencies, meetingSessions, meetingSessionMembers, casePeople, keepApartPairs } = tablesOf(ctx);
	if (!opaqueId.safeParse(meetingId).success) return refuseUnknown(ctx, 'meeting', meetingId, 'meeting.times');
	const m = await first(
		ctx.db
			.select({ caseId: meetings.caseId, meetingType: meetings.meetingType, emergency: meetings.emergency, durationMinutes: meetings.durationMinutes, timeZone: agencies.timeZone })
			.from(meetings)
			.innerJoin(cases, eq(cases.id, meetings.caseId))
			.innerJoin(agencies, eq(agencies.id, cases.agencyId))
			.where(eq(meetings.id, meetingId))
	);
	if (!m) return refuseUnknown(ctx, 'meeting', meetingId, 'meeting.times');
	const refused = await authorize(ctx, 'schedule', { type: 'case', caseId: m.caseId }, 'meeting.times');
	if (refused) return refused;
	const members = await ctx.db
		.select({ personId: meetingSessionMembers.personId, mode: meetingSessionMembers.mode, givenName: casePeople.givenName, familyName: casePeople.familyName, role: casePeople.role })
		.from(meetingSessionMembers)
		.innerJoin(meetingSessions, eq(meetingSessions.id, meetingSessionMembers.meetingSessionId))
		.innerJoin(casePeople, eq(casePeople.id, meetingSessionMembers.personId))
		.where(and(eq(meetingSessions.meetingId, meetingId), ne(meetingSessions.kind, 'FAMILY_ALONE')));
	const ids = [...new Set(members.map((p) => p.personId))];
	const given = await availabilityOf(ctx, ids);
	const people: MeetingTimes['people'] = {};
	const invitees: Invitee[] = [];
	for (const id of ids) {
		const rows = members.filter((p) => p.personId === id);
		const p = rows[0];
		const written = rows.every((r) => r.mode === 'WRITTEN_INPUT');
		const availability = given.get(id) ?? null;
		people[id] = { name: `${p.givenName} ${p.familyName}`, required: p.role === 'PARENT', given: availability !== null, timeZone: availability?.timeZone ?? null, written };
		invitees.push({ personId: id, required: p.role === 'PARENT', written, availability });
	}
	const pairs = ids.length > 0 ? await ctx.db.select({ personA: keepApartPairs.personA, personB: keepApartPairs.personB }).from(keepApartPairs).where(and(eq(keepApartPairs.caseId, m.caseId), inArray(keepApartPairs.personA, ids))) : [];
	const today = zonedDate(ctx.now, m.timeZone);
	const deadline = m.meetingType ? decisionDeadline(m.meetingType, m.emergency === 1, today) : ({ kind: 'BEFORE_MOVE' } as const);
	const window = searchWindow(today, deadline, m.timeZone);
	// Never a time already past: from the next quarter hour.
	const from = Math.max(window.from, ctx.now);
	// The ranking works in quarter hours: a 50-minute meeting is looked for as 60.
	const durationMinutes = Math.ceil(m.durationMinutes / 15) * 15;
	const times = findTimes({ from, until: window.until, durationMinutes, invitees, keepApart: pairs, officeHours: { timeZone: m.timeZone, weekly: OFFICE_WEEK }, limit: 8, perDay: 2 });
	return {
		ok: true,
		value: { meetingId, caseId: m.caseId, agencyTimeZone: m.timeZone, durationMinutes: m.durationMinutes, window: { fromDay: isoDay(zonedDate(from, m.timeZone)), untilDay: isoDay(zonedDate(window.until - 1, m.timeZone)), byDeadline: deadline.kind === 'BY_DAY' }, people, times }
	};
}
