import { sha256 } from '@oslojs/crypto/sha2';
import { encodeHexLowerCase } from '@oslojs/encoding';
import { desc } from 'drizzle-orm';
import type { Db } from './db/index.ts';
import { auditEvents } from './db/schema.ts';
import type { Actor } from '../domain/policy.ts';

// The append-only audit writer. Records who, in what role, did what to which resource, the outcome
// (every refusal included), when and from where. Never note contents, never tokens.

export type AuditEntry = {
	actor: Actor;
	action: string;
	resourceType: string;
	resourceId?: string | null;
	caseId?: string | null;
	outcome: 'allowed' | 'denied' | 'failed';
	clientAddress?: string | null;
	sessionId?: string | null;
	/** Small structured facts (a role, a count). Never what people typed. */
	detail?: Record<string, string | number | boolean | null>;
	at?: number;
};

const GENESIS = '0'.repeat(64);
const encoder = new TextEncoder();

function rowHash(prevHash: string, fields: unknown[]): string {
	return encodeHexLowerCase(sha256(encoder.encode(prevHash + JSON.stringify(fields))));
}

function actorFields(actor: Actor): { kind: string; id: string | null; role: string | null } {
	if (actor.kind === 'staff') return { kind: 'staff', id: actor.userId, role: actor.role };
	// A family member is named by their person on the case (as sessionIdentity does), so the trail can say
	// who they are and be filtered by them; the participant record changes with each invite.
	if (actor.kind === 'participant') return { kind: 'participant', id: actor.personId, role: actor.role };
	return { kind: actor.kind, id: null, role: null };
}

export function writeAudit(db: Db, entry: AuditEntry): void {
	const actor = actorFields(entry.actor);
	const at = entry.at ?? Date.now();
	const row = {
		at,
		actorKind: actor.kind,
		actorId: actor.id,
		actorRole: actor.role,
		action: entry.action,
		resourceType: entry.resourceType,
		resourceId: entry.resourceId ?? null,
		caseId: entry.caseId ?? null,
		outcome: entry.outcome,
		clientAddress: entry.clientAddress ?? null,
		sessionRef: entry.sessionId ? entry.sessionId.slice(0, 16) : null,
		detail: entry.detail ? JSON.stringify(entry.detail) : null
	};
	// Read the chain's head and append in one transaction, so two writers never fork the chain.
	// IMMEDIATE: take the write lock before reading the head, so a writer on another connection cannot
	// slip in between (a deferred read-then-write transaction would fail with SQLITE_BUSY instead of waiting).
	db.transaction(
		(tx) => {
			const last = tx.select({ hash: auditEvents.hash }).from(auditEvents).orderBy(desc(auditEvents.seq)).limit(1).get();
			const prevHash = last?.hash ?? GENESIS;
			const hash = rowHash(prevHash, Object.values(row));
			tx.insert(auditEvents).values({ ...row, prevHash, hash }).run();
		},
		{ behavior: 'immediate' }
	);
}

/** Recomputes the chain; returns the seq of the first row that does not match, or null when intact. */
export function verifyAuditChain(db: Db): number | null {
	const rows = db.select().from(auditEvents).orderBy(auditEvents.seq).all();
	let prev = GENESIS;
	for (const r of rows) {
		const { seq, prevHash, hash, ...fields } = r;
		const expected = rowHash(prev, [
			fields.at,
			fields.actorKind,
			fields.actorId,
			fields.actorRole,
			fields.action,
			fields.resourceType,
			fields.resourceId,
			fields.caseId,
			fields.outcome,
			fields.clientAddress,
			fields.sessionRef,
			fields.detail
		]);
		if (prevHash !== prev || hash !== expected) return seq;
		prev = hash;
	}
	return null;
}
