import { config, sessionPolicy } from './config.ts';
import { first, migrateDatabase, openDatabase, setDatabase, writesSettled, type Db } from './db/index.ts';
import { seedDemo, isEmpty } from './services/seed.ts';
import { users } from './db/schema.ts';
import { eq } from 'drizzle-orm';
import { CollabServer } from './collab/server.ts';
import { setCollabControl } from './collab/registry.ts';
import { flushAnonymousRefusals } from './audit.ts';

export type Hearth = { db: Db; collab: CollabServer; seeded: boolean; hasDemo: boolean; empty: boolean; close: () => Promise<void> };

/**
 * Opens and migrates the database, seeds the demo agency into an empty one (unless HEARTH_DEMO=0), and
 * starts the collab server. Used by the production server (server/index.ts) and by dev mode (vite.config.ts).
 */
export async function bootHearth(): Promise<Hearth> {
	const c = config();
	const db = openDatabase(c.DATABASE_PATH);
	migrateDatabase(db);
	setDatabase(db);
	let seeded = false;
	if (c.HEARTH_DEMO && (await isEmpty(db))) seeded = (await seedDemo(db)) !== null;
	const collab = new CollabServer({
		db,
		sessionPolicy: sessionPolicy(),
		origin: c.ORIGIN,
		unloadMs: c.COLLAB_UNLOAD_MS,
		compactAfter: c.COLLAB_COMPACT_AFTER,
		recheckMs: c.COLLAB_RECHECK_MS,
		restMs: c.COLLAB_REST_MS,
		deflate: c.COLLAB_DEFLATE,
		maxMessageBytes: c.COLLAB_MAX_MESSAGE_BYTES,
		maxDocumentBytes: c.COLLAB_MAX_DOCUMENT_BYTES,
		maxSocketsPerSession: c.COLLAB_MAX_SOCKETS_PER_SESSION,
		pingMs: c.COLLAB_PING_MS
	});
	setCollabControl(collab);
	const hasDemo = (await first(db.select({ id: users.id }).from(users).where(eq(users.email, 'caseworker@demo.test')))) !== undefined;
	const empty = await isEmpty(db);
	return {
		db,
		collab,
		seeded,
		hasDemo,
		empty,
		close: async () => {
			await collab.shutdown();
			setCollabControl(undefined);
			// Refusals still being counted are written now, or the record that they happened would be lost.
			await flushAnonymousRefusals(db);
			// Every transaction and writer still waiting for its turn runs before the database closes.
			await writesSettled(db);
			db.$client.close();
		}
	};
}
