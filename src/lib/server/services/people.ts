import { and, asc, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { agencies, casePeople, cases, caseAssignments, detailConsents, keepApartPairs, meetingSessionMembers, meetingSessions, meetings, sensitivityLabels, users } from '../db/schema.ts';
import { HIDING_LABEL, can, decide, type PersonDetail } from '../../domain/policy.ts';
import { SENSITIVITY_LABELS, type AssignmentRole, type MeetingKind, type MeetingStatus, type MeetingType, type ParticipantRole, type SensitivityLabel } from '../../domain/roles.ts';
import {
	FAMILY_SIDES,
	RELATIONSHIPS,
	SHAREABLE_DETAILS,
	ageOn,
	hasSide,
	isCalendarDate,
	labelsThatApply,
	typedText,
	type ConsentRecorder,
	type FamilySide,
	type Relationship,
	type ShareableDetail,
	type TypedText
} from '../../domain/people.ts';
import { zonedDate } from '../../domain/time.ts';
import { opaqueId } from '../../domain/doc-id.ts';
import { writeAudit } from '../audit.ts';
import { collabControl } from '../collab/registry.ts';
import { authorize, refuseUnknown, type RequestContext, type Result } from './access.ts';

// People on a case and what each viewer may see of them. Every detail passes policy.can('view',
// person-detail) here, so a labelled address, a keep-apart partner's phone or the phone of someone who
// never agreed to share it never reaches a page, a page's JSON, or anything built from this.

/** What a person is to the children: a code rendered per reader, its side, and what staff typed beside it. */
export type PersonRelationship = { code: Relationship | null; side: FamilySide | null; note: TypedText | null };

/** A consent on record: which detail, who recorded it (the person, or a named staff member) and when. */
export type ConsentView = { detail: ShareableDetail; recordedBy: ConsentRecorder; recordedByName: string | null; recordedAt: number };

export type PersonView = {
	id: string;
	role: ParticipantRole;
	givenName: string;
	familyName: string;
	relationship: PersonRelationship;
	/** Children and youth only: whole years from their birth date, on the agency's calendar today. */
	age: number | null;
	/** Present only when the viewer may see it. */
	email?: string | null;
	phone?: string | null;
	address?: string | null;
	/** Staff only: the labels on this person's details, the language they read, their birth date. */
	labels?: SensitivityLabel[];
	locale?: string | null;
	birthDate?: string | null;
	/** Staff, and the person themself: the consents on record. */
	consents?: ConsentView[];
};

type PersonRow = typeof casePeople.$inferSelect;
type ConsentRow = typeof detailConsents.$inferSelect;

function labelsByPerson(ctx: RequestContext, personIds: string[]): Map<string, Set<SensitivityLabel>> {
	const map = new Map<string, Set<SensitivityLabel>>();
	if (personIds.length === 0) return map;
	for (const row of ctx.db.select().from(sensitivityLabels).where(inArray(sensitivityLabels.personId, personIds)).all()) {
		if (!map.has(row.personId)) map.set(row.personId, new Set());
		map.get(row.personId)!.add(row.label);
	}
	return map;
}

function consentsByPerson(ctx: RequestContext, personIds: string[]): Map<string, (ConsentRow & { recordedByName: string | null })[]> {
	const map = new Map<string, (ConsentRow & { recordedByName: string | null })[]>();
	if (personIds.length === 0) return map;
	const rows = ctx.db
		.select({ consent: detailConsents, recordedByName: users.name })
		.from(detailConsents)
		.leftJoin(users, eq(users.id, detailConsents.recordedByUser))
		.where(inArray(detailConsents.personId, personIds))
		.all();
	for (const { consent, recordedByName } of rows) {
		if (!map.has(consent.personId)) map.set(consent.personId, []);
		map.get(consent.personId)!.push({ ...consent, recordedByName });
	}
	return map;
}

/** The agency's calendar date today, for ages (a child turns 14 on the agency's day, not the server's). */
function agencyToday(ctx: RequestContext, caseId: string, now = Date.now()): { year: number; month: number; day: number } {
	const row = ctx.db.select({ timeZone: agencies.timeZone }).from(cases).innerJoin(agencies, eq(agencies.id, cases.agencyId)).where(eq(cases.id, caseId)).get();
	return zonedDate(now, row?.timeZone ?? 'UTC');
}

/** One person as this viewer may see them: every detail asked of the policy separately. */
function viewOf(ctx: RequestContext, p: PersonRow, labels: ReadonlySet<SensitivityLabel>, consents: (ConsentRow & { recordedByName: string | null })[], today: { year: number; month: number; day: number }): PersonView {
	const consentMap = new Map(consents.map((c) => [c.detail, c.recordedBy]));
	const may = (detail: PersonDetail) => can(ctx.actor, 'view', { type: 'person-detail', caseId: p.caseId, personId: p.id, detail, labels, personRole: p.role, consents: consentMap });
	const view: PersonView = {
		id: p.id,
		role: p.role,
		givenName: p.givenName,
		familyName: p.familyName,
		relationship: { code: p.relationshipCode, side: p.relationshipSide, note: typedText(p.relationship, p.relationshipEs) },
		age: p.role === 'CHILD_YOUTH' ? ageOn(p.birthDate, today) : null
	};
	if (may('contact')) {
		view.email = p.email;
		view.phone = p.phone;
	}
	if (may('address')) view.address = p.address;
	const isSelf = ctx.actor.kind === 'participant' && ctx.actor.personId === p.id;
	if (ctx.actor.kind === 'staff' || isSelf) {
		view.consents = consents.map((c) => ({ detail: c.detail, recordedBy: c.recordedBy, recordedByName: c.recordedByName, recordedAt: c.recordedAt }));
	}
	if (ctx.actor.kind === 'staff') {
		view.labels = [...labels];
		view.locale = p.locale;
		view.birthDate = p.birthDate;
	}
	return view;
}

/**
 * Everyone on a case as this viewer may see them (the caller has authorized the case or family home). Each
 * person's phone, email and address are present only where the policy allows this viewer to see them.
 */
export function peopleOfCase(ctx: RequestContext, caseId: string): PersonView[] {
	const rows = ctx.db.select().from(casePeople).where(eq(casePeople.caseId, caseId)).orderBy(asc(casePeople.createdAt)).all();
	const ids = rows.map((r) => r.id);
	const labels = labelsByPerson(ctx, ids);
	const consents = consentsByPerson(ctx, ids);
	const today = agencyToday(ctx, caseId);
	return rows.map((r) => viewOf(ctx, r, labels.get(r.id) ?? new Set(), consents.get(r.id) ?? [], today));
}

/**
 * One of a person's own details as they see it on their page: whether it is on record, whether their family
 * team sees it, and what they may do about it.
 */
export type MySharing = {
	detail: ShareableDetail;
	/** Staff keep it private with a sensitivity label: nobody else sees it, whatever the person agrees. */
	keptPrivate: boolean;
	/** The family team (everyone not kept apart from them) sees it now. */
	shared: boolean;
	canGive: boolean;
	canWithdraw: boolean;
};

export type FamilyHome = {
	caseName: string;
	me: PersonView;
	/** The person's own phone-and-email and address, each when on record. */
	sharing: MySharing[];
	meetings: { id: string; kind: MeetingKind; meetingType: MeetingType; startsAt: number; timeZone: string; status: MeetingStatus; location: TypedText | null }[];
	team: PersonView[];
	staff: { name: string; role: AssignmentRole }[];
	seesPlan: boolean;
};

/** What an invited person sees of their case: their meetings, their team, the people helping. */
export function familyHome(ctx: RequestContext): Result<FamilyHome> {
	const actor = ctx.actor;
	if (actor.kind !== 'participant') return authorize(ctx, 'view', { type: 'family-home', caseId: '' }, 'family.view') ?? { ok: false, reason: 'forbidden' };
	const refused = authorize(ctx, 'view', { type: 'family-home', caseId: actor.caseId }, 'family.view');
	if (refused) return refused;
	const theCase = ctx.db.select({ name: cases.name }).from(cases).where(eq(cases.id, actor.caseId)).get();
	if (!theCase) return { ok: false, reason: 'not-found' };
	const allMeetings = ctx.db.select().from(meetings).where(eq(meetings.caseId, actor.caseId)).orderBy(asc(meetings.startsAt)).all();
	const visibleMeetings = allMeetings.filter((mt) => can(actor, 'view', { type: 'meeting', caseId: actor.caseId, meetingId: mt.id }));
	const people = peopleOfCase(ctx, actor.caseId);
	const me = people.find((p) => p.id === actor.personId)!;
	// The team shown to a family member: the people who share a meeting session with them (or, for a
	// case-wide invite, everyone on the case), never one of a keep-apart pair.
	let shareWith: Set<string> | null = null;
	if (actor.meetingId !== null) {
		const sessionIds = [...actor.meetingSessionIds];
		shareWith = new Set(
			sessionIds.length
				? ctx.db.select({ personId: meetingSessionMembers.personId }).from(meetingSessionMembers).where(inArray(meetingSessionMembers.meetingSessionId, sessionIds)).all().map((r) => r.personId)
				: []
		);
	}
	const team = people.filter((p) => p.id !== actor.personId && !actor.keepApartWith.has(p.id) && (shareWith === null || shareWith.has(p.id)));
	const myLabels = labelsByPerson(ctx, [actor.personId]).get(actor.personId) ?? new Set<SensitivityLabel>();
	const staff = ctx.db
		.select({ name: users.name, role: caseAssignments.role })
		.from(caseAssignments)
		.innerJoin(users, eq(users.id, caseAssignments.userId))
		.where(eq(caseAssignments.caseId, actor.caseId))
		.all();
	return {
		ok: true,
		value: {
			caseName: theCase.name,
			me,
			sharing: mySharing(ctx, me, myLabels),
			meetings: visibleMeetings.map((mt) => ({ id: mt.id, kind: mt.kind, meetingType: mt.meetingType, startsAt: mt.startsAt, timeZone: mt.timeZone, status: mt.status, location: typedText(mt.location, mt.locationEs) })),
			team,
			staff,
			seesPlan: can(actor, 'view', { type: 'document', caseId: actor.caseId, docKind: 'plan' })
		}
	};
}

function mySharing(ctx: RequestContext, me: PersonView, labels: ReadonlySet<SensitivityLabel>): MySharing[] {
	const actor = ctx.actor;
	if (actor.kind !== 'participant') return [];
	const onRecord = { contact: Boolean(me.phone || me.email), address: Boolean(me.address) };
	const consents = new Map((me.consents ?? []).map((c) => [c.detail, c.recordedBy]));
	return SHAREABLE_DETAILS.filter((detail) => onRecord[detail]).map((detail) => {
		const keptPrivate = labels.has(HIDING_LABEL[detail]);
		// Would a family member on the team (not kept apart) see it? The policy answers, as it does for them.
		const teamMember = { ...actor, personId: '', role: 'RELATIVE_KIN' as const, keepApartWith: new Set<string>() };
		const shared = can(teamMember, 'view', { type: 'person-detail', caseId: actor.caseId, personId: me.id, detail, labels, personRole: me.role, consents });
		const change = (c: 'give' | 'withdraw') => can(actor, 'edit', { type: 'detail-consent', caseId: actor.caseId, personId: me.id, personRole: me.role, change: c });
		return { detail, keptPrivate, shared, canGive: !keptPrivate && !consents.has(detail) && change('give'), canWithdraw: consents.has(detail) && change('withdraw') };
	});
}

// ---- Consent to share phone, email and address with the family team ----

export const consentSchema = z.object({
	personId: opaqueId,
	/** For each detail named, true to share it (give consent), false to stop sharing (withdraw it). */
	shares: z.partialRecord(z.enum(SHAREABLE_DETAILS), z.boolean())
});

/**
 * Records a person's answer about sharing their details with the other family members on their team:
 * by the person themself (from their page; a child can withdraw but not give), or by staff on the case
 * after asking them. Each change is authorized (detail-consent), stored with who recorded it and when,
 * and audited; a detail whose answer is already on record is left as it is. Refuses a person who is not
 * on the case like one the actor may not see.
 */
export function setDetailConsent(ctx: RequestContext, caseId: string, input: z.infer<typeof consentSchema>): Result<{ changed: ShareableDetail[] }> {
	const person = ctx.db.select().from(casePeople).where(and(eq(casePeople.id, input.personId), eq(casePeople.caseId, caseId))).get();
	if (!person) return refuseUnknown(ctx, 'person', input.personId, 'person.consent');
	const onRecord = new Map(ctx.db.select().from(detailConsents).where(eq(detailConsents.personId, person.id)).all().map((c) => [c.detail, c]));
	const changes = SHAREABLE_DETAILS.flatMap((detail) => {
		const wanted = input.shares[detail];
		if (wanted === undefined || wanted === onRecord.has(detail)) return [];
		return [{ detail, change: wanted ? ('give' as const) : ('withdraw' as const) }];
	});
	for (const { change } of changes) {
		const refused = authorize(ctx, 'edit', { type: 'detail-consent', caseId, personId: person.id, personRole: person.role, change }, `person.consent.${change}`);
		if (refused) return refused;
	}
	if (changes.length === 0) return { ok: true, value: { changed: [] } };
	const staffId = ctx.actor.kind === 'staff' ? ctx.actor.userId : null;
	const now = Date.now();
	ctx.db.transaction((tx) => {
		for (const { detail, change } of changes) {
			if (change === 'withdraw') tx.delete(detailConsents).where(and(eq(detailConsents.personId, person.id), eq(detailConsents.detail, detail))).run();
			else tx.insert(detailConsents).values({ personId: person.id, detail, recordedBy: staffId ? 'staff' : 'person', recordedByUser: staffId, recordedAt: now }).run();
		}
	});
	for (const { detail, change } of changes) {
		writeAudit(ctx.db, { actor: ctx.actor, action: `person.consent.${change}`, resourceType: 'person', resourceId: person.id, caseId, outcome: 'allowed', clientAddress: ctx.clientAddress, sessionId: ctx.sessionId, detail: { detail } });
	}
	collabControl()?.accessChanged(caseId);
	return { ok: true, value: { changed: changes.map((c) => c.detail) } };
}

/**
 * A family member shares one of their own details with the family members on their team, or stops
 * sharing it (setDetailConsent, with themself as the person). Anyone who is not a family member is
 * refused, and the refusal audited.
 */
export function shareMyDetail(ctx: RequestContext, detail: ShareableDetail, share: boolean): Result<{ changed: ShareableDetail[] }> {
	const actor = ctx.actor;
	if (actor.kind !== 'participant') return authorize(ctx, 'edit', { type: 'family-home', caseId: '' }, 'person.consent') ?? { ok: false, reason: 'forbidden' };
	return setDetailConsent(ctx, actor.caseId, { personId: actor.personId, shares: { [detail]: share } });
}

// ---- What a person is to the children (staff on the case) ----

const typedNote = z
	.string()
	.trim()
	.max(120)
	.transform((v) => (v === '' ? null : v));

export const relationshipSchema = z
	.object({
		personId: opaqueId,
		code: z.enum(RELATIONSHIPS).nullable(),
		side: z.enum(FAMILY_SIDES).nullable(),
		noteEn: typedNote,
		noteEs: typedNote,
		/** 'YYYY-MM-DD', not after today (UTC: a day's slack either way is harmless for an age). */
		birthDate: z
			.string()
			.refine((v) => v === '' || (isCalendarDate(v) && v <= new Date(Date.now() + 86_400_000).toISOString().slice(0, 10)))
			.transform((v) => (v === '' ? null : v))
	})
	.superRefine((v, issue) => {
		// Only grandparents, aunts and uncles have a maternal or paternal side.
		if (v.side !== null && !hasSide(v.code)) issue.addIssue({ code: 'custom', path: ['side'], message: 'no side for this relationship' });
	});

/** Sets what a person is to the children (a code, a side, a typed note in English and Spanish) and their birth date. */
export function setRelationship(ctx: RequestContext, caseId: string, input: z.infer<typeof relationshipSchema>): Result<true> {
	const person = ctx.db.select().from(casePeople).where(and(eq(casePeople.id, input.personId), eq(casePeople.caseId, caseId))).get();
	if (!person) return refuseUnknown(ctx, 'person', input.personId, 'person.relationship');
	const refused = authorize(ctx, 'edit', { type: 'case', caseId }, 'person.relationship');
	if (refused) return refused;
	ctx.db
		.update(casePeople)
		.set({ relationshipCode: input.code, relationshipSide: input.side, relationship: input.noteEn, relationshipEs: input.noteEs, birthDate: input.birthDate })
		.where(eq(casePeople.id, person.id))
		.run();
	// The codes, never the notes: the audit trail holds no typed words.
	writeAudit(ctx.db, { actor: ctx.actor, action: 'person.relationship', resourceType: 'person', resourceId: person.id, caseId, outcome: 'allowed', clientAddress: ctx.clientAddress, sessionId: ctx.sessionId, detail: { code: input.code, side: input.side } });
	return { ok: true, value: true };
}

// ---- Safety settings: sensitivity labels and keep-apart pairs (staff on the case) ----

export const labelsSchema = z.object({ personId: opaqueId, labels: z.array(z.enum(SENSITIVITY_LABELS)).max(SENSITIVITY_LABELS.length) });

/**
 * Replaces the sensitivity labels on one person's details. Refuses (`not-applicable`) a label that cannot
 * apply to this person: the child's own words or a youth's private section on an adult.
 */
export function setLabels(ctx: RequestContext, caseId: string, input: z.infer<typeof labelsSchema>): Result<true> | { ok: false; reason: 'not-applicable' } {
	const refused = authorize(ctx, 'manage', { type: 'safety-settings', caseId }, 'person.labels');
	if (refused) return refused;
	const person = ctx.db.select().from(casePeople).where(and(eq(casePeople.id, input.personId), eq(casePeople.caseId, caseId))).get();
	if (!person) return { ok: false, reason: 'not-found' };
	// A label that cannot apply to this person (a child's words on an adult) is refused, not stored.
	const applies = labelsThatApply({ role: person.role, age: ageOn(person.birthDate, agencyToday(ctx, caseId)) }, SENSITIVITY_LABELS);
	if (input.labels.some((label) => !applies.includes(label))) return { ok: false, reason: 'not-applicable' };
	const setBy = ctx.actor.kind === 'staff' ? ctx.actor.userId : null;
	const now = Date.now();
	ctx.db.transaction((tx) => {
		tx.delete(sensitivityLabels).where(eq(sensitivityLabels.personId, person.id)).run();
		if (input.labels.length) tx.insert(sensitivityLabels).values([...new Set(input.labels)].map((label) => ({ personId: person.id, label, setBy, setAt: now }))).run();
	});
	writeAudit(ctx.db, { actor: ctx.actor, action: 'person.labels', resourceType: 'person', resourceId: person.id, caseId, outcome: 'allowed', clientAddress: ctx.clientAddress, sessionId: ctx.sessionId, detail: { labels: [...input.labels].sort().join(',') } });
	collabControl()?.accessChanged(caseId);
	return { ok: true, value: true };
}

export const pairSchema = z.object({ personA: opaqueId, personB: opaqueId }).refine((v) => v.personA !== v.personB, { message: 'same person' });

/** Two people who must never be in one session. Refused while they already share one: move one first. */
export function addKeepApart(ctx: RequestContext, caseId: string, input: z.infer<typeof pairSchema>): Result<true> | { ok: false; reason: 'share-session'; meetingIds: string[] } {
	const refused = authorize(ctx, 'manage', { type: 'safety-settings', caseId }, 'keep-apart.add');
	if (refused) return refused;
	const [a, b] = [input.personA, input.personB].sort();
	const found = ctx.db.select({ id: casePeople.id }).from(casePeople).where(and(eq(casePeople.caseId, caseId), inArray(casePeople.id, [a, b]))).all();
	if (found.length !== 2) return { ok: false, reason: 'not-found' };
	const shared = ctx.db
		.select({ sessionId: meetingSessionMembers.meetingSessionId, personId: meetingSessionMembers.personId, meetingId: meetingSessions.meetingId })
		.from(meetingSessionMembers)
		.innerJoin(meetingSessions, eq(meetingSessions.id, meetingSessionMembers.meetingSessionId))
		.where(inArray(meetingSessionMembers.personId, [a, b]))
		.all();
	const sessionsOfA = new Set(shared.filter((r) => r.personId === a).map((r) => r.sessionId));
	const clash = shared.filter((r) => r.personId === b && sessionsOfA.has(r.sessionId));
	if (clash.length) return { ok: false, reason: 'share-session', meetingIds: [...new Set(clash.map((c) => c.meetingId))] };
	ctx.db.insert(keepApartPairs).values({ caseId, personA: a, personB: b, setBy: ctx.actor.kind === 'staff' ? ctx.actor.userId : null, setAt: Date.now() }).onConflictDoNothing().run();
	writeAudit(ctx.db, { actor: ctx.actor, action: 'keep-apart.add', resourceType: 'person', resourceId: a, caseId, outcome: 'allowed', clientAddress: ctx.clientAddress, sessionId: ctx.sessionId });
	// A new pair: each of them stops seeing the other's presence, and both become readers of the shared plan, now.
	collabControl()?.accessChanged(caseId);
	return { ok: true, value: true };
}

/**
 * Ends a keep-apart pair. A pair that is not on record is refused as not-found, and audited as a failed
 * attempt: the trail never says a pair was removed when nothing was (one row per attempt, with its outcome).
 */
export function removeKeepApart(ctx: RequestContext, caseId: string, input: z.infer<typeof pairSchema>): Result<true> {
	// A refusal is audited by authorize(); an allowed attempt is audited below, once, with what happened.
	if (!decide(ctx.actor, 'manage', { type: 'safety-settings', caseId }).allow) return authorize(ctx, 'manage', { type: 'safety-settings', caseId }, 'keep-apart.remove')!;
	const [a, b] = [input.personA, input.personB].sort();
	const removed = ctx.db.delete(keepApartPairs).where(and(eq(keepApartPairs.caseId, caseId), eq(keepApartPairs.personA, a), eq(keepApartPairs.personB, b))).returning({ a: keepApartPairs.personA }).all();
	const audit = { actor: ctx.actor, action: 'keep-apart.remove', resourceType: 'person', resourceId: a, caseId, clientAddress: ctx.clientAddress, sessionId: ctx.sessionId };
	if (removed.length === 0) {
		writeAudit(ctx.db, { ...audit, outcome: 'failed', detail: { why: 'not-found' } });
		return { ok: false, reason: 'not-found' };
	}
	writeAudit(ctx.db, { ...audit, outcome: 'allowed' });
	collabControl()?.accessChanged(caseId);
	return { ok: true, value: true };
}

export function keepApartOfCase(ctx: RequestContext, caseId: string): { personA: string; personB: string }[] {
	return ctx.db.select({ personA: keepApartPairs.personA, personB: keepApartPairs.personB }).from(keepApartPairs).where(eq(keepApartPairs.caseId, caseId)).all();
}
