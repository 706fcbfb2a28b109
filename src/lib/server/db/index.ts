import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import * as schema from './schema.ts';

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

export { schema };
