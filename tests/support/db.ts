import { migrateDatabase, openDatabase, type Db } from '../../src/lib/server/db/index.ts';

/** A fresh, migrated in-memory database for unit tests. */
export function testDatabase(): Db {
	const db = openDatabase(':memory:');
	migrateDatabase(db);
	return db;
}
