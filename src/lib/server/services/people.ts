import { meetingClosed } from './documents.ts';
import { and, asc, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import type { casePeople, detailConsents } from '../db/schema.ts';
import { HIDING_LABEL, can, decide, type PersonDetail } from '../../domain/policy.ts';
import { PARTICIPANT_ROLES, SENSITIVITY_LABELS, type AssignmentRole, type MeetingKind, type MeetingStatus, type MeetingType, type ParticipantRole, type SensitivityLabel } from '../../domain/roles.ts';
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
import { meetingsShared, orderedPair } from '../../domain/keep-apart.ts';
import { first, tablesOf } from '../db/index.ts';
import { newId } from '../ids.ts';
import { accessChanged, authorize, inTransaction, record, refuseUnknown, type RequestContext, type Result } from './access.ts';

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

/** The sensitivity labels on each of `personIds` (a person with none is absent). */
export async function labelsByPerson(ctx: RequestContext, personIds: string[]): Promise<Map<string, Set<SensitivityLabel>>> {
	const { sensitivityLabels } = tablesOf(ctx);
	const map = new Map<string, Set<SensitivityLabel>>();
	if (personIds.length === 0) return map;
	for (const row of await ctx.db.select().from(sensitivityLabels).where(inArray(sensitivityLabels.personId, personIds))) {
		if (!map.has(row.personId)) map.set(row.personId, new Set());
		map.get(row.personId)!.add(row.label);
	}
	return map;
}

async function consentsByPerson(ctx: RequestContext, personIds: string[]): Promise<Map<string, (ConsentRow & { recordedByName: string | null })[]>> {
	const { detailConsents, users } = tablesOf(ctx);
	const map = new Map<string, (ConsentRow & { recordedByName: string | null })[]>();
	if (personIds.length === 0) return map;
	const rows = await ctx.db
		.select({ consent: detailConsents, recordedByName: users.name })
		.from(detailConsents)
		.leftJoin(users, eq(users.id, detailConsents.recordedByUser))
		.where(inArray(detailConsents.personId, personIds));
	for (const { consent, recordedByName } of rows) {
		if (!map.has(consent.personId)) map.set(consent.personId, []);
		map.get(consent.personId)!.push({ ...consent, recordedByName });
	}
	return map;
}

/** The agency's calendar date today, for ages (a child turns 14 on the agency's day, not the server's). */
async function agencyToday(ctx: RequestContext, caseId: string): Promise<{ year: number; month: number; day: number }> {
	const { agencies, cases } = tablesOf(ctx);
	const row = await first(ctx.db.select({ timeZone: agencies.timeZone }).from(cases).innerJoin(agencies, eq(agencies.id, cases.agencyId)).where(eq(cases.id, caseId)));
	return zonedDate(ctx.now, row?.timeZone ?? 'UTC');
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
export async function peopleOfCase(ctx: RequestContext, caseId: string): Promise<PersonView[]> {
	const { casePeople } = tablesOf(ctx);
	const rows = await ctx.db.select().from(casePeople).where(eq(casePeople.caseId, caseId)).orderBy(asc(casePeople.createdAt));
	const ids = rows.map((r) => r.id);
	const labels = await labelsByPerson(ctx, ids);
	const consents = await consentsByPerson(ctx, ids);
	const today = await agencyToday(ctx, caseId);
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
	caseId: string;
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
export async function familyHome(ctx: RequestContext): Promise<Result<FamilyHome>> {
	const { caseAssignments, cases, meetingSessionMembers, meetings, users } = tablesOf(ctx);
	const actor = ctx.actor;
	if (actor.kind !== 'participant') return (await authorize(ctx, 'view', { type: 'family-home', caseId: '' }, 'family.view')) ?? { ok: false, reason: 'forbidden' };
	const refused = await authorize(ctx, 'view', { type: 'family-home', caseId: actor.caseId }, 'family.view');
	if (refused) return refused;
	const theCase = await first(ctx.db.select({ name: cases.name }).from(cases).where(eq(cases.id, actor.caseId)));
	if (!theCase) return { ok: false, reason: 'not-found' };
	const allMeetings = await ctx.db.select().from(meetings).where(eq(meetings.caseId, actor.caseId)).orderBy(asc(meetings.startsAt));
	const visibleMeetings = allMeetings.filter((mt) => can(actor, 'view', { type: 'meeting', caseId: actor.caseId, meetingId: mt.id, closed: meetingClosed(mt.status) }));
	const people = await peopleOfCase(ctx, actor.caseId);
	const me = people.find((p) => p.id === actor.personId)!;
	// The team shown to a family member: the people who share a meeting session with them (or, for a
	// case-wide invite, everyone on the case), never one of a keep-apart pair.
	let shareWith: Set<string> | null = null;
	if (actor.meetingId !== null) {
		const sessionIds = [...actor.meetingSessionIds];
		shareWith = new Set(
			sessionIds.length
				? (await ctx.db.select({ personId: meetingSessionMembers.personId }).from(meetingSessionMembers).where(inArray(meetingSessionMembers.meetingSessionId, sessionIds))).map((r) => r.personId)
				: []
		);
	}
	const team = people.filter((p) => p.id !== actor.personId && !actor.keepApartWith.has(p.id) && (shareWith === null || shareWith.has(p.id)));
	const myLabels = (await labelsByPerson(ctx, [actor.personId])).get(actor.personId) ?? new Set<SensitivityLabel>();
	const staff = await ctx.db
		.select({ name: users.name, role: caseAssignments.role })
		.from(caseAssignments)
		.innerJoin(users, eq(users.id, caseAssignments.userId))
		.where(eq(caseAssignments.caseId, actor.caseId));
	return {
		ok: true,
		value: {
			caseId: actor.caseId,
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
export async function setDetailConsent(ctx: RequestContext, caseId: string, input: z.infer<typeof consentSchema>): Promise<Result<{ changed: ShareableDetail[] }>> {
	const { casePeople, detailConsents } = tablesOf(ctx);
	const result = await inTransaction(ctx, async (tx): Promise<Result<{ changed: ShareableDetail[] }>> => {
		const person = await first(tx.db.select().from(casePeople).where(and(eq(casePeople.id, input.personId), eq(casePeople.caseId, caseId))));
		if (!person) return refuseUnknown(tx, 'person', input.personId, 'person.consent');
		const onRecord = new Map((await tx.db.select().from(detailConsents).where(eq(detailConsents.personId, person.id))).map((c) => [c.detail, c]));
		const changes = SHAREABLE_DETAILS.flatMap((detail) => {
			const wanted = input.shares[detail];
			if (wanted === undefined || wanted === onRecord.has(detail)) return [];
			return [{ detail, change: wanted ? ('give' as const) : ('withdraw' as const) }];
		});
		for (const { change } of changes) {
			const refused = await authorize(tx, 'edit', { type: 'detail-consent', caseId, personId: person.id, personRole: person.role, change }, `person.consent.${change}`);
			if (refused) return refused;
		}
		const staffId = tx.actor.kind === 'staff' ? tx.actor.userId : null;
		for (const { detail, change } of changes) {
			if (change === 'withdraw') await tx.db.delete(detailConsents).where(and(eq(detailConsents.personId, person.id), eq(detailConsents.detail, detail)));
			else await tx.db.insert(detailConsents).values({ personId: person.id, detail, recordedBy: staffId ? 'staff' : 'person', recordedByUser: staffId, recordedAt: tx.now });
			await record(tx, { action: `person.consent.${change}`, resourceType: 'person', resourceId: person.id, caseId, outcome: 'allowed', detail: { detail } });
		}
		return { ok: true, value: { changed: changes.map((c) => c.detail) } };
	});
	if (result.ok && result.value.changed.length > 0) await accessChanged(ctx, caseId);
	return result;
}

/**
 * A family member shares one of their own details with the family members on their team, or stops
 * sharing it (setDetailConsent, with themself as the person). Anyone who is not a family member is
 * refused, and the refusal audited.
 */
export async function shareMyDetail(ctx: RequestContext, detail: ShareableDetail, share: boolean): Promise<Result<{ changed: ShareableDetail[] }>> {
	const actor = ctx.actor;
	if (actor.kind !== 'participant') return (await authorize(ctx, 'edit', { type: 'family-home', caseId: '' }, 'person.consent')) ?? { ok: false, reason: 'forbidden' };
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
export function setRelationship(ctx: RequestContext, caseId: string, input: z.infer<typeof relationshipSchema>): Promise<Result<true>> {
	const { casePeople } = tablesOf(ctx);
	return inTransaction(ctx, async (tx) => {
		const person = await first(tx.db.select().from(casePeople).where(and(eq(casePeople.id, input.personId), eq(casePeople.caseId, caseId))));
		if (!person) return refuseUnknown(tx, 'person', input.personId, 'person.relationship');
		const refused = await authorize(tx, 'edit', { type: 'case', caseId }, 'person.relationship');
		if (refused) return refused;
		await tx.db
			.update(casePeople)
			.set({ relationshipCode: input.code, relationshipSide: input.side, relationship: input.noteEn, relationshipEs: input.noteEs, birthDate: input.birthDate })
			.where(eq(casePeople.id, person.id));
		// The codes, never the notes: the audit trail holds no typed words.
		await record(tx, { action: 'person.relationship', resourceType: 'person', resourceId: person.id, caseId, outcome: 'allowed', detail: { code: input.code, side: input.side } });
		return { ok: true, value: true };
	});
}

// ---- Safety settings: sensitivity labels and keep-apart pairs (staff on the case) ----

export const labelsSchema = z.object({ personId: opaqueId, labels: z.array(z.enum(SENSITIVITY_LABELS)).max(SENSITIVITY_LABELS.length) });

/**
 * Replaces the sensitivity labels on one person's details. Refuses (`not-applicable`) a label that cannot
 * apply to this person: the child's own words or a youth's private section on an adult.
 */
export async function setLabels(ctx: RequestContext, caseId: string, input: z.infer<typeof labelsSchema>): Promise<Result<true> | { ok: false; reason: 'not-applicable' }> {
	const { casePeople, sensitivityLabels } = tablesOf(ctx);
	const result = await inTransaction(ctx, async (tx): Promise<Result<true> | { ok: false; reason: 'not-applicable' }> => {
		const refused = await authorize(tx, 'manage', { type: 'safety-settings', caseId }, 'person.labels');
		if (refused) return refused;
		const person = await first(tx.db.select().from(casePeople).where(and(eq(casePeople.id, input.personId), eq(casePeople.caseId, caseId))));
		if (!person) return { ok: false, reason: 'not-found' };
		// A label that cannot apply to this person (a child's words on an adult) is refused, not stored.
		const applies = labelsThatApply({ role: person.role, age: ageOn(person.birthDate, await agencyToday(tx, caseId)) }, SENSITIVITY_LABELS);
		if (input.labels.some((label) => !applies.includes(label))) return { ok: false, reason: 'not-applicable' };
		const setBy = tx.actor.kind === 'staff' ? tx.actor.userId : null;
		await tx.db.delete(sensitivityLabels).where(eq(sensitivityLabels.personId, person.id));
		if (input.labels.length) await tx.db.insert(sensitivityLabels).values([...new Set(input.labels)].map((label) => ({ personId: person.id, label, setBy, setAt: tx.now })));
		await record(tx, { action: 'person.labels', resourceType: 'person', resourceId: person.id, caseId, outcome: 'allowed', detail: { labels: [...input.labels].sort().join(',') } });
		return { ok: true, value: true };
	});
	if (result.ok) await accessChanged(ctx, caseId);
	return result;
}

export const pairSchema = z.object({ personA: opaqueId, personB: opaqueId }).refine((v) => v.personA !== v.personB, { message: 'same person' });

/**
 * Two people who must never be in one session. Refused while they already share one: move one first. The
 * check of shared sessions and the insert run in one transaction, so a placement at the same moment
 * cannot slip the pair into one session.
 */
export async function addKeepApart(ctx: RequestContext, caseId: string, input: z.infer<typeof pairSchema>): Promise<Result<true> | { ok: false; reason: 'share-session'; meetingIds: string[] }> {
	const { casePeople, keepApartPairs, meetingSessionMembers, meetingSessions } = tablesOf(ctx);
	const result = await inTransaction(ctx, async (tx): Promise<Result<true> | { ok: false; reason: 'share-session'; meetingIds: string[] }> => {
		const refused = await authorize(tx, 'manage', { type: 'safety-settings', caseId }, 'keep-apart.add');
		if (refused) return refused;
		const { personA: a, personB: b } = orderedPair(input.personA, input.personB);
		const found = await tx.db.select({ id: casePeople.id }).from(casePeople).where(and(eq(casePeople.caseId, caseId), inArray(casePeople.id, [a, b])));
		if (found.length !== 2) return { ok: false, reason: 'not-found' };
		const memberships = await tx.db
			.select({ sessionId: meetingSessionMembers.meetingSessionId, personId: meetingSessionMembers.personId, meetingId: meetingSessions.meetingId })
			.from(meetingSessionMembers)
			.innerJoin(meetingSessions, eq(meetingSessions.id, meetingSessionMembers.meetingSessionId))
			.where(inArray(meetingSessionMembers.personId, [a, b]));
		const meetingIds = meetingsShared(memberships, a, b);
		if (meetingIds.length) return { ok: false, reason: 'share-session', meetingIds };
		await tx.db.insert(keepApartPairs).values({ caseId, personA: a, personB: b, setBy: tx.actor.kind === 'staff' ? tx.actor.userId : null, setAt: tx.now }).onConflictDoNothing();
		await record(tx, { action: 'keep-apart.add', resourceType: 'person', resourceId: a, caseId, outcome: 'allowed' });
		return { ok: true, value: true };
	});
	// A new pair: each of them stops seeing the other's presence, and both become readers of the shared plan, now.
	if (result.ok) await accessChanged(ctx, caseId);
	return result;
}

/**
 * Ends a keep-apart pair. A pair that is not on record is refused as not-found, and audited as a failed
 * attempt: the trail never says a pair was removed when nothing was (one row per attempt, with its outcome).
 */
export async function removeKeepApart(ctx: RequestContext, caseId: string, input: z.infer<typeof pairSchema>): Promise<Result<true>> {
	const { keepApartPairs } = tablesOf(ctx);
	// A refusal is audited by authorize(); an allowed attempt is audited below, once, with what happened.
	if (!decide(ctx.actor, 'manage', { type: 'safety-settings', caseId }).allow) return (await authorize(ctx, 'manage', { type: 'safety-settings', caseId }, 'keep-apart.remove'))!;
	const { personA: a, personB: b } = orderedPair(input.personA, input.personB);
	const result = await inTransaction(ctx, async (tx): Promise<Result<true>> => {
		const removed = await tx.db.delete(keepApartPairs).where(and(eq(keepApartPairs.caseId, caseId), eq(keepApartPairs.personA, a), eq(keepApartPairs.personB, b))).returning({ a: keepApartPairs.personA });
		const audit = { action: 'keep-apart.remove', resourceType: 'person', resourceId: a, caseId };
		if (removed.length === 0) {
			await record(tx, { ...audit, outcome: 'failed', detail: { why: 'not-found' } });
			return { ok: false, reason: 'not-found' };
		}
		await record(tx, { ...audit, outcome: 'allowed' });
		return { ok: true, value: true };
	});
	if (result.ok) await accessChanged(ctx, caseId);
	return result;
}

/** The keep-apart pairs of a case (the caller has authorized the case). */
export function keepApartOfCase(ctx: RequestContext, caseId: string): Promise<{ personA: string; personB: string }[]> {
	const { keepApartPairs } = tablesOf(ctx);
	return ctx.db.select({ personA: keepApartPairs.personA, personB: keepApartPairs.personB }).from(keepApartPairs).where(eq(keepApartPairs.caseId, caseId));
}

// ---- Adding people to the family network (staff on the case) ----

/** The longest given or family name (characters). */
export const PERSON_NAME_MAX = 80;

/** A new person on a case, as the form sends it: their role, their names as they write them, the language they read. */
export const addPersonSchema = z.object({
	role: z.enum(PARTICIPANT_ROLES),
	givenName: z.string().trim().min(1).max(PERSON_NAME_MAX),
	familyName: z.string().trim().min(1).max(PERSON_NAME_MAX),
	locale: z.enum(['en', 'es'])
});

/**
 * Adds one person to case `caseId` (policy `edit` on the case: its staff), with their role, names and the
 * language they read; what they are to the children, their birth date, contact details and labels are set
 * on their own page afterwards (setRelationship, setLabels…). One transaction with its audit entry
 * `person.add` (the role, never the name). Returns the new person's id, or the refusal (audited; an
 * unknown case is refused like a forbidden one).
 */
export function addPerson(ctx: RequestContext, caseId: string, input: z.infer<typeof addPersonSchema>): Promise<Result<{ personId: string }>> {
	const { cases, casePeople } = tablesOf(ctx);
	return inTransaction(ctx, async (tx) => {
		const theCase = opaqueId.safeParse(caseId).success ? await first(tx.db.select({ id: cases.id }).from(cases).where(eq(cases.id, caseId))) : undefined;
		if (!theCase) return refuseUnknown(tx, 'case', caseId, 'person.add');
		const refused = await authorize(tx, 'edit', { type: 'case', caseId }, 'person.add');
		if (refused) return refused;
		const personId = newId();
		await tx.db.insert(casePeople).values({ id: personId, caseId, role: input.role, givenName: input.givenName, familyName: input.familyName, locale: input.locale, createdAt: tx.now });
		await record(tx, { action: 'person.add', resourceType: 'person', resourceId: personId, caseId, outcome: 'allowed', detail: { role: input.role } });
		return { ok: true, value: { personId } };
	});
}

/**
 * The form to add a person to case `caseId`, and the check for one that did not parse: the case's name
 * for whoever may add people to it (policy `edit` on the case); anyone else is refused as such whatever
 * they sent (audited as `auditAction`; an unknown case like a forbidden one).
 */
export async function addPersonForm(ctx: RequestContext, caseId: string, auditAction = 'person.add.form'): Promise<Result<{ caseName: string }>> {
	const { cases } = tablesOf(ctx);
	const theCase = opaqueId.safeParse(caseId).success ? await first(ctx.db.select({ name: cases.name }).from(cases).where(eq(cases.id, caseId))) : undefined;
	if (!theCase) return refuseUnknown(ctx, 'case', caseId, auditAction);
	return (await authorize(ctx, 'edit', { type: 'case', caseId }, auditAction)) ?? { ok: true, value: { caseName: theCase.name } };
}
