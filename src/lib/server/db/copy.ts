import { count, sql } from 'drizzle-orm';
import { getTableConfig, type PgTable } from 'drizzle-orm/pg-core';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';
import { engineOf, first, pgPoolHandle, type Db } from './index.ts';
import * as schema from './schema.ts';
import * as pgSchema from './schema.pg.ts';

// Moving an agency from its SQLite file to PostgreSQL (issue 19): every row of every table, as it is (ids,
// times, sealed job payloads, the audit trail with its hash chain, the shared documents' log), in one
// PostgreSQL transaction. The two schemas describe the same tables (schema-parity.test.ts), so each row
// is read through schema.ts and written through schema.pg.ts under the same field names.

/** Rows written per INSERT. */
const CHUNK = 500;

/** The tables in an order where each comes after the tables it refers to (foreign keys). */
export function tablesInCopyOrder(): string[] {
	const names = Object.keys(pgSchema).filter((name) => isTable((pgSchema as Record<string, unknown>)[name]));
	const byTableName = new Map(names.map((name) => [getTableConfig((pgSchema as unknown as Record<string, PgTable>)[name]).name, name]));
	const ordered: string[] = [];
	const seen = new Set<string>();
	const visit = (name: string) => {
		if (seen.has(name)) return;
		seen.add(name);
		for (const fk of getTableConfig((pgSchema as unknown as Record<string, PgTable>)[name]).foreignKeys) {
			const target = byTableName.get(getTableConfig(fk.reference().foreignTable).name);
			if (target && target !== name) visit(target);
		}
		ordered.push(name);
	};
	for (const name of names.sort()) visit(name);
	return ordered;
}

function isTable(value: unknown): boolean {
	return typeof value === 'object' && value !== null && Symbol.for('drizzle:IsDrizzleTable') in value;
}

/**
 * Copies every row of the SQLite database `from` into the PostgreSQL database `to` (migrated, and empty:
 * refused otherwise, with nothing written), in one transaction, then moves the identity sequences (audit
 * trail, update log) past the copied ids. Resolves to how many rows each table received. Rejects when a
 * handle is of the wrong engine, when `to` holds any row, or when a row is refused (nothing is then kept).
 */
export async function copyToPostgres(from: Db, to: Db): Promise<Record<string, number>> {
	if (engineOf(from) !== 'sqlite') throw new TypeError('copyToPostgres: the source must be a SQLite database');
	if (engineOf(to) !== 'pg') throw new TypeError('copyToPostgres: the target must be a PostgreSQL database');
	const order = tablesInCopyOrder();
	const pg = pgPoolHandle(to);
	const sqliteTables = schema as unknown as Record<string, SQLiteTable>;
	const pgTables = pgSchema as unknown as Record<string, PgTable>;
	for (const name of order) {
		const rows = (await first(pg.select({ n: count() }).from(pgTables[name])))?.n ?? 0;
		if (Number(rows) > 0) throw new Error(`The PostgreSQL database is not empty (${getTableConfig(pgTables[name]).name} has rows): copy into a new, empty database.`);
	}
	const copied: Record<string, number> = {};
	await pg.transaction(async (tx) => {
		for (const name of order) {
			const rows = (await from.select().from(sqliteTables[name] as never)) as Record<string, unknown>[];
			for (let i = 0; i < rows.length; i += CHUNK) await tx.insert(pgTables[name]).values(rows.slice(i, i + CHUNK) as never);
			copied[name] = rows.length;
		}
		// Ids given explicitly leave an identity's sequence where it was: the next one would collide.
		for (const [table, column] of [
			['audit_events', 'seq'],
			['collab_updates', 'id']
		]) {
			await tx.execute(sql.raw(`select setval(pg_get_serial_sequence('${table}', '${column}'), coalesce((select max(${column}) from ${table}), 0) + 1, false)`));
		}
	});
	return copied;
}
