import { and, asc, desc, eq, gt } from 'drizzle-orm';
import type * as Y from 'yjs';
import { z } from 'zod';
import { opaqueId, docName } from '../../domain/doc-id.ts';
import { can } from '../../domain/policy.ts';
import { typedText } from '../../domain/people.ts';
import { PARTICIPATION_MODES, type ParticipationMode } from '../../domain/roles.ts';
import { writeClosed } from '../../domain/decision.ts';
import { buildSummary, parseSummaryFacts, summaryFor, MAX_CORRECTION_LENGTH, type Attendee, type CloseInput, type SummaryFacts, type SummaryReader, type SummaryView } from '../../domain/meeting-summary.ts';
import { first, tablesOf, type Db } from '../db/index.ts';
import { houseNamesOf, isShared } from '../../domain/child-voice.ts';
import { collabControl } from '../collab/registry.ts';
import { loadStoredDocument } from '../collab/stored.ts';
import { defineJob, enqueue } from '../jobs/index.ts';
import { queueMeetingNotice } from './meeting-notices.ts';
import { stopAgendaTimers } from './agenda.ts';
import { newId } from '../ids.ts';
import { accessChanged, authorize, inTransaction, record, refuseUnknown, type RequestContext, type Result } from './access.ts';
import { documentResource, meetingClosed } from './documents.ts';

// Closing a meeting and its summary (the meeting-room issue, "Close"). The facilitator (or the case's
// supervisor) records who came and closes it: the meeting turns `held`, every open editor turns read only
// (the policy refuses edits to a closed meeting's documents), and the summary is built from the final
// stored state and stored once (meeting_summaries, version 1). A correction adds a version; none is changed.

/** Someone expected at the meeting, for the close form: with how they planned to take part. */
export type Expected = Omit<Attendee, 'attended' | 'mode'> & { plannedMode: ParticipationMode | null };

export type CloseForm = {
	meetingId: string;
	caseId: string;
	caseName: string;
	kind: 'FTDM' | 'FGDM';
	startsAt: number;
	timeZone: string;
	status: 'scheduled' | 'held' | 'cancelled';
	expected: Expected[];
	/** A family time was started (FGDM). */
	familyTimeHeld: boolean;
	/** The latest summary's record of who came (for a correction), or null before close. */
	recorded: { attended: Record<string, ParticipationMode | null>; familyTimeOffered: boolean } | null;
	/** May close it now (open) or add a corrected version (closed). */
	canClose: boolean;
	canCorrect: boolean;
};

async function meetingRow(db: Db, meetingId: string) {
	const { meetings, cases } = tablesOf(db);
	return first(db.select({ meeting: meetings, caseName: cases.name }).from(meetings).innerJoin(cases, eq(cases.id, meetings.caseId)).where(eq(meetings.id, meetingId)));
}

function nameOf(p: { givenName: string; familyName: string }): string {
	return `${p.givenName} ${p.familyName}`;
}

/** Everyone expected at meeting `meetingId` of `caseId`: the case's staff, then the people in its sessions. */
async function expectedAt(db: Db, caseId: string, meetingId: string): Promise<{ expected: Expected[]; names: Record<string, string>; familyTimeHeld: boolean; separateSessions: number }> {
	const { caseAssignments, users, casePeople, meetingSessions, meetingSessionMembers } = tablesOf(db);
	const staff = await db.select({ id: users.id, name: users.name, role: caseAssignments.role }).from(caseAssignments).innerJoin(users, eq(users.id, caseAssignments.userId)).where(eq(caseAssignments.caseId, caseId));
	const people = await db.select().from(casePeople).where(eq(casePeople.caseId, caseId));
	const sessions = await db.select().from(meetingSessions).where(eq(meetingSessions.meetingId, meetingId)).orderBy(asc(meetingSessions.createdAt));
	const members = await db
		.select({ sessionId: meetingSessionMembers.meetingSessionId, personId: meetingSessionMembers.personId, mode: meetingSessionMembers.mode })
		.from(meetingSessionMembers)
		.innerJoin(meetingSessions, eq(meetingSessions.id, meetingSessionMembers.meetingSessionId))
		.where(eq(meetingSessions.meetingId, meetingId));
	const names: Record<string, string> = {};
	for (const s of staff) names[`u:${s.id}`] = s.name;
	for (const p of people) names[`p:${p.id}`] = nameOf(p);
	const expected: Expected[] = staff.map((s) => ({ ref: `u:${s.id}`, name: s.name, role: s.role, staff: true, session: 'JOINT' as const, plannedMode: null }));
	// A person is listed once, in the joint session or the separate one held for them (family time is a part of the joint meeting).
	const kindOf = new Map(sessions.map((s) => [s.id, s.kind]));
	const placed = new Map<string, Expected>();
	for (const mb of members) {
		const kind = kindOf.get(mb.sessionId);
		if (kind === 'FAMILY_ALONE') continue;
		const person = people.find((p) => p.id === mb.personId);
		if (!person || (placed.has(person.id) && kind !== 'SEPARATE')) continue;
		placed.set(person.id, { ref: `p:${person.id}`, name: nameOf(person), role: person.role, staff: false, session: kind === 'SEPARATE' ? 'SEPARATE' : 'JOINT', ...(kind === 'SEPARATE' ? { sessionId: mb.sessionId } : {}), plannedMode: mb.mode ?? null });
	}
	expected.push(...placed.values());
	return { expected, names, familyTimeHeld: sessions.some((s) => s.kind === 'FAMILY_ALONE'), separateSessions: sessions.filter((s) => s.kind === 'SEPARATE').length };
}

async function latestSummary(db: Db, meetingId: string) {
	const { meetingSummaries } = tablesOf(db);
	return first(db.select().from(meetingSummaries).where(eq(meetingSummaries.meetingId, meetingId)).orderBy(desc(meetingSummaries.version)).limit(1));
}

/**
 * The close form of meeting `meetingId` (or, once closed, its correction form): who is expected and how
 * they planned to join, whether family time was held. For the people who may close or correct it (policy
 * `close`, `correct`); anyone else is refused and audited (`meeting.close.form`).
 */
export async function closeForm(ctx: RequestContext, meetingId: string): Promise<Result<CloseForm>> {
	if (!opaqueId.safeParse(meetingId).success) return refuseUnknown(ctx, 'meeting', meetingId, 'meeting.close.form');
	const row = await meetingRow(ctx.db, meetingId);
	if (!row) return refuseUnknown(ctx, 'meeting', meetingId, 'meeting.close.form');
	const m = row.meeting;
	const resource = { type: 'meeting' as const, caseId: m.caseId, meetingId, closed: meetingClosed(m.status) };
	const action = m.status === 'held' ? 'correct' : 'close';
	const refused = await authorize(ctx, action, resource, 'meeting.close.form');
	if (refused) return refused;
	const { expected, familyTimeHeld } = await expectedAt(ctx.db, m.caseId, meetingId);
	const latest = m.status === 'held' ? await latestSummary(ctx.db, meetingId) : undefined;
	const facts = latest ? parseSummaryFacts(latest.facts) : null;
	return {
		ok: true,
		value: {
			meetingId,
			caseId: m.caseId,
			caseName: row.caseName,
			kind: m.kind,
			startsAt: m.startsAt,
			timeZone: m.timeZone,
			status: m.status,
			expected,
			familyTimeHeld,
			recorded: facts && { attended: Object.fromEntries(facts.attendance.filter((a) => a.attended).map((a) => [a.ref, a.mode])), familyTimeOffered: facts.familyTime.offered },
			canClose: can(ctx.actor, 'close', resource),
			canCorrect: can(ctx.actor, 'correct', resource)
		}
	};
}

/** Why closing (or correcting) was not done: a ref that is not expected, a correction without its note, or no collab server. */
export type CloseRefusal = { ok: false; reason: 'close'; problem: 'attendance' | 'note' | 'cancelled' | 'unavailable' };

function checkAttendance(expected: Expected[], input: CloseInput): boolean {
	const refs = new Set(expected.map((e) => e.ref));
	return Object.keys(input.attended).every((ref) => refs.has(ref));
}

/**
 * Closes meeting `meetingId` (policy `close`: its facilitator, or the case's supervisor): records who came
 * (`input.attended`: refs of expected people, each with how they took part) and whether private family time
 * was offered; the meeting turns `held` (one transaction with its audit entry `meeting.close`, which holds
 * how many came, never who); every open editor of its documents turns read only before the summary is
 * built; the summary is built from the final stored state and stored as version 1. A second close, or two
 * at once, finds it closed (`alreadyClosed`). A cancelled meeting cannot be closed. Should the process stop
 * between the close and the summary, the queued `meeting.summary` job builds it.
 */
export async function closeMeeting(ctx: RequestContext, meetingId: string, input: CloseInput, origin: string): Promise<Result<{ alreadyClosed: boolean }> | CloseRefusal> {
	const { meetings } = tablesOf(ctx);
	if (!opaqueId.safeParse(meetingId).success) return refuseUnknown(ctx, 'meeting', meetingId, 'meeting.close');
	const control = collabControl();
	const result = await inTransaction(ctx, async (tx): Promise<Result<{ alreadyClosed: boolean; caseId: string }> | CloseRefusal> => {
		const row = await meetingRow(tx.db, meetingId);
		if (!row) return refuseUnknown(tx, 'meeting', meetingId, 'meeting.close');
		const m = row.meeting;
		const resource = { type: 'meeting' as const, caseId: m.caseId, meetingId, closed: meetingClosed(m.status) };
		// Whoever may close it learns that it is closed already, or was cancelled; nobody else learns its status.
		if (resource.closed && can(tx.actor, 'close', { ...resource, closed: false })) {
			return m.status === 'cancelled' ? { ok: false, reason: 'close', problem: 'cancelled' } : { ok: true, value: { alreadyClosed: true, caseId: m.caseId } };
		}
		const refused = await authorize(tx, 'close', resource, 'meeting.close');
		if (refused) return refused;
		if (tx.actor.kind !== 'staff') return { ok: false, reason: 'forbidden' };
		if (!control) return { ok: false, reason: 'close', problem: 'unavailable' };
		const { expected } = await expectedAt(tx.db, m.caseId, meetingId);
		if (!checkAttendance(expected, input)) return { ok: false, reason: 'close', problem: 'attendance' };
		const closed = await tx.db
			.update(meetings)
			.set({ status: 'held', closedAt: tx.now, closedBy: tx.actor.userId })
			.where(and(eq(meetings.id, meetingId), eq(meetings.status, 'scheduled')))
			.returning({ id: meetings.id });
		if (closed.length === 0) return { ok: true, value: { alreadyClosed: true, caseId: m.caseId } };
		await record(tx, { action: 'meeting.close', resourceType: 'meeting', resourceId: meetingId, caseId: m.caseId, outcome: 'allowed', detail: { came: Object.keys(input.attended).length, expected: expected.length } });
		// The summary is written below; should this process stop first, the job writes it (a minute later, or at the next start).
		await enqueue(tx.db, meetingSummaryJob, { meetingId, input }, { runAt: tx.now + 60_000, now: tx.now });
		// Each invited person is told the summary is ready (once it is written: a little later).
		await queueMeetingNotice(tx.db, { meetingId, what: 'summary', version: 1, origin }, tx.now, 5_000);
		return { ok: true, value: { alreadyClosed: false, caseId: m.caseId } };
	});
	if (!result.ok) return result;
	if (!result.value.alreadyClosed) {
		// Editors turn read only (the policy refuses a closed meeting's edits), then the server marks the
		// document closed through the durable path, after whatever was accepted before it: open screens
		// say so at once, and the stored state the summary reads is final.
		await accessChanged(ctx, result.value.caseId);
		await control!.transact(docName({ kind: 'meeting', id: meetingId }), (doc) => writeClosed(doc, ctx.now));
		await stopAgendaTimers(ctx, meetingId, ctx.now);
		await writeSummary(ctx.db, meetingId, input, { version: 1, correction: null, createdBy: ctx.actor.kind === 'staff' ? ctx.actor.userId : null, now: ctx.now });
	}
	return { ok: true, value: { alreadyClosed: result.value.alreadyClosed } };
}

/**
 * Builds the summary of closed meeting `meetingId` from its stored state and `input`, and stores it as
 * `version` (nothing when that version exists: two writers, or the job after the request, store one).
 */
async function writeSummary(db: Db, meetingId: string, input: CloseInput, v: { version: number; correction: string | null; createdBy: string | null; now: number }): Promise<void> {
	const { meetings, meetingSummaries, users } = tablesOf(db);
	const row = await meetingRow(db, meetingId);
	if (!row || row.meeting.status !== 'held') return;
	const m = row.meeting;
	const { expected, names, familyTimeHeld, separateSessions } = await expectedAt(db, m.caseId, meetingId);
	const nameOfUser = async (id: string | null) => (id ? ((await first(db.select({ name: users.name }).from(users).where(eq(users.id, id))))?.name ?? null) : null);
	const next = await first(
		db
			.select({ startsAt: meetings.startsAt, timeZone: meetings.timeZone })
			.from(meetings)
			.where(and(eq(meetings.caseId, m.caseId), eq(meetings.status, 'scheduled'), gt(meetings.startsAt, m.startsAt)))
			.orderBy(asc(meetings.startsAt))
			.limit(1)
	);
	const { childVoices } = tablesOf(db);
	const voices = (await db.select().from(childVoices).where(eq(childVoices.meetingId, meetingId))).map((v) => ({
		childId: v.childId,
		childName: names[`p:${v.childId}`] ?? '',
		words: { worries: v.worries, goodThings: v.goodThings, dreams: v.dreams },
		names: houseNamesOf(v.houseNames),
		shared: isShared({ childAgreedAt: v.childAgreedAt, parentNeeded: v.parentNeeded === 1, parentAgreedAt: v.parentAgreedAt })
	}));
	const { meetingSessions } = tablesOf(db);
	const separate = await db.select({ id: meetingSessions.id, forPersonId: meetingSessions.forPersonId }).from(meetingSessions).where(and(eq(meetingSessions.meetingId, meetingId), eq(meetingSessions.kind, 'SEPARATE'))).orderBy(asc(meetingSessions.createdAt));
	const parts: { sessionId: string; forName: string | null; doc: Y.Doc }[] = [];
	for (const part of separate) parts.push({ sessionId: part.id, forName: part.forPersonId ? (names[`p:${part.forPersonId}`] ?? null) : null, doc: await loadStoredDocument(db, docName({ kind: 'session', id: part.id })) });
	const doc = await loadStoredDocument(db, docName({ kind: 'meeting', id: meetingId }));
	let facts: SummaryFacts;
	try {
		facts = buildSummary(doc, {
			meeting: { kind: m.kind, meetingType: m.meetingType, emergency: m.emergency === 1, startsAt: m.startsAt, durationMinutes: m.durationMinutes, timeZone: m.timeZone, location: typedText(m.location, m.locationEs) },
			closedAt: m.closedAt ?? v.now,
			closedByName: await nameOfUser(m.closedBy),
			// The meeting's named facilitator, else the case's (a meeting planned before facilitators were named).
			facilitatorName: (await nameOfUser(m.facilitatorId)) ?? expected.find((e) => e.staff && e.role === 'facilitator')?.name ?? null,
			expected: expected.map(({ plannedMode: _planned, ...e }) => e),
			input,
			names,
			familyTimeHeld,
			separateSessions,
			nextMeeting: next ?? null,
			childVoices: voices,
			parts
		});
	} finally {
		doc.destroy();
		for (const part of parts) part.doc.destroy();
	}
	await db
		.insert(meetingSummaries)
		.values({ id: newId(), meetingId, version: v.version, facts: JSON.stringify(facts), correction: v.correction, createdBy: v.createdBy, createdAt: v.now })
		.onConflictDoNothing();
}

const closeInputSchema = z.object({
	attended: z.record(z.string(), z.enum(PARTICIPATION_MODES).nullable()),
	familyTimeOffered: z.boolean()
});

/** Writes a closed meeting's first summary when the request that closed it could not (safe to run twice). */
export const meetingSummaryJob = defineJob({
	kind: 'meeting.summary',
	payload: z.object({ meetingId: opaqueId, input: closeInputSchema }),
	maxAttempts: 10,
	async run({ meetingId, input }, { db, now }) {
		await writeSummary(db, meetingId, input, { version: 1, correction: null, createdBy: null, now });
	}
});

/**
 * Adds a corrected version of a closed meeting's summary (policy `correct`): who came, recorded again, and
 * what was corrected and why (`note`, 1 to MAX_CORRECTION_LENGTH characters, as typed). Earlier versions stay
 * as they were. Audited (`meeting.summary.correct`, with the version, never the note).
 */
export async function correctSummary(ctx: RequestContext, meetingId: string, input: CloseInput, note: string, origin: string): Promise<Result<{ version: number }> | CloseRefusal> {
	const { meetingSummaries } = tablesOf(ctx);
	if (!opaqueId.safeParse(meetingId).success) return refuseUnknown(ctx, 'meeting', meetingId, 'meeting.summary.correct');
	return inTransaction(ctx, async (tx): Promise<Result<{ version: number }> | CloseRefusal> => {
		const row = await meetingRow(tx.db, meetingId);
		if (!row) return refuseUnknown(tx, 'meeting', meetingId, 'meeting.summary.correct');
		const m = row.meeting;
		const resource = { type: 'meeting' as const, caseId: m.caseId, meetingId, closed: meetingClosed(m.status) };
		const refused = await authorize(tx, 'correct', resource, 'meeting.summary.correct');
		if (refused) return refused;
		if (tx.actor.kind !== 'staff') return { ok: false, reason: 'forbidden' };
		if (m.status !== 'held') return { ok: false, reason: 'close', problem: 'cancelled' };
		const trimmed = note.trim();
		if (trimmed.length === 0 || trimmed.length > MAX_CORRECTION_LENGTH) return { ok: false, reason: 'close', problem: 'note' };
		const { expected } = await expectedAt(tx.db, m.caseId, meetingId);
		if (!checkAttendance(expected, input)) return { ok: false, reason: 'close', problem: 'attendance' };
		const latest = await latestSummary(tx.db, meetingId);
		const version = (latest?.version ?? 0) + 1;
		await writeSummary(tx.db, meetingId, input, { version, correction: trimmed, createdBy: tx.actor.userId, now: tx.now });
		const stored = await first(tx.db.select({ id: meetingSummaries.id }).from(meetingSummaries).where(and(eq(meetingSummaries.meetingId, meetingId), eq(meetingSummaries.version, version))));
		if (!stored) return { ok: false, reason: 'close', problem: 'unavailable' };
		await record(tx, { action: 'meeting.summary.correct', resourceType: 'meeting', resourceId: meetingId, caseId: m.caseId, outcome: 'allowed', detail: { version } });
		await queueMeetingNotice(tx.db, { meetingId, what: 'summary-corrected', version, origin }, tx.now);
		return { ok: true, value: { version } };
	});
}

export type SummaryPage = {
	meetingId: string;
	caseId: string;
	caseName: string;
	status: 'scheduled' | 'held' | 'cancelled';
	/** The version shown, as this reader may read it; null before close (or while it is being written). */
	summary: { version: number; createdAt: number; correction: string | null; view: SummaryView } | null;
	/** The version asked for (`?v=`) does not exist. */
	missing: boolean;
	/**
	 * The versions this reader can tell apart, oldest first: a correction that changed nothing they may see
	 * (a line of someone kept apart from them) is not one of theirs, nor is its note.
	 */
	versions: { version: number; createdAt: number; corrected: boolean }[];
	canCorrect: boolean;
	/** This reader is staff (the page shows fidelity facts and where each person took part). */
	staff: boolean;
};

/**
 * How a family member reads the summaries of meeting `meetingId` (meeting-summary.ts SummaryReader): whom
 * they are kept apart from (keep_apart_pairs), whether they may open the joint session's document (they
 * are in it), and the parts of the meeting they were in. For the notices sent to people who are not
 * signed in; a signed-in person's reader comes from their session's actor (the same facts).
 */
export async function personReader(db: Db, caseId: string, meetingId: string, personId: string): Promise<SummaryReader> {
	const { keepApartPairs, meetingSessionMembers, meetingSessions } = tablesOf(db);
	const pairs = await db.select({ a: keepApartPairs.personA, b: keepApartPairs.personB }).from(keepApartPairs).where(eq(keepApartPairs.caseId, caseId));
	const keepApartWith = new Set(pairs.flatMap((p) => (p.a === personId ? [p.b] : p.b === personId ? [p.a] : [])));
	const sessions = await db
		.select({ id: meetingSessions.id, kind: meetingSessions.kind })
		.from(meetingSessionMembers)
		.innerJoin(meetingSessions, eq(meetingSessions.id, meetingSessionMembers.meetingSessionId))
		.where(and(eq(meetingSessions.meetingId, meetingId), eq(meetingSessionMembers.personId, personId)));
	return { staff: false, personId, keepApartWith, seesTeamRecord: sessions.some((x) => x.kind === 'JOINT'), sessionIds: new Set(sessions.map((x) => x.id)) };
}

/**
 * The versions of a summary one reader can tell apart: each version whose view (`summaryFor`) differs from
 * the one before it that they saw. `rows` oldest first. For staff, every version.
 */
function distinctFor<T extends { version: number; facts: string }>(rows: T[], reader: SummaryReader): (T & { view: SummaryView })[] {
	const out: (T & { view: SummaryView })[] = [];
	let last = '';
	for (const row of rows) {
		const facts = parseSummaryFacts(row.facts);
		if (!facts) continue;
		const view = summaryFor(facts, reader);
		const key = JSON.stringify(view);
		if (reader.staff || key !== last) out.push({ ...row, view });
		last = key;
	}
	return out;
}

/**
 * Whether version `version` of meeting `meetingId`'s summary changed anything `reader` may see (so that a
 * notice of the correction tells them of something they can read, and nothing else).
 */
export async function correctionVisibleTo(db: Db, meetingId: string, version: number, reader: SummaryReader): Promise<boolean> {
	const { meetingSummaries } = tablesOf(db);
	const rows = await db.select({ version: meetingSummaries.version, facts: meetingSummaries.facts }).from(meetingSummaries).where(eq(meetingSummaries.meetingId, meetingId)).orderBy(asc(meetingSummaries.version));
	return distinctFor(rows.filter((r) => r.version <= version), reader).at(-1)?.version === version;
}

/**
 * The summary of meeting `meetingId` for whoever may see the meeting (policy `view` on it), in version
 * `version` (the latest when null): left to `summaryFor` what their access excludes (a family member never
 * reads anything of a person they are kept apart from; the board and action items only when they may open
 * the joint session's document; a separate session's only when they were in it). A family member sees only
 * the versions that differ for them (`distinctFor`), numbered 1, 2, … as they saw them: a correction of what
 * they cannot see is not shown to them, nor its note, nor its number. Audited (`meeting.summary.view`).
 */
export async function summaryPage(ctx: RequestContext, meetingId: string, version: number | null): Promise<Result<SummaryPage>> {
	const { meetingSummaries, meetingSessions } = tablesOf(ctx);
	if (!opaqueId.safeParse(meetingId).success) return refuseUnknown(ctx, 'meeting', meetingId, 'meeting.summary.view');
	const row = await meetingRow(ctx.db, meetingId);
	if (!row) return refuseUnknown(ctx, 'meeting', meetingId, 'meeting.summary.view');
	const m = row.meeting;
	const closed = meetingClosed(m.status);
	const refused = await authorize(ctx, 'view', { type: 'meeting', caseId: m.caseId, meetingId, closed }, 'meeting.summary.view');
	if (refused) return refused;
	let reader: SummaryReader = { staff: true };
	if (ctx.actor.kind === 'participant') {
		const joint = await first(ctx.db.select({ id: meetingSessions.id }).from(meetingSessions).where(and(eq(meetingSessions.meetingId, meetingId), eq(meetingSessions.kind, 'JOINT'))));
		const jointDoc = documentResource({ kind: 'meeting', id: meetingId }, { caseId: m.caseId, meetingId, meetingSessionId: joint?.id, meetingSessionKind: 'JOINT', meetingClosed: closed });
		reader = { staff: false, personId: ctx.actor.personId, keepApartWith: ctx.actor.keepApartWith, seesTeamRecord: can(ctx.actor, 'view', jointDoc), sessionIds: ctx.actor.meetingSessionIds };
	}
	const rows = await ctx.db
		.select({ version: meetingSummaries.version, createdAt: meetingSummaries.createdAt, correction: meetingSummaries.correction, facts: meetingSummaries.facts })
		.from(meetingSummaries)
		.where(eq(meetingSummaries.meetingId, meetingId))
		.orderBy(asc(meetingSummaries.version));
	// A family member's versions are numbered as they saw them (1, 2, … of their own): the stored numbers would
	// show a gap where a correction they may not see was made (a line of someone kept apart from them), and
	// `?v=` of that number would answer with a version where one that never was says there is none.
	const seen = distinctFor(rows, reader).map((r, i) => (reader.staff ? r : { ...r, version: i + 1 }));
	const missing = version !== null && !seen.some((r) => r.version === version);
	const chosen = missing ? undefined : version === null ? seen.at(-1) : seen.find((r) => r.version === version);
	const firstSeen = seen[0]?.version;
	return {
		ok: true,
		value: {
			meetingId,
			caseId: m.caseId,
			caseName: row.caseName,
			status: m.status,
			summary: chosen ? { version: chosen.version, createdAt: chosen.createdAt, correction: chosen.version === firstSeen ? null : chosen.correction, view: chosen.view } : null,
			missing,
			versions: seen.map((r) => ({ version: r.version, createdAt: r.createdAt, corrected: r.version !== firstSeen })),
			canCorrect: can(ctx.actor, 'correct', { type: 'meeting', caseId: m.caseId, meetingId, closed }),
			staff: ctx.actor.kind === 'staff'
		}
	};
}
