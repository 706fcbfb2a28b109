import { and, asc, eq, inArray } from 'drizzle-orm';
import { opaqueId } from '../../domain/doc-id.ts';
import { can, decide, type ResourceOf } from '../../domain/policy.ts';
import type { MeetingKind, MeetingStatus, MeetingType } from '../../domain/roles.ts';
import { aggregate, respondentCategory, type FeedbackRow, type GroupAggregate } from '../../domain/feedback.ts';
import { storedAnswersSchema, type FeedbackInput } from '../../domain/feedback-form.ts';
import { first, tablesOf, type Db } from '../db/index.ts';
import { newId } from '../ids.ts';
import { authorize, inTransaction, record, refuseUnknown, type RequestContext, type Result } from './access.ts';

// The family's survey after a meeting (domain.md §7; the meeting-room issue, "Family feedback"). Optional
// and anonymous: an answer is stored with its meeting and a coarse role category only (meeting_feedback:
// no participant, person or session id, no time), and that this participant answered is stored apart
// (meeting_feedback_given: no link to the answer), both in one transaction. Supervisors read aggregates
// per facilitator and per meeting type of their agency, only for groups of at least MIN_GROUP answers;
// the caseworker and the facilitator never read them (policy `feedback`).
//
// What this does not hide (known limits): on PostgreSQL, rows written in one transaction carry the same
// transaction id (`xmin`) and the heap keeps them in the order written, so someone reading the database
// directly (not through Hearth) could still pair an answer with its mark; writing the answer apart from
// the mark (a batched writer) would close that, at the cost of the single transaction. A supervisor who
// reads the aggregates before and after one more answer can tell that answer's effect on the means.

async function meetingOf(db: Db, meetingId: string) {
	const { meetings } = tablesOf(db);
	return first(db.select({ caseId: meetings.caseId, status: meetings.status, kind: meetings.kind, meetingType: meetings.meetingType, startsAt: meetings.startsAt, timeZone: meetings.timeZone }).from(meetings).where(eq(meetings.id, meetingId)));
}

/** The survey of meeting `meetingId` as the policy reads it: `held` when the meeting was closed as held. */
function surveyOf(caseId: string, meetingId: string, status: MeetingStatus): ResourceOf<'feedback'> {
	return { type: 'feedback', caseId, meetingId, held: status === 'held' };
}

/**
 * The participant row that stands for this person in the survey's marks: their first on the case (the
 * earliest accepted, rows are never deleted), whichever invitation they came in with now. A person invited twice (to the meeting
 * and to the whole case) is one respondent: one answer.
 */
async function respondentKey(db: Db, actor: { personId: string; caseId: string }): Promise<string> {
	const { participants } = tablesOf(db);
	const row = await first(db.select({ id: participants.id }).from(participants).where(and(eq(participants.personId, actor.personId), eq(participants.caseId, actor.caseId))).orderBy(asc(participants.createdAt), asc(participants.id)).limit(1));
	return row!.id;
}

async function hasAnswered(db: Db, meetingId: string, participantId: string): Promise<boolean> {
	const { meetingFeedbackGiven } = tablesOf(db);
	return (await first(db.select({ m: meetingFeedbackGiven.meetingId }).from(meetingFeedbackGiven).where(and(eq(meetingFeedbackGiven.meetingId, meetingId), eq(meetingFeedbackGiven.participantId, participantId))))) !== undefined;
}

export type FeedbackForm = {
	meetingId: string;
	kind: MeetingKind;
	meetingType: MeetingType;
	startsAt: number;
	timeZone: string;
	/** `ask`: the form; `answered`: this person answered already; `not-yet`: the meeting is still planned; `cancelled`. */
	state: 'ask' | 'answered' | 'not-yet' | 'cancelled';
};

/**
 * The survey page of meeting `meetingId` for a family member who would answer it once it is held (policy
 * `give` on the survey as if held: the family's own people invited to that meeting); everyone else, staff
 * included, is refused and audited (`meeting.feedback.form`), and an unknown meeting alike. Says whether to
 * ask, or that they answered, or that the meeting is not held (yet).
 */
export async function feedbackForm(ctx: RequestContext, meetingId: string): Promise<Result<FeedbackForm>> {
	if (!opaqueId.safeParse(meetingId).success) return refuseUnknown(ctx, 'meeting', meetingId, 'meeting.feedback.form');
	const m = await meetingOf(ctx.db, meetingId);
	if (!m) return refuseUnknown(ctx, 'meeting', meetingId, 'meeting.feedback.form');
	const refused = await authorize(ctx, 'give', { ...surveyOf(m.caseId, meetingId, m.status), held: true }, 'meeting.feedback.form');
	if (refused) return refused;
	if (ctx.actor.kind !== 'participant') return { ok: false, reason: 'forbidden' };
	const state: FeedbackForm['state'] = m.status === 'scheduled' ? 'not-yet' : m.status === 'cancelled' ? 'cancelled' : (await hasAnswered(ctx.db, meetingId, await respondentKey(ctx.db, ctx.actor))) ? 'answered' : 'ask';
	return { ok: true, value: { meetingId, kind: m.kind, meetingType: m.meetingType, startsAt: m.startsAt, timeZone: m.timeZone, state } };
}

/** The survey was answered by this participant already: nothing is stored a second time. */
export type FeedbackRefusal = { ok: false; reason: 'answered' };

/**
 * Stores a family member's answers to the survey of meeting `meetingId` (policy `give`: one of the family's
 * own people invited to it, the meeting held). In one transaction: the answers with the meeting and the
 * respondent's role category only (no id of the person, no time), the mark that this participant answered
 * (apart, with no link to the answers), and the audit entry `meeting.feedback.give`, which names the
 * meeting and nothing of the answers. A second answer (or two at once) is refused as `answered`, audited as
 * denied; a refusal by the policy, or an unknown meeting, as forbidden.
 */
export async function giveFeedback(ctx: RequestContext, meetingId: string, input: FeedbackInput): Promise<Result<null> | FeedbackRefusal> {
	if (!opaqueId.safeParse(meetingId).success) return refuseUnknown(ctx, 'meeting', meetingId, 'meeting.feedback.give');
	return inTransaction(ctx, async (tx): Promise<Result<null> | FeedbackRefusal> => {
		const { meetingFeedback, meetingFeedbackGiven } = tablesOf(tx);
		const m = await meetingOf(tx.db, meetingId);
		if (!m) return refuseUnknown(tx, 'meeting', meetingId, 'meeting.feedback.give');
		const survey = surveyOf(m.caseId, meetingId, m.status);
		const actor = tx.actor;
		if (!decide(actor, 'give', survey).allow || actor.kind !== 'participant') return (await authorize(tx, 'give', survey, 'meeting.feedback.give')) ?? { ok: false, reason: 'forbidden' };
		const marked = await tx.db.insert(meetingFeedbackGiven).values({ meetingId, participantId: await respondentKey(tx.db, actor) }).onConflictDoNothing().returning({ m: meetingFeedbackGiven.meetingId });
		if (marked.length === 0) {
			await record(tx, { action: 'meeting.feedback.give', resourceType: 'meeting', resourceId: meetingId, caseId: m.caseId, outcome: 'denied', detail: { why: 'answered' } });
			return { ok: false, reason: 'answered' };
		}
		await tx.db.insert(meetingFeedback).values({ id: newId(), meetingId, respondent: respondentCategory(actor.role), answers: JSON.stringify(input.answers), comment: input.comment });
		await record(tx, { action: 'meeting.feedback.give', resourceType: 'meeting', resourceId: meetingId, caseId: m.caseId, outcome: 'allowed' });
		return { ok: true, value: null };
	});
}

/**
 * Of meetings `meetingIds` (every meeting of their case when omitted), those whose survey the signed-in
 * family member may answer now (policy `give`, the meeting held) and has not answered: for the links on
 * their home page and the summary. Reads only their own marks; nobody else gets any (an empty list).
 */
export async function surveysToAnswer(ctx: RequestContext, meetingIds?: readonly string[]): Promise<string[]> {
	const actor = ctx.actor;
	if (actor.kind !== 'participant') return [];
	const { meetings, meetingFeedbackGiven } = tablesOf(ctx);
	const held = await ctx.db
		.select({ id: meetings.id, caseId: meetings.caseId, status: meetings.status })
		.from(meetings)
		.where(and(eq(meetings.caseId, actor.caseId), eq(meetings.status, 'held'), meetingIds ? inArray(meetings.id, [...meetingIds]) : undefined));
	const open = held.filter((m) => can(actor, 'give', surveyOf(m.caseId, m.id, m.status)));
	if (open.length === 0) return [];
	const answered = new Set(
		(await ctx.db.select({ id: meetingFeedbackGiven.meetingId }).from(meetingFeedbackGiven).where(and(eq(meetingFeedbackGiven.participantId, await respondentKey(ctx.db, actor)), inArray(meetingFeedbackGiven.meetingId, open.map((m) => m.id))))).map((r) => r.id)
	);
	return open.filter((m) => !answered.has(m.id)).map((m) => m.id);
}

export type FeedbackReport = {
	/** Answers in the agency in all. */
	total: number;
	/** Per facilitator (null: meetings with no facilitator named), by name. */
	byFacilitator: { name: string | null; result: GroupAggregate }[];
	/** Per meeting type. */
	byType: { meetingType: MeetingType; result: GroupAggregate }[];
};

/**
 * The survey's aggregates for a supervisor (policy `view` on feedback), over the meetings of their own
 * agency: per facilitator and per meeting type, each group's statements, roles and comments only when it
 * holds at least MIN_GROUP answers (domain/feedback.ts `aggregate`). Audited (`feedback.view`); anyone
 * else is refused.
 */
export async function feedbackReport(ctx: RequestContext): Promise<Result<FeedbackReport>> {
	const refused = await authorize(ctx, 'view', { type: 'feedback' }, 'feedback.view');
	if (refused) return refused;
	if (ctx.actor.kind !== 'staff') return { ok: false, reason: 'forbidden' };
	const { users, cases, meetings, meetingFeedback } = tablesOf(ctx);
	const me = await first(ctx.db.select({ agencyId: users.agencyId }).from(users).where(eq(users.id, ctx.actor.userId)));
	if (!me) return { ok: false, reason: 'forbidden' };
	const rows = await ctx.db
		.select({ respondent: meetingFeedback.respondent, answers: meetingFeedback.answers, comment: meetingFeedback.comment, facilitatorId: meetings.facilitatorId, facilitatorName: users.name, meetingType: meetings.meetingType })
		.from(meetingFeedback)
		.innerJoin(meetings, eq(meetings.id, meetingFeedback.meetingId))
		.innerJoin(cases, eq(cases.id, meetings.caseId))
		.leftJoin(users, eq(users.id, meetings.facilitatorId))
		.where(eq(cases.agencyId, me.agencyId));
	const read = rows.map((r) => ({ ...r, row: { respondent: r.respondent, answers: storedAnswersSchema.parse(JSON.parse(r.answers)), comment: r.comment } satisfies FeedbackRow }));
	const groups = <K>(keyOf: (r: (typeof read)[number]) => K) => {
		const by = new Map<K, FeedbackRow[]>();
		for (const r of read) by.set(keyOf(r), [...(by.get(keyOf(r)) ?? []), r.row]);
		return by;
	};
	const names = new Map(read.map((r) => [r.facilitatorId, r.facilitatorName]));
	const byFacilitator = [...groups((r) => r.facilitatorId)].map(([id, list]) => ({ name: names.get(id) ?? null, result: aggregate(list) }));
	byFacilitator.sort((a, b) => (a.name ?? '\uffff').localeCompare(b.name ?? '\uffff'));
	const byType = [...groups((r) => r.meetingType)].map(([meetingType, list]) => ({ meetingType, result: aggregate(list) }));
	byType.sort((a, b) => a.meetingType.localeCompare(b.meetingType));
	return { ok: true, value: { total: read.length, byFacilitator, byType } };
}
