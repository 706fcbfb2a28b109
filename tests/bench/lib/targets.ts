// The servers under test, each started fresh on 127.0.0.1 with Node's inspector on (for memory and
// event-loop figures taken the same way for all): Hearth as `npm start` runs it (server/index.ts on the
// build, throwaway database, demo seed), the y-websocket 1.5.4 reference server (bin/server.js), and
// Hocuspocus 4 with debounced persistence (tests/bench/peers/hocuspocus-server.mjs).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort, removeServer, startServer, type RunningServer, type ServerDatabase } from '../../support/server.ts';
import { signIn } from '../../support/clients.ts';
import { inspectorUrl } from './inspect.ts';
import { authorIds, BENCH_STAFF, demoMeeting, seedCases, storeDocuments, type Seeded } from './seed.ts';
import type { KitName } from './kit.ts';

export type TargetName = 'hearth' | 'y-websocket' | 'hocuspocus';

export type Target = {
	name: TargetName;
	httpUrl: string;
	kit: KitName;
	inspector: string;
	/** Session cookies to spread over the sockets (Hearth only; the peers have no sign-in). */
	cookies: string[];
	/** The `u:<userId>` of each cookie's person, for what a client writes in its own name (Hearth only). */
	authors: string[];
	/** Hearth only: session cookies of the meetings' facilitator, who moves the stage (agenda endpoint). */
	runCookies: string[];
	/** Hearth only: stores documents' whole state before any client opens them (seed.ts storeDocuments). */
	store?(docs: readonly { name: string; update: Uint8Array }[]): Promise<void>;
	/** An expression that, evaluated in the server, counts the documents it holds in memory. */
	loadedDocs: string;
	/** Hearth only: how long an untouched open document takes to rest, and how to count resting ones. */
	resting?: { ms: number; count: string };
	/** Adds documents the clients may open: `cases` cases of `meetingsPerCase` meetings each. */
	seed(cases: number, meetingsPerCase: number): Seeded | Promise<Seeded>;
	stop(): Promise<void>;
};

export const BUILD_DIR = process.env.HEARTH_BUILD_DIR ?? 'build';
const PEERS_DIR = resolve('tests/bench/peers');

export function requireBuild(): void {
	if (!existsSync(join(BUILD_DIR, 'handler.js'))) {
		throw new Error(`No build in ${BUILD_DIR}/: run \`npm run build\` first (the bench:* scripts do).`);
	}
}

/** Installs the peers' own package (never the app's dependencies) when it is missing. */
export function ensurePeers(): void {
	if (existsSync(join(PEERS_DIR, 'node_modules', '@hocuspocus', 'server')) && existsSync(join(PEERS_DIR, 'node_modules', 'y-websocket', 'bin', 'server.js'))) return;
	console.error('Installing the peer servers into tests/bench/peers/node_modules …');
	const r = spawnSync('npm', ['install', '--prefix', PEERS_DIR, '--no-audit', '--no-fund'], { stdio: 'inherit' });
	if (r.status !== 0) throw new Error('npm install --prefix tests/bench/peers failed');
}

const INSPECT = '--inspect=127.0.0.1:0';

/**
 * Hearth with the demo seed. `env` overrides (e.g. COLLAB_UNLOAD_MS). `database`: `{ postgres: url }` runs it
 * on a new database on that PostgreSQL server (dropped at stop) instead of a SQLite file.
 */
export async function startHearth(env: Record<string, string> = {}, sessions = 64, database: ServerDatabase = {}): Promise<Target & { server: RunningServer }> {
	requireBuild();
	const server = await startServer({ HEARTH_DEMO: '1', NODE_OPTIONS: INSPECT, HEARTH_BUILD_DIR: BUILD_DIR, ...env }, undefined, database);
	const inspector = await waitForInspector(() => server.output());
	// Real sessions, each reused by many sockets (as several tabs of one person would): enough that 150
	// meetings × 8 people stay within COLLAB_MAX_SOCKETS_PER_SESSION (20) and the opens a minute (120).
	const cookies: string[] = [];
	for (let i = 0; i < sessions; i++) cookies.push(await signIn(server.url, BENCH_STAFF[i % BENCH_STAFF.length]));
	const database_ = server.databaseUrl ?? server.dbPath;
	const staffAuthors = await authorIds(database_, BENCH_STAFF);
	const authors = cookies.map((_, i) => staffAuthors[i % BENCH_STAFF.length]);
	// The facilitator's own sessions, apart from the participants': each meeting's facilitator page holds one
	// more socket (its stage moves go over it), and 150 of them must stay within the same per-session limits.
	const runCookies: string[] = [];
	for (let i = 0; i < Math.ceil(sessions / 4); i++) runCookies.push(await signIn(server.url, 'facilitator@demo.test'));
	return {
		name: 'hearth',
		httpUrl: server.url,
		kit: 'y-websocket',
		inspector,
		cookies,
		authors,
		runCookies,
		store: (docs) => storeDocuments(database_, docs),
		// The running CollabServer (src/lib/server/collab/registry.ts) and its rooms.
		loadedDocs: `globalThis[Symbol.for('hearth.collab')].rooms.size`,
		// COLLAB_REST_MS (default 30 s) after the last edit, plus the timer's own lag.
		resting: {
			ms: Number(env.COLLAB_REST_MS ?? 30_000) + 3000,
			count: `[...globalThis[Symbol.for('hearth.collab')].rooms.values()].filter((r) => r.isResting).length`
		},
		server,
		seed: (cases, meetingsPerCase) => seedCases(server.databaseUrl ?? server.dbPath, cases, meetingsPerCase),
		stop: async () => {
			await server.stop();
			await removeServer(server);
		}
	};
}

export { demoMeeting };

type Peer = { process: ChildProcess; output: () => string; url: string };

async function startPeer(args: string[], env: Record<string, string>, ready: RegExp): Promise<Peer> {
	const port = await freePort();
	let log = '';
	const child = spawn(process.execPath, [INSPECT, ...args], {
		env: { ...process.env, NODE_OPTIONS: '', HOST: '127.0.0.1', PORT: String(port), ...env },
		stdio: ['ignore', 'pipe', 'pipe']
	});
	child.stdout!.on('data', (d) => (log += d));
	child.stderr!.on('data', (d) => (log += d));
	await new Promise<void>((resolveReady, reject) => {
		const timer = setTimeout(() => reject(new Error(`peer did not start:\n${log}`)), 30_000);
		const check = () => {
			if (ready.test(log)) {
				clearTimeout(timer);
				child.off('exit', onExit);
				resolveReady();
			}
		};
		const onExit = (code: number | null) => {
			clearTimeout(timer);
			reject(new Error(`peer exited with ${code}:\n${log}`));
		};
		child.stdout!.on('data', check);
		child.once('exit', onExit);
	});
	return { process: child, output: () => log, url: `http://127.0.0.1:${port}` };
}

function stopChild(child: ChildProcess): Promise<void> {
	return new Promise((done) => {
		if (child.exitCode !== null || child.signalCode !== null) return done();
		const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
		child.once('exit', () => {
			clearTimeout(timer);
			done();
		});
		child.kill('SIGTERM');
	});
}

/** Documents for the peers: they accept any name, so the names just follow Hearth's shape. */
function peerSeed(cases: number, meetingsPerCase: number): Seeded {
	const id = (prefix: string, i: number) => `${prefix}${String(i).padStart(20, 'a')}`.slice(0, 24);
	const seeded: Seeded = { caseIds: [], meetingIds: [] };
	peerSeq++;
	for (let c = 0; c < cases; c++) {
		seeded.caseIds.push(id(`c${peerSeq}x`, c));
		for (let m = 0; m < meetingsPerCase; m++) seeded.meetingIds.push(id(`m${peerSeq}x`, c * meetingsPerCase + m));
	}
	return seeded;
}
let peerSeq = 0;

export async function startReference(): Promise<Target> {
	ensurePeers();
	const peer = await startPeer([join(PEERS_DIR, 'node_modules', 'y-websocket', 'bin', 'server.js')], {}, /running at/);
	return {
		name: 'y-websocket',
		httpUrl: peer.url,
		kit: 'y-websocket',
		inspector: await waitForInspector(peer.output),
		cookies: [],
		authors: [],
		runCookies: [],
		// bin/server.js keeps its documents in utils.js's `docs` map.
		loadedDocs: `process.mainModule.require('./utils.js').docs.size`,
		seed: peerSeed,
		stop: () => stopChild(peer.process)
	};
}

export async function startHocuspocus(): Promise<Target> {
	ensurePeers();
	const dir = mkdtempSync(join(tmpdir(), 'hearth-bench-hocuspocus-'));
	const peer = await startPeer([join(PEERS_DIR, 'hocuspocus-server.mjs')], { DATABASE_PATH: join(dir, 'hocuspocus.db') }, /hocuspocus running/);
	return {
		name: 'hocuspocus',
		httpUrl: peer.url,
		kit: 'hocuspocus',
		inspector: await waitForInspector(peer.output),
		cookies: [],
		authors: [],
		runCookies: [],
		// hocuspocus-server.mjs puts its Server on globalThis for this.
		loadedDocs: `globalThis.hocuspocusBench.hocuspocus.documents.size`,
		seed: peerSeed,
		stop: async () => {
			await stopChild(peer.process);
			rmSync(dir, { recursive: true, force: true });
		}
	};
}

export async function startTarget(name: TargetName, env: Record<string, string> = {}): Promise<Target> {
	if (name === 'hearth') return startHearth(env);
	if (name === 'y-websocket') return startReference();
	return startHocuspocus();
}

async function waitForInspector(output: () => string): Promise<string> {
	for (let i = 0; i < 100; i++) {
		const url = inspectorUrl(output());
		if (url) return url;
		await new Promise((r) => setTimeout(r, 50));
	}
	throw new Error(`no inspector address in the server's output:\n${output()}`);
}
