import type { Db } from '../db/index.ts';
import { writeAudit } from '../audit.ts';
import { decide, type Action, type Actor, type Resource } from '../../domain/policy.ts';

/** Who is asking, from where: what every service needs to decide and to audit. */
export type RequestContext = { db: Db; actor: Actor; sessionId: string | null; clientAddress: string | null };

export type Refusal = { ok: false; reason: 'not-signed-in' | 'forbidden' | 'not-found' };
export type Result<T> = { ok: true; value: T } | Refusal;

function resourceId(resource: Resource): string | null {
	switch (resource.type) {
		case 'case':
			return resource.caseId;
		case 'meeting':
			return resource.meetingId;
		default:
			return null;
	}
}

/**
 * Asks the one policy and writes the answer to the audit trail (every refusal, and every view of case
 * data that is allowed). Services call this before they read or change anything.
 */
export function authorize(ctx: RequestContext, action: Action, resource: Resource, auditAction: string): Refusal | null {
	const decision = decide(ctx.actor, action, resource);
	writeAudit(ctx.db, {
		actor: ctx.actor,
		action: auditAction,
		resourceType: resource.type,
		resourceId: resourceId(resource),
		caseId: 'caseId' in resource ? (resource.caseId ?? null) : null,
		outcome: decision.allow ? 'allowed' : 'denied',
		clientAddress: ctx.clientAddress,
		sessionId: ctx.sessionId
	});
	return decision.allow ? null : { ok: false, reason: decision.reason };
}

/** An id that does not exist is refused and audited like one the actor may not see: ids are not to be probed. */
export function refuseUnknown(ctx: RequestContext, resourceType: string, id: string, auditAction: string): Refusal {
	writeAudit(ctx.db, {
		actor: ctx.actor,
		action: auditAction,
		resourceType,
		resourceId: id.slice(0, 64),
		outcome: 'denied',
		clientAddress: ctx.clientAddress,
		sessionId: ctx.sessionId,
		detail: { why: 'not-found' }
	});
	return { ok: false, reason: ctx.actor.kind === 'anonymous' ? 'not-signed-in' : 'forbidden' };
}
