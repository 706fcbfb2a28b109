import { and, eq } from 'drizzle-orm';
import { first, type Db, tablesOf } from '../db/index.ts';
import type { DocRef } from '../../domain/doc-id.ts';
import type { MeetingSessionKind } from '../../domain/roles.ts';
import { decide, type Actor, type Decision, type Resource } from '../../domain/policy.ts';

/** The facts the policy needs about a shared document: its case and, for meeting documents, its session. */
export type DocumentPlace = {
	caseId: string;
	meetingId?: string;
	meetingSessionId?: string;
	meetingSessionKind?: MeetingSessionKind;
	/** The session has ended (read only from then on). */
	meetingSessionEnded?: boolean;
	/** Family time whose notes the family shared with the team. */
	familyShared?: boolean;
	/** The meeting was closed or cancelled (`meetings.status` is not `scheduled`): read only from then on. */
	meetingClosed?: boolean;
};

/** A meeting's status as the policy reads it: closed (held or cancelled) or not. */
export function meetingClosed(status: string): boolean {
	return status !== 'scheduled';
}

/** The recorded facts of a meeting session that the policy reads (see policy.ts, `document`). */
export function sessionFacts(row: { endedAt: number | null; sharedAt: number | null }): Pick<DocumentPlace, 'meetingSessionEnded' | 'familyShared'> {
	return { meetingSessionEnded: row.endedAt !== null, familyShared: row.sharedAt !== null };
}

/**
 * Where a shared document belongs, or null when there is no such document. `meeting:<id>` is the joint
 * session's document of that meeting; `session:<id>` a separate session's or family time's (never the joint
 * session's: that one is `meeting:<id>` alone); `plan:<caseId>` the plan.
 */
export async function placeOfDocument(db: Db, ref: DocRef): Promise<DocumentPlace | null> {
	const { cases, meetingSessions, meetings } = tablesOf(db);
	if (ref.kind === 'meeting') {
		const row = await first(
			db
				.select({ caseId: meetings.caseId, status: meetings.status, meetingSessionId: meetingSessions.id })
				.from(meetings)
				.leftJoin(meetingSessions, and(eq(meetingSessions.meetingId, meetings.id), eq(meetingSessions.kind, 'JOINT')))
				.where(eq(meetings.id, ref.id))
		);
		return row ? { caseId: row.caseId, meetingId: ref.id, meetingSessionId: row.meetingSessionId ?? undefined, meetingSessionKind: 'JOINT', meetingClosed: meetingClosed(row.status) } : null;
	}
	if (ref.kind === 'session') {
		const row = await first(
			db
				.select({ caseId: meetings.caseId, meetingId: meetings.id, status: meetings.status, kind: meetingSessions.kind, endedAt: meetingSessions.endedAt, sharedAt: meetingSessions.sharedAt })
				.from(meetingSessions)
				.innerJoin(meetings, eq(meetings.id, meetingSessions.meetingId))
				.where(eq(meetingSessions.id, ref.id))
		);
		// The joint session's document is `meeting:<meetingId>`: a second one under `session:` would be notes
		// no page shows, kept beside the meeting's where staff never look.
		if (row?.kind === 'JOINT') return null;
		return row ? { caseId: row.caseId, meetingId: row.meetingId, meetingSessionId: ref.id, meetingSessionKind: row.kind, ...sessionFacts(row), meetingClosed: meetingClosed(row.status) } : null;
	}
	const row = await first(db.select({ id: cases.id }).from(cases).where(eq(cases.id, ref.id)));
	return row ? { caseId: row.id } : null;
}

export type DocumentAccess =
	| { ok: true; access: 'write' | 'read'; caseId: string }
	| { ok: false; reason: Exclude<Decision, { allow: true }>['reason'] | 'not-found'; caseId: string | null };

export function documentResource(ref: DocRef, place: DocumentPlace): Extract<Resource, { type: 'document' }> {
	return { type: 'document', docKind: ref.kind, ...place };
}

/** The collab server's question, answered by the one policy: may this actor read or write this document? */
export async function documentAccess(db: Db, actor: Actor, ref: DocRef): Promise<DocumentAccess> {
	if (actor.kind === 'anonymous') return { ok: false, reason: 'not-signed-in', caseId: null };
	const place = await placeOfDocument(db, ref);
	// An unknown document answers exactly like a forbidden one: ids are not to be probed.
	if (!place) return { ok: false, reason: 'not-found', caseId: null };
	const resource = documentResource(ref, place);
	if (decide(actor, 'edit', resource).allow) return { ok: true, access: 'write', caseId: place.caseId };
	const view = decide(actor, 'view', resource);
	if (view.allow) return { ok: true, access: 'read', caseId: place.caseId };
	return { ok: false, reason: view.reason, caseId: place.caseId };
}
