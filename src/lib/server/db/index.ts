import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { drizzle as drizzlePg, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import type { SQL } from 'drizzle-orm';
import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import * as schema from './schema.ts';
import * as pgSchema from './schema.pg.ts';

// The one way into the database. Services write dialect-neutral Drizzle and `await` the query builders;
// everything that depends on the engine (opening it, pragmas, migrations, transactions, locks, `.get()`-style
// execution) stays in this folder. Two engines: the SQLite file (the default) and PostgreSQL
// (`DATABASE_URL=postgres://…`, a `pg` Pool), for agencies that run several instances.
//
// Both handles are typed as the SQLite one (`Db`): drizzle has no dialect-neutral types, and what services
// write (select/insert/update/delete, awaited; `first`, `affected`, `transact`) means the same on both.
// `tablesOf(db)` gives the tables of a handle's own engine (schema.ts or its twin schema.pg.ts, held to the
// same shapes by schema-parity.test.ts).

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

/** Which engine a handle runs on. */
export type Engine = 'sqlite' | 'pg';

/** A PostgreSQL handle as drizzle types it (for the engine-specific code of this folder only). */
export type PgHandle = NodePgDatabase<typeof pgSchema> & { $client: pg.Pool };

const ENGINE = Symbol.for('hearth.db.engine');
const PG = Symbol.for('hearth.db.pg');

// One connection per process, shared by the custom server (plain Node) and the SvelteKit bundle, which
// each have their own copy of this module: the handle lives on globalThis.
const KEY = Symbol.for('hearth.db');
type Holder = { [KEY]?: Db };

/** Opens (creating when missing) the SQLite file at `path` (or `:memory:`) with Hearth's pragmas. Not migrated. */
export function openDatabase(path: string): Db {
	if (path !== ':memory:') mkdirSync(dirname(resolve(path)), { recursive: true });
	const sqlite = new Database(path);
	// better-sqlite3 defaults WAL to synchronous=NORMAL, where a committed write can roll back after power
	// loss; an update we acknowledged must survive, so FULL.
	sqlite.pragma('journal_mode = WAL');
	sqlite.pragma('synchronous = FULL');
	sqlite.pragma('foreign_keys = ON');
	sqlite.pragma('busy_timeout = 5000');
	return drizzle(sqlite, { schema }) as Db;
}

/** Whether `target` names a PostgreSQL database (`postgres://` or `postgresql://`) rather than a SQLite file. */
export function isPostgresUrl(target: string): boolean {
	return /^postgres(ql)?:\/\//i.test(target);
}

/**
 * Opens a pool of connections to the PostgreSQL database at `url` (`postgres://user@host:5432/name`).
 * Nothing connects until the first query; not migrated. `max` is the pool's size (connections).
 */
export function openPostgres(url: string, options: { max?: number } = {}): Db {
	const pool = new pg.Pool({ connectionString: url, max: options.max ?? 10 });
	// An idle connection that the server ends (restart, failover) emits 'error' on the pool: without a
	// listener that would end the process; the pool replaces the connection on the next query.
	pool.on('error', (err) => console.error('database: an idle PostgreSQL connection failed', err.message));
	const handle = drizzlePg(pool, { schema: pgSchema }) as PgHandle;
	return joinsOpenTransaction(handle) as unknown as Db;
}

/** Opens `target`: a PostgreSQL URL (see isPostgresUrl) or a SQLite path. */
export function openAny(target: string): Db {
	return isPostgresUrl(target) ? openPostgres(target) : openDatabase(target);
}

/** The engine `db` (a handle or a transaction on one) runs on. */
export function engineOf(db: Db): Engine {
	return (db as unknown as { [ENGINE]?: Engine })[ENGINE] ?? 'sqlite';
}

/**
 * The tables of the engine behind `source` (a handle, a transaction, or a request context carrying `db`),
 * typed as schema.ts's (schema-parity.test.ts holds the two files alike). Services take their tables from
 * here, never from schema.ts, so that the same code runs on both engines:
 * `const { users } = tablesOf(ctx)`.
 */
export function tablesOf(source: DbSource): typeof schema {
	return (engineOf(dbOf(source)) === 'pg' ? pgSchema : schema) as unknown as typeof schema;
}

/**
 * Brings the database's tables up to date. SQLite: synchronous (done when this returns), from `drizzle/`
 * (or `migrationsFolder`). PostgreSQL: from `drizzle/pg/`, resolved when done. Rejects (SQLite: throws)
 * when a migration fails; nothing of that migration stays.
 */
export function migrateDatabase(db: Db, migrationsFolder?: string): Promise<void> {
	if (engineOf(db) === 'pg') return migratePostgres(pgOf(db), migrationsFolder ?? resolve(process.cwd(), 'drizzle', 'pg'));
	migrate(db, { migrationsFolder: migrationsFolder ?? resolve(process.cwd(), 'drizzle') });
	return Promise.resolve();
}

/** Key of the advisory lock that migrations hold (any constant: it only has to be the same on every instance). */
const MIGRATION_LOCK = 0x4865_6172; // "Hear"

/**
 * Migrates PostgreSQL while holding a session advisory lock on one connection of the pool, so instances that
 * start together on an empty database migrate one after the other (the second finds nothing left to do)
 * instead of racing to create the same tables.
 */
async function migratePostgres(handle: PgHandle, migrationsFolder: string): Promise<void> {
	const client = await handle.$client.connect();
	try {
		await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
		try {
			await migratePg(drizzlePg(client, { schema: pgSchema }), { migrationsFolder });
		} finally {
			await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
		}
	} finally {
		client.release();
	}
}

/** Closes the handle: the SQLite file, or every connection of the PostgreSQL pool (after their queries end). */
export async function closeDatabase(db: Db): Promise<void> {
	const root = rootOf(db);
	if (engineOf(root) === 'pg') await pgOf(root).$client.end();
	else root.$client.close();
}

/** Makes `db` the process's database (the custom server calls this before serving). */
export function setDatabase(db: Db): void {
	(globalThis as Holder)[KEY] = db;
}

export function getDatabase(): Db {
	const holder = globalThis as Holder;
	const db = holder[KEY];
	if (!db) throw new Error('The database is not open: start Hearth with `npm start` (server/index.ts).');
	return db;
}

function pgOf(db: Db): PgHandle {
	return (db as unknown as { [PG]: PgHandle })[PG];
}

/**
 * The pool's own drizzle handle behind a PostgreSQL `db` (or a transaction on one): it never joins a
 * transaction open in the caller's async context, so what runs on it takes a pooled connection of its own.
 * For the engine-specific code of this folder (collab-store.ts, jobs-store.ts). Throws on a SQLite handle.
 */
export function pgPoolHandle(db: Db): PgHandle {
	const handle = pgOf(rootOf(db));
	if (!handle) throw new TypeError('pgPoolHandle: not a PostgreSQL handle');
	return handle;
}

// ---- Transactions -------------------------------------------------------------------------------------
//
// SQLite: better-sqlite3 is synchronous and has one connection: a transaction that spans `await`s would take
// in every write that other code makes meanwhile (another request, the collab log's group commit, an audit
// entry), and a second BEGIN would fail. So every writer takes turns through one lock per handle:
// `transact` holds it from BEGIN IMMEDIATE to COMMIT or ROLLBACK, and `exclusive` runs a writer at once
// when nobody holds it, else right after. Reads need no turn (they see the connection's state, an open
// transaction's writes included).
//
// PostgreSQL: a pool of connections. `transact` takes one connection for the whole transaction (BEGIN …
// COMMIT on it); concurrent transactions run side by side and the database serialises what must be (row
// locks, unique indexes, the audit chain's advisory lock). While a transaction is open, the plain handle
// used in its async context (a helper that was handed `db` rather than `tx`) joins it, as on SQLite's one
// connection; anywhere else it runs on a connection of its own and sees only what has committed.
//
// On both: keep transactions to database work: no network, no password hashing, no messages.

/** A handle inside an open transaction (`transact` on it joins that transaction). */
export type Tx = Db & { readonly [IN_TX]: true };
const IN_TX = Symbol.for('hearth.db.in-transaction');
const ROOT = Symbol.for('hearth.db.root');

/** Anything that carries the database: a handle, a transaction, or a request context. */
export type DbSource = Db | { db: Db };

/** The transaction open in an async context; `open` turns false when it has ended (a timer started inside it outlives it). */
type OpenTx = { tx: Tx; open: boolean };
type WriteLock = { held: boolean; waiters: (() => void)[]; open: AsyncLocalStorage<OpenTx> };
const LOCK = Symbol.for('hearth.db.write-lock');

function lockOf(db: Db): WriteLock {
	const root = rootOf(db) as Db & { [LOCK]?: WriteLock };
	// On the handle itself: both copies of this module (custom server, SvelteKit bundle) find the same lock.
	return (root[LOCK] ??= { held: false, waiters: [], open: new AsyncLocalStorage<OpenTx>() });
}

function openTxOf(db: Db): Tx | undefined {
	const store = lockOf(db).open.getStore();
	return store?.open ? store.tx : undefined;
}

/** The process's handle behind `db` (itself, or the handle a transaction runs on). */
export function rootOf(db: Db): Db {
	return (db as unknown as { [ROOT]?: Db })[ROOT] ?? db;
}

function dbOf(source: DbSource): Db {
	return typeof (source as Db).select === 'function' ? (source as Db) : (source as { db: Db }).db;
}

/** Whether `db` is a handle inside an open transaction. */
export function isTx(db: Db): db is Tx {
	return (db as Partial<Tx>)[IN_TX] === true;
}

/**
 * The PostgreSQL handle as services see it: while a transaction of this handle is open in the current async
 * context, every query made on the plain handle runs in that transaction (on its connection).
 */
function joinsOpenTransaction(handle: PgHandle): PgHandle {
	const lock: WriteLock = { held: false, waiters: [], open: new AsyncLocalStorage<OpenTx>() };
	return new Proxy(handle, {
		get(target, prop) {
			if (prop === ENGINE) return 'pg';
			if (prop === PG) return target;
			if (prop === LOCK) return lock;
			if (typeof prop === 'symbol' || prop === '$client') return Reflect.get(target, prop);
			const store = lock.open.getStore();
			const base = store?.open ? store.tx : target;
			const value = Reflect.get(base, prop);
			return typeof value === 'function' ? value.bind(base) : value;
		}
	});
}

function acquire(lock: WriteLock): Promise<void> {
	if (!lock.held) {
		lock.held = true;
		return Promise.resolve();
	}
	return new Promise((resolve) => lock.waiters.push(resolve));
}

function release(lock: WriteLock): void {
	const next = lock.waiters.shift();
	if (next) next();
	else lock.held = false;
}

/**
 * Runs `work` in one transaction, COMMIT when `work` resolves, ROLLBACK and rethrow when it throws. SQLite:
 * waits its turn for the write lock, BEGIN IMMEDIATE. PostgreSQL: BEGIN on a connection of the pool, held
 * until the end. Inside, pass the `tx` it gives down: `transact` on a `tx` (or called from inside `work`
 * with the plain handle) joins the open transaction instead of waiting for itself. A result `{ ok: false }`
 * is still committed (a refusal and its audit entry stay).
 */
export async function transact<T>(source: DbSource, work: (tx: Tx) => Promise<T> | T): Promise<T> {
	const db = dbOf(source);
	if (isTx(db)) return work(db);
	const open = openTxOf(db);
	if (open) return work(open);
	const lock = lockOf(db);
	if (engineOf(db) === 'pg') {
		return pgOf(db).transaction(async (pgTx) => {
			const tx = Object.create(pgTx, { [IN_TX]: { value: true }, [ROOT]: { value: db }, [ENGINE]: { value: 'pg' } }) as Tx;
			const store: OpenTx = { tx, open: true };
			try {
				return await lock.open.run(store, () => work(tx));
			} finally {
				store.open = false;
			}
		});
	}
	await acquire(lock);
	const tx = Object.create(db, { [IN_TX]: { value: true }, [ROOT]: { value: db } }) as Tx;
	const store: OpenTx = { tx, open: true };
	try {
		db.$client.exec('BEGIN IMMEDIATE');
		let result: T;
		try {
			result = await lock.open.run(store, () => work(tx));
		} catch (err) {
			if (db.$client.inTransaction) db.$client.exec('ROLLBACK');
			throw err;
		}
		try {
			db.$client.exec('COMMIT');
		} catch (err) {
			if (db.$client.inTransaction) db.$client.exec('ROLLBACK');
			throw err;
		}
		return result;
	} finally {
		store.open = false;
		release(lock);
	}
}

/**
 * Runs a writer in its turn and resolves with what it returned (rejects with what it threw). SQLite: at once
 * when no transaction is open, else as soon as the ones before it have finished; a synchronous writer (its
 * own statements, or its own `db.transaction`) runs whole in one turn, an async one holds the turn until it
 * settles. For writers that must not land inside someone else's transaction (the collab log's group commit,
 * an audit entry written alone). PostgreSQL: at once (each connection of the pool is its own). Inside
 * `transact`, it runs in that transaction at once.
 */
export function exclusive<T>(source: DbSource, work: () => T | Promise<T>): Promise<T> {
	const db = dbOf(source);
	if (isTx(db) || openTxOf(db) || engineOf(db) === 'pg') return runNow(work);
	const lock = lockOf(db);
	if (!lock.held) {
		lock.held = true;
		return inTurn(lock, work);
	}
	return acquire(lock).then(() => inTurn(lock, work));
}

/** Runs `work` holding `lock`, and lets the lock go when it returns (or, when it is async, settles). */
function inTurn<T>(lock: WriteLock, work: () => T | Promise<T>): Promise<T> {
	let result: T | Promise<T>;
	try {
		result = work();
	} catch (err) {
		release(lock);
		return Promise.reject(err);
	}
	if (result instanceof Promise) return result.finally(() => release(lock));
	release(lock);
	return Promise.resolve(result);
}

function runNow<T>(work: () => T | Promise<T>): Promise<T> {
	try {
		return Promise.resolve(work());
	} catch (err) {
		return Promise.reject(err);
	}
}

/** Resolves when every transaction and writer that was waiting has run (shutdown, before closing). */
export function writesSettled(source: DbSource): Promise<void> {
	return exclusive(source, () => undefined);
}

// ---- Small helpers over Drizzle's builders (one row, no rows) ------------------------------------------

/** The first row of a query, or undefined: `await first(db.select()...where(...))`. Adds no LIMIT. */
export async function first<T>(query: PromiseLike<T[]>): Promise<T | undefined> {
	const rows = await query;
	return rows[0];
}

/** Runs one raw SQL statement that returns no rows the caller reads (engine-specific SQL stays in this folder). */
export async function runStatement(db: Db, statement: SQL): Promise<void> {
	if (engineOf(db) === 'pg') await (db as unknown as PgHandle).execute(statement);
	else await db.run(statement);
}

/**
 * A SELECT that, on PostgreSQL, locks the rows it reads and passes over rows another transaction has locked
 * (`FOR UPDATE SKIP LOCKED`): several instances claiming work each take a different row instead of
 * queueing behind one. SQLite has one writer at a time and no row locks: the query as it is.
 */
export function skipLocked<Q>(db: Db, query: Q): Q {
	if (engineOf(db) !== 'pg') return query;
	return (query as unknown as { for: (strength: 'update', config: { skipLocked: boolean }) => Q }).for('update', { skipLocked: true });
}

/**
 * A SELECT that, on PostgreSQL, locks the rows it reads until the transaction ends (`FOR UPDATE`): a second
 * transaction that locks them waits for the first to commit, and then sees what it wrote. For a check and the
 * write it allows ("at most N an hour"), which under PostgreSQL's READ COMMITTED two transactions at once would
 * both pass. SQLite has one writer at a time (BEGIN IMMEDIATE): the query as it is.
 */
export function forUpdate<Q>(db: Db, query: Q): Q {
	if (engineOf(db) !== 'pg') return query;
	return (query as unknown as { for: (strength: 'update') => Q }).for('update');
}

/**
 * How many rows an UPDATE or DELETE (without RETURNING) changed: `await affected(db.update(t).set(…).where(…))`.
 * SQLite reports `changes`, PostgreSQL `rowCount`.
 */
export async function affected(query: PromiseLike<unknown>): Promise<number> {
	const result = (await query) as { changes?: number; rowCount?: number | null };
	return result.changes ?? result.rowCount ?? 0;
}

export { schema };
