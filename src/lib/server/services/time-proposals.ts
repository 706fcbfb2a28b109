import { and, asc, eq, inArray, ne } from 'drizzle-orm';
import { opaqueId } from '../../domain/doc-id.ts';
import { can } from '../../domain/policy.ts';
import { FAMILY_ROLES } from '../../domain/roles.ts';
import {
	overrideReason,
	parseAnswers,
	parseProposal,
	reconcileOptions,
	requiredNos,
	tallyAnswers,
	type AnswerShown,
	type AnswerValues,
	type OptionTally,
	type ProposalField,
	type ProposalValues,
	type StoredAnswer
} from '../../domain/time-proposals.ts';
import { first, tablesOf } from '../db/index.ts';
import { newId } from '../ids.ts';
import { authorize, accessChanged, inTransaction, record, refuseUnknown, type RequestContext, type Result, type TxContext } from './access.ts';
import { meetingClosed } from './documents.ts';
import { changeMeeting, valuesMovedTo, type PlanProblem } from './meeting-plan.ts';
import { labelsByPerson } from './people.ts';

// Propose and choose (issue 22): the caseworker or facilitator sends two to five times for a meeting (one
// proposal per meeting), each invited family member answers each time for themself (yes, if need be, no,
// and how they will join) from their own page, or a worker enters their answer after a call, and the
// worker confirms one, which moves the meeting through the one change path (meeting-plan.ts
// changeMeeting: the calendar revision and the "moved" notice as for any move). Who sees whose answers is
// the policy's `time-answer` (a confidential schedule: only available or not; the other parent of a
// keep-apart pair: nothing).

type MeetingFacts = { id: string; caseId: string; status: string; timeZone: string; startsAt: number; durationMinutes: number };

/** Meeting `meetingId`, when it exists (and, with `caseId`, is of that case: a meeting under another case's address is no meeting). */
async function meetingFacts(ctx: RequestContext, meetingId: string, caseId?: string): Promise<MeetingFacts | undefined> {
	const { meetings } = tablesOf(ctx);
	if (!opaqueId.safeParse(meetingId).success) return undefined;
	const m = await first(
		ctx.db
			.select({ id: meetings.id, caseId: meetings.caseId, status: meetings.status, timeZone: meetings.timeZone, startsAt: meetings.startsAt, durationMinutes: meetings.durationMinutes })
			.from(meetings)
			.where(eq(meetings.id, meetingId))
	);
	return m && (caseId === undefined || m.caseId === caseId) ? m : undefined;
}

const meetingResource = (m: MeetingFacts) => ({ type: 'meeting' as const, caseId: m.caseId, meetingId: m.id, closed: meetingClosed(m.status as Parameters<typeof meetingClosed>[0]) });

/**
 * The family members invited to meeting `meetingId` (in its joint or a separate session, not family time),
 * with their name, whether they are required (each parent, as find-times.ts) and their own zone (from
 * their availability, else null). These are the people asked to answer.
 */
async function inviteesOf(ctx: RequestContext, meetingId: string): Promise<{ personId: string; name: string; required: boolean; timeZone: string | null }[]> {
	const { meetingSessions, meetingSessionMembers, casePeople, availability } = tablesOf(ctx);
	const rows = await ctx.db
		.select({ personId: casePeople.id, givenName: casePeople.givenName, familyName: casePeople.familyName, role: casePeople.role, timeZone: availability.timeZone })
		.from(meetingSessionMembers)
		.innerJoin(meetingSessions, eq(meetingSessions.id, meetingSessionMembers.meetingSessionId))
		.innerJoin(casePeople, eq(casePeople.id, meetingSessionMembers.personId))
		.leftJoin(availability, eq(availability.personId, casePeople.id))
		.where(and(eq(meetingSessions.meetingId, meetingId), ne(meetingSessions.kind, 'FAMILY_ALONE')))
		.orderBy(asc(casePeople.givenName));
	const seen = new Map<string, { personId: string; name: string; required: boolean; timeZone: string | null }>();
	for (const r of rows) {
		if (!FAMILY_ROLES.includes(r.role) || seen.has(r.personId)) continue;
		seen.set(r.personId, { personId: r.personId, name: `${r.givenName} ${r.familyName}`, required: r.role === 'PARENT', timeZone: r.timeZone });
	}
	return [...seen.values()];
}

export type ProposalOption = { id: string; startsAt: number; durationMinutes: number; withdrawn: boolean };

/** A proposal as one reader may see it. */
export type ProposalView = {
	id: string;
	meetingId: string;
	caseId: string;
	/** The meeting's zone (staff read times in it). */
	meetingTimeZone: string;
	/** Every option, withdrawn ones too (their answers are kept and shown as withdrawn), in time order. */
	options: ProposalOption[];
	/** The people whose answers (or whose not answering) this reader may know of, by id. */
	people: Record<string, { name: string; required: boolean }>;
	tally: { options: OptionTally[]; notAnswered: string[]; everyoneAnswered: boolean };
	confirmed: { optionId: string; at: number; overrideReason: string | null } | null;
	/** A family member's own answers and the zone their page shows times in (their availability's, else the meeting's). */
	me: { personId: string; timeZone: string; answers: Record<string, { answer: string; joinMode: string }> } | null;
	canPropose: boolean;
	canConfirm: boolean;
	/** Staff may enter an answer for someone after a call. */
	canAnswerFor: boolean;
};

type ProposalRow = { id: string; meetingId: string; caseId: string; confirmedOptionId: string | null; confirmedAt: number | null; overrideReason: string | null };

async function optionsOf(ctx: RequestContext, proposalId: string): Promise<ProposalOption[]> {
	const { timeProposalOptions } = tablesOf(ctx);
	const rows = await ctx.db.select().from(timeProposalOptions).where(eq(timeProposalOptions.proposalId, proposalId)).orderBy(asc(timeProposalOptions.startsAt));
	return rows.map((o) => ({ id: o.id, startsAt: o.startsAt, durationMinutes: o.durationMinutes, withdrawn: o.withdrawnAt !== null }));
}

async function answersTo(ctx: RequestContext, optionIds: string[]): Promise<StoredAnswer[]> {
	const { timeProposalAnswers } = tablesOf(ctx);
	if (optionIds.length === 0) return [];
	return ctx.db
		.select({ optionId: timeProposalAnswers.optionId, personId: timeProposalAnswers.personId, answer: timeProposalAnswers.answer, joinMode: timeProposalAnswers.joinMode })
		.from(timeProposalAnswers)
		.where(inArray(timeProposalAnswers.optionId, optionIds));
}

/** The view of `proposal` for this request's reader: each person's answers only as the policy lets them see them. */
async function viewOf(ctx: RequestContext, proposal: ProposalRow, m: MeetingFacts): Promise<ProposalView> {
	const options = await optionsOf(ctx, proposal.id);
	const invitees = await inviteesOf(ctx, m.id);
	const answers = await answersTo(
		ctx,
		options.map((o) => o.id)
	);
	const ids = [...new Set([...invitees.map((p) => p.personId), ...answers.map((a) => a.personId)])];
	const labels = await labelsByPerson(ctx, ids);
	const shownOf = new Map<string, AnswerShown>();
	for (const personId of ids) {
		const resource = { type: 'time-answer' as const, caseId: m.caseId, meetingId: m.id, personId, labels: labels.get(personId) ?? new Set() };
		shownOf.set(personId, can(ctx.actor, 'view', { ...resource, shown: 'answer' }) ? 'answer' : can(ctx.actor, 'view', { ...resource, shown: 'available' }) ? 'available' : 'nothing');
	}
	const shown = (personId: string) => shownOf.get(personId) ?? 'nothing';
	const open = options.filter((o) => !o.withdrawn).map((o) => o.id);
	const tally = tallyAnswers(
		options.map((o) => o.id),
		open,
		invitees.map((p) => p.personId),
		answers,
		shown
	);
	const people: ProposalView['people'] = {};
	for (const p of invitees) if (shown(p.personId) !== 'nothing') people[p.personId] = { name: p.name, required: p.required };
	const actor = ctx.actor;
	const mine = actor.kind === 'participant' ? invitees.find((p) => p.personId === actor.personId) : undefined;
	const resource = meetingResource(m);
	return {
		id: proposal.id,
		meetingId: m.id,
		caseId: m.caseId,
		meetingTimeZone: m.timeZone,
		options,
		people,
		tally,
		confirmed: proposal.confirmedOptionId && proposal.confirmedAt !== null ? { optionId: proposal.confirmedOptionId, at: proposal.confirmedAt, overrideReason: proposal.overrideReason } : null,
		me:
			actor.kind === 'participant'
				? {
						personId: actor.personId,
						timeZone: mine?.timeZone ?? m.timeZone,
						answers: Object.fromEntries(answers.filter((a) => a.personId === actor.personId).map((a) => [a.optionId, { answer: a.answer, joinMode: a.joinMode }]))
					}
				: null,
		canPropose: can(actor, 'propose-times', resource),
		canConfirm: can(actor, 'confirm-time', resource),
		canAnswerFor: actor.kind === 'staff' && can(actor, 'answer-times', resource)
	};
}

async function proposalOfMeeting(ctx: RequestContext, meetingId: string): Promise<ProposalRow | undefined> {
	const { timeProposals } = tablesOf(ctx);
	return first(ctx.db.select().from(timeProposals).where(eq(timeProposals.meetingId, meetingId)));
}

/**
 * The proposal of meeting `meetingId` for the worker's times page (policy `view` on the meeting: its staff;
 * refusals audited as `meeting.times.view`): every answer as given, who has not answered, and whether this
 * worker may change the times or confirm one (`proposal` null when no times were proposed yet), and
 * whether they may propose times (`canPropose`).
 */
export async function meetingProposal(ctx: RequestContext, caseId: string, meetingId: string): Promise<Result<{ proposal: ProposalView | null; canPropose: boolean }>> {
	const m = await meetingFacts(ctx, meetingId, caseId);
	if (!m) return refuseUnknown(ctx, 'meeting', meetingId, 'meeting.times.view');
	const refused = await authorize(ctx, 'view', meetingResource(m), 'meeting.times.view');
	if (refused) return refused;
	// Family members read the proposal on their own page (familyProposal), never here.
	if (ctx.actor.kind !== 'staff') return { ok: false, reason: 'forbidden' };
	const proposal = await proposalOfMeeting(ctx, meetingId);
	return { ok: true, value: { proposal: proposal ? await viewOf(ctx, proposal, m) : null, canPropose: can(ctx.actor, 'propose-times', meetingResource(m)) } };
}

/**
 * Proposes times for meeting `meetingId` (policy `propose-times`: its caseworker or facilitator; audited as
 * `meeting.times.propose`, with how many times, never which), or changes the ones proposed: a time kept
 * keeps its answers, a time taken out is withdrawn with its answers kept (domain/time-proposals.ts
 * reconcileOptions), and a confirmation made before is set aside (the worker asks again). `values` as the
 * form typed them; the typed time is in `values.timeZone`. Returns the proposal's id, or the fields that
 * are wrong (nothing saved).
 */
export async function proposeTimes(ctx: RequestContext, caseId: string, meetingId: string, values: ProposalValues): Promise<Result<{ proposalId: string }> | { ok: false; reason: 'invalid'; fields: ProposalField[] }> {
	const { timeProposals, timeProposalOptions } = tablesOf(ctx);
	return inTransaction(ctx, async (tx) => {
		const m = await meetingFacts(tx, meetingId, caseId);
		if (!m) return refuseUnknown(tx, 'meeting', meetingId, 'meeting.times.propose');
		const refused = await authorize(tx, 'propose-times', meetingResource(m), 'meeting.times.propose');
		if (refused) return refused;
		const parsed = parseProposal(values, tx.now);
		if (!parsed.ok) return { ok: false as const, reason: 'invalid' as const, fields: parsed.fields };
		// One proposal per meeting, held by its unique index: two workers sending times at once share it.
		await tx.db
			.insert(timeProposals)
			.values({ id: newId(), meetingId, caseId: m.caseId, createdBy: tx.actor.kind === 'staff' ? tx.actor.userId : null, createdAt: tx.now, updatedAt: tx.now })
			.onConflictDoNothing({ target: timeProposals.meetingId });
		const proposal = (await proposalOfMeeting(tx, meetingId))!;
		const stored = await optionsOf(tx, proposal.id);
		const change = reconcileOptions(stored, parsed.options);
		if (change.withdraw.length) await tx.db.update(timeProposalOptions).set({ withdrawnAt: tx.now }).where(inArray(timeProposalOptions.id, change.withdraw));
		if (change.revive.length) await tx.db.update(timeProposalOptions).set({ withdrawnAt: null }).where(inArray(timeProposalOptions.id, change.revive));
		if (change.add.length) await tx.db.insert(timeProposalOptions).values(change.add.map((o) => ({ id: newId(), proposalId: proposal.id, startsAt: o.startsAt, durationMinutes: o.durationMinutes, createdAt: tx.now })));
		await tx.db.update(timeProposals).set({ updatedAt: tx.now, confirmedOptionId: null, confirmedAt: null, confirmedBy: null, overrideReason: null }).where(eq(timeProposals.id, proposal.id));
		await record(tx, {
			action: 'meeting.times.propose',
			resourceType: 'meeting',
			resourceId: meetingId,
			caseId: m.caseId,
			outcome: 'allowed',
			detail: { options: parsed.options.length, added: change.add.length, withdrawn: change.withdraw.length }
		});
		return { ok: true as const, value: { proposalId: proposal.id } };
	});
}

async function proposalById(ctx: RequestContext, proposalId: string): Promise<{ proposal: ProposalRow; meeting: MeetingFacts } | undefined> {
	const { timeProposals } = tablesOf(ctx);
	if (!opaqueId.safeParse(proposalId).success) return undefined;
	const proposal = await first(ctx.db.select().from(timeProposals).where(eq(timeProposals.id, proposalId)));
	const meeting = proposal && (await meetingFacts(ctx, proposal.meetingId));
	return proposal && meeting ? { proposal, meeting } : undefined;
}

/**
 * Whether the reader answers this meeting's times: policy `answer-times`, and for a family member, being
 * one of the people invited to it (a family member invited to the whole case but not placed in this
 * meeting is not asked). Refusals audited as `auditAction`.
 */
async function mayAnswer(ctx: RequestContext, m: MeetingFacts, personId: string, auditAction: string): Promise<Result<{ invitees: Awaited<ReturnType<typeof inviteesOf>> }>> {
	const refused = await authorize(ctx, 'answer-times', meetingResource(m), auditAction);
	if (refused) return refused;
	const invitees = await inviteesOf(ctx, m.id);
	if (!invitees.some((p) => p.personId === personId)) {
		await record(ctx, { action: auditAction, resourceType: 'meeting', resourceId: m.id, caseId: m.caseId, outcome: 'denied', detail: { why: 'not-invited' } });
		return { ok: false, reason: 'forbidden' };
	}
	return { ok: true, value: { invitees } };
}

/**
 * Proposal `proposalId` for the signed-in family member's own page (policy `answer-times` on its meeting,
 * and invited to it; refusals and unknown ids audited as `meeting.times.view`): the times in their own zone
 * (`me.timeZone`), their own answers, and of the others only what the policy shows them.
 */
export async function familyProposal(ctx: RequestContext, proposalId: string): Promise<Result<ProposalView>> {
	const found = await proposalById(ctx, proposalId);
	if (!found) return refuseUnknown(ctx, 'time-proposal', proposalId, 'meeting.times.view');
	// Staff read the proposal on the meeting's times page, with everyone's answers (meetingProposal).
	if (ctx.actor.kind !== 'participant') return refuseUnknown(ctx, 'time-proposal', proposalId, 'meeting.times.view');
	const allowed = await mayAnswer(ctx, found.meeting, ctx.actor.personId, 'meeting.times.view');
	if (!allowed.ok) return allowed;
	return { ok: true, value: await viewOf(ctx, found.proposal, found.meeting) };
}

/**
 * The open proposals the signed-in family member is asked to answer (no policy refusal: a list of their
 * own, empty for anyone else): each with its id and whether they have answered every open time.
 */
export async function proposalsToAnswer(ctx: RequestContext): Promise<{ id: string; meetingId: string; answered: boolean }[]> {
	const actor = ctx.actor;
	if (actor.kind !== 'participant') return [];
	const { timeProposals, meetings } = tablesOf(ctx);
	const rows = await ctx.db
		.select({ id: timeProposals.id, meetingId: timeProposals.meetingId, confirmed: timeProposals.confirmedOptionId, status: meetings.status })
		.from(timeProposals)
		.innerJoin(meetings, eq(meetings.id, timeProposals.meetingId))
		.where(eq(timeProposals.caseId, actor.caseId));
	const list: { id: string; meetingId: string; answered: boolean }[] = [];
	for (const r of rows) {
		if (r.confirmed !== null || r.status !== 'scheduled') continue;
		if (!can(actor, 'answer-times', { type: 'meeting', caseId: actor.caseId, meetingId: r.meetingId, closed: false })) continue;
		if (!(await inviteesOf(ctx, r.meetingId)).some((p) => p.personId === actor.personId)) continue;
		const open = (await optionsOf(ctx, r.id)).filter((o) => !o.withdrawn).map((o) => o.id);
		const mine = (await answersTo(ctx, open)).filter((a) => a.personId === actor.personId);
		list.push({ id: r.id, meetingId: r.meetingId, answered: open.every((o) => mine.some((a) => a.optionId === o)) });
	}
	return list;
}

export type AnswerProblem = { ok: false; reason: 'invalid'; fields: string[] } | { ok: false; reason: 'confirmed' };

/**
 * Saves `personId`'s answers to every open time of proposal `proposalId` (`values` as typed: per option
 * id, answer and how they join), replacing what they said before. A family member answers only for
 * themself: `personId` must be the session's person (the page passes it from the session, never from a
 * form). Staff on the case answer for an invited person after a call (`enteredBy: staff`). Policy
 * `answer-times`; audited as `meeting.times.answer` with who entered it and how many times, never the
 * answers. Refused once a time was confirmed (`confirmed`).
 */
export async function answerTimes(ctx: RequestContext, proposalId: string, personId: string, values: AnswerValues): Promise<Result<true> | AnswerProblem> {
	const { timeProposalAnswers } = tablesOf(ctx);
	return inTransaction(ctx, async (tx): Promise<Result<true> | AnswerProblem> => {
		const found = await proposalById(tx, proposalId);
		if (!found) return refuseUnknown(tx, 'time-proposal', proposalId, 'meeting.times.answer');
		// Nobody answers for someone else: a family member's answer is always their own.
		if (tx.actor.kind === 'participant' && tx.actor.personId !== personId) return refuseUnknown(tx, 'person', personId, 'meeting.times.answer');
		const allowed = await mayAnswer(tx, found.meeting, personId, 'meeting.times.answer');
		if (!allowed.ok) return allowed;
		if (found.proposal.confirmedOptionId !== null) return { ok: false, reason: 'confirmed' };
		const open = (await optionsOf(tx, proposalId)).filter((o) => !o.withdrawn).map((o) => o.id);
		const parsed = parseAnswers(values, open);
		if (!parsed.ok) return { ok: false, reason: 'invalid', fields: parsed.fields };
		const enteredBy = tx.actor.kind === 'participant' ? ('self' as const) : ('staff' as const);
		const updatedBy = tx.actor.kind === 'staff' ? tx.actor.userId : null;
		for (const a of parsed.answers) {
			const row = { answer: a.answer, joinMode: a.joinMode, enteredBy, updatedBy, updatedAt: tx.now };
			await tx.db
				.insert(timeProposalAnswers)
				.values({ optionId: a.optionId, personId, ...row })
				.onConflictDoUpdate({ target: [timeProposalAnswers.optionId, timeProposalAnswers.personId], set: row });
		}
		await record(tx, { action: 'meeting.times.answer', resourceType: 'person', resourceId: personId, caseId: found.meeting.caseId, outcome: 'allowed', detail: { enteredBy, options: parsed.answers.length, proposalId } });
		return { ok: true, value: true };
	});
}

export type ConfirmProblem = PlanProblem | { ok: false; reason: 'override-needed'; names: string[] } | { ok: false; reason: 'invalid-option' | 'reason-too-long' };

/**
 * Confirms option `optionId` of meeting `meetingId`'s proposal (policy `confirm-time`: its caseworker or
 * facilitator; audited as `meeting.times.confirm`): the meeting moves to that time and length through
 * meeting-plan.ts changeMeeting (the one change path: its `schedule` check, calendar revision and "moved"
 * notice with links at `origin`). When a required person (a parent) answered "no" to it, a non-empty
 * `reason` is needed (`override-needed` names them); the reason is stored on the proposal and in the audit
 * entry. A withdrawn option or one of another meeting is `invalid-option`.
 */
export async function confirmTime(ctx: RequestContext, caseId: string, meetingId: string, optionId: string, reason: string, origin: string): Promise<Result<true> | ConfirmProblem> {
	const { timeProposals } = tablesOf(ctx);
	const result = await inTransaction(ctx, async (tx: TxContext): Promise<Result<true> | ConfirmProblem> => {
		const m = await meetingFacts(tx, meetingId, caseId);
		if (!m) return refuseUnknown(tx, 'meeting', meetingId, 'meeting.times.confirm');
		const refused = await authorize(tx, 'confirm-time', meetingResource(m), 'meeting.times.confirm');
		if (refused) return refused;
		const proposal = await proposalOfMeeting(tx, meetingId);
		const option = proposal ? (await optionsOf(tx, proposal.id)).find((o) => o.id === optionId && !o.withdrawn) : undefined;
		if (!proposal || !option) return { ok: false, reason: 'invalid-option' };
		const typed = overrideReason.safeParse(reason);
		if (!typed.success) return { ok: false, reason: 'reason-too-long' };
		const invitees = await inviteesOf(tx, meetingId);
		const nos = requiredNos(
			optionId,
			invitees.filter((p) => p.required).map((p) => p.personId),
			await answersTo(tx, [optionId])
		);
		if (nos.length > 0 && typed.data === '') return { ok: false, reason: 'override-needed', names: invitees.filter((p) => nos.includes(p.personId)).map((p) => p.name) };
		const values = await valuesMovedTo(tx, m.caseId, meetingId, option.startsAt, option.durationMinutes);
		if (!values) return refuseUnknown(tx, 'meeting', meetingId, 'meeting.times.confirm');
		const changed = await changeMeeting(tx, m.caseId, meetingId, values, origin);
		if (!changed.ok) return changed;
		const override = nos.length > 0 ? typed.data : null;
		await tx.db
			.update(timeProposals)
			.set({ confirmedOptionId: optionId, confirmedAt: tx.now, confirmedBy: tx.actor.kind === 'staff' ? tx.actor.userId : null, overrideReason: override })
			.where(eq(timeProposals.id, proposal.id));
		// An override of a required person's "no" is on the trail with its reason (domain.md §6: overrides are audited).
		await record(tx, { action: 'meeting.times.confirm', resourceType: 'meeting', resourceId: meetingId, caseId: m.caseId, outcome: 'allowed', detail: { optionId, override: override !== null, ...(override !== null ? { reason: override, requiredNo: nos.length } : {}) } });
		return { ok: true, value: true };
	});
	if (result.ok) await accessChanged(ctx, caseId);
	return result;
}
