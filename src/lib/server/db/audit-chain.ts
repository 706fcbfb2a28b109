import { desc } from 'drizzle-orm';
import type { Db } from './index.ts';
import { auditEvents } from './schema.ts';

export type AuditRow = Omit<typeof auditEvents.$inferInsert, 'seq' | 'prevHash' | 'hash'>;

/**
 * Appends one row to the hash-chained audit trail: reads the chain's head and inserts the row chained to
 * it (`hashOf(prevHash)`) in one transaction, so two writers never fork the chain. Synchronous, for
 * `exclusive` (audit.ts); inside an open transaction it is a savepoint of it, so the row commits with the
 * change it records. IMMEDIATE: take the write lock before reading the head, so a writer on another
 * connection cannot slip in between (a deferred read-then-write transaction would fail with SQLITE_BUSY).
 */
export function appendChained(db: Db, row: AuditRow, hashOf: (prevHash: string) => string, genesis: string): void {
	db.transaction(
		(tx) => {
			const last = tx.select({ hash: auditEvents.hash }).from(auditEvents).orderBy(desc(auditEvents.seq)).limit(1).get();
			const prevHash = last?.hash ?? genesis;
			tx.insert(auditEvents).values({ ...row, prevHash, hash: hashOf(prevHash) }).run();
		},
		{ behavior: 'immediate' }
	);
}
