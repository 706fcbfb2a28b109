import { and, asc, eq, inArray, isNull } from 'drizzle-orm';
import type { meetings } from '../db/schema.ts';
import { opaqueId, docName } from '../../domain/doc-id.ts';
import { can } from '../../domain/policy.ts';
import { FAMILY_ROLES, FAMILY_TIME_ROLES, type MeetingSessionKind } from '../../domain/roles.ts';
import { typedText, type TypedText } from '../../domain/people.ts';
import { keepApartClash } from '../../domain/keep-apart.ts';
import { first, transact, type Db, tablesOf } from '../db/index.ts';
import { newId } from '../ids.ts';
import { accessChanged, authorize, inTransaction, record, refuseUnknown, type RequestContext, type Result } from './access.ts';
import { documentResource, meetingClosed, sessionFacts } from './documents.ts';
import { collabControl } from '../collab/registry.ts';
import { loadStoredDocument } from '../collab/stored.ts';
import { notesToText } from '../../domain/notes-html.ts';
import { notesOf } from '../../domain/meeting-doc.ts';
import { writePresented } from '../../domain/decision.ts';

export type MeetingSessionView = {
	id: string;
	kind: MeetingSessionKind;
	/** For a separate session: whom it is held for (a name staff and that person see). */
	forName: string | null;
	members: { personId: string; name: string }[];
	/** Null when this person may know of the session but not open it (staff and private family time). */
	doc: { id: string; canEdit: boolean } | null;
	/** When staff ended it (family time), or null while it lasts. */
	endedAt: number | null;
	/** Family time: when the family shared its notes with the team, or null while they are the family's alone. */
	sharedAt: number | null;
	/** Family time: this person may share its notes with the team now (a family member in it; not yet shared). */
	canShare: boolean;
	/**
	 * Who an action item of this part may name as its owner, by `u:`/`p:` id: the case's staff, and for
	 * staff the people in this part. Never anyone of another part: naming one of a keep-apart pair in the
	 * other's part would tell the other that they take part.
	 */
	owners: Record<string, string>;
	/**
	 * For staff who manage the meeting's parts: the people of the case who may be added to this one (not in
	 * it yet; for private family time, the family and an interpreter: FAMILY_TIME_ROLES). Empty for anyone else.
	 */
	addable: { id: string; name: string }[];
};

export type MeetingView = {
	id: string;
	caseId: string;
	caseName: string;
	kind: (typeof meetings.$inferSelect)['kind'];
	meetingType: (typeof meetings.$inferSelect)['meetingType'];
	startsAt: number;
	durationMinutes: number;
	timeZone: string;
	/** Where, as staff typed it in English and in Spanish: shown in the reader's language (labels.ts typedTextIn). */
	location: TypedText | null;
	status: (typeof meetings.$inferSelect)['status'];
	/** The meeting sessions this person may open, each with its shared document. */
	sessions: MeetingSessionView[];
	/** Staff only: people of the case who can be added to a session, and who must be kept apart. */
	manage: { people: { id: string; name: string }[]; keepApart: [string, string][] } | null;
	/** This person runs the meeting: moves its stages and its timer (policy `run`: the case's facilitator). */
	canRun: boolean;
	/**
	 * Names of who may have written on the meeting's board, by their id in its shared document (`u:<userId>`,
	 * `p:<personId>`): the case's staff for everyone; the case's people for staff only (a family member is
	 * not given the list of who else takes part, as for sessions above: their cards show whose voice they are).
	 */
	authorNames: Record<string, string>;
	/** The case's children, for the decision (one recommendation each). */
	children: { id: string; name: string }[];
	/** This person records the decision (policy `decide`: the case's facilitator). */
	canDecide: boolean;
	/** This person may close the meeting (policy `close`: its facilitator, or the case's supervisor). */
	canClose: boolean;
	/** When it was closed (server ms), or null. */
	closedAt: number | null;
};

function personName(p: { givenName: string; familyName: string }): string {
	return `${p.givenName} ${p.familyName}`;
}

/** A meeting as this person may see it: its sessions (each with its document when they may open it), and for staff who manage safety, the people and pairs. */
export async function getMeeting(ctx: RequestContext, meetingId: string): Promise<Result<MeetingView>> {
	const { casePeople, cases, keepApartPairs, meetingSessionMembers, meetingSessions, meetings } = tablesOf(ctx);
	if (!opaqueId.safeParse(meetingId).success) return refuseUnknown(ctx, 'meeting', meetingId, 'meeting.view');
	const row = await first(ctx.db.select({ meeting: meetings, caseName: cases.name }).from(meetings).innerJoin(cases, eq(cases.id, meetings.caseId)).where(eq(meetings.id, meetingId)));
	if (!row) return refuseUnknown(ctx, 'meeting', meetingId, 'meeting.view');
	const m = row.meeting;
	const closed = meetingClosed(m.status);
	const meetingResource = { type: 'meeting' as const, caseId: m.caseId, meetingId, closed };
	const refused = await authorize(ctx, 'view', meetingResource, 'meeting.view');
	if (refused) return refused;

	const sessionRows = await ctx.db.select().from(meetingSessions).where(eq(meetingSessions.meetingId, meetingId)).orderBy(asc(meetingSessions.createdAt));
	const memberRows = sessionRows.length
		? await ctx.db
				.select({ sessionId: meetingSessionMembers.meetingSessionId, personId: casePeople.id, givenName: casePeople.givenName, familyName: casePeople.familyName })
				.from(meetingSessionMembers)
				.innerJoin(casePeople, eq(casePeople.id, meetingSessionMembers.personId))
				.where(inArray(meetingSessionMembers.meetingSessionId, sessionRows.map((s) => s.id)))
		: [];
	const people = await ctx.db.select().from(casePeople).where(eq(casePeople.caseId, m.caseId));
	const nameOf = new Map(people.map((p) => [p.id, personName(p)]));
	const isStaff = ctx.actor.kind === 'staff';

	const { caseAssignments, users } = tablesOf(ctx);
	const staffRows = await ctx.db.select({ id: users.id, name: users.name }).from(caseAssignments).innerJoin(users, eq(users.id, caseAssignments.userId)).where(eq(caseAssignments.caseId, m.caseId));
	const staffNames: Record<string, string> = Object.fromEntries(staffRows.map((u) => [`u:${u.id}`, u.name]));
	const managesParts = can(ctx.actor, 'manage', { type: 'safety-settings', caseId: m.caseId });
	const addableTo = (sessionId: string, kind: MeetingSessionKind) =>
		managesParts
			? people
					.filter((p) => (kind !== 'FAMILY_ALONE' || FAMILY_TIME_ROLES.includes(p.role)) && !memberRows.some((r) => r.sessionId === sessionId && r.personId === p.id))
					.map((p) => ({ id: p.id, name: personName(p) }))
			: [];
	const visible: MeetingSessionView[] = [];
	for (const s of sessionRows) {
		const ref = s.kind === 'JOINT' ? { kind: 'meeting' as const, id: meetingId } : { kind: 'session' as const, id: s.id };
		const resource = documentResource(ref, { caseId: m.caseId, meetingId, meetingSessionId: s.id, meetingSessionKind: s.kind, ...sessionFacts(s), meetingClosed: closed });
		const opens = can(ctx.actor, 'view', resource);
		// Staff know every part of the meeting (they set them up), even one they may not open.
		if (!opens && !(isStaff && can(ctx.actor, 'view', { type: 'meeting-session', caseId: m.caseId, meetingId, meetingSessionId: s.id }))) continue;
		visible.push({
			id: s.id,
			kind: s.kind,
			forName: s.forPersonId ? (nameOf.get(s.forPersonId) ?? null) : null,
			// Who else is in a session is for staff to see; a family member sees the session, not the list.
			members: isStaff ? memberRows.filter((r) => r.sessionId === s.id).map((r) => ({ personId: r.personId, name: personName(r) })) : [],
			doc: opens ? { id: docName(ref), canEdit: can(ctx.actor, 'edit', resource) } : null,
			endedAt: s.endedAt,
			sharedAt: s.sharedAt,
			canShare: s.sharedAt === null && can(ctx.actor, 'manage', resource),
			owners: { ...staffNames, ...(isStaff ? Object.fromEntries(memberRows.filter((r) => r.sessionId === s.id).map((r) => [`p:${r.personId}`, personName(r)])) : {}) },
			addable: addableTo(s.id, s.kind)
		});
	}
	// A meeting made before sessions existed (or by a benchmark) still has its joint document for staff.
	if (sessionRows.length === 0 && isStaff) {
		const ref = { kind: 'meeting' as const, id: meetingId };
		visible.push({
			id: '',
			kind: 'JOINT',
			forName: null,
			members: [],
			doc: { id: docName(ref), canEdit: can(ctx.actor, 'edit', documentResource(ref, { caseId: m.caseId, meetingId, meetingClosed: closed })) },
			endedAt: null,
			sharedAt: null,
			canShare: false,
			owners: staffNames,
			addable: []
		});
	}

	const authorNames: Record<string, string> = { ...staffNames };
	if (isStaff) for (const p of people) authorNames[`p:${p.id}`] = personName(p);

	let manage: MeetingView['manage'] = null;
	if (managesParts) {
		const pairs = await ctx.db.select({ a: keepApartPairs.personA, b: keepApartPairs.personB }).from(keepApartPairs).where(eq(keepApartPairs.caseId, m.caseId));
		manage = {
			people: people.map((p) => ({ id: p.id, name: personName(p) })),
			keepApart: pairs.map((p) => [nameOf.get(p.a) ?? '', nameOf.get(p.b) ?? ''] as [string, string])
		};
	}

	return {
		ok: true,
		value: {
			id: m.id,
			caseId: m.caseId,
			caseName: row.caseName,
			kind: m.kind,
			meetingType: m.meetingType,
			startsAt: m.startsAt,
			durationMinutes: m.durationMinutes,
			timeZone: m.timeZone,
			location: typedText(m.location, m.locationEs),
			status: m.status,
			sessions: visible,
			manage,
			canRun: can(ctx.actor, 'run', meetingResource),
			authorNames,
			children: people.filter((p) => p.role === 'CHILD_YOUTH').map((p) => ({ id: p.id, name: personName(p) })),
			canDecide: can(ctx.actor, 'decide', meetingResource),
			canClose: can(ctx.actor, 'close', meetingResource),
			closedAt: m.closedAt
		}
	};
}

/**
 * Why a person cannot join a session: someone they must be kept apart from is already in it; or it is
 * private family time and they are not family (family time is the family's alone, domain.md §2).
 */
export type PlacementRefusal = { ok: false; reason: 'keep-apart'; withName: string } | { ok: false; reason: 'family-only' };

function meetingOfSession(db: Db, meetingSessionId: string) {
	const { meetingSessions, meetings } = tablesOf(db);
	return first(
		db
			.select({ id: meetingSessions.id, kind: meetingSessions.kind, meetingId: meetings.id, caseId: meetings.caseId, status: meetings.status })
			.from(meetingSessions)
			.innerJoin(meetings, eq(meetings.id, meetingSessions.meetingId))
			.where(eq(meetingSessions.id, meetingSessionId))
	);
}

/**
 * Places a person in a meeting session. A keep-apart pair is never placed in one session (domain.md §6:
 * hold separate meetings when one parent's safety depends on it): the check (domain/keep-apart.ts) and the
 * insert run in one transaction, so two people of a pair added at once cannot both get in.
 */
export async function addToMeetingSession(ctx: RequestContext, meetingSessionId: string, personId: string): Promise<Result<true> | PlacementRefusal> {
	const { casePeople, keepApartPairs, meetingSessionMembers } = tablesOf(ctx);
	const result = await inTransaction(ctx, async (tx): Promise<Result<{ caseId: string }> | PlacementRefusal> => {
		if (!opaqueId.safeParse(meetingSessionId).success || !opaqueId.safeParse(personId).success) return refuseUnknown(tx, 'meeting-session', meetingSessionId, 'meeting.session.add');
		const s = await meetingOfSession(tx.db, meetingSessionId);
		if (!s) return refuseUnknown(tx, 'meeting-session', meetingSessionId, 'meeting.session.add');
		const refused = await authorize(tx, 'manage', { type: 'safety-settings', caseId: s.caseId }, 'meeting.session.add');
		if (refused) return refused;
		// A closed or cancelled meeting's parts are kept as they were (its summary says who was where).
		if (meetingClosed(s.status)) return { ok: false, reason: 'forbidden' };
		const person = await first(tx.db.select({ id: casePeople.id, role: casePeople.role }).from(casePeople).where(and(eq(casePeople.id, personId), eq(casePeople.caseId, s.caseId))));
		if (!person) return { ok: false, reason: 'not-found' };
		// Private family time is the family's alone: professionals leave (domain.md §2). An observer (a trainee
		// of the agency), a foster caregiver or a provider put in it would read the family's private notes.
		if (s.kind === 'FAMILY_ALONE' && !FAMILY_TIME_ROLES.includes(person.role)) {
			await record(tx, { action: 'meeting.session.add', resourceType: 'person', resourceId: personId, caseId: s.caseId, outcome: 'denied', detail: { why: 'not-family', meetingSessionId } });
			return { ok: false, reason: 'family-only' };
		}
		const members = await tx.db.select({ personId: meetingSessionMembers.personId }).from(meetingSessionMembers).where(eq(meetingSessionMembers.meetingSessionId, meetingSessionId));
		const pairs = await tx.db.select({ personA: keepApartPairs.personA, personB: keepApartPairs.personB }).from(keepApartPairs).where(eq(keepApartPairs.caseId, s.caseId));
		const clash = keepApartClash(pairs, personId, members.map((m) => m.personId));
		if (clash) {
			const other = (await first(tx.db.select().from(casePeople).where(eq(casePeople.id, clash))))!;
			await record(tx, { action: 'meeting.session.add', resourceType: 'meeting-session', resourceId: meetingSessionId, caseId: s.caseId, outcome: 'denied', detail: { why: 'keep-apart' } });
			return { ok: false, reason: 'keep-apart', withName: personName(other) };
		}
		const added = await tx.db.insert(meetingSessionMembers).values({ meetingSessionId, personId }).onConflictDoNothing().returning({ personId: meetingSessionMembers.personId });
		// Who was put in which part of a meeting is a safety fact (domain.md §6): on the trail, as the refusal is.
		if (added.length > 0) await record(tx, { action: 'meeting.session.add', resourceType: 'person', resourceId: personId, caseId: s.caseId, outcome: 'allowed', detail: { meetingSessionId, kind: s.kind } });
		return { ok: true, value: { caseId: s.caseId } };
	});
	if (!result.ok) return result;
	await accessChanged(ctx, result.value.caseId);
	return { ok: true, value: true };
}

export async function removeFromMeetingSession(ctx: RequestContext, meetingSessionId: string, personId: string): Promise<Result<true>> {
	const { meetingSessionMembers } = tablesOf(ctx);
	const result = await inTransaction(ctx, async (tx): Promise<Result<{ caseId: string }>> => {
		if (!opaqueId.safeParse(meetingSessionId).success) return refuseUnknown(tx, 'meeting-session', meetingSessionId, 'meeting.session.remove');
		const s = await meetingOfSession(tx.db, meetingSessionId);
		if (!s) return refuseUnknown(tx, 'meeting-session', meetingSessionId, 'meeting.session.remove');
		const refused = await authorize(tx, 'manage', { type: 'safety-settings', caseId: s.caseId }, 'meeting.session.remove');
		if (refused) return refused;
		if (meetingClosed(s.status)) return { ok: false, reason: 'forbidden' };
		const removed = await tx.db
			.delete(meetingSessionMembers)
			.where(and(eq(meetingSessionMembers.meetingSessionId, meetingSessionId), eq(meetingSessionMembers.personId, personId)))
			.returning({ personId: meetingSessionMembers.personId });
		if (removed.length > 0) await record(tx, { action: 'meeting.session.remove', resourceType: 'person', resourceId: personId, caseId: s.caseId, outcome: 'allowed', detail: { meetingSessionId, kind: s.kind } });
		return { ok: true, value: { caseId: s.caseId } };
	});
	if (!result.ok) return result;
	// Someone taken out of a session loses its live document now, not at the next periodic re-check.
	await accessChanged(ctx, result.value.caseId);
	return { ok: true, value: true };
}

/** Opens a separate session of a meeting for one person (and moves them out of the joint one). */
export async function createSeparateSession(ctx: RequestContext, meetingId: string, personId: string, kind: Exclude<MeetingSessionKind, 'JOINT'> = 'SEPARATE'): Promise<Result<{ id: string }>> {
	const { casePeople, meetingSessionMembers, meetingSessions, meetings } = tablesOf(ctx);
	const result = await inTransaction(ctx, async (tx): Promise<Result<{ id: string; caseId: string }>> => {
		if (!opaqueId.safeParse(meetingId).success) return refuseUnknown(tx, 'meeting', meetingId, 'meeting.session.create');
		const m = await first(tx.db.select().from(meetings).where(eq(meetings.id, meetingId)));
		if (!m) return refuseUnknown(tx, 'meeting', meetingId, 'meeting.session.create');
		const refused = await authorize(tx, 'manage', { type: 'safety-settings', caseId: m.caseId }, 'meeting.session.create');
		if (refused) return refused;
		if (meetingClosed(m.status)) return { ok: false, reason: 'forbidden' };
		const person = kind === 'SEPARATE' ? await first(tx.db.select().from(casePeople).where(and(eq(casePeople.id, personId), eq(casePeople.caseId, m.caseId)))) : null;
		if (kind === 'SEPARATE' && !person) return { ok: false, reason: 'not-found' };
		const id = newId();
		await tx.db.insert(meetingSessions).values({ id, meetingId, kind, forPersonId: person?.id ?? null, createdAt: tx.now });
		if (person) {
			const joint = await first(tx.db.select({ id: meetingSessions.id }).from(meetingSessions).where(and(eq(meetingSessions.meetingId, meetingId), eq(meetingSessions.kind, 'JOINT'))));
			if (joint) await tx.db.delete(meetingSessionMembers).where(and(eq(meetingSessionMembers.meetingSessionId, joint.id), eq(meetingSessionMembers.personId, person.id)));
			await tx.db.insert(meetingSessionMembers).values({ meetingSessionId: id, personId: person.id });
		}
		await record(tx, { action: 'meeting.session.create', resourceType: 'meeting-session', resourceId: id, caseId: m.caseId, outcome: 'allowed', detail: { kind } });
		return { ok: true, value: { id, caseId: m.caseId } };
	});
	if (!result.ok) return result;
	// The person moved out of the joint session loses its live document now.
	await accessChanged(ctx, result.value.caseId);
	return { ok: true, value: { id: result.value.id } };
}

/**
 * Every meeting has a joint session; its document is `meeting:<meetingId>`. Resolves to its id, made
 * now when there was none (in `db`'s transaction when it is one).
 */
export function ensureJointSession(ctx: Pick<RequestContext, 'db'> & { now?: number }, meetingId: string): Promise<string> {
	const { meetingSessions } = tablesOf(ctx);
	return transact(ctx.db, async (tx) => {
		const existing = await first(tx.select({ id: meetingSessions.id }).from(meetingSessions).where(and(eq(meetingSessions.meetingId, meetingId), eq(meetingSessions.kind, 'JOINT'))));
		if (existing) return existing.id;
		const id = newId();
		await tx.insert(meetingSessions).values({ id, meetingId, kind: 'JOINT', createdAt: ctx.now ?? Date.now() });
		return id;
	});
}

/**
 * FGDM private family time (domain.md §2): a session of the family members of the joint session, whose
 * notes no agency role can open until the family shares them. Anyone excluded from the joint session for
 * safety stays excluded. One open family time per meeting: a second press, or two at once, finds the one
 * already open (`alreadyOpen`), enforced by the unique index on open family times, not by a check first.
 */
export async function startFamilyTime(ctx: RequestContext, meetingId: string): Promise<Result<{ id: string; alreadyOpen: boolean }>> {
	const { casePeople, meetingSessionMembers, meetingSessions, meetings } = tablesOf(ctx);
	const result = await inTransaction(ctx, async (tx): Promise<Result<{ id: string; alreadyOpen: boolean; caseId: string }>> => {
		if (!opaqueId.safeParse(meetingId).success) return refuseUnknown(tx, 'meeting', meetingId, 'meeting.session.create');
		const m = await first(tx.db.select().from(meetings).where(eq(meetings.id, meetingId)));
		if (!m) return refuseUnknown(tx, 'meeting', meetingId, 'meeting.session.create');
		const refused = await authorize(tx, 'manage', { type: 'safety-settings', caseId: m.caseId }, 'meeting.session.create');
		if (refused) return refused;
		if (meetingClosed(m.status)) return { ok: false, reason: 'forbidden' };
		const id = newId();
		const inserted = await tx.db.insert(meetingSessions).values({ id, meetingId, kind: 'FAMILY_ALONE', createdAt: tx.now }).onConflictDoNothing().returning({ id: meetingSessions.id });
		if (inserted.length === 0) {
			const open = (await first(tx.db.select({ id: meetingSessions.id }).from(meetingSessions).where(openFamilyTime(tx.db, meetingId))))!;
			return { ok: true, value: { id: open.id, alreadyOpen: true, caseId: m.caseId } };
		}
		const joint = await first(tx.db.select({ id: meetingSessions.id }).from(meetingSessions).where(and(eq(meetingSessions.meetingId, meetingId), eq(meetingSessions.kind, 'JOINT'))));
		const family = joint
			? (
					await tx.db
						.select({ personId: casePeople.id, role: casePeople.role })
						.from(meetingSessionMembers)
						.innerJoin(casePeople, eq(casePeople.id, meetingSessionMembers.personId))
						.where(eq(meetingSessionMembers.meetingSessionId, joint.id))
				).filter((p) => FAMILY_ROLES.includes(p.role))
			: [];
		if (family.length) await tx.db.insert(meetingSessionMembers).values(family.map((p) => ({ meetingSessionId: id, personId: p.personId })));
		// A fidelity item: that private time was offered and held. Never what was said in it.
		await record(tx, { action: 'meeting.session.create', resourceType: 'meeting-session', resourceId: id, caseId: m.caseId, outcome: 'allowed', detail: { kind: 'FAMILY_ALONE' } });
		return { ok: true, value: { id, alreadyOpen: false, caseId: m.caseId } };
	});
	if (!result.ok) return result;
	const { caseId, ...started } = result.value;
	if (!started.alreadyOpen) await accessChanged(ctx, caseId);
	return { ok: true, value: started };
}

function openFamilyTime(db: Db, meetingId: string) {
	const { meetingSessions } = tablesOf(db);
	return and(eq(meetingSessions.meetingId, meetingId), eq(meetingSessions.kind, 'FAMILY_ALONE'), isNull(meetingSessions.endedAt));
}

function familyTimeOf(db: Db, meetingSessionId: string) {
	const { meetingSessions, meetings } = tablesOf(db);
	return first(
		db
			.select({ session: meetingSessions, caseId: meetings.caseId, status: meetings.status })
			.from(meetingSessions)
			.innerJoin(meetings, eq(meetings.id, meetingSessions.meetingId))
			.where(and(eq(meetingSessions.id, meetingSessionId), eq(meetingSessions.kind, 'FAMILY_ALONE')))
	);
}

/**
 * Staff end family time when the family comes back to the whole team: its notes are kept as they were
 * (read only; still the family's alone unless they share them), and a later family time may start.
 * Ending one that has ended already changes nothing.
 */
export async function endFamilyTime(ctx: RequestContext, meetingId: string, meetingSessionId: string): Promise<Result<{ endedAt: number }>> {
	const { meetingSessions } = tablesOf(ctx);
	const result = await inTransaction(ctx, async (tx): Promise<Result<{ endedAt: number; caseId: string | null }>> => {
		if (!opaqueId.safeParse(meetingSessionId).success) return refuseUnknown(tx, 'meeting-session', meetingSessionId, 'meeting.session.end');
		const row = await familyTimeOf(tx.db, meetingSessionId);
		if (!row || row.session.meetingId !== meetingId) return refuseUnknown(tx, 'meeting-session', meetingSessionId, 'meeting.session.end');
		const refused = await authorize(tx, 'manage', { type: 'safety-settings', caseId: row.caseId }, 'meeting.session.end');
		if (refused) return refused;
		const ended = await tx.db.update(meetingSessions).set({ endedAt: tx.now }).where(and(eq(meetingSessions.id, meetingSessionId), isNull(meetingSessions.endedAt))).returning({ endedAt: meetingSessions.endedAt });
		if (ended.length === 0) return { ok: true, value: { endedAt: row.session.endedAt ?? tx.now, caseId: null } };
		await record(tx, { action: 'meeting.session.end', resourceType: 'meeting-session', resourceId: meetingSessionId, caseId: row.caseId, outcome: 'allowed', detail: { kind: 'FAMILY_ALONE' } });
		return { ok: true, value: { endedAt: tx.now, caseId: row.caseId } };
	});
	if (!result.ok) return result;
	// Open editors turn read only now.
	if (result.value.caseId) await accessChanged(ctx, result.value.caseId);
	return { ok: true, value: { endedAt: result.value.endedAt } };
}

/**
 * A family member shares family time's notes with the team: from then on the case's staff may read them
 * (never change them), as the policy decides from `sharedAt`. It cannot be taken back. This is the family
 * presenting its plan (domain.md §2, PLAN_PRESENTATION_AGREEMENT): a plain-text copy of the notes as they
 * are then joins the meeting's record (`outcome.presented` in `meeting:<id>`, through the durable path; the
 * summary shows it), and the agency responds with the decision. Sharing again changes nothing.
 */
export async function shareFamilyTime(ctx: RequestContext, meetingId: string, meetingSessionId: string): Promise<Result<{ sharedAt: number }>> {
	const { meetingSessions } = tablesOf(ctx);
	const result = await inTransaction(ctx, async (tx): Promise<Result<{ sharedAt: number; caseId: string | null; closed: boolean }>> => {
		if (!opaqueId.safeParse(meetingSessionId).success) return refuseUnknown(tx, 'meeting-session', meetingSessionId, 'meeting.family-time.share');
		const row = await familyTimeOf(tx.db, meetingSessionId);
		if (!row || row.session.meetingId !== meetingId) return refuseUnknown(tx, 'meeting-session', meetingSessionId, 'meeting.family-time.share');
		const ref = { kind: 'session' as const, id: meetingSessionId };
		const resource = documentResource(ref, { caseId: row.caseId, meetingId, meetingSessionId, meetingSessionKind: 'FAMILY_ALONE', ...sessionFacts(row.session), meetingClosed: meetingClosed(row.status) });
		const refused = await authorize(tx, 'manage', resource, 'meeting.family-time.share');
		if (refused) return refused;
		if (tx.actor.kind !== 'participant') return { ok: false, reason: 'forbidden' };
		const shared = await tx.db
			.update(meetingSessions)
			.set({ sharedAt: tx.now, sharedBy: tx.actor.personId })
			.where(and(eq(meetingSessions.id, meetingSessionId), isNull(meetingSessions.sharedAt)))
			.returning({ sharedAt: meetingSessions.sharedAt });
		if (shared.length === 0) return { ok: true, value: { sharedAt: row.session.sharedAt ?? tx.now, caseId: null, closed: true } };
		await record(tx, { action: 'meeting.family-time.share', resourceType: 'meeting-session', resourceId: meetingSessionId, caseId: row.caseId, outcome: 'allowed', detail: { sharedWithTeam: true } });
		return { ok: true, value: { sharedAt: tx.now, caseId: row.caseId, closed: meetingClosed(row.status) } };
	});
	if (!result.ok) return result;
	if (result.value.caseId) {
		await accessChanged(ctx, result.value.caseId);
		// What the family presented joins the meeting's record as it was then (the summary shows it); later
		// changes to family time's notes (there are none once it ended) would not change this copy.
		const control = collabControl();
		// A meeting already closed keeps its record as it was closed: sharing later opens the notes to staff only.
		if (control && !result.value.closed) {
			const notes = await loadStoredDocument(ctx.db, docName({ kind: 'session', id: meetingSessionId }));
			const text = notesToText(notesOf(notes));
			notes.destroy();
			await control.transact(docName({ kind: 'meeting', id: meetingId }), (doc) => writePresented(doc, { at: result.value.sharedAt, text }));
		}
	}
	return { ok: true, value: { sharedAt: result.value.sharedAt } };
}

/** What a form of the meeting page asks to do, by who may do it (see `refuseUnparsedForm`). */
export type MeetingForm = 'run' | 'decide' | 'sessions' | 'share';

/**
 * For a form of the meeting page that did not parse: the refusal (through the policy, audited as
 * `auditAction`) when this person may not do what the form asks, whatever they sent; null when they may,
 * and the form's own "what you sent is not right" answer is theirs. Without it, someone who may not run
 * the agenda, decide or manage the meeting's parts was answered 400 for a bad form and 403 for a good one,
 * and the refusal was not written down. `run`/`decide`: the meeting's policy actions; `sessions`: managing
 * who is in which part (the case's safety settings); `share`: a family member sharing family time (someone
 * who may manage one of the meeting's family times).
 */
export async function refuseUnparsedForm(ctx: RequestContext, meetingId: string, form: MeetingForm, auditAction: string): Promise<Result<null>> {
	const { meetings, meetingSessions } = tablesOf(ctx);
	if (!opaqueId.safeParse(meetingId).success) return refuseUnknown(ctx, 'meeting', meetingId, auditAction);
	const m = await first(ctx.db.select({ caseId: meetings.caseId, status: meetings.status }).from(meetings).where(eq(meetings.id, meetingId)));
	if (!m) return refuseUnknown(ctx, 'meeting', meetingId, auditAction);
	const closed = meetingClosed(m.status);
	if (form === 'run' || form === 'decide') {
		const resource = { type: 'meeting' as const, caseId: m.caseId, meetingId, closed };
		// Whoever may run it when open learns the form's problem (as the agenda's and decision's own answers do).
		if (can(ctx.actor, form, { ...resource, closed: false })) return { ok: true, value: null };
		return (await authorize(ctx, form, resource, auditAction)) ?? { ok: true, value: null };
	}
	if (form === 'sessions') {
		const resource = { type: 'safety-settings' as const, caseId: m.caseId };
		if (can(ctx.actor, 'manage', resource)) return { ok: true, value: null };
		return (await authorize(ctx, 'manage', resource, auditAction)) ?? { ok: true, value: null };
	}
	const times = await ctx.db.select().from(meetingSessions).where(and(eq(meetingSessions.meetingId, meetingId), eq(meetingSessions.kind, 'FAMILY_ALONE')));
	const resources = times.map((s) =>
		documentResource({ kind: 'session', id: s.id }, { caseId: m.caseId, meetingId, meetingSessionId: s.id, meetingSessionKind: 'FAMILY_ALONE', ...sessionFacts(s), meetingClosed: closed })
	);
	if (ctx.actor.kind === 'participant' && resources.some((r) => can(ctx.actor, 'manage', r))) return { ok: true, value: null };
	if (resources.length === 0) return refuseUnknown(ctx, 'meeting-session', meetingId, auditAction);
	return (await authorize(ctx, 'manage', resources[0], auditAction)) ?? { ok: false, reason: 'forbidden' };
}
