// Reading and writing a test server's database from a test, on either engine (tests/support/server.ts:
// HEARTH_TEST_ENGINE). `testSql(server)` runs plain SQL with `?` placeholders on the SQLite file
// (better-sqlite3) or on the server's PostgreSQL database (`pg`, the placeholders turned into $1, $2, …).
//
// Rows come back alike on both engines, so that one assertion holds both to the same thing: PostgreSQL's
// 64-bit integers (times in ms, row ids, count(*)) are read as numbers, as SQLite gives them, not as the
// strings `pg` gives by default (an integer past 2^53 throws rather than being rounded); its booleans (from
// an expression: no column is one) as 1 and 0, as SQLite gives them; bytes as a Buffer on both. Column names
// are what the SQL says: PostgreSQL folds an unquoted alias to lower case, so a camelCase alias is quoted
// (`AS "startsAt"`, which SQLite reads the same).
import Database from 'better-sqlite3';
import pg from 'pg';
import { closeDatabase, openDatabase, openPostgres, type Db } from '../../src/lib/server/db/index.ts';
import type { RunningServer } from './server.ts';

export type SqlParams = readonly unknown[];

export type TestSql = {
	/** The engine the server runs on. */
	engine: 'sqlite' | 'postgres';
	/** Every row of `sql`. */
	all<T = Record<string, unknown>>(sql: string, params?: SqlParams): Promise<T[]>;
	/** The first row of `sql`, or undefined when there is none. */
	get<T = Record<string, unknown>>(sql: string, params?: SqlParams): Promise<T | undefined>;
	/** Runs a statement; `changes`: how many rows it inserted, updated or deleted. */
	run(sql: string, params?: SqlParams): Promise<{ changes: number }>;
	close(): Promise<void>;
};

/**
 * `sql` with each `?` placeholder outside quotes and comments numbered for PostgreSQL ($1, $2, …). A `$`
 * placeholder in `sql` itself is refused: the tests write `?` for both engines.
 */
export function numberPlaceholders(sql: string): string {
	let out = '';
	let n = 0;
	for (let i = 0; i < sql.length; i++) {
		const c = sql[i];
		if (c === "'" || c === '"') {
			const end = sql.indexOf(c, i + 1);
			if (end < 0) throw new Error(`unclosed ${c} in SQL: ${sql}`);
			out += sql.slice(i, end + 1);
			i = end; // a doubled quote ('it''s') is two quoted runs side by side: the same text
		} else if (c === '-' && sql[i + 1] === '-') {
			const end = sql.indexOf('\n', i);
			out += end < 0 ? sql.slice(i) : sql.slice(i, end);
			i = end < 0 ? sql.length : end - 1;
		} else if (c === '?') {
			out += `$${++n}`;
		} else if (c === '$' && /\d/.test(sql[i + 1] ?? '')) {
			throw new Error(`write ? placeholders, not $n, in SQL for both engines: ${sql}`);
		} else {
			out += c;
		}
	}
	return out;
}

const INT8 = 20;
const NUMERIC = 1700;
const BOOL = 16;

/** A 64-bit integer as a JS number, as better-sqlite3 reads it; one that a number cannot hold exactly throws. */
function int8(text: string): number {
	const value = Number(text);
	if (!Number.isSafeInteger(value)) throw new Error(`a 64-bit integer that a JS number cannot hold exactly: ${text}`);
	return value;
}

/** A numeric (a sum of 64-bit integers) as a JS number, as SQLite gives it; an inexact integer throws. */
function numeric(text: string): number {
	const value = Number(text);
	if (!Number.isFinite(value) || (Number.isInteger(value) && !Number.isSafeInteger(value))) throw new Error(`a numeric that a JS number cannot hold exactly: ${text}`);
	return value;
}

/** `pg`'s readers, with 64-bit integers and numerics as numbers and booleans as 1/0 (this client's only). */
const types = {
	getTypeParser(oid: number, format?: 'text' | 'binary') {
		if (format !== 'binary') {
			if (oid === INT8) return int8;
			if (oid === NUMERIC) return numeric;
			if (oid === BOOL) return (text: string) => (text === 't' ? 1 : 0);
		}
		return pg.types.getTypeParser(oid, format as 'text');
	}
} as pg.CustomTypesConfig;

/**
 * SQL on `server`'s database (see the top of this file). `readonly`: the connection refuses writes (SQLite:
 * opened read-only; PostgreSQL: every transaction read-only), for a test that only looks.
 */
export async function testSql(server: RunningServer, options: { readonly?: boolean } = {}): Promise<TestSql> {
	if (server.databaseUrl) {
		const client = new pg.Client({ connectionString: server.databaseUrl, types, options: options.readonly ? '-c default_transaction_read_only=on' : undefined });
		await client.connect();
		const query = (sql: string, params: SqlParams = []) => client.query(numberPlaceholders(sql), params as unknown[]);
		return {
			engine: 'postgres',
			all: async <T>(sql: string, params?: SqlParams) => (await query(sql, params)).rows as T[],
			get: async <T>(sql: string, params?: SqlParams) => (await query(sql, params)).rows[0] as T | undefined,
			run: async (sql, params) => ({ changes: (await query(sql, params)).rowCount ?? 0 }),
			close: () => client.end()
		};
	}
	const db = new Database(server.dbPath, { readonly: options.readonly ?? false });
	return {
		engine: 'sqlite',
		all: async <T>(sql: string, params: SqlParams = []) => db.prepare(sql).all(...params) as T[],
		get: async <T>(sql: string, params: SqlParams = []) => db.prepare(sql).get(...params) as T | undefined,
		run: async (sql, params = []) => ({ changes: db.prepare(sql).run(...params).changes }),
		close: async () => void db.close()
	};
}

/** Runs `work` with SQL on `server`'s database, closed after whatever happens. */
export async function withSql<T>(server: RunningServer, work: (sql: TestSql) => Promise<T>, options: { readonly?: boolean } = {}): Promise<T> {
	const sql = await testSql(server, options);
	try {
		return await work(sql);
	} finally {
		await sql.close();
	}
}

/** The app's own handle (drizzle) on `server`'s database, for the app's functions (verifyAuditChain). closeDatabase after. */
export function serverDatabase(server: RunningServer): Db {
	return server.databaseUrl ? openPostgres(server.databaseUrl, { max: 2 }) : openDatabase(server.dbPath);
}

export { closeDatabase };

/** Waits until `check` (which may ask the database) resolves true, polling every 20 ms; fails after `timeoutMs`. */
export async function waitUntil(check: () => Promise<boolean>, timeoutMs = 5000, what = 'condition'): Promise<void> {
	const start = Date.now();
	while (!(await check())) {
		if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 20));
	}
}
