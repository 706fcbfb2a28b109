import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { opaqueId, docIdSchema, docName } from '../../domain/doc-id.ts';
import { agendaOf, applyAgenda, MAX_STAGE_MINUTES, MAX_TITLE_LENGTH, MIN_STAGE_MINUTES, type AgendaCommand, type AgendaProblem } from '../../domain/agenda.ts';
import { FRAMEWORKS } from '../../domain/board.ts';
import { first, tablesOf } from '../db/index.ts';
import { collabControl } from '../collab/registry.ts';
import { newId } from '../ids.ts';
import { can } from '../../domain/policy.ts';
import { meetingClosed } from './documents.ts';
import { authorizeThenRecord, inTransaction, record, refuseUnknown, type Refusal, type RequestContext, type Result } from './access.ts';
import { refuseUnparsedForm } from './meetings.ts';

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

const minutes = z.coerce.number().int().min(MIN_STAGE_MINUTES).max(MAX_STAGE_MINUTES);
/** What the facilitator's agenda controls send, as form fields (agenda.ts AgendaCommand; the meeting's kind comes from the meeting). */
const agendaFields = z.discriminatedUnion('do', [
	z.object({ do: z.literal('start') }),
	z.object({ do: z.literal('move'), stageId: opaqueId }),
	z.object({ do: z.literal('pause') }),
	z.object({ do: z.literal('resume') }),
	z.object({ do: z.literal('add-time'), minutes }),
	z.object({ do: z.literal('add-stage'), title: z.string().trim().min(1).max(MAX_TITLE_LENGTH), minutes }),
	z.object({ do: z.literal('remove-stage'), stageId: opaqueId }),
	z.object({ do: z.literal('reorder'), stageId: opaqueId, by: z.enum(['-1', '1']).transform((v) => (v === '1' ? 1 : -1) as 1 | -1) }),
	z.object({ do: z.literal('set-minutes'), stageId: opaqueId, minutes }),
	z.object({ do: z.literal('framework'), framework: z.enum(FRAMEWORKS) })
]);

/** What the agenda's controls tell the facilitator when a command was not made (MeetingAgenda.svelte words each). */
export type AgendaFormProblem = 'invalid' | 'agenda-title' | 'agenda' | 'agenda-cancelled' | 'agenda-closed' | 'agenda-board';

/**
 * The agenda controls' one way in, for the page's form action and for the same form sent over the
 * meeting's socket (collab/server.ts socket actions): checks `fields` (strings, as a form posts them),
 * then runs the command (runAgenda) on meeting `meetingId`, or on its separate session `meetingSessionId`.
 * Returns `{ ok: true }` when done (a second `start` counts as done), the policy's refusal (audited), or
 * the problem to show. Fields that do not parse: someone who may not run the meeting is refused as such
 * (403, audited) whatever they sent; only the facilitator learns what was wrong (`agenda-title` for a
 * stage to add, else `invalid`).
 */
export async function runAgendaForm(
	ctx: RequestContext,
	meetingId: string,
	fields: Record<string, unknown>,
	meetingSessionId: string | null
): Promise<{ ok: true } | Refusal | { ok: false; reason: 'problem'; problem: AgendaFormProblem }> {
	const parsed = agendaFields.safeParse(fields);
	if (!parsed.success) {
		const allowed = await refuseUnparsedForm(ctx, meetingId, 'run', 'meeting.agenda');
		if (!allowed.ok) return allowed;
		return { ok: false, reason: 'problem', problem: fields.do === 'add-stage' ? 'agenda-title' : 'invalid' };
	}
	const command: AgendaCommand = parsed.data.do === 'start' ? { do: 'start', kind: 'FTDM' } : parsed.data;
	const result = await runAgenda(ctx, meetingId, command, meetingSessionId);
	if (result.ok) return { ok: true };
	if (result.reason !== 'agenda') return result;
	// Set up already (by another tab, or a second press): what was asked for is so.
	if (result.problem === 'already-started') return { ok: true };
	const problem: AgendaFormProblem = result.problem === 'cancelled' ? 'agenda-cancelled' : result.problem === 'closed' ? 'agenda-closed' : result.problem === 'board-not-empty' ? 'agenda-board' : 'agenda';
	return { ok: false, reason: 'problem', problem };
}

/**
 * The agenda form sent over a document's socket (collab-protocol.ts HearthAction `agenda`), on the
 * document `docId` of that socket: `meeting:<id>` runs the joint session's agenda, `session:<id>` that
 * separate session's (runAgenda refuses other parts). Resolves to null when done, else the form's problem
 * code or the refusal's reason (`forbidden`, `not-signed-in`). Any other document kind, or an unknown
 * session, is refused like a forbidden meeting (audited as an unknown meeting: ids are not to be probed).
 */
export async function runAgendaOnDocument(ctx: RequestContext, docId: string, fields: Record<string, string>): Promise<string | null> {
	const parsedName = docIdSchema.safeParse(docId);
	const name = parsedName.success ? parsedName.data : null;
	let meetingId: string | null = null;
	let meetingSessionId: string | null = null;
	if (name?.kind === 'meeting') meetingId = name.id;
	else if (name?.kind === 'session') {
		const { meetingSessions } = tablesOf(ctx);
		const row = await first(ctx.db.select({ meetingId: meetingSessions.meetingId }).from(meetingSessions).where(eq(meetingSessions.id, name.id)));
		meetingId = row?.meetingId ?? null;
		meetingSessionId = name.id;
	}
	if (meetingId === null) return (await refuseUnknown(ctx, 'meeting', docId, 'meeting.agenda')).reason;
	const outcome = await runAgendaForm(ctx, meetingId, fields, meetingSessionId);
	return outcome.ok ? null : outcome.reason === 'problem' ? outcome.problem : outcome.reason;
}
