import { config, sessionPolicy } from './config.ts';
import { closeDatabase, first, migrateDatabase, openDatabase, setDatabase, writesSettled, type Db, tablesOf } from './db/index.ts';
import { seedDemo, isEmpty } from './services/seed.ts';
import { eq } from 'drizzle-orm';
import { CollabServer } from './collab/server.ts';
import { setCollabControl } from './collab/registry.ts';
import { flushAnonymousRefusals } from './audit.ts';
import { enableTestClock } from './clock.ts';
import { useSealingKey } from './jobs/index.ts';
import { JobRunner } from './jobs/runner.ts';
import { loadSecretKey } from './jobs/sealed.ts';
import { sweepExpired } from './jobs/sweeps.ts';
import { sendMessage } from './notify/index.ts';
import { openRedis, setRedis, type RedisLink } from './redis/connection.ts';
import { RedisBus } from './redis/bus.ts';
import { ClusterControl } from './redis/control.ts';

/** `redis`: what instances share, when REDIS_URL is set. */
export type Hearth = { db: Db; redis: RedisLink | undefined; collab: CollabServer; jobs: JobRunner; seeded: boolean; hasDemo: boolean; empty: boolean; close: () => Promise<void> };

/**
 * Why DATABASE_URL is refused for now. The data layer (src/lib/server/db: schema, migrations, transact, the
 * audit chain) runs on PostgreSQL, but three stores still use SQLite's synchronous API and a connection of
 * their own: the collab update log's group commit, the Yjs client-id owners and the jobs runner's claims.
 * Serving on PostgreSQL before they move would write some of Hearth's data in one engine and some in the
 * other, so Hearth does not start rather than half-work.
 */
export const POSTGRES_NOT_YET =
	'DATABASE_URL is set, but Hearth cannot run on PostgreSQL yet: the collab update log, the document client ids and the jobs runner still need the SQLite file (issue 19). Unset DATABASE_URL to use the SQLite file at DATABASE_PATH.';

/**
 * Opens and migrates the database, seeds the demo agency into an empty one (unless HEARTH_DEMO=0), and
 * starts the collab server and the jobs runner (messages, expiry sweeps). With REDIS_URL, connects to Redis
 * first (refusing to start if it does not answer): the collab bus, sign-in throttles, look-up limits and
 * control messages are then shared with the other instances. Used by the production server
 * (server/index.ts) and by dev mode (vite.config.ts).
 */
export async function bootHearth(): Promise<Hearth> {
	const c = config();
	if (c.HEARTH_TEST_CLOCK) {
		enableTestClock();
		console.warn('HEARTH_TEST_CLOCK=1: the clock can be moved from this machine (POST /__test/clock). Never use this in production.');
	}
	if (c.DATABASE_URL) throw new Error(POSTGRES_NOT_YET);
	// Before anything counts a try or opens a document: they pick the shared versions when Redis is set.
	const link = c.REDIS_URL ? openRedis(c.REDIS_URL, c.REDIS_PREFIX) : undefined;
	if (link) {
		try {
			await link.ping(10_000);
		} catch (err) {
			await link.close();
			throw new Error(`Redis (REDIS_URL) does not answer: ${err instanceof Error ? err.message : err}`);
		}
		setRedis(link);
	}
	const db = openDatabase(c.DATABASE_PATH);
	await migrateDatabase(db);
	setDatabase(db);
	// Before anything is queued: the key sealing what waits in the jobs table (messages hold sign-in links).
	useSealingKey(loadSecretKey({ secretKey: c.HEARTH_SECRET_KEY, databasePath: c.DATABASE_PATH }));
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
		pingMs: c.COLLAB_PING_MS,
		bus: link ? new RedisBus(link) : undefined
	});
	// Sign-outs, revocations and access changes reach every instance's sockets (redis/control.ts).
	const control = link ? new ClusterControl(collab, link) : undefined;
	await control?.start();
	setCollabControl(control ?? collab);
	// The runner has a connection of its own: it sees only what has committed, so a job queued in a
	// transaction that is still open (or is rolled back) is never claimed, and its statements never land
	// inside someone else's transaction on the shared connection. (An in-memory database has one connection.)
	const jobsDb = c.DATABASE_PATH === ':memory:' ? db : openDatabase(c.DATABASE_PATH);
	const jobs = new JobRunner({ db: jobsDb, jobs: [sendMessage, sweepExpired], pollMs: c.JOBS_POLL_MS, concurrency: c.JOBS_CONCURRENCY });
	jobs.start();
	const { users } = tablesOf(db);
	const hasDemo = (await first(db.select({ id: users.id }).from(users).where(eq(users.email, 'caseworker@demo.test')))) !== undefined;
	const empty = await isEmpty(db);
	return {
		db,
		redis: link,
		collab,
		jobs,
		seeded,
		hasDemo,
		empty,
		close: async () => {
			// A message being handed over finishes (or is given back for the next start): nothing queued is lost.
			await jobs.stop();
			if (jobsDb !== db) await closeDatabase(jobsDb);
			control?.stop();
			await collab.shutdown();
			setCollabControl(undefined);
			// Refusals still being counted are written now, or the record that they happened would be lost.
			await flushAnonymousRefusals(db);
			// Every transaction and writer still waiting for its turn runs before the database closes.
			await writesSettled(db);
			await closeDatabase(db);
			if (link) {
				setRedis(undefined);
				await link.close();
			}
		}
	};
}
