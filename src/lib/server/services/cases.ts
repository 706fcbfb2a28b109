import { asc, eq, inArray } from 'drizzle-orm';
import { caseAssignments, cases, meetings, users } from '../db/schema.ts';
import { keepApartOfCase, peopleOfCase, type PersonView } from './people.ts';
import { can } from '../../domain/policy.ts';
import { opaqueId } from '../../domain/doc-id.ts';
import type { MeetingKind, MeetingStatus, MeetingType } from '../../domain/roles.ts';
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
	meetings: { id: string; kind: MeetingKind; meetingType: MeetingType; startsAt: number; timeZone: string; status: MeetingStatus }[];
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
		.select({ id: meetings.id, kind: meetings.kind, meetingType: meetings.meetingType, startsAt: meetings.startsAt, timeZone: meetings.timeZone, status: meetings.status })
		.from(meetings)
		.where(eq(meetings.caseId, caseId))
		.orderBy(asc(meetings.startsAt))
		.all();
	return { ok: true, value: { id: row.id, name: row.name, removalDate: row.removalDate, people, keepApart, staff, meetings: meetingRows } };
}
