import { and, eq } from 'drizzle-orm';
import { docIdSchema, docName } from '../../domain/doc-id.ts';
import { first, tablesOf } from '../db/index.ts';
import { collabControl } from '../collab/registry.ts';
import { documentAccess, placeOfDocument } from './documents.ts';
import { record, refuseUnknown, type RequestContext } from './access.ts';

// A silent safety break (issue 24; domain.md §6, the domestic-violence guidelines for team decision-making:
// agree a signal for a safety break). Anyone in a meeting can ask for a break without saying it aloud: the
// facilitator alone is told, on their own screen. Nothing is written in the meeting's shared document, in
// presence, or in what anyone else's socket receives; the request is on the audit trail.

/**
 * Someone on document `docId` (a meeting's joint document `meeting:<id>` or one of its parts `session:<id>`,
 * open on their socket) asks for a break. Policy: whoever may read that document (services/documents.ts
 * documentAccess). Tells the meeting's facilitator (the meeting's own, else the case's), on their
 * connections to the meeting's joint document and its separate sessions' (collabControl().tellStaff),
 * the asker's name; and records `meeting.break.ask` (who asked, never any words). Resolves to null when at
 * least one of the facilitator's screens on this instance was told, `unreached` when none was (they may
 * not have the meeting open: the page says to tell someone), `closed` for a meeting that is over, or the
 * refusal's reason (`forbidden`, `not-found`, `not-signed-in`; audited).
 */
export async function askForBreak(ctx: RequestContext, docId: string): Promise<string | null> {
	const parsed = docIdSchema.safeParse(docId);
	if (!parsed.success || parsed.data.kind === 'plan') return (await refuseUnknown(ctx, 'document', docId, 'meeting.break.ask')).reason;
	const access = await documentAccess(ctx.db, ctx.actor, parsed.data);
	const place = access.ok ? await placeOfDocument(ctx.db, parsed.data) : null;
	if (!access.ok || !place?.meetingId) {
		await record(ctx, { action: 'meeting.break.ask', resourceType: 'document', resourceId: docId.slice(0, 64), caseId: access.caseId, outcome: 'denied' });
		return access.ok ? 'not-found' : access.reason;
	}
	if (place.meetingClosed) return 'closed';
	const { caseAssignments, meetings, meetingSessions } = tablesOf(ctx);
	const meeting = await first(ctx.db.select({ facilitatorId: meetings.facilitatorId }).from(meetings).where(eq(meetings.id, place.meetingId)));
	const facilitators = meeting?.facilitatorId
		? [meeting.facilitatorId]
		: (await ctx.db.select({ id: caseAssignments.userId }).from(caseAssignments).where(and(eq(caseAssignments.caseId, place.caseId), eq(caseAssignments.role, 'facilitator')))).map((r) => r.id);
	const separate = await ctx.db.select({ id: meetingSessions.id }).from(meetingSessions).where(and(eq(meetingSessions.meetingId, place.meetingId), eq(meetingSessions.kind, 'SEPARATE')));
	const docIds = [docName({ kind: 'meeting', id: place.meetingId }), ...separate.map((s) => docName({ kind: 'session', id: s.id }))];
	const name = askerName(ctx);
	await record(ctx, { action: 'meeting.break.ask', resourceType: 'meeting', resourceId: place.meetingId, caseId: place.caseId, outcome: 'allowed', detail: { part: parsed.data.kind } });
	const reached = collabControl()?.tellStaff(docIds, facilitators, { t: 'break-asked', name: await name }) ?? 0;
	return reached > 0 ? null : 'unreached';
}

/** The name the facilitator reads: a family member's as on the case, a staff member's as on their account. */
async function askerName(ctx: RequestContext): Promise<string> {
	const { casePeople, users } = tablesOf(ctx);
	const actor = ctx.actor;
	if (actor.kind === 'participant') {
		const p = await first(ctx.db.select({ given: casePeople.givenName, family: casePeople.familyName }).from(casePeople).where(eq(casePeople.id, actor.personId)));
		return p ? `${p.given} ${p.family}` : '';
	}
	if (actor.kind === 'staff') return (await first(ctx.db.select({ name: users.name }).from(users).where(eq(users.id, actor.userId))))?.name ?? '';
	return '';
}
