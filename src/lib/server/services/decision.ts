import { and, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import { opaqueId, docName } from '../../domain/doc-id.ts';
import { decisionOf, decisionProblem, recommendationsFor, writeDecision, type Decision, type DecisionProblem } from '../../domain/decision.ts';
import { isoDay, zonedDate, zonedWallTimeToInstant } from '../../domain/time.ts';
import { m } from '../../paraglide/messages.js';
import { formatDate } from '../../format.ts';
import { first, tablesOf, type Db } from '../db/index.ts';
import { collabControl } from '../collab/registry.ts';
import { loadStoredDocument } from '../collab/stored.ts';
import { defineJob, enqueue } from '../jobs/index.ts';
import { notify } from '../notify/index.ts';
import { can } from '../../domain/policy.ts';
import { meetingClosed } from './documents.ts';
import { authorize, record, refuseUnknown, type RequestContext, type Result } from './access.ts';

/** What the facilitator records (decision.ts Decision without who and when: the server adds those). */
export type DecisionInput = Omit<Decision, 'recordedAt' | 'recordedBy'>;

export type DecisionRefusal = { ok: false; reason: 'decision'; problem: DecisionProblem | 'cancelled' | 'closed' | 'unavailable' };

/** The hour of the review date at which the caseworker is reminded, in the meeting's time zone. */
const REVIEW_REMINDER_HOUR = 9;

/**
 * Records the decision of meeting `meetingId` for the facilitator (policy `decide`): checked against the
 * meeting (a recommendation from its trigger's list for each child of the case, domain.md §1; without
 * consensus, a decision-maker on the case's staff and a reason; a review date that exists, not in the past in
 * the meeting's time zone), written into `meeting:<id>` through the collab server's durable path (everyone
 * connected sees it), audited (`meeting.decision`: whether there was consensus, never the words), and, with
 * a review date, a reminder queued for the caseworker at 09:00 that day in the meeting's time zone. A
 * correction replaces the recorded decision; each recording is on the audit trail.
 */
export async function recordDecision(ctx: RequestContext, meetingId: string, input: DecisionInput): Promise<Result<null> | DecisionRefusal> {
	const { meetings, casePeople, caseAssignments } = tablesOf(ctx);
	if (!opaqueId.safeParse(meetingId).success) return refuseUnknown(ctx, 'meeting', meetingId, 'meeting.decision');
	const meeting = await first(ctx.db.select().from(meetings).where(eq(meetings.id, meetingId)));
	if (!meeting) return refuseUnknown(ctx, 'meeting', meetingId, 'meeting.decision');
	const resource = { type: 'meeting' as const, caseId: meeting.caseId, meetingId, closed: meetingClosed(meeting.status) };
	// The facilitator of a meeting that is over learns why (a correction after close is a new summary version).
	if (resource.closed && can(ctx.actor, 'decide', { ...resource, closed: false })) return { ok: false, reason: 'decision', problem: meeting.status === 'cancelled' ? 'cancelled' : 'closed' };
	const refused = await authorize(ctx, 'decide', resource, 'meeting.decision');
	if (refused) return refused;
	if (ctx.actor.kind !== 'staff') return { ok: false, reason: 'forbidden' };
	const children = await ctx.db.select({ id: casePeople.id }).from(casePeople).where(and(eq(casePeople.caseId, meeting.caseId), eq(casePeople.role, 'CHILD_YOUTH')));
	const staff = await ctx.db.select({ id: caseAssignments.userId }).from(caseAssignments).where(eq(caseAssignments.caseId, meeting.caseId));
	const problem = decisionProblem(input, {
		allowed: recommendationsFor(meeting.kind, meeting.meetingType),
		childIds: children.map((c) => c.id),
		staffIds: staff.map((s) => s.id),
		today: isoDay(zonedDate(ctx.now, meeting.timeZone))
	});
	if (problem) return { ok: false, reason: 'decision', problem };
	const control = collabControl();
	if (!control) return { ok: false, reason: 'decision', problem: 'unavailable' };
	const decision = { ...input, decisionMakerId: input.consensus ? null : input.decisionMakerId, recordedAt: ctx.now, recordedBy: ctx.actor.userId };
	await control.transact(docName({ kind: 'meeting', id: meetingId }), (doc) => writeDecision(doc, decision));
	await record(ctx, { action: 'meeting.decision', resourceType: 'meeting', resourceId: meetingId, caseId: meeting.caseId, outcome: 'allowed', detail: { consensus: input.consensus, review: input.reviewDate !== null } });
	if (input.reviewDate) {
		const [year, month, day] = input.reviewDate.split('-').map(Number);
		const runAt = zonedWallTimeToInstant({ year, month, day, hour: REVIEW_REMINDER_HOUR, minute: 0 }, meeting.timeZone);
		await enqueue(ctx.db, decisionReview, { meetingId, reviewDate: input.reviewDate }, { runAt: Math.max(runAt, ctx.now), now: ctx.now });
	}
	return { ok: true, value: null };
}

/**
 * On a decision's review date: reminds each caseworker of the case (email, in their language) that the
 * decision is due for review. Does nothing when the meeting's recorded review date is no longer this one
 * (the decision was corrected: the new date has a reminder of its own) or the meeting is gone. Safe to run twice.
 */
export const decisionReview = defineJob({
	kind: 'meeting.decision-review',
	payload: z.object({ meetingId: opaqueId, reviewDate: z.string() }),
	maxAttempts: 5,
	async run({ meetingId, reviewDate }, { db, now }) {
		const { meetings, cases, caseAssignments, users } = tablesOf(db);
		const row = await first(db.select({ meeting: meetings, caseName: cases.name }).from(meetings).innerJoin(cases, eq(cases.id, meetings.caseId)).where(eq(meetings.id, meetingId)));
		if (!row) return;
		const doc = await loadStoredDocument(db as Db, docName({ kind: 'meeting', id: meetingId }));
		const decision = decisionOf(doc);
		doc.destroy();
		if (decision?.reviewDate !== reviewDate) return;
		const workers = await db
			.select({ email: users.email, locale: users.locale })
			.from(caseAssignments)
			.innerJoin(users, eq(users.id, caseAssignments.userId))
			.where(and(eq(caseAssignments.caseId, row.meeting.caseId), eq(caseAssignments.role, 'caseworker'), isNull(users.disabledAt)));
		for (const w of workers) {
			const locale = w.locale === 'es' ? 'es' : 'en';
			const o = { locale } as const;
			await notify(
				db as Db,
				{
					channel: 'email',
					to: w.email,
					locale,
					kind: 'decision-review',
					caseId: row.meeting.caseId,
					subject: m.decision_review_subject({ name: row.caseName }, o),
					text: m.decision_review_text({ name: row.caseName, date: formatDate(reviewDate, locale), when: formatDate(isoDay(zonedDate(row.meeting.startsAt, row.meeting.timeZone)), locale) }, o)
				},
				{ now }
			);
		}
	}
});
