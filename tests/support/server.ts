// Starts the real production server (server/index.ts on the built app) on a free port with a throwaway
// database, for integration tests and benchmarks. Needs `npm run build` first (the test command does it).
// The database is a SQLite file in a temporary folder, or, with `{ postgres: <server URL> }`, a PostgreSQL
// database of its own (hearth_test_<random>, dropped by removeServer).
//
// HEARTH_TEST_ENGINE=postgres (`npm run test:integration:postgres`) runs every server a test starts without
// naming its database on PostgreSQL (TEST_DATABASE_URL) and Redis (TEST_REDIS_URL), as a deployment of
// several instances runs: the same integration suite then checks both engines. Each such server gets a
// database of its own and a Redis key prefix of its own (test files run in parallel and must not share
// throttles, refusal counts or bus channels); removeServer drops both.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { createTestDatabase, TEST_DATABASE_URL } from './postgres.ts';
import { TEST_REDIS_URL, dropPrefix, testPrefix } from './redis.ts';

/**
 * What the servers of this test run store their data in (HEARTH_TEST_ENGINE): `sqlite` (the default), or
 * `postgres`, which is PostgreSQL and Redis. Tests about the SQLite file itself skip on `postgres`.
 */
export const testEngine: 'sqlite' | 'postgres' = (() => {
	const engine = process.env.HEARTH_TEST_ENGINE || 'sqlite';
	if (engine !== 'sqlite' && engine !== 'postgres') throw new Error(`HEARTH_TEST_ENGINE must be sqlite or postgres, not ${engine}`);
	return engine;
})();

export type RunningServer = {
	url: string;
	port: number;
	/** The SQLite file (unused when `databaseUrl` is set). */
	dbPath: string;
	/** PostgreSQL: the database this server (and any other instance beside it) runs on. */
	databaseUrl?: string;
	/** PostgreSQL: the HEARTH_SECRET_KEY every instance on that database must share. */
	sealingKey?: string;
	/** PostgreSQL: drops the database (removeServer calls it). */
	dropDatabase?: () => Promise<void>;
	/** Redis (REDIS_URL, REDIS_PREFIX) when the server runs with it: other instances beside it share it. */
	redis?: { url: string; prefix?: string };
	/** The Redis key prefix startServer made for this server (HEARTH_TEST_ENGINE=postgres), deleted by removeServer. */
	ownRedisPrefix?: string;
	dir: string;
	process: ChildProcess;
	output: () => string;
	stop: (signal?: NodeJS.Signals) => Promise<number | null>;
	restart: (signal?: NodeJS.Signals) => Promise<void>;
};

export async function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const srv = createServer();
		srv.once('error', reject);
		srv.listen(0, '127.0.0.1', () => {
			const address = srv.address();
			const port = typeof address === 'object' && address ? address.port : 0;
			srv.close(() => resolve(port));
		});
	});
}

/** Where a test server keeps its data: the SQLite file (`{}`), or a new database on this PostgreSQL server. */
export type ServerDatabase = { postgres?: string };

/**
 * Starts the server with `env` on top of the test defaults. `keep`: the folder and port of a server started
 * before (a restart, or another instance: `env` then carries its DATABASE_URL). `database.postgres`: a
 * PostgreSQL server's URL (TEST_DATABASE_URL) on which a database of the server's own is created, with a
 * HEARTH_SECRET_KEY that other instances started with startAnotherInstance share; `{}`: the SQLite file;
 * not given: the engine of the run (testEngine), where `postgres` also means Redis under a prefix of the
 * server's own (unless `env` names a REDIS_URL). Rejects when the server does not say it is running within
 * 30 s, with its output.
 */
export async function startServer(env: Record<string, string> = {}, keep?: { dir: string; port: number }, database?: ServerDatabase): Promise<RunningServer> {
	const dir = keep?.dir ?? mkdtempSync(join(tmpdir(), 'hearth-test-'));
	const dbPath = join(dir, 'hearth.db');
	const port = keep?.port ?? (await freePort());
	let ownRedisPrefix: string | undefined;
	if (!keep && !database && !env.DATABASE_URL && testEngine === 'postgres') {
		database = { postgres: TEST_DATABASE_URL };
		if (!env.REDIS_URL) {
			ownRedisPrefix = testPrefix();
			env = { ...env, REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: ownRedisPrefix };
		}
	}
	let created: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
	if (database?.postgres && !env.DATABASE_URL) {
		created = await createTestDatabase(database.postgres);
		env = { ...env, DATABASE_URL: created.url, HEARTH_SECRET_KEY: env.HEARTH_SECRET_KEY ?? randomBytes(32).toString('base64') };
	}
	let log = '';
	const child = spawn(process.execPath, ['server/index.ts'], {
		env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATABASE_PATH: dbPath, SIGNIN_THROTTLE: '0', INVITE_LOOKUP_LIMIT: '100000', ANONYMOUS_REFUSAL_LIMIT: '100000', OUTBOX_DIR: join(dir, 'outbox'), ...env },
		stdio: ['ignore', 'pipe', 'pipe']
	});
	child.stdout!.on('data', (d) => (log += d));
	child.stderr!.on('data', (d) => (log += d));
	await new Promise<void>((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`server did not start:\n${log}`)), 30_000);
		const check = () => {
			if (log.includes('Hearth is running')) {
				clearTimeout(timer);
				resolve();
			}
		};
		child.stdout!.on('data', check);
		child.once('exit', (code) => {
			clearTimeout(timer);
			reject(new Error(`server exited with ${code}:\n${log}`));
		});
	}).catch(async (err) => {
		// Nothing of a server that never came up stays behind (its test's afterAll never sees it).
		if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
		if (!keep) {
			rmSync(dir, { recursive: true, force: true });
			await created?.drop().catch(() => undefined);
			if (ownRedisPrefix) await dropPrefix(TEST_REDIS_URL, ownRedisPrefix).catch(() => undefined);
		}
		throw err;
	});
	const stop = (signal: NodeJS.Signals = 'SIGTERM') =>
		new Promise<number | null>((resolve) => {
			if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode);
			child.once('exit', (code) => resolve(code));
			child.kill(signal);
		});
	const server: RunningServer = {
		url: `http://127.0.0.1:${port}`,
		port,
		dbPath,
		databaseUrl: env.DATABASE_URL,
		sealingKey: env.HEARTH_SECRET_KEY,
		dropDatabase: created?.drop,
		redis: env.REDIS_URL ? { url: env.REDIS_URL, prefix: env.REDIS_PREFIX } : undefined,
		ownRedisPrefix,
		dir,
		process: child,
		output: () => log,
		stop: async (signal) => {
			const code = await stop(signal);
			return code;
		},
		restart: async (signal = 'SIGTERM') => {
			// The running process's stop: after a first restart that is the new one's (the first has exited).
			await server.stop(signal);
			const next = await startServer(env, { dir, port });
			Object.assign(server, { process: next.process, output: next.output, stop: next.stop });
		}
	};
	return server;
}

/**
 * A second instance of the app beside `first`: the same database file (SQLite in WAL mode takes two
 * processes), its own port, and `first`'s Redis (REDIS_URL, REDIS_PREFIX) when it has one: give `first` a
 * REDIS_URL (or run on HEARTH_TEST_ENGINE=postgres) for several instances. Stop it before `first`'s files
 * are removed.
 */
export function startAnotherInstance(first: RunningServer, env: Record<string, string> = {}): Promise<RunningServer> {
	// PostgreSQL: the first's database and sealing key (the key file beside a SQLite database is shared by the folder).
	const shared: Record<string, string> = first.databaseUrl ? { DATABASE_URL: first.databaseUrl, HEARTH_SECRET_KEY: first.sealingKey! } : {};
	// Its Redis too, under the same prefix: instances that do not share it are not one deployment.
	if (first.redis) Object.assign(shared, { REDIS_URL: first.redis.url }, first.redis.prefix ? { REDIS_PREFIX: first.redis.prefix } : {});
	return freePort().then((port) => startServer({ ...shared, ...env }, { dir: first.dir, port }));
}

export function removeServerFiles(server: RunningServer): void {
	rmSync(server.dir, { recursive: true, force: true });
}

/**
 * Removes the server's folder and, on PostgreSQL, drops its database (and the Redis keys under the prefix
 * startServer made for it). Stop every instance on it first.
 */
export async function removeServer(server: RunningServer): Promise<void> {
	removeServerFiles(server);
	await server.dropDatabase?.();
	if (server.ownRedisPrefix) await dropPrefix(server.redis!.url, server.ownRedisPrefix);
}
