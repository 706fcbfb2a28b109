import { meetingClosed } from './documents.ts';
import { and, asc, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import type { caseAssignments } from '../db/schema.ts';
import { keepApartOfCase, peopleOfCase, type PersonView } from './people.ts';
import { can, type Action, type Resource } from '../../domain/policy.ts';
import { listInvites, type InviteSummary } from './invites.ts';
import { opaqueId } from '../../domain/doc-id.ts';
import type { MeetingKind, MeetingStatus, MeetingType } from '../../domain/roles.ts';
import { typedText, type TypedText } from '../../domain/people.ts';
import { first, tablesOf } from '../db/index.ts';
import { newId } from '../ids.ts';
import { authorize, inTransaction, record, refuseUnknown, type RequestContext, type Result } from './access.ts';

export type CaseSummary = { id: string; name: string; removalDate: string | null; nextMeetingAt: number | null };

/** The cases this person may see (staff: the ones they are assigned to). */
export async function listCases(ctx: RequestContext): Promise<Result<CaseSummary[]>> {
	const { cases, meetings } = tablesOf(ctx);
	const refused = await authorize(ctx, 'view', { type: 'case-list' }, 'case.list');
	if (refused) return refused;
	if (ctx.actor.kind !== 'staff') return { ok: true, value: [] };
	const actor = ctx.actor;
	const ids = [...actor.assignments.keys()].filter((caseId) => can(actor, 'view', { type: 'case', caseId }));
	if (ids.length === 0) return { ok: true, value: [] };
	const rows = await ctx.db.select().from(cases).where(inArray(cases.id, ids)).orderBy(asc(cases.name));
	const now = ctx.now;
	const upcoming = (await ctx.db.select({ caseId: meetings.caseId, startsAt: meetings.startsAt, status: meetings.status }).from(meetings).where(inArray(meetings.caseId, ids))).filter((m) => m.status === 'scheduled' && m.startsAt >= now);
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

/** A case as this person may see it (staff on the case: case view). Refused and audited otherwise. */
export function getCase(ctx: RequestContext, caseId: string): Promise<Result<CaseDetail>> {
	return caseDetail(ctx, caseId, 'view', { type: 'case', caseId }, 'case.view');
}

/**
 * A case, asked for with the question the page depends on (view the case, manage its safety settings,
 * manage its invitations, edit it): one policy decision, one audit entry, then what the viewer may see.
 * An id that is no case is refused like one the viewer may not see.
 */
async function caseDetail(ctx: RequestContext, caseId: string, action: Action, resource: Resource, auditAction: string): Promise<Result<CaseDetail>> {
	const { caseAssignments, cases, meetings, users } = tablesOf(ctx);
	if (!opaqueId.safeParse(caseId).success) return refuseUnknown(ctx, 'case', caseId, auditAction);
	const row = await first(ctx.db.select().from(cases).where(eq(cases.id, caseId)));
	if (!row) return refuseUnknown(ctx, 'case', caseId, auditAction);
	const refused = await authorize(ctx, action, resource, auditAction);
	if (refused) return refused;
	const people = await peopleOfCase(ctx, caseId);
	const keepApart = await keepApartOfCase(ctx, caseId);
	const staff = await ctx.db
		.select({ name: users.name, role: caseAssignments.role })
		.from(caseAssignments)
		.innerJoin(users, eq(users.id, caseAssignments.userId))
		.where(eq(caseAssignments.caseId, caseId));
	const meetingRows = (
		await ctx.db
			.select({ id: meetings.id, kind: meetings.kind, meetingType: meetings.meetingType, startsAt: meetings.startsAt, timeZone: meetings.timeZone, status: meetings.status, location: meetings.location, locationEs: meetings.locationEs })
			.from(meetings)
			.where(eq(meetings.caseId, caseId))
			.orderBy(asc(meetings.startsAt))
	).map(({ location, locationEs, ...mt }) => ({ ...mt, location: typedText(location, locationEs) }));
	return { ok: true, value: { id: row.id, name: row.name, removalDate: row.removalDate, people, keepApart, staff, meetings: meetingRows } };
}

export type CasePage = {
	theCase: CaseDetail;
	/** The case's invitations, when this person manages them (else null). */
	invites: InviteSummary[] | null;
	/** Meetings whose place this person may change (the policy's `edit` on the meeting). */
	placeEditable: string[];
	/** This person plans, changes and cancels the case's meetings (the policy's `schedule` on the case). */
	canSchedule: boolean;
};

/** The case page: the case, its invitations for those who manage them, and which meeting places this person may change. */
export async function casePage(ctx: RequestContext, caseId: string): Promise<Result<CasePage>> {
	const theCase = await getCase(ctx, caseId);
	if (!theCase.ok) return theCase;
	const invites = can(ctx.actor, 'manage', { type: 'invites', caseId }) ? await listInvites(ctx, caseId) : null;
	const placeEditable = theCase.value.meetings.filter((mt) => can(ctx.actor, 'edit', { type: 'meeting', caseId, meetingId: mt.id, closed: meetingClosed(mt.status) })).map((mt) => mt.id);
	const canSchedule = can(ctx.actor, 'schedule', { type: 'case', caseId });
	return { ok: true, value: { theCase: theCase.value, invites: invites?.ok ? invites.value : null, placeEditable, canSchedule } };
}

/** The case for its safety page (labels, consents, keep-apart pairs): staff who manage its safety settings. */
export function caseForSafety(ctx: RequestContext, caseId: string): Promise<Result<CaseDetail>> {
	return caseDetail(ctx, caseId, 'manage', { type: 'safety-settings', caseId }, 'safety.view');
}

/** The case for its invite form: staff who manage its invitations. */
export function caseForInvites(ctx: RequestContext, caseId: string): Promise<Result<CaseDetail>> {
	return caseDetail(ctx, caseId, 'manage', { type: 'invites', caseId }, 'invite.form');
}

/** One person of a case, for the form that changes what they are to the children: staff who edit the case. */
export async function personForEdit(ctx: RequestContext, caseId: string, personId: string): Promise<Result<{ caseId: string; caseName: string; person: PersonView }>> {
	const theCase = await caseDetail(ctx, caseId, 'edit', { type: 'case', caseId }, 'person.view');
	if (!theCase.ok) return theCase;
	const person = theCase.value.people.find((p) => p.id === personId);
	if (!person) return refuseUnknown(ctx, 'person', personId, 'person.view');
	return { ok: true, value: { caseId: theCase.value.id, caseName: theCase.value.name, person } };
}

// ---- Where a meeting is held, in the words staff type (families read it in their language) ----

export type MeetingPlace = { caseName: string; meetingId: string; kind: MeetingKind; meetingType: MeetingType; startsAt: number; timeZone: string; en: string; es: string };

const placeText = z.string().trim().max(200);
export const placeSchema = z.object({ en: placeText, es: placeText });

async function meetingOfCase(ctx: RequestContext, caseId: string, meetingId: string) {
	const { cases, meetings } = tablesOf(ctx);
	if (!opaqueId.safeParse(caseId).success || !opaqueId.safeParse(meetingId).success) return undefined;
	return first(
		ctx.db
			.select({ meeting: meetings, caseName: cases.name })
			.from(meetings)
			.innerJoin(cases, eq(cases.id, meetings.caseId))
			.where(and(eq(meetings.id, meetingId), eq(meetings.caseId, caseId)))
	);
}

/** A meeting's place as staff typed it, for the form that changes it (staff on the case: meeting edit). */
export async function meetingPlace(ctx: RequestContext, caseId: string, meetingId: string): Promise<Result<MeetingPlace>> {
	const row = await meetingOfCase(ctx, caseId, meetingId);
	if (!row) return refuseUnknown(ctx, 'meeting', meetingId, 'meeting.place');
	const refused = await authorize(ctx, 'edit', { type: 'meeting', caseId, meetingId, closed: meetingClosed(row.meeting.status) }, 'meeting.place');
	if (refused) return refused;
	const mt = row.meeting;
	return { ok: true, value: { caseName: row.caseName, meetingId, kind: mt.kind, meetingType: mt.meetingType, startsAt: mt.startsAt, timeZone: mt.timeZone, en: mt.location ?? '', es: mt.locationEs ?? '' } };
}

/**
 * Sets where a meeting is held, in English and in Spanish (either may be empty). A place is what staff
 * type, never translated by the app: with one language only, every reader sees that one.
 */
export function setMeetingPlace(ctx: RequestContext, caseId: string, meetingId: string, input: z.infer<typeof placeSchema>): Promise<Result<true>> {
	const { meetings } = tablesOf(ctx);
	return inTransaction(ctx, async (tx) => {
		const row = await meetingOfCase(tx, caseId, meetingId);
		if (!row) return refuseUnknown(tx, 'meeting', meetingId, 'meeting.place.set');
		const refused = await authorize(tx, 'edit', { type: 'meeting', caseId, meetingId, closed: meetingClosed(row.meeting.status) }, 'meeting.place.set');
		if (refused) return refused;
		await tx.db.update(meetings).set({ location: input.en || null, locationEs: input.es || null }).where(eq(meetings.id, meetingId));
		await record(tx, { action: 'meeting.place.set', resourceType: 'meeting', resourceId: meetingId, caseId, outcome: 'allowed', detail: { en: input.en !== '', es: input.es !== '' } });
		return { ok: true, value: true };
	});
}

/** The longest name of a case (characters): how staff name it, e.g. "Rivera family". */
export const CASE_NAME_MAX = 120;

/** What opening a case takes (the form's fields, checked at the boundary): names are trimmed, dates are ISO days. */
export const openCaseSchema = z.object({
	name: z.string().trim().min(1).max(CASE_NAME_MAX),
	removalDate: z.union([z.literal(''), z.string().regex(/^\d{4}-\d{2}-\d{2}$/).refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d))]),
	caseworkerId: opaqueId,
	facilitatorId: z.union([z.literal(''), opaqueId]),
	supervisorId: z.union([z.literal(''), opaqueId])
});

/** Staff of this person's agency who may be assigned to a new case, by role (active accounts only), and the agency's time zone. */
export type OpenCaseForm = { timeZone: string; staff: { id: string; name: string; role: 'caseworker' | 'facilitator' | 'supervisor' }[]; me: { id: string; role: 'caseworker' | 'supervisor' } };

/**
 * The form for opening a case: for staff the policy lets open one (policy `open` on the case list:
 * caseworkers and supervisors); anyone else is refused and audited (`case.open.form`). Lists the agency's
 * active caseworkers, facilitators and supervisors, and the agency's time zone (every time of the case is
 * shown in it).
 */
export async function openCaseForm(ctx: RequestContext): Promise<Result<OpenCaseForm>> {
	const refused = await authorize(ctx, 'open', { type: 'case-list' }, 'case.open.form');
	if (refused) return refused;
	const actor = ctx.actor as Extract<RequestContext['actor'], { kind: 'staff' }>;
	const { agencies, users } = tablesOf(ctx);
	const me = await first(ctx.db.select({ agencyId: users.agencyId, timeZone: agencies.timeZone }).from(users).innerJoin(agencies, eq(agencies.id, users.agencyId)).where(eq(users.id, actor.userId)));
	if (!me) return { ok: false, reason: 'forbidden' };
	const staff = await ctx.db
		.select({ id: users.id, name: users.name, role: users.role, disabledAt: users.disabledAt })
		.from(users)
		.where(and(eq(users.agencyId, me.agencyId), inArray(users.role, ['caseworker', 'facilitator', 'supervisor'])))
		.orderBy(asc(users.name));
	return {
		ok: true,
		value: {
			timeZone: me.timeZone,
			staff: staff.filter((s) => s.disabledAt === null).map((s) => ({ id: s.id, name: s.name, role: s.role as 'caseworker' | 'facilitator' | 'supervisor' })),
			me: { id: actor.userId, role: actor.role as 'caseworker' | 'supervisor' }
		}
	};
}

/** Why a case was not opened: a chosen person is not active staff of this agency in that role, or two roles name one person. */
export type OpenCaseProblem = { ok: false; reason: 'staff'; field: 'caseworkerId' | 'facilitatorId' | 'supervisorId' };

/**
 * Opens a case in the agency of the person opening it (policy `open` on the case list), with its name,
 * the children's removal date if any (an ISO day, or '' for none), and its staff: a caseworker of record
 * (required), a facilitator and a supervisor (optional), each an active user of the same agency with that
 * role; the person opening it must be one of them (they are assigned as what they are: `caseworker` or
 * `supervisor`), so nobody opens a case they then cannot see. One transaction: the case, its assignments,
 * and the audit entry `case.open` (which names the roles filled, never the name typed). Returns the new
 * case's id, the policy's refusal (audited), or which staff choice does not hold.
 */
export async function openCase(ctx: RequestContext, input: z.infer<typeof openCaseSchema>): Promise<Result<{ caseId: string }> | OpenCaseProblem> {
	const { cases, caseAssignments, users } = tablesOf(ctx);
	return inTransaction(ctx, async (tx) => {
		const refused = await authorize(tx, 'open', { type: 'case-list' }, 'case.open');
		if (refused) return refused;
		const actor = tx.actor as Extract<RequestContext['actor'], { kind: 'staff' }>;
		const me = await first(tx.db.select({ agencyId: users.agencyId }).from(users).where(eq(users.id, actor.userId)));
		if (!me) return { ok: false, reason: 'forbidden' };
		const chosen = { caseworkerId: input.caseworkerId, facilitatorId: input.facilitatorId, supervisorId: input.supervisorId };
		const roleOf = { caseworkerId: 'caseworker', facilitatorId: 'facilitator', supervisorId: 'supervisor' } as const;
		const ids = Object.values(chosen).filter((id) => id !== '');
		const found = await tx.db.select({ id: users.id, role: users.role, agencyId: users.agencyId, disabledAt: users.disabledAt }).from(users).where(inArray(users.id, ids));
		for (const field of Object.keys(chosen) as (keyof typeof chosen)[]) {
			const id = chosen[field];
			if (id === '') continue;
			const user = found.find((u) => u.id === id);
			// Someone of this agency, active, in that role, and named for one role only.
			if (!user || user.agencyId !== me.agencyId || user.disabledAt !== null || user.role !== roleOf[field] || ids.indexOf(id) !== ids.lastIndexOf(id)) return { ok: false, reason: 'staff', field };
		}
		// The person opening it is on it, as what they are.
		const mine = actor.role === 'supervisor' ? 'supervisorId' : 'caseworkerId';
		if (chosen[mine] !== actor.userId) return { ok: false, reason: 'staff', field: mine };
		const caseId = newId();
		await tx.db.insert(cases).values({ id: caseId, agencyId: me.agencyId, name: input.name, removalDate: input.removalDate || null, createdAt: tx.now });
		for (const field of Object.keys(chosen) as (keyof typeof chosen)[]) {
			if (chosen[field] !== '') await tx.db.insert(caseAssignments).values({ caseId, userId: chosen[field], role: roleOf[field], createdAt: tx.now });
		}
		await record(tx, { action: 'case.open', resourceType: 'case', resourceId: caseId, caseId, outcome: 'allowed', detail: { facilitator: input.facilitatorId !== '', supervisor: input.supervisorId !== '', removal: input.removalDate !== '' } });
		return { ok: true, value: { caseId } };
	});
}

/**
 * For a form to open a case that did not parse: whoever may not open a case is refused as such (audited as
 * `case.open`) whatever they sent; only staff who may open one learn what was wrong with it.
 */
export async function mayOpenCase(ctx: RequestContext): Promise<Result<null>> {
	return (await authorize(ctx, 'open', { type: 'case-list' }, 'case.open')) ?? { ok: true, value: null };
}
