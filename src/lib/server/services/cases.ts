import { and, asc, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { caseAssignments, cases, meetings, users } from '../db/schema.ts';
import { keepApartOfCase, peopleOfCase, type PersonView } from './people.ts';
import { can } from '../../domain/policy.ts';
import { opaqueId } from '../../domain/doc-id.ts';
import type { MeetingKind, MeetingStatus, MeetingType } from '../../domain/roles.ts';
import { typedText, type TypedText } from '../../domain/people.ts';
import { writeAudit } from '../audit.ts';
import { authorize, refuseUnknown, type RequestContext, type Result } from './access.ts';

export type CaseSummary = { id: string; name: string; removalDate: string | null; nextMeetingAt: number | null };

/** The cases this person may see (staff: the ones they are assigned to). */
export function listCases(ctx: RequestContext): Result<CaseSummary[]> {
	const refused = authorize(ctx, 'view', { type: 'case-list' }, 'case.list');
	if (refused) return refused;
	if (ctx.actor.kind !== 'staff') return { ok: true, value: [] };
	const actor = ctx.actor;
	const ids = [...actor.assignments.keys()].filter((caseId) => can(actor, 'view', { type: 'case', caseId }));
	if (ids.length === 0) return { ok: true, value: [] };
	const rows = ctx.db.select().from(cases).where(inArray(cases.id, ids)).orderBy(asc(cases.name)).all();
	const now = Date.now();
	const upcoming = ctx.db
		.select({ caseId: meetings.caseId, startsAt: meetings.startsAt, status: meetings.status })
		.from(meetings)
		.where(inArray(meetings.caseId, ids))
		.all()
		.filter((m) => m.status === 'scheduled' && m.startsAt >= now);
	return {
		ok: true,
		value: rows.map((c) => ({
			id: c.id,
			name: c.name,
			removalDate: c.removalDate,
			nextMeetingAt: upcoming.filter((m) => m.caseId === c.id).reduce<number | null>((min, m) => (min === null || m.startsAt < min ? m.startsAt : min), null)
		}))
	};
}

export type CaseDetail = {
	id: string;
	name: string;
	removalDate: string | null;
	people: PersonView[];
	keepApart: { personA: string; personB: string }[];
	staff: { name: string; role: (typeof caseAssignments.$inferSelect)['role'] }[];
	meetings: { id: string; kind: MeetingKind; meetingType: MeetingType; startsAt: number; timeZone: string; status: MeetingStatus; location: TypedText | null }[];
};

export function getCase(ctx: RequestContext, caseId: string): Result<CaseDetail> {
	if (!opaqueId.safeParse(caseId).success) return refuseUnknown(ctx, 'case', caseId, 'case.view');
	const row = ctx.db.select().from(cases).where(eq(cases.id, caseId)).get();
	if (!row) return refuseUnknown(ctx, 'case', caseId, 'case.view');
	const refused = authorize(ctx, 'view', { type: 'case', caseId }, 'case.view');
	if (refused) return refused;
	const people = peopleOfCase(ctx, caseId);
	const keepApart = keepApartOfCase(ctx, caseId);
	const staff = ctx.db
		.select({ name: users.name, role: caseAssignments.role })
		.from(caseAssignments)
		.innerJoin(users, eq(users.id, caseAssignments.userId))
		.where(eq(caseAssignments.caseId, caseId))
		.all();
	const meetingRows = ctx.db
		.select({ id: meetings.id, kind: meetings.kind, meetingType: meetings.meetingType, startsAt: meetings.startsAt, timeZone: meetings.timeZone, status: meetings.status, location: meetings.location, locationEs: meetings.locationEs })
		.from(meetings)
		.where(eq(meetings.caseId, caseId))
		.orderBy(asc(meetings.startsAt))
		.all()
		.map(({ location, locationEs, ...mt }) => ({ ...mt, location: typedText(location, locationEs) }));
	return { ok: true, value: { id: row.id, name: row.name, removalDate: row.removalDate, people, keepApart, staff, meetings: meetingRows } };
}

// ---- Where a meeting is held, in the words staff type (families read it in their language) ----

export type MeetingPlace = { caseName: string; meetingId: string; kind: MeetingKind; meetingType: MeetingType; startsAt: number; timeZone: string; en: string; es: string };

const placeText = z.string().trim().max(200);
export const placeSchema = z.object({ en: placeText, es: placeText });

function meetingOfCase(ctx: RequestContext, caseId: string, meetingId: string) {
	if (!opaqueId.safeParse(caseId).success || !opaqueId.safeParse(meetingId).success) return undefined;
	return ctx.db
		.select({ meeting: meetings, caseName: cases.name })
		.from(meetings)
		.innerJoin(cases, eq(cases.id, meetings.caseId))
		.where(and(eq(meetings.id, meetingId), eq(meetings.caseId, caseId)))
		.get();
}

/** A meeting's place as staff typed it, for the form that changes it (staff on the case: meeting edit). */
export function meetingPlace(ctx: RequestContext, caseId: string, meetingId: string): Result<MeetingPlace> {
	const row = meetingOfCase(ctx, caseId, meetingId);
	if (!row) return refuseUnknown(ctx, 'meeting', meetingId, 'meeting.place');
	const refused = authorize(ctx, 'edit', { type: 'meeting', caseId, meetingId }, 'meeting.place');
	if (refused) return refused;
	const mt = row.meeting;
	return { ok: true, value: { caseName: row.caseName, meetingId, kind: mt.kind, meetingType: mt.meetingType, startsAt: mt.startsAt, timeZone: mt.timeZone, en: mt.location ?? '', es: mt.locationEs ?? '' } };
}

/**
 * Sets where a meeting is held, in English and in Spanish (either may be empty). A place is what staff
 * type, never translated by the app: with one language only, every reader sees that one.
 */
export function setMeetingPlace(ctx: RequestContext, caseId: string, meetingId: string, input: z.infer<typeof placeSchema>): Result<true> {
	const row = meetingOfCase(ctx, caseId, meetingId);
	if (!row) return refuseUnknown(ctx, 'meeting', meetingId, 'meeting.place.set');
	const refused = authorize(ctx, 'edit', { type: 'meeting', caseId, meetingId }, 'meeting.place.set');
	if (refused) return refused;
	ctx.db.update(meetings).set({ location: input.en || null, locationEs: input.es || null }).where(eq(meetings.id, meetingId)).run();
	writeAudit(ctx.db, { actor: ctx.actor, action: 'meeting.place.set', resourceType: 'meeting', resourceId: meetingId, caseId, outcome: 'allowed', clientAddress: ctx.clientAddress, sessionId: ctx.sessionId, detail: { en: input.en !== '', es: input.es !== '' } });
	return { ok: true, value: true };
}
