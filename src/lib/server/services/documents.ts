import { eq } from 'drizzle-orm';
import type { Db } from '../db/index.ts';
import { cases, meetings } from '../db/schema.ts';
import type { DocRef } from '../../domain/doc-id.ts';
import { decide, type Actor, type Decision } from '../../domain/policy.ts';

/** Which case a shared document belongs to, or null when there is no such document. */
export function caseOfDocument(db: Db, ref: DocRef): string | null {
	if (ref.kind === 'meeting') {
		return db.select({ caseId: meetings.caseId }).from(meetings).where(eq(meetings.id, ref.id)).get()?.caseId ?? null;
	}
	return db.select({ id: cases.id }).from(cases).where(eq(cases.id, ref.id)).get()?.id ?? null;
}

export type DocumentAccess =
	| { ok: true; access: 'write' | 'read'; caseId: string }
	| { ok: false; reason: Exclude<Decision, { allow: true }>['reason'] | 'not-found'; caseId: string | null };

/** The collab server's question, answered by the one policy: may this actor read or write this document? */
export function documentAccess(db: Db, actor: Actor, ref: DocRef): DocumentAccess {
	if (actor.kind === 'anonymous') return { ok: false, reason: 'not-signed-in', caseId: null };
	const caseId = caseOfDocument(db, ref);
	// An unknown document answers exactly like a forbidden one: ids are not to be probed.
	if (!caseId) return { ok: false, reason: 'not-found', caseId: null };
	const resource = { type: 'document', caseId, docKind: ref.kind } as const;
	if (decide(actor, 'edit', resource).allow) return { ok: true, access: 'write', caseId };
	const view = decide(actor, 'view', resource);
	if (view.allow) return { ok: true, access: 'read', caseId };
	return { ok: false, reason: view.reason, caseId };
}
