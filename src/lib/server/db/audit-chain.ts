import { desc, sql } from 'drizzle-orm';
import { engineOf, first, runStatement, tablesOf, transact, type Db } from './index.ts';
import { auditEvents } from './schema.ts';

export type AuditRow = Omit<typeof auditEvents.$inferInsert, 'seq' | 'prevHash' | 'hash'>;

/**
 * The key of the PostgreSQL advisory lock that serialises appends to the audit chain across every
 * connection and every instance on the database (a constant of our own; `pg_advisory_xact_lock(bigint)`).
 */
export const AUDIT_CHAIN_LOCK = 0x6865_6172_7401; // 'hear' 't' 01: any constant no other code of ours uses

/**
 * Appends one row to the hash-chained audit trail: reads the chain's head and inserts the row chained to
 * it (`hashOf(prevHash)`) in one transaction, so two writers never fork the chain. Inside an open
 * transaction it is part of it, so the row commits with the change it records.
 *
 * SQLite: synchronous (returns nothing), for `exclusive` (audit.ts); a savepoint inside an open
 * transaction. IMMEDIATE: take the write lock before reading the head, so a writer on another connection
 * cannot slip in between (a deferred read-then-write transaction would fail with SQLITE_BUSY).
 *
 * PostgreSQL: returns a promise. The transaction first takes an advisory lock held until it commits, so
 * the appends of all connections and instances line up one after the other, each reading the head the one
 * before it committed (READ COMMITTED reads afresh per statement). A transaction that appends holds the
 * lock to its end: keep what follows an audit entry short.
 */
export function appendChained(db: Db, row: AuditRow, hashOf: (prevHash: string) => string, genesis: string): void | Promise<void> {
	if (engineOf(db) === 'pg') return appendChainedPg(db, row, hashOf, genesis);
	db.transaction(
		(tx) => {
			const last = tx.select({ hash: auditEvents.hash }).from(auditEvents).orderBy(desc(auditEvents.seq)).limit(1).get();
			const prevHash = last?.hash ?? genesis;
			tx.insert(auditEvents).values({ ...row, prevHash, hash: hashOf(prevHash) }).run();
		},
		{ behavior: 'immediate' }
	);
}

async function appendChainedPg(db: Db, row: AuditRow, hashOf: (prevHash: string) => string, genesis: string): Promise<void> {
	const { auditEvents: table } = tablesOf(db);
	await transact(db, async (tx) => {
		await runStatement(tx, sql`select pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK})`);
		const last = await first(tx.select({ hash: table.hash }).from(table).orderBy(desc(table.seq)).limit(1));
		const prevHash = last?.hash ?? genesis;
		await tx.insert(table).values({ ...row, prevHash, hash: hashOf(prevHash) });
	});
}

/** Every row of the audit trail in chain order (oldest first), on either engine. */
export function readAuditChain(db: Db): Promise<(typeof auditEvents.$inferSelect)[]> {
	const { auditEvents: table } = tablesOf(db);
	return db.select().from(table).orderBy(table.seq);
}
