import { transact, type Db, type Tx } from '../db/index.ts';
import { writeAudit, type AuditEntry } from '../audit.ts';
import { collabControl } from '../collab/registry.ts';
import { decide, type Action, type Actor, type Resource } from '../../domain/policy.ts';

/**
 * Who is asking, from where, and when: what every service needs to decide, to change and to audit. `now`
 * is the request's time in milliseconds since the epoch (UTC), set once per request (hooks.server.ts):
 * services use it, never the clock, so that one request sees one time and tests can set it.
 */
export type RequestContext = { db: Db; actor: Actor; sessionId: string | null; clientAddress: string | null; now: number };

/** A request context inside an open transaction: its reads, changes and audit entries commit together. */
export type TxContext = RequestContext & { db: Tx };

export type Refusal = { ok: false; reason: 'not-signed-in' | 'forbidden' | 'not-found' };
export type Result<T> = { ok: true; value: T } | Refusal;

/**
 * Runs `work` in one transaction (db/index.ts `transact`: its turn, BEGIN IMMEDIATE, COMMIT or ROLLBACK
 * and rethrow) with a context whose `db` is the transaction, so that everything `work` passes that
 * context to (authorize, record, the checks before a change) reads and writes inside it. Inside another
 * transaction it joins that one. A refusal returned (not thrown) commits with its audit entry.
 */
export function inTransaction<T>(ctx: RequestContext, work: (tx: TxContext) => Promise<T>): Promise<T> {
	return transact(ctx.db, (tx) => work({ ...ctx, db: tx }));
}

function resourceId(resource: Resource): string | null {
	switch (resource.type) {
		case 'case':
			return resource.caseId;
		case 'meeting':
			return resource.meetingId;
		case 'feedback':
			return resource.meetingId ?? null;
		default:
			return null;
	}
}

/**
 * Writes one entry of this request's actor to the audit trail: in the request's transaction when `ctx` is
 * a TxContext (it commits with the change), else in a small transaction of its own. The entry's time is
 * the request's (`ctx.now`).
 */
export function record(ctx: RequestContext, entry: Omit<AuditEntry, 'actor' | 'clientAddress' | 'sessionId'> & { actor?: Actor }): Promise<void> {
	return writeAudit(ctx.db, { actor: ctx.actor, clientAddress: ctx.clientAddress, sessionId: ctx.sessionId, at: ctx.now, ...entry });
}

/**
 * Asks the one policy and writes the answer to the audit trail (every refusal, and every view of case
 * data that is allowed). Services call this before they read or change anything. Resolves to the refusal
 * to return, or null when allowed.
 */
export async function authorize(ctx: RequestContext, action: Action, resource: Resource, auditAction: string): Promise<Refusal | null> {
	const decision = decide(ctx.actor, action, resource);
	await record(ctx, {
		action: auditAction,
		resourceType: resource.type,
		resourceId: resourceId(resource),
		caseId: 'caseId' in resource ? (resource.caseId ?? null) : null,
		outcome: decision.allow ? 'allowed' : 'denied'
	});
	return decision.allow ? null : { ok: false, reason: decision.reason };
}

/**
 * `authorize` for a change that must reach people before its audit entries are written (a facilitator's
 * stage move: services/agenda.ts puts it on every screen, then writes the decision and the change in one
 * transaction, one commit instead of two on the way). A refusal is recorded at once and returned as
 * `refused`; an allowance comes back as the entry the caller must record with its change (`allowed`).
 */
export async function authorizeThenRecord(ctx: RequestContext, action: Action, resource: Resource, auditAction: string): Promise<{ refused: Refusal } | { allowed: Parameters<typeof record>[1] }> {
	const decision = decide(ctx.actor, action, resource);
	const entry = { action: auditAction, resourceType: resource.type, resourceId: resourceId(resource), caseId: 'caseId' in resource ? (resource.caseId ?? null) : null, outcome: decision.allow ? ('allowed' as const) : ('denied' as const) };
	if (decision.allow) return { allowed: entry };
	await record(ctx, entry);
	return { refused: { ok: false, reason: decision.reason } };
}

/** An id that does not exist is refused and audited like one the actor may not see: ids are not to be probed. */
export async function refuseUnknown(ctx: RequestContext, resourceType: string, id: string, auditAction: string): Promise<Refusal> {
	await record(ctx, { action: auditAction, resourceType, resourceId: id.slice(0, 64), outcome: 'denied', detail: { why: 'not-found' } });
	return { ok: false, reason: ctx.actor.kind === 'anonymous' ? 'not-signed-in' : 'forbidden' };
}

/**
 * Open sockets of a case follow a change of who may see what at once (who is in a session, a keep-apart
 * pair, labels, consents decide who may open a document and how). Call it after the change has committed.
 * For staff, before the page answers. For a family member, right after it: the recheck's time depends on
 * who else has the case open, and a family member's page must not time it (one of a keep-apart pair
 * could tell whether the other is online from how long "share my address" took).
 */
export async function accessChanged(ctx: RequestContext, caseId: string): Promise<void> {
	const recheck = collabControl()?.accessChanged(caseId);
	if (ctx.actor.kind !== 'participant') return recheck;
	recheck?.catch((err) => console.error('collab: could not recheck sockets after an access change', err));
}
