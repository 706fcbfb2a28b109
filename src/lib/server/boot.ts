import { config, sessionPolicy } from './config.ts';
import { closeDatabase, first, migrateDatabase, openDatabase, openPostgres, setDatabase, writesSettled, type Db, tablesOf } from './db/index.ts';
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
import { decisionReview } from './services/decision.ts';
import { meetingSummaryJob } from './services/meeting-summary.ts';
import { meetingNotice } from './services/meeting-notices.ts';
import { runAgendaOnDocument } from './services/agenda.ts';
import { askForBreak } from './services/safety-break.ts';
import { sendMessage } from './notify/index.ts';
import { openRedis, setRedis, type RedisLink } from './redis/connection.ts';
import { RedisBus } from './redis/bus.ts';
import { ClusterControl } from './redis/control.ts';

/** `redis`: what instances share, when REDIS_URL is set. */
export type Hearth = { db: Db; redis: RedisLink | undefined; collab: CollabServer; jobs: JobRunner; seeded: boolean; hasDemo: boolean; empty: boolean; close: () => Promise<void> };

/**
 * Opens and migrates the database (PostgreSQL at DATABASE_URL, else the SQLite file at DATABASE_PATH), seeds the demo agency into an empty one (unless HEARTH_DEMO=0), and
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
	const db = c.DATABASE_URL ? openPostgres(c.DATABASE_URL) : openDatabase(c.DATABASE_PATH);
	await migrateDatabase(db);
	setDatabase(db);
	// Before anything is queued: the key sealing what waits in the jobs table (messages hold sign-in links).
	if (c.DATABASE_URL && !c.HEARTH_SECRET_KEY) {
		console.warn('PostgreSQL without HEARTH_SECRET_KEY: the key is kept in a file beside DATABASE_PATH on this machine. Several instances must share one HEARTH_SECRET_KEY, or they cannot read each other\'s queued messages.');
	}
	useSealingKey(loadSecretKey({ secretKey: c.HEARTH_SECRET_KEY, databasePath: c.DATABASE_PATH }));
	let seeded = false;
	try {
		if (c.HEARTH_DEMO && (await isEmpty(db))) seeded = (await seedDemo(db)) !== null;
	} catch (err) {
		// Two instances started at once on one empty PostgreSQL database: the other one seeded it (its rows
		// refused ours by their unique keys). Anything else is a real failure.
		if (await isEmpty(db)) throw err;
	}
	const collab = new CollabServer({
		db,
		sessionPolicy: sessionPolicy(),
		origin: c.ORIGIN,
		unloadMs: c.COLLAB_UNLOAD_MS,
		compactAfter: c.COLLAB_COMPACT_AFTER,
		recheckMs: c.COLLAB_RECHECK_MS,
		restMs: c.COLLAB_REST_MS,
		deflate: c.COLLAB_DEFLATE,
		commitThread: c.COLLAB_COMMIT_THREAD,
		maxMessageBytes: c.COLLAB_MAX_MESSAGE_BYTES,
		maxDocumentBytes: c.COLLAB_MAX_DOCUMENT_BYTES,
		maxSocketsPerSession: c.COLLAB_MAX_SOCKETS_PER_SESSION,
		pingMs: c.COLLAB_PING_MS,
		bus: link ? new RedisBus(link) : undefined,
		// What a page may send over a document's socket instead of posting its form (collab-protocol.ts).
		actions: (ctx, docId, action, fields) => {
			switch (action) {
				case 'agenda':
					return runAgendaOnDocument(ctx, docId, fields);
				case 'break':
					return askForBreak(ctx, docId);
			}
		}
	});
	// The first edit after a start should not wait for the commit thread to open the database.
	await collab.ready;
	// Sign-outs, revocations and access changes reach every instance's sockets (redis/control.ts).
	const control = link ? new ClusterControl(collab, link) : undefined;
	await control?.start();
	setCollabControl(control ?? collab);
	// The runner has a connection of its own: it sees only what has committed, so a job queued in a
	// transaction that is still open (or is rolled back) is never claimed, and its statements never land
	// inside someone else's transaction on the shared connection (on PostgreSQL: a small pool of its own,
	// which a request's open transaction is never joined to). An in-memory database has one connection.
	const jobsDb = c.DATABASE_URL ? openPostgres(c.DATABASE_URL, { max: 3 }) : c.DATABASE_PATH === ':memory:' ? db : openDatabase(c.DATABASE_PATH);
	const jobs = new JobRunner({ db: jobsDb, jobs: [sendMessage, sweepExpired, decisionReview, meetingSummaryJob, meetingNotice], pollMs: c.JOBS_POLL_MS, concurrency: c.JOBS_CONCURRENCY });
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
