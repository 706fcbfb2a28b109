import { and, asc, eq, inArray, isNull } from 'drizzle-orm';
import { casePeople, cases, keepApartPairs, meetingSessionMembers, meetingSessions, meetings } from '../db/schema.ts';
import { opaqueId, docName } from '../../domain/doc-id.ts';
import { can } from '../../domain/policy.ts';
import { FAMILY_ROLES, type MeetingSessionKind } from '../../domain/roles.ts';
import { typedText, type TypedText } from '../../domain/people.ts';
import { writeAudit } from '../audit.ts';
import { collabControl } from '../collab/registry.ts';
import { newId } from '../ids.ts';
import { authorize, refuseUnknown, type RequestContext, type Result } from './access.ts';
import { documentResource, sessionFacts } from './documents.ts';

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
};

function personName(p: { givenName: string; familyName: string }): string {
	return `${p.givenName} ${p.familyName}`;
}

export function getMeeting(ctx: RequestContext, meetingId: string): Result<MeetingView> {
	if (!opaqueId.safeParse(meetingId).success) return refuseUnknown(ctx, 'meeting', meetingId, 'meeting.view');
	const row = ctx.db
		.select({ meeting: meetings, caseName: cases.name })
		.from(meetings)
		.innerJoin(cases, eq(cases.id, meetings.caseId))
		.where(eq(meetings.id, meetingId))
		.get();
	if (!row) return refuseUnknown(ctx, 'meeting', meetingId, 'meeting.view');
	const m = row.meeting;
	const refused = authorize(ctx, 'view', { type: 'meeting', caseId: m.caseId, meetingId }, 'meeting.view');
	if (refused) return refused;

	const sessionRows = ctx.db.select().from(meetingSessions).where(eq(meetingSessions.meetingId, meetingId)).orderBy(asc(meetingSessions.createdAt)).all();
	const memberRows = sessionRows.length
		? ctx.db
				.select({ sessionId: meetingSessionMembers.meetingSessionId, personId: casePeople.id, givenName: casePeople.givenName, familyName: casePeople.familyName })
				.from(meetingSessionMembers)
				.innerJoin(casePeople, eq(casePeople.id, meetingSessionMembers.personId))
				.where(inArray(meetingSessionMembers.meetingSessionId, sessionRows.map((s) => s.id)))
				.all()
		: [];
	const people = ctx.db.select().from(casePeople).where(eq(casePeople.caseId, m.caseId)).all();
	const nameOf = new Map(people.map((p) => [p.id, personName(p)]));
	const isStaff = ctx.actor.kind === 'staff';

	const visible: MeetingSessionView[] = [];
	for (const s of sessionRows) {
		const ref = s.kind === 'JOINT' ? { kind: 'meeting' as const, id: meetingId } : { kind: 'session' as const, id: s.id };
		const resource = documentResource(ref, { caseId: m.caseId, meetingId, meetingSessionId: s.id, meetingSessionKind: s.kind, ...sessionFacts(s) });
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
			canShare: s.sharedAt === null && can(ctx.actor, 'manage', resource)
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
			doc: { id: docName(ref), canEdit: can(ctx.actor, 'edit', documentResource(ref, { caseId: m.caseId, meetingId })) },
			endedAt: null,
			sharedAt: null,
			canShare: false
		});
	}

	let manage: MeetingView['manage'] = null;
	if (can(ctx.actor, 'manage', { type: 'safety-settings', caseId: m.caseId })) {
		const pairs = ctx.db.select({ a: keepApartPairs.personA, b: keepApartPairs.personB }).from(keepApartPairs).where(eq(keepApartPairs.caseId, m.caseId)).all();
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
			manage
		}
	};
}

/** Why a person cannot join a session: someone they must be kept apart from is already in it. */
export type PlacementRefusal = { ok: false; reason: 'keep-apart'; withName: string };

function meetingOfSession(ctx: RequestContext, meetingSessionId: string) {
	return ctx.db
		.select({ id: meetingSessions.id, kind: meetingSessions.kind, meetingId: meetings.id, caseId: meetings.caseId })
		.from(meetingSessions)
		.innerJoin(meetings, eq(meetings.id, meetingSessions.meetingId))
		.where(eq(meetingSessions.id, meetingSessionId))
		.get();
}

/**
 * Places a person in a meeting session. A keep-apart pair is never placed in one session
 * (domain.md §6: hold separate meetings when one parent's safety depends on it).
 */
export function addToMeetingSession(ctx: RequestContext, meetingSessionId: string, personId: string): Result<true> | PlacementRefusal {
	if (!opaqueId.safeParse(meetingSessionId).success || !opaqueId.safeParse(personId).success) return refuseUnknown(ctx, 'meeting-session', meetingSessionId, 'meeting.session.add');
	const s = meetingOfSession(ctx, meetingSessionId);
	if (!s) return refuseUnknown(ctx, 'meeting-session', meetingSessionId, 'meeting.session.add');
	const refused = authorize(ctx, 'manage', { type: 'safety-settings', caseId: s.caseId }, 'meeting.session.add');
	if (refused) return refused;
	const person = ctx.db.select().from(casePeople).where(and(eq(casePeople.id, personId), eq(casePeople.caseId, s.caseId))).get();
	if (!person) return { ok: false, reason: 'not-found' };
	const members = ctx.db.select({ personId: meetingSessionMembers.personId }).from(meetingSessionMembers).where(eq(meetingSessionMembers.meetingSessionId, meetingSessionId)).all();
	const pairs = ctx.db.select().from(keepApartPairs).where(eq(keepApartPairs.caseId, s.caseId)).all();
	for (const member of members) {
		const clash = pairs.find((p) => (p.personA === personId && p.personB === member.personId) || (p.personB === personId && p.personA === member.personId));
		if (clash) {
			const other = ctx.db.select().from(casePeople).where(eq(casePeople.id, member.personId)).get()!;
			writeAudit(ctx.db, { actor: ctx.actor, action: 'meeting.session.add', resourceType: 'meeting-session', resourceId: meetingSessionId, caseId: s.caseId, outcome: 'denied', clientAddress: ctx.clientAddress, sessionId: ctx.sessionId, detail: { why: 'keep-apart' } });
			return { ok: false, reason: 'keep-apart', withName: personName(other) };
		}
	}
	ctx.db.insert(meetingSessionMembers).values({ meetingSessionId, personId }).onConflictDoNothing().run();
	// Open sockets follow at once: who is in a session decides who may open its document.
	collabControl()?.accessChanged(s.caseId);
	return { ok: true, value: true };
}

export function removeFromMeetingSession(ctx: RequestContext, meetingSessionId: string, personId: string): Result<true> {
	if (!opaqueId.safeParse(meetingSessionId).success) return refuseUnknown(ctx, 'meeting-session', meetingSessionId, 'meeting.session.remove');
	const s = meetingOfSession(ctx, meetingSessionId);
	if (!s) return refuseUnknown(ctx, 'meeting-session', meetingSessionId, 'meeting.session.remove');
	const refused = authorize(ctx, 'manage', { type: 'safety-settings', caseId: s.caseId }, 'meeting.session.remove');
	if (refused) return refused;
	ctx.db.delete(meetingSessionMembers).where(and(eq(meetingSessionMembers.meetingSessionId, meetingSessionId), eq(meetingSessionMembers.personId, personId))).run();
	// Someone taken out of a session loses its live document now, not at the next periodic re-check.
	collabControl()?.accessChanged(s.caseId);
	return { ok: true, value: true };
}

/** Opens a separate session of a meeting for one person (and moves them out of the joint one). */
export function createSeparateSession(ctx: RequestContext, meetingId: string, personId: string, kind: Exclude<MeetingSessionKind, 'JOINT'> = 'SEPARATE'): Result<{ id: string }> {
	if (!opaqueId.safeParse(meetingId).success) return refuseUnknown(ctx, 'meeting', meetingId, 'meeting.session.create');
	const m = ctx.db.select().from(meetings).where(eq(meetings.id, meetingId)).get();
	if (!m) return refuseUnknown(ctx, 'meeting', meetingId, 'meeting.session.create');
	const refused = authorize(ctx, 'manage', { type: 'safety-settings', caseId: m.caseId }, 'meeting.session.create');
	if (refused) return refused;
	const person = kind === 'SEPARATE' ? ctx.db.select().from(casePeople).where(and(eq(casePeople.id, personId), eq(casePeople.caseId, m.caseId))).get() : null;
	if (kind === 'SEPARATE' && !person) return { ok: false, reason: 'not-found' };
	const id = newId();
	ctx.db.transaction((tx) => {
		tx.insert(meetingSessions).values({ id, meetingId, kind, forPersonId: person?.id ?? null, createdAt: Date.now() }).run();
		if (person) {
			const joint = tx.select({ id: meetingSessions.id }).from(meetingSessions).where(and(eq(meetingSessions.meetingId, meetingId), eq(meetingSessions.kind, 'JOINT'))).get();
			if (joint) tx.delete(meetingSessionMembers).where(and(eq(meetingSessionMembers.meetingSessionId, joint.id), eq(meetingSessionMembers.personId, person.id))).run();
			tx.insert(meetingSessionMembers).values({ meetingSessionId: id, personId: person.id }).run();
		}
	});
	writeAudit(ctx.db, { actor: ctx.actor, action: 'meeting.session.create', resourceType: 'meeting-session', resourceId: id, caseId: m.caseId, outcome: 'allowed', clientAddress: ctx.clientAddress, sessionId: ctx.sessionId, detail: { kind } });
	// The person moved out of the joint session loses its live document now.
	collabControl()?.accessChanged(m.caseId);
	return { ok: true, value: { id } };
}

/** Every meeting has a joint session; its document is `meeting:<meetingId>`. */
export function ensureJointSession(ctx: Pick<RequestContext, 'db'>, meetingId: string): string {
	const existing = ctx.db.select({ id: meetingSessions.id }).from(meetingSessions).where(and(eq(meetingSessions.meetingId, meetingId), eq(meetingSessions.kind, 'JOINT'))).get();
	if (existing) return existing.id;
	const id = newId();
	ctx.db.insert(meetingSessions).values({ id, meetingId, kind: 'JOINT', createdAt: Date.now() }).run();
	return id;
}

/**
 * FGDM private family time (domain.md §2): a session of the family members of the joint session, whose
 * notes no agency role can open until the family shares them. Anyone excluded from the joint session for
 * safety stays excluded. One open family time per meeting: a second press, or two at once, finds the one
 * already open (`alreadyOpen`), enforced by the unique index on open family times, not by a check first.
 */
export function startFamilyTime(ctx: RequestContext, meetingId: string): Result<{ id: string; alreadyOpen: boolean }> {
	if (!opaqueId.safeParse(meetingId).success) return refuseUnknown(ctx, 'meeting', meetingId, 'meeting.session.create');
	const m = ctx.db.select().from(meetings).where(eq(meetings.id, meetingId)).get();
	if (!m) return refuseUnknown(ctx, 'meeting', meetingId, 'meeting.session.create');
	const refused = authorize(ctx, 'manage', { type: 'safety-settings', caseId: m.caseId }, 'meeting.session.create');
	if (refused) return refused;
	const started = ctx.db.transaction((tx) => {
		const id = newId();
		const inserted = tx
			.insert(meetingSessions)
			.values({ id, meetingId, kind: 'FAMILY_ALONE', createdAt: Date.now() })
			.onConflictDoNothing()
			.returning({ id: meetingSessions.id })
			.all();
		if (inserted.length === 0) {
			const open = tx.select({ id: meetingSessions.id }).from(meetingSessions).where(openFamilyTime(meetingId)).get()!;
			return { id: open.id, alreadyOpen: true };
		}
		const joint = tx.select({ id: meetingSessions.id }).from(meetingSessions).where(and(eq(meetingSessions.meetingId, meetingId), eq(meetingSessions.kind, 'JOINT'))).get();
		const family = joint
			? tx
					.select({ personId: casePeople.id, role: casePeople.role })
					.from(meetingSessionMembers)
					.innerJoin(casePeople, eq(casePeople.id, meetingSessionMembers.personId))
					.where(eq(meetingSessionMembers.meetingSessionId, joint.id))
					.all()
					.filter((p) => FAMILY_ROLES.includes(p.role))
			: [];
		if (family.length) tx.insert(meetingSessionMembers).values(family.map((p) => ({ meetingSessionId: id, personId: p.personId }))).run();
		return { id, alreadyOpen: false };
	});
	// A fidelity item: that private time was offered and held. Never what was said in it.
	if (!started.alreadyOpen) {
		writeAudit(ctx.db, { actor: ctx.actor, action: 'meeting.session.create', resourceType: 'meeting-session', resourceId: started.id, caseId: m.caseId, outcome: 'allowed', clientAddress: ctx.clientAddress, sessionId: ctx.sessionId, detail: { kind: 'FAMILY_ALONE' } });
		collabControl()?.accessChanged(m.caseId);
	}
	return { ok: true, value: started };
}

function openFamilyTime(meetingId: string) {
	return and(eq(meetingSessions.meetingId, meetingId), eq(meetingSessions.kind, 'FAMILY_ALONE'), isNull(meetingSessions.endedAt));
}

function familyTimeOf(ctx: RequestContext, meetingSessionId: string) {
	return ctx.db
		.select({ session: meetingSessions, caseId: meetings.caseId })
		.from(meetingSessions)
		.innerJoin(meetings, eq(meetings.id, meetingSessions.meetingId))
		.where(and(eq(meetingSessions.id, meetingSessionId), eq(meetingSessions.kind, 'FAMILY_ALONE')))
		.get();
}

/**
 * Staff end family time when the family comes back to the whole team: its notes are kept as they were
 * (read only; still the family's alone unless they share them), and a later family time may start.
 * Ending one that has ended already changes nothing.
 */
export function endFamilyTime(ctx: RequestContext, meetingId: string, meetingSessionId: string): Result<{ endedAt: number }> {
	if (!opaqueId.safeParse(meetingSessionId).success) return refuseUnknown(ctx, 'meeting-session', meetingSessionId, 'meeting.session.end');
	const row = familyTimeOf(ctx, meetingSessionId);
	if (!row || row.session.meetingId !== meetingId) return refuseUnknown(ctx, 'meeting-session', meetingSessionId, 'meeting.session.end');
	const refused = authorize(ctx, 'manage', { type: 'safety-settings', caseId: row.caseId }, 'meeting.session.end');
	if (refused) return refused;
	const now = Date.now();
	const ended = ctx.db.update(meetingSessions).set({ endedAt: now }).where(and(eq(meetingSessions.id, meetingSessionId), isNull(meetingSessions.endedAt))).returning({ endedAt: meetingSessions.endedAt }).all();
	if (ended.length === 0) return { ok: true, value: { endedAt: row.session.endedAt ?? now } };
	writeAudit(ctx.db, { actor: ctx.actor, action: 'meeting.session.end', resourceType: 'meeting-session', resourceId: meetingSessionId, caseId: row.caseId, outcome: 'allowed', clientAddress: ctx.clientAddress, sessionId: ctx.sessionId, detail: { kind: 'FAMILY_ALONE' } });
	// Open editors turn read only now.
	collabControl()?.accessChanged(row.caseId);
	return { ok: true, value: { endedAt: now } };
}

/**
 * A family member shares family time's notes with the team: from then on the case's staff may read them
 * (never change them), as the policy decides from `sharedAt`. It cannot be taken back. The seam for the
 * meeting room's plan presentation (domain.md §2, PLAN_PRESENTATION_AGREEMENT): that step will snapshot
 * what was shared into the agency record and take the agency's response; this records that, when and by
 * whom the family presented. Sharing again changes nothing.
 */
export function shareFamilyTime(ctx: RequestContext, meetingId: string, meetingSessionId: string): Result<{ sharedAt: number }> {
	if (!opaqueId.safeParse(meetingSessionId).success) return refuseUnknown(ctx, 'meeting-session', meetingSessionId, 'meeting.family-time.share');
	const row = familyTimeOf(ctx, meetingSessionId);
	if (!row || row.session.meetingId !== meetingId) return refuseUnknown(ctx, 'meeting-session', meetingSessionId, 'meeting.family-time.share');
	const ref = { kind: 'session' as const, id: meetingSessionId };
	const resource = documentResource(ref, { caseId: row.caseId, meetingId, meetingSessionId, meetingSessionKind: 'FAMILY_ALONE', ...sessionFacts(row.session) });
	const refused = authorize(ctx, 'manage', resource, 'meeting.family-time.share');
	if (refused) return refused;
	if (ctx.actor.kind !== 'participant') return { ok: false, reason: 'forbidden' };
	const now = Date.now();
	const shared = ctx.db
		.update(meetingSessions)
		.set({ sharedAt: now, sharedBy: ctx.actor.personId })
		.where(and(eq(meetingSessions.id, meetingSessionId), isNull(meetingSessions.sharedAt)))
		.returning({ sharedAt: meetingSessions.sharedAt })
		.all();
	if (shared.length === 0) return { ok: true, value: { sharedAt: row.session.sharedAt ?? now } };
	writeAudit(ctx.db, { actor: ctx.actor, action: 'meeting.family-time.share', resourceType: 'meeting-session', resourceId: meetingSessionId, caseId: row.caseId, outcome: 'allowed', clientAddress: ctx.clientAddress, sessionId: ctx.sessionId, detail: { sharedWithTeam: true } });
	collabControl()?.accessChanged(row.caseId);
	return { ok: true, value: { sharedAt: now } };
}
