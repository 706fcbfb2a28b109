import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import * as schema from './schema.ts';

// The one way into the database. Services write dialect-neutral Drizzle and `await` the query builders;
// everything that depends on the engine (opening it, pragmas, migrations, transactions, `.get()`-style
// execution) stays in this folder, so that another engine (PostgreSQL) can stand in here alone.

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

// One connection per process, shared by the custom server (plain Node) and the SvelteKit bundle, which
// each have their own copy of this module: the handle lives on globalThis.
const KEY = Symbol.for('hearth.db');
type Holder = { [KEY]?: Db };

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

export function migrateDatabase(db: Db, migrationsFolder = resolve(process.cwd(), 'drizzle')): void {
	migrate(db, { migrationsFolder });
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

// ---- Transactions on one connection -------------------------------------------------------------------
//
// better-sqlite3 is synchronous and has one connection: a transaction that spans `await`s would take in
// every write that other code makes meanwhile (another request, the collab log's group commit, an audit
// entry), and a second BEGIN would fail. So every writer takes turns through one lock per handle:
// `transact` holds it from BEGIN IMMEDIATE to COMMIT or ROLLBACK, and `exclusive` runs a synchronous
// writer at once when nobody holds it, else right after. Reads need no turn (they see the connection's
// state, an open transaction's writes included). Keep transactions to database work: no network, no
// password hashing, no messages, or every writer waits for them.

/** A handle inside an open transaction (the same connection; `transact` on it joins that transaction). */
export type Tx = Db & { readonly [IN_TX]: true };
const IN_TX = Symbol.for('hearth.db.in-transaction');

/** Anything that carries the database: a handle, a transaction, or a request context. */
export type DbSource = Db | { db: Db };

type WriteLock = { held: boolean; waiters: (() => void)[]; open: AsyncLocalStorage<Tx> };
const LOCK = Symbol.for('hearth.db.write-lock');

function lockOf(db: Db): WriteLock {
	const root = rootOf(db) as Db & { [LOCK]?: WriteLock };
	// On the handle itself: both copies of this module (custom server, SvelteKit bundle) find the same lock.
	return (root[LOCK] ??= { held: false, waiters: [], open: new AsyncLocalStorage<Tx>() });
}

/** The process's handle behind `db` (itself, or the handle a transaction runs on). */
export function rootOf(db: Db): Db {
	return isTx(db) ? (Object.getPrototypeOf(db) as Db) : db;
}

function dbOf(source: DbSource): Db {
	return 'db' in source && !('$client' in source) ? source.db : (source as Db);
}

/** Whether `db` is a handle inside an open transaction. */
export function isTx(db: Db): db is Tx {
	return (db as Partial<Tx>)[IN_TX] === true;
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
 * Runs `work` in one transaction: waits its turn for the write lock, BEGIN IMMEDIATE, then COMMIT when
 * `work` resolves, or ROLLBACK and rethrow when it throws. Inside, pass the `tx` it gives down: `transact`
 * on a `tx` (or called from inside `work` with the plain handle) joins the open transaction instead of
 * waiting for itself. A result `{ ok: false }` is still committed (a refusal and its audit entry stay).
 */
export async function transact<T>(source: DbSource, work: (tx: Tx) => Promise<T> | T): Promise<T> {
	const db = dbOf(source);
	if (isTx(db)) return work(db);
	const lock = lockOf(db);
	const open = lock.open.getStore();
	if (open && Object.getPrototypeOf(open) === db) return work(open);
	await acquire(lock);
	const tx = Object.create(db, { [IN_TX]: { value: true } }) as Tx;
	try {
		db.$client.exec('BEGIN IMMEDIATE');
		let result: T;
		try {
			result = await lock.open.run(tx, () => work(tx));
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
		release(lock);
	}
}

/**
 * Runs a synchronous writer (its own statements, or its own `db.transaction`) in its turn: at once when no
 * transaction is open, else as soon as the ones before it have finished. For writers that cannot be async
 * (the collab log's group commit, an audit entry written alone). Inside `transact`, it runs in that
 * transaction at once. Resolves with what `work` returned, rejects with what it threw.
 */
export function exclusive<T>(source: DbSource, work: () => T): Promise<T> {
	const db = dbOf(source);
	if (isTx(db)) return runNow(work);
	const lock = lockOf(db);
	const open = lock.open.getStore();
	if (!lock.held || (open && Object.getPrototypeOf(open) === db)) return runNow(work);
	return acquire(lock).then(() => {
		try {
			return work();
		} finally {
			release(lock);
		}
	});
}

function runNow<T>(work: () => T): Promise<T> {
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

export { schema };
