import { and, eq } from 'drizzle-orm';
import { opaqueId, docName } from '../../domain/doc-id.ts';
import { agendaOf, applyAgenda, type AgendaCommand, type AgendaProblem } from '../../domain/agenda.ts';
import { first, tablesOf } from '../db/index.ts';
import { collabControl } from '../collab/registry.ts';
import { newId } from '../ids.ts';
import { can } from '../../domain/policy.ts';
import { meetingClosed } from './documents.ts';
import { authorizeThenRecord, inTransaction, record, refuseUnknown, type RequestContext, type Result } from './access.ts';

/** Why a facilitator's agenda change was not made: the agenda's own reason, or the meeting was cancelled. */
export type AgendaRefusal = { ok: false; reason: 'agenda'; problem: AgendaProblem | 'cancelled' | 'closed' | 'unavailable' };

/**
 * Runs one agenda command on meeting `meetingId` for the facilitator (policy `run` on the meeting), at
 * `ctx.now` in the server's clock: written into `meeting:<meetingId>` (or, with `meetingSessionId` naming
 * a separate session of that meeting, into `session:<id>`; a session of another meeting, or family time,
 * is `no-such-stage`) through the collab server's durable
 * path (committed, then sent to everyone connected), and recorded on the audit trail right after (the
 * policy's allowance and `meeting.agenda` with the command's name, never any typed title, in one
 * transaction: access.ts authorizeThenRecord). Returns the refusal of the policy (audited), or
 * `agenda` with why the command does not apply (nothing changed), or `unavailable` when no collab server
 * runs in this process (never in the app: `npm start` runs one).
 */
export async function runAgenda(ctx: RequestContext, meetingId: string, command: AgendaCommand, meetingSessionId: string | null = null): Promise<Result<null> | AgendaRefusal> {
	const { meetings, meetingSessions } = tablesOf(ctx);
	if (!opaqueId.safeParse(meetingId).success) return refuseUnknown(ctx, 'meeting', meetingId, 'meeting.agenda');
	const m = await first(ctx.db.select({ caseId: meetings.caseId, kind: meetings.kind, status: meetings.status }).from(meetings).where(eq(meetings.id, meetingId)));
	if (!m) return refuseUnknown(ctx, 'meeting', meetingId, 'meeting.agenda');
	const resource = { type: 'meeting' as const, caseId: m.caseId, meetingId, closed: meetingClosed(m.status) };
	// The facilitator of a meeting that is over learns why nothing moves (no one else learns its status).
	if (resource.closed && can(ctx.actor, 'run', { ...resource, closed: false })) return { ok: false, reason: 'agenda', problem: m.status === 'cancelled' ? 'cancelled' : 'closed' };
	// The stage reaches every screen first; the decision and the change are recorded together right after.
	const decided = await authorizeThenRecord(ctx, 'run', resource, 'meeting.agenda');
	if ('refused' in decided) return decided.refused;
	// The joint session's agenda is in `meeting:<id>`; a separate session's in its own document. Private
	// family time's is the family's: staff do not run it (nor open it).
	let docId = docName({ kind: 'meeting', id: meetingId });
	let part: 'joint' | 'separate' = 'joint';
	if (meetingSessionId !== null) {
		const session = opaqueId.safeParse(meetingSessionId).success
			? await first(ctx.db.select({ kind: meetingSessions.kind }).from(meetingSessions).where(and(eq(meetingSessions.id, meetingSessionId), eq(meetingSessions.meetingId, meetingId))))
			: undefined;
		if (!session || session.kind === 'FAMILY_ALONE') return { ok: false, reason: 'agenda', problem: 'no-such-stage' };
		if (session.kind === 'SEPARATE') {
			docId = docName({ kind: 'session', id: meetingSessionId });
			part = 'separate';
		}
	}
	const control = collabControl();
	if (!control) return { ok: false, reason: 'agenda', problem: 'unavailable' };
	// The template is the meeting's own kind, whatever the request said.
	const applied: AgendaCommand = command.do === 'start' ? { do: 'start', kind: m.kind } : command;
	let problem: AgendaProblem | null = null;
	await control.transact(docId, (doc) => {
		problem = applyAgenda(doc, applied, ctx.now, newId);
	});
	const changed = problem === null;
	await inTransaction(ctx, async (tx) => {
		await record(tx, decided.allowed);
		if (changed) await record(tx, { action: 'meeting.agenda', resourceType: 'meeting', resourceId: meetingId, caseId: m.caseId, outcome: 'allowed', detail: { command: command.do, part } });
	});
	if (problem) return { ok: false, reason: 'agenda', problem };
	return { ok: true, value: null };
}

/**
 * Stops the stage timers of meeting `meetingId` at `now` (its joint session's, and each separate session's),
 * keeping what was left, as a pause does: a meeting that is over has no clock running. Before, a timer
 * running at close or cancel ran on over a meeting that was over, and at zero asked its facilitator "need
 * more time?" (with the sound, if asked for) on a meeting nobody could change any more. Through the durable
 * path; a timer already stopped, or an agenda never started, is left as it is. Server only.
 */
export async function stopAgendaTimers(ctx: Pick<RequestContext, 'db'>, meetingId: string, now: number): Promise<void> {
	const control = collabControl();
	if (!control) return;
	const { meetingSessions } = tablesOf(ctx);
	const separate = await ctx.db.select({ id: meetingSessions.id }).from(meetingSessions).where(and(eq(meetingSessions.meetingId, meetingId), eq(meetingSessions.kind, 'SEPARATE')));
	for (const docId of [docName({ kind: 'meeting', id: meetingId }), ...separate.map((s) => docName({ kind: 'session', id: s.id }))]) {
		await control.transact(docId, (doc) => {
			const timer = agendaOf(doc).timer;
			if (timer && timer.endsAt !== null) applyAgenda(doc, { do: 'pause' }, now, newId);
		});
	}
}
