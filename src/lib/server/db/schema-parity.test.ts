import { describe, expect, it } from 'vitest';
import { getTableConfig as sqliteConfig, SQLiteSyncDialect, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { getTableConfig as pgConfig, PgDialect, PgTable } from 'drizzle-orm/pg-core';
import { is, type SQL } from 'drizzle-orm';
import * as sqliteSchema from './schema';
import * as pgSchema from './schema.pg';

// drizzle has no dialect-neutral schema (drizzle-orm#1196): schema.ts (SQLite) and schema.pg.ts
// (PostgreSQL) are written twice. This holds them to one meaning: the same tables, columns (name, kind of
// value, nullability, default, allowed codes), primary keys, foreign keys, unique and partial indexes, and
// checks. A column added to one file and not the other fails here, before either engine's migration.

const sqliteDialect = new SQLiteSyncDialect();
const pgDialect = new PgDialect();

/** What a column holds, across engines: SQLite's integer is 64-bit, PostgreSQL's bigint/integer both read as numbers. */
function kindOf(sqlType: string): string {
	if (sqlType === 'text') return 'text';
	if (sqlType === 'integer' || sqlType === 'bigint') return 'integer';
	if (sqlType === 'blob' || sqlType === 'bytea') return 'bytes';
	return `unknown:${sqlType}`;
}

/** An index's WHERE or a check's expression, rendered as SQL text (both dialects quote identifiers with "). */
function render(dialect: SQLiteSyncDialect | PgDialect, expr: SQL | undefined): string | null {
	if (!expr) return null;
	// PostgreSQL compares the keep-apart pair byte by byte (COLLATE "C"), as SQLite always does.
	return dialect.sqlToQuery(expr).sql.replaceAll(' COLLATE "C"', '');
}

type Described = {
	columns: Record<string, { kind: string; notNull: boolean; primary: boolean; hasDefault: boolean; default: unknown; enumValues: string[] | null }>;
	primaryKeys: string[][];
	foreignKeys: string[];
	indexes: string[];
	checks: string[];
};

/** The parts of either dialect's table config this test compares. */
type Config = {
	columns: { name: string; notNull: boolean; primary: boolean; hasDefault: boolean; default: unknown; enumValues?: string[]; getSQLType(): string; generatedIdentity?: unknown }[];
	primaryKeys: { columns: { name: string }[] }[];
	foreignKeys: { onDelete?: string; reference(): { columns: { name: string }[]; foreignTable: never; foreignColumns: { name: string }[] } }[];
	indexes: { config: { name?: string; unique: boolean; columns: unknown[]; where?: SQL } }[];
	checks: { name: string; value: SQL }[];
};

function describeTable(c: Config, nameOf: (table: never) => string, dialect: SQLiteSyncDialect | PgDialect): Described {
	const names = (cols: { name: string }[]) => cols.map((x) => x.name).join(',');
	return {
		columns: Object.fromEntries(
			c.columns.map((col) => [
				col.name,
				{
					kind: kindOf(col.getSQLType()),
					notNull: col.notNull,
					primary: col.primary,
					// A PostgreSQL identity column fills itself, as SQLite's AUTOINCREMENT does (which drizzle counts as a default).
					hasDefault: col.hasDefault || col.generatedIdentity !== undefined,
					default: col.default ?? null,
					enumValues: col.enumValues ?? null
				}
			])
		),
		primaryKeys: c.primaryKeys.map((pk) => pk.columns.map((col) => col.name)),
		foreignKeys: c.foreignKeys
			.map((fk) => {
				const r = fk.reference();
				return `${names(r.columns)} -> ${nameOf(r.foreignTable)}(${names(r.foreignColumns)}) on delete ${fk.onDelete ?? 'no action'}`;
			})
			.sort(),
		indexes: c.indexes
			.map((i) => `${i.config.unique ? 'unique ' : ''}${i.config.name} (${names(i.config.columns as { name: string }[])}) where ${render(dialect, i.config.where)}`)
			.sort(),
		checks: c.checks.map((k) => `${k.name}: ${render(dialect, k.value)}`).sort()
	};
}

const describeSqlite = (table: SQLiteTable) => describeTable(sqliteConfig(table) as unknown as Config, (t) => sqliteConfig(t as SQLiteTable).name, sqliteDialect);
const describePg = (table: PgTable) => describeTable(pgConfig(table) as unknown as Config, (t) => pgConfig(t as PgTable).name, pgDialect);

const sqliteTables = new Map((Object.values(sqliteSchema) as unknown[]).filter((v): v is SQLiteTable => is(v, SQLiteTable)).map((t) => [sqliteConfig(t).name, t]));
const pgTables = new Map((Object.values(pgSchema) as unknown[]).filter((v): v is PgTable => is(v, PgTable)).map((t) => [pgConfig(t).name, t]));

describe('schema.ts (SQLite) and schema.pg.ts (PostgreSQL)', () => {
	it('declare the same tables, under the same export names', () => {
		expect(sqliteTables.size).toBeGreaterThan(15);
		expect([...pgTables.keys()].sort()).toEqual([...sqliteTables.keys()].sort());
		const exportsOf = (schema: object, isTable: (v: unknown) => boolean) =>
			Object.entries(schema)
				.filter(([, v]) => isTable(v))
				.map(([k]) => k)
				.sort();
		expect(exportsOf(pgSchema, (v) => is(v, PgTable))).toEqual(exportsOf(sqliteSchema, (v) => is(v, SQLiteTable)));
	});

	it.each([...sqliteTables.keys()])('describe %s alike: columns, keys, foreign keys, indexes, checks', (name) => {
		const pg = pgTables.get(name);
		expect(pg, `schema.pg.ts has no table ${name}`).toBeDefined();
		expect(describePg(pg!)).toEqual(describeSqlite(sqliteTables.get(name)!));
	});

	it('tells a difference apart (a column that is nullable on one side only)', () => {
		const sqlite = describeSqlite(sqliteTables.get('users')!);
		const changed = structuredClone(sqlite);
		changed.columns.email.notNull = false;
		expect(changed).not.toEqual(sqlite);
	});
});
