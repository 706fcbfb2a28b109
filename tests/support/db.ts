import { migrateDatabase, openDatabase, type Db } from '../../src/lib/server/db/index.ts';
import type { Actor } from '../../src/lib/domain/policy.ts';
import type { RequestContext } from '../../src/lib/server/services/access.ts';

/** A fresh, migrated in-memory database for unit tests. */
export function testDatabase(): Db {
	const db = openDatabase(':memory:');
	migrateDatabase(db);
	return db;
}

/** A request context for calling services directly: who asks (anonymous unless given), at `now` (ms, UTC). */
export function testContext(db: Db, actor: Actor = { kind: 'anonymous' }, extra: Partial<Omit<RequestContext, 'db' | 'actor'>> = {}): RequestContext {
	return { db, actor, sessionId: null, clientAddress: null, now: Date.now(), ...extra };
}
