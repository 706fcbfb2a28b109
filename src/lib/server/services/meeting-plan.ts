import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { opaqueId } from '../../domain/doc-id.ts';
import { keepApartClash } from '../../domain/keep-apart.ts';
import { parseMeetingPlan, sessionsOfPlan, type MeetingPlan, type MeetingPlanField, type MeetingPlanValues } from '../../domain/meeting-plan.ts';
import { MEETING_TYPES, type AssignmentRole, type MeetingStatus, type MeetingType, type ParticipantRole } from '../../domain/roles.ts';
import { zonedDate, isoDay } from '../../domain/time.ts';
import { decisionDeadline } from '../../domain/jurisdiction.ts';
import { Temporal } from 'temporal-polyfill';
import { first, tablesOf } from '../db/index.ts';
import { newId } from '../ids.ts';
import { config } from '../config.ts';
import { queueMeetingNotice } from './meeting-notices.ts';
import { stopAgendaTimers } from './agenda.ts';
import { accessChanged, authorize, inTransaction, record, refuseUnknown, type RequestContext, type Result, type TxContext } from './access.ts';

// Planning a case's meetings from the case page (issue 20, first bullet): create one, change it, cancel it.
// Creating makes the meeting row, its JOINT session with the chosen people, and a SEPARATE session for each
// person who joins apart (domain.md §6), in one transaction with its audit entry. The policy's `schedule` on
// the case decides who may (its facilitator, caseworker and supervisor).

/** Why a plan was not saved, beyond the policy's refusals: each one the form says in words. */
export type PlanProblem =
	| { ok: false; reason: 'invalid'; fields: MeetingPlanField[] }
	| { ok: false; reason: 'keep-apart'; names: [string, string] }
	| { ok: false; reason: 'facilitator-not-on-case' | 'facilitator-conflict' | 'person-not-on-case' | 'not-scheduled' | 'not-confirmed' };

export type MeetingPlanForm = {
	caseId: string;
	caseName: string;
	/** The agency's zone: a new meeting's default. */
	agencyTimeZone: string;
	/**
	 * The decision deadline of each trigger, usual and in an emergency, counted from the agency's day today
	 * (or the day the meeting was first planned): the form shows the one chosen without loading the
	 * calendar code (temporal-polyfill) into the browser.
	 */
	deadlines: Record<MeetingType, { usual: DeadlineView; emergency: DeadlineView }>;
	people: { id: string; name: string; role: ParticipantRole }[];
	/** Staff on the case, who may facilitate. */
	staff: { id: string; name: string; assignment: AssignmentRole }[];
	/** The caseworker of record and the supervisor on the case: domain.md §1 says neither should facilitate. */
	conflictedFacilitators: string[];
	facilitatorRule: 'warn' | 'refuse';
	/** Pairs the form must not put in one session, by name (staff on the case know them). */
	keepApart: [string, string][];
	/** When changing a meeting: it, as the form's values. */
	meeting: { id: string; status: MeetingStatus; values: MeetingPlanValues } | null;
};

/** A deadline for the page: a dated one as YYYY-MM-DD (compared with the date input's value as text). */
export type DeadlineView = { kind: 'BEFORE_MOVE' } | { kind: 'BEFORE_HEARING' } | { kind: 'BY_DAY'; day: string; workingDays: number };

function deadlineViews(decidedOn: ReturnType<typeof zonedDate>): MeetingPlanForm['deadlines'] {
	const view = (type: MeetingType, emergency: boolean): DeadlineView => {
		const d = decisionDeadline(type, emergency, decidedOn);
		return d.kind === 'BY_DAY' ? { kind: 'BY_DAY', day: isoDay(d.day), workingDays: d.workingDays } : d;
	};
	return Object.fromEntries(MEETING_TYPES.map((t) => [t, { usual: view(t, false), emergency: view(t, true) }])) as MeetingPlanForm['deadlines'];
}

const personName = (p: { givenName: string; familyName: string }) => `${p.givenName} ${p.familyName}`;

async function caseRow(ctx: RequestContext, caseId: string) {
	const { agencies, cases } = tablesOf(ctx);
	if (!opaqueId.safeParse(caseId).success) return undefined;
	return first(ctx.db.select({ id: cases.id, name: cases.name, timeZone: agencies.timeZone }).from(cases).innerJoin(agencies, eq(agencies.id, cases.agencyId)).where(eq(cases.id, caseId)));
}

async function meetingRow(ctx: RequestContext, caseId: string, meetingId: string) {
	const { meetings } = tablesOf(ctx);
	if (!opaqueId.safeParse(meetingId).success) return undefined;
	return first(ctx.db.select().from(meetings).where(and(eq(meetings.id, meetingId), eq(meetings.caseId, caseId))));
}

async function staffOfCase(ctx: RequestContext, caseId: string) {
	const { caseAssignments, users } = tablesOf(ctx);
	return ctx.db
		.select({ id: users.id, name: users.name, assignment: caseAssignments.role })
		.from(caseAssignments)
		.innerJoin(users, eq(users.id, caseAssignments.userId))
		.where(eq(caseAssignments.caseId, caseId))
		.orderBy(asc(users.name));
}

/** The facilitator is the caseworker of record or the case's supervisor (domain.md §1: they must not be). */
const conflicted = (assignment: AssignmentRole) => assignment === 'caseworker' || assignment === 'supervisor';

/**
 * A stored meeting as the plan form's values (what `updateMeeting` takes): its date and time as wall time
 * in its own zone, who comes and how (the joint session's people with their mode; each person with a
 * separate session of their own as SEPARATE_SESSION).
 */
async function planValuesOf(ctx: RequestContext, existing: NonNullable<Awaited<ReturnType<typeof meetingRow>>>): Promise<MeetingPlanValues> {
	const { meetingSessionMembers, meetingSessions } = tablesOf(ctx);
	const sessions = await ctx.db.select().from(meetingSessions).where(eq(meetingSessions.meetingId, existing.id));
	const members = sessions.length ? await ctx.db.select().from(meetingSessionMembers).where(inArray(meetingSessionMembers.meetingSessionId, sessions.map((s) => s.id))) : [];
	const joint = sessions.find((s) => s.kind === 'JOINT');
	const participants: MeetingPlanValues['participants'] = [];
	for (const mb of members.filter((mb) => mb.meetingSessionId === joint?.id)) participants.push({ personId: mb.personId, mode: mb.mode ?? 'IN_PERSON' });
	for (const s of sessions.filter((s) => s.kind === 'SEPARATE' && s.forPersonId)) {
		if (members.some((mb) => mb.meetingSessionId === s.id && mb.personId === s.forPersonId) && !participants.some((p) => p.personId === s.forPersonId)) {
			participants.push({ personId: s.forPersonId!, mode: 'SEPARATE_SESSION' });
		}
	}
	const wall = Temporal.Instant.fromEpochMilliseconds(existing.startsAt).toZonedDateTimeISO(existing.timeZone);
	return {
		kind: existing.kind,
		meetingType: existing.meetingType,
		emergency: existing.emergency ? 'on' : 'off',
		date: wall.toPlainDate().toString(),
		time: `${String(wall.hour).padStart(2, '0')}:${String(wall.minute).padStart(2, '0')}`,
		timeZone: existing.timeZone,
		durationMinutes: String(existing.durationMinutes),
		location: existing.location ?? '',
		locationEs: existing.locationEs ?? '',
		facilitatorId: existing.facilitatorId ?? '',
		participants
	};
}

/** What the form needs to plan a meeting of this case, or to change one (`meetingId`). Staff who schedule the case's meetings. */
export async function meetingPlanForm(ctx: RequestContext, caseId: string, meetingId?: string): Promise<Result<MeetingPlanForm>> {
	const auditAction = meetingId === undefined ? 'meeting.plan.form' : 'meeting.edit.form';
	const theCase = await caseRow(ctx, caseId);
	if (!theCase) return refuseUnknown(ctx, 'case', caseId, auditAction);
	const existing = meetingId === undefined ? null : await meetingRow(ctx, caseId, meetingId);
	if (meetingId !== undefined && !existing) return refuseUnknown(ctx, 'meeting', meetingId, auditAction);
	const refused = await authorize(ctx, 'schedule', { type: 'case', caseId }, auditAction);
	if (refused) return refused;

	const { casePeople, keepApartPairs } = tablesOf(ctx);
	const peopleRows = await ctx.db.select().from(casePeople).where(eq(casePeople.caseId, caseId)).orderBy(asc(casePeople.givenName));
	const nameOf = new Map(peopleRows.map((p) => [p.id, personName(p)]));
	const staff = await staffOfCase(ctx, caseId);
	const pairs = await ctx.db.select().from(keepApartPairs).where(eq(keepApartPairs.caseId, caseId));

	const meeting: MeetingPlanForm['meeting'] = existing ? { id: existing.id, status: existing.status, values: await planValuesOf(ctx, existing) } : null;

	return {
		ok: true,
		value: {
			caseId,
			caseName: theCase.name,
			agencyTimeZone: theCase.timeZone,
			deadlines: deadlineViews(zonedDate(existing ? existing.createdAt : ctx.now, theCase.timeZone)),
			people: peopleRows.map((p) => ({ id: p.id, name: personName(p), role: p.role })),
			staff,
			conflictedFacilitators: staff.filter((s) => conflicted(s.assignment)).map((s) => s.id),
			facilitatorRule: config().MEETING_FACILITATOR_RULE,
			keepApart: pairs.map((p) => [nameOf.get(p.personA) ?? '', nameOf.get(p.personB) ?? ''] as [string, string]),
			meeting
		}
	};
}

/**
 * The checks of a plan that need the case: the facilitator is staff on it (and, when the agency refuses it,
 * not its caseworker or supervisor); every person is the case's; no keep-apart pair shares the joint session.
 */
async function checkPlan(tx: TxContext, caseId: string, plan: MeetingPlan, auditAction: string, resourceId: string | null): Promise<PlanProblem | { ok: true; facilitatorConflict: boolean }> {
	const { casePeople, keepApartPairs } = tablesOf(tx);
	const staff = await staffOfCase(tx, caseId);
	const facilitator = staff.find((s) => s.id === plan.facilitatorId);
	if (!facilitator) return { ok: false, reason: 'facilitator-not-on-case' };
	const facilitatorConflict = conflicted(facilitator.assignment);
	if (facilitatorConflict && config().MEETING_FACILITATOR_RULE === 'refuse') return { ok: false, reason: 'facilitator-conflict' };
	const ids = plan.participants.map((p) => p.personId);
	const people = await tx.db.select().from(casePeople).where(and(eq(casePeople.caseId, caseId), inArray(casePeople.id, ids)));
	if (people.length !== ids.length) return { ok: false, reason: 'person-not-on-case' };
	const pairs = await tx.db.select({ personA: keepApartPairs.personA, personB: keepApartPairs.personB }).from(keepApartPairs).where(eq(keepApartPairs.caseId, caseId));
	const { joint } = sessionsOfPlan(plan.participants);
	for (const personId of joint) {
		const clash = keepApartClash(pairs, personId, joint);
		if (clash) {
			const nameOf = new Map(people.map((p) => [p.id, personName(p)]));
			// The refusal is recorded (a safety rule held), with no names: the audit trail is read by supervisors.
			await record(tx, { action: auditAction, resourceType: 'meeting', resourceId, caseId, outcome: 'denied', detail: { why: 'keep-apart' } });
			return { ok: false, reason: 'keep-apart', names: [nameOf.get(personId) ?? '', nameOf.get(clash) ?? ''] };
		}
	}
	return { ok: true, facilitatorConflict };
}

/**
 * Puts the planned people in the meeting's sessions: the joint session holds exactly the people who join
 * together (each with how), and each person who joins apart has a SEPARATE session of their own. A person
 * no longer apart leaves their separate session, which stays with what was written in it. Family time is
 * not touched (it is started in the room).
 */
async function placePeople(tx: TxContext, meetingId: string, plan: MeetingPlan): Promise<void> {
	const { meetingSessionMembers, meetingSessions } = tablesOf(tx);
	const sessions = await tx.db.select().from(meetingSessions).where(eq(meetingSessions.meetingId, meetingId));
	let joint = sessions.find((s) => s.kind === 'JOINT')?.id;
	if (!joint) {
		joint = newId();
		await tx.db.insert(meetingSessions).values({ id: joint, meetingId, kind: 'JOINT', createdAt: tx.now });
	}
	const together = plan.participants.filter((p) => p.mode !== 'SEPARATE_SESSION');
	const apart = plan.participants.filter((p) => p.mode === 'SEPARATE_SESSION');
	const current = await tx.db.select().from(meetingSessionMembers).where(eq(meetingSessionMembers.meetingSessionId, joint));
	const leaving = current.filter((c) => !together.some((p) => p.personId === c.personId)).map((c) => c.personId);
	if (leaving.length) await tx.db.delete(meetingSessionMembers).where(and(eq(meetingSessionMembers.meetingSessionId, joint), inArray(meetingSessionMembers.personId, leaving)));
	for (const p of together) {
		await tx.db
			.insert(meetingSessionMembers)
			.values({ meetingSessionId: joint, personId: p.personId, mode: p.mode })
			.onConflictDoUpdate({ target: [meetingSessionMembers.meetingSessionId, meetingSessionMembers.personId], set: { mode: p.mode } });
	}
	for (const s of sessions.filter((s) => s.kind === 'SEPARATE' && s.forPersonId && !apart.some((p) => p.personId === s.forPersonId))) {
		await tx.db.delete(meetingSessionMembers).where(and(eq(meetingSessionMembers.meetingSessionId, s.id), eq(meetingSessionMembers.personId, s.forPersonId!)));
	}
	for (const p of apart) {
		let sessionId = sessions.find((s) => s.kind === 'SEPARATE' && s.forPersonId === p.personId)?.id;
		if (!sessionId) {
			sessionId = newId();
			await tx.db.insert(meetingSessions).values({ id: sessionId, meetingId, kind: 'SEPARATE', forPersonId: p.personId, createdAt: tx.now });
		}
		await tx.db
			.insert(meetingSessionMembers)
			.values({ meetingSessionId: sessionId, personId: p.personId, mode: 'SEPARATE_SESSION' })
			.onConflictDoUpdate({ target: [meetingSessionMembers.meetingSessionId, meetingSessionMembers.personId], set: { mode: 'SEPARATE_SESSION' } });
	}
}

export type Planned = { id: string; facilitatorConflict: boolean };

/** The meeting's columns a plan sets, on creation and on change alike. */
function plannedColumns(plan: MeetingPlan) {
	return {
		kind: plan.kind,
		meetingType: plan.meetingType,
		emergency: plan.emergency ? 1 : 0,
		startsAt: plan.startsAt,
		durationMinutes: plan.durationMinutes,
		timeZone: plan.timeZone,
		location: plan.location || null,
		locationEs: plan.locationEs || null,
		facilitatorId: plan.facilitatorId
	};
}

/** What the audit trail keeps of a plan: codes and counts, never names or the place typed. */
function planDetail(plan: MeetingPlan, facilitatorConflict: boolean) {
	return { kind: plan.kind, meetingType: plan.meetingType, emergency: plan.emergency, people: plan.participants.length, facilitatorConflict };
}

/** Plans a new meeting of the case: the row, its sessions and members, and its audit entry, in one transaction. */
export async function createMeeting(ctx: RequestContext, caseId: string, values: MeetingPlanValues): Promise<Result<Planned> | PlanProblem> {
	const { meetings } = tablesOf(ctx);
	const result = await inTransaction(ctx, async (tx): Promise<Result<Planned> | PlanProblem> => {
		const theCase = await caseRow(tx, caseId);
		if (!theCase) return refuseUnknown(tx, 'case', caseId, 'meeting.create');
		const refused = await authorize(tx, 'schedule', { type: 'case', caseId }, 'meeting.create');
		if (refused) return refused;
		// Asked only of those who may plan: anyone else learns nothing about what the form takes.
		const parsed = parseMeetingPlan(values);
		if (!parsed.ok) return { ok: false, reason: 'invalid', fields: parsed.fields };
		const plan = parsed.plan;
		const checked = await checkPlan(tx, caseId, plan, 'meeting.create', null);
		if (!checked.ok) return checked;
		const id = newId();
		await tx.db.insert(meetings).values({
			id,
			caseId,
			...plannedColumns(plan),
			status: 'scheduled',
			createdBy: tx.actor.kind === 'staff' ? tx.actor.userId : null,
			createdAt: tx.now
		});
		await placePeople(tx, id, plan);
		await record(tx, {
			action: 'meeting.create',
			resourceType: 'meeting',
			resourceId: id,
			caseId,
			outcome: 'allowed',
			detail: planDetail(plan, checked.facilitatorConflict)
		});
		return { ok: true, value: { id, facilitatorConflict: checked.facilitatorConflict } };
	});
	// People invited to the whole case may now open the new meeting's parts.
	if (result.ok) await accessChanged(ctx, caseId);
	return result;
}

/**
 * Changes a planned meeting (one still to be held): when, where, who facilitates, who comes and how. A new
 * time or place is announced to everyone invited (`meeting.notice`, links at `origin`).
 */
export async function updateMeeting(ctx: RequestContext, caseId: string, meetingId: string, values: MeetingPlanValues, origin: string): Promise<Result<Planned> | PlanProblem> {
	const result = await inTransaction(ctx, (tx) => changeMeeting(tx, caseId, meetingId, values, origin));
	// Someone taken out of the joint session loses its live document now.
	if (result.ok) await accessChanged(ctx, caseId);
	return result;
}

/**
 * The one path that changes a planned meeting, inside the caller's transaction `tx` (policy `schedule` on
 * its case, audited as `meeting.update`): `values` replace the plan; a new time or place bumps its calendar
 * revision (RFC 5545 SEQUENCE) and queues the "moved" notice. `updateMeeting` (the plan form) and
 * `confirmTime` (time-proposals.ts: the worker confirms a proposed time) both go through it. The caller
 * rechecks open sockets after the commit (`accessChanged`).
 */
export async function changeMeeting(tx: TxContext, caseId: string, meetingId: string, values: MeetingPlanValues, origin: string): Promise<Result<Planned> | PlanProblem> {
	const { meetings } = tablesOf(tx);
	const theCase = await caseRow(tx, caseId);
	const existing = theCase ? await meetingRow(tx, caseId, meetingId) : undefined;
	if (!existing) return refuseUnknown(tx, 'meeting', meetingId, 'meeting.update');
	const refused = await authorize(tx, 'schedule', { type: 'case', caseId }, 'meeting.update');
	if (refused) return refused;
	if (existing.status !== 'scheduled') return { ok: false, reason: 'not-scheduled' };
	const parsed = parseMeetingPlan(values);
	if (!parsed.ok) return { ok: false, reason: 'invalid', fields: parsed.fields };
	const plan = parsed.plan;
	const checked = await checkPlan(tx, caseId, plan, 'meeting.update', meetingId);
	if (!checked.ok) return checked;
	// Everyone invited hears of a new time or place (a new zone alone is the same moment, shown another way),
	// and their calendars move the event they hold: one more revision (RFC 5545 SEQUENCE).
	const next = plannedColumns(plan);
	const moved = next.startsAt !== existing.startsAt || next.durationMinutes !== existing.durationMinutes || next.location !== existing.location || next.locationEs !== existing.locationEs;
	await tx.db
		.update(meetings)
		.set(moved ? { ...next, calendarSequence: sql`${meetings.calendarSequence} + 1` } : next)
		.where(eq(meetings.id, meetingId));
	await placePeople(tx, meetingId, plan);
	if (moved) await queueMeetingNotice(tx.db, { meetingId, what: 'moved', origin }, tx.now);
	await record(tx, {
		action: 'meeting.update',
		resourceType: 'meeting',
		resourceId: meetingId,
		caseId,
		outcome: 'allowed',
		detail: planDetail(plan, checked.facilitatorConflict)
	});
	return { ok: true, value: { id: meetingId, facilitatorConflict: checked.facilitatorConflict } };
}

/**
 * The plan form's values of meeting `meetingId` of case `caseId` as it stands, with its start moved to
 * `startsAt` (ms, UTC; written as wall time in the meeting's own zone) and its length `durationMinutes`:
 * what `changeMeeting` takes to move it there and change nothing else. Undefined for no such meeting.
 */
export async function valuesMovedTo(tx: TxContext, caseId: string, meetingId: string, startsAt: number, durationMinutes: number): Promise<MeetingPlanValues | undefined> {
	const existing = await meetingRow(tx, caseId, meetingId);
	if (!existing) return undefined;
	return { ...(await planValuesOf(tx, { ...existing, startsAt })), durationMinutes: String(durationMinutes) };
}

/**
 * Cancels a planned meeting. It stays on the case and on the family's page, readable, marked cancelled.
 * Cancelling one already cancelled changes nothing; a meeting already held is not cancelled. Its sessions
 * and documents stay as they were, read only from then on; everyone invited is told (`meeting.notice`,
 * links at `origin`).
 */
export async function cancelMeeting(ctx: RequestContext, caseId: string, meetingId: string, confirmed: boolean, origin: string): Promise<Result<{ alreadyCancelled: boolean }> | PlanProblem> {
	const { meetings } = tablesOf(ctx);
	const result = await inTransaction(ctx, async (tx): Promise<Result<{ alreadyCancelled: boolean }> | PlanProblem> => {
		const theCase = await caseRow(tx, caseId);
		const existing = theCase ? await meetingRow(tx, caseId, meetingId) : undefined;
		if (!existing) return refuseUnknown(tx, 'meeting', meetingId, 'meeting.cancel');
		const refused = await authorize(tx, 'schedule', { type: 'case', caseId }, 'meeting.cancel');
		if (refused) return refused;
		// Cancelling tells everyone invited: it takes a tick in "yes, cancel it", not one stray press.
		if (!confirmed) return { ok: false, reason: 'not-confirmed' };
		if (existing.status === 'cancelled') return { ok: true, value: { alreadyCancelled: true } };
		if (existing.status !== 'scheduled') return { ok: false, reason: 'not-scheduled' };
		// The cancellation is the event's last revision: calendars remove it (METHOD:CANCEL, a higher SEQUENCE).
		await tx.db
			.update(meetings)
			.set({ status: 'cancelled', calendarSequence: sql`${meetings.calendarSequence} + 1` })
			.where(and(eq(meetings.id, meetingId), eq(meetings.status, 'scheduled')));
		await record(tx, { action: 'meeting.cancel', resourceType: 'meeting', resourceId: meetingId, caseId, outcome: 'allowed' });
		await queueMeetingNotice(tx.db, { meetingId, what: 'cancelled', origin }, tx.now);
		return { ok: true, value: { alreadyCancelled: false } };
	});
	// Open editors of its documents turn read only now (the policy refuses edits to a cancelled meeting).
	if (result.ok && !result.value.alreadyCancelled) {
		await accessChanged(ctx, caseId);
		await stopAgendaTimers(ctx, meetingId, ctx.now);
	}
	return result;
}
