// The load driver runs in its own process (lib/driver-main.ts), so that the clients' CPU is not the
// orchestrator's and each client library gets its own Yjs. This side starts it and reads its result.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KitName } from './kit.ts';
import type { LoopDelay, MemoryUsage } from './inspect.ts';
import { summarize, type Summary } from './stats.ts';

type Common = {
	kit: KitName;
	httpUrl: string;
	/** Session cookies to spread over the sockets (empty for the peers). */
	cookies: string[];
	/** The `u:<userId>` of each cookie's person, for cards a client adds in its own name (empty: the peers check no author). */
	authors: string[];
	/** The server's inspector (memory, event-loop delay, CPU). */
	inspector: string;
	/** How many sockets connect at once while the load is set up. */
	connectConcurrency?: number;
};

export type LoadConfig = Common & {
	mode: 'load';
	/** Document names, one per meeting. */
	docs: string[];
	participants: number;
	/** Updates per second per participant. */
	rate: number;
	warmupSeconds: number;
	seconds: number;
	/** Evaluated in the server when the measured window starts, and when it ends (its value is returned). */
	probe?: { start: string; end: string };
	/**
	 * When set, the facilitator moves each meeting's stage every `everyMs` (first at a random phase), over a
	 * socket of its own on the meeting signed in with one of `runCookies`, as the meeting page sends it (a
	 * socket action; the server writes the agenda: doc-kinds.ts), and every participant's screen is timed
	 * from the send to the new stage in its document.
	 */
	stageMoves?: { everyMs: number; runCookies: string[] };
	/** Set by runLoad() when the load is split over several driver processes. */
	shard?: { index: number; count: number; samplesFile: string };
};

/** Stage moves of a load: how many were asked for, refused or failed, never seen by a participant, and how long each took to reach each screen. */
export type StageMoveResult = { moves: number; errors: number; lost: number; latency: Summary };

export type LoadResult = {
	meetings: number;
	participants: number;
	clients: number;
	connectSeconds: number;
	/** Updates sent during the measured window, and per second. */
	sent: number;
	sentPerSecond: number;
	/** Sends that came later than one interval after their schedule (a saturated driver). */
	lateSends: number;
	latency: Summary;
	/** Deliveries still missing when the clients went quiet (every client must hold every update). */
	lost: number;
	/** Documents whose clients did not converge to the same text. */
	diverged: number;
	server: { loop: LoopDelay; cpuPercent: number; memory: MemoryUsage };
	driver: { loop: LoopDelay; cpuPercent: number };
	/** The value of `probe.end`, when given. */
	probe?: unknown;
	/** With `stageMoves`: the stage moves' figures (`latency` timed per participant screen). */
	stageMoves?: StageMoveResult;
	/** How many driver processes shared the load. */
	drivers: number;
};

/**
 * A document the memory benchmark opens: its content is built from `seed` (meeting-content.ts, docs.ts);
 * `preloaded`: already in the server's store (Target.store), so the first client brings nothing.
 */
export type MemoryDoc = { name: string; kind: 'meeting' | 'plan'; seed: number; preloaded?: boolean };

export type MemoryConfig = Common & {
	mode: 'memory';
	docs: MemoryDoc[];
	clientsPerDoc: number;
	/** How long to wait after the last client left before measuring again (the server's unload delay). */
	unloadWaitMs: number;
	/** Expression counting the documents the server holds (see Target.loadedDocs). */
	loadedDocs: string;
	/**
	 * When set: after measuring the open documents (just written, so live), wait this long with every
	 * client still connected and measure again (Hearth rests documents nobody typed into: see Room).
	 */
	restWait?: { ms: number; resting: string };
};

export type MemoryResult = {
	docs: number;
	encodedBytes: number;
	baseline: MemoryUsage;
	open: MemoryUsage;
	/** Still open, nobody typing for restWait.ms (when asked for). */
	openResting?: MemoryUsage;
	restingDocs?: number;
	afterLeave: MemoryUsage;
	loadSeconds: number;
	loadedWhileOpen: number;
	loadedAfterLeave: number;
};

export type DriverConfig = LoadConfig | MemoryConfig;

/** The driver's JavaScript heap: a young generation large enough that a thousand providers do not spend
 * a quarter of their time in scavenges (measured: load generator event-loop p99 247 → 59 ms). */
const DRIVER_FLAGS = ['--expose-gc', '--max-semi-space-size=64'];

function spawnDriver(config: DriverConfig): { child: ChildProcess; result: Promise<unknown> } {
	// BENCH_CPU_PROF=<dir>: a V8 CPU profile of each driver process (open it in Chrome's DevTools).
	const prof = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
	const child = spawn(process.execPath, [...DRIVER_FLAGS, ...prof, 'tests/bench/lib/driver-main.ts'], {
		env: { ...process.env, NODE_OPTIONS: '', BENCH_DRIVER_CONFIG: JSON.stringify(config) },
		stdio: ['pipe', 'pipe', 'inherit']
	});
	const result = new Promise<unknown>((resolve, reject) => {
		let out = '';
		child.stdout!.on('data', (d) => (out += d));
		child.once('error', reject);
		child.once('exit', (code) => {
			const last = out.trim().split('\n').at(-1) ?? '';
			if (code !== 0) return reject(new Error(`load driver exited with ${code}\n${out}`));
			try {
				resolve(JSON.parse(last));
			} catch {
				reject(new Error(`load driver printed no result:\n${out}`));
			}
		});
	});
	return { child, result };
}

/** Opens documents with realistic content in a driver process and reads the server's memory. */
export function runMemory(config: MemoryConfig): Promise<MemoryResult> {
	const { child, result } = spawnDriver(config);
	child.stdin!.end();
	return result as Promise<MemoryResult>;
}

/**
 * Runs a load over `drivers` processes (the meetings dealt out between them): one process cannot drive a
 * thousand real providers on this machine. They connect, wait at a barrier, and start together; the first
 * one also takes the server's figures. Latency samples are merged, not averaged.
 */
export async function runLoad(config: LoadConfig, drivers = 1): Promise<LoadResult> {
	const count = Math.max(1, Math.min(drivers, config.docs.length));
	const dir = mkdtempSync(join(tmpdir(), 'hearth-bench-samples-'));
	try {
		const shards = Array.from({ length: count }, (_, index) =>
			spawnDriver({
				...config,
				docs: config.docs.filter((_, i) => i % count === index),
				probe: index === 0 ? config.probe : undefined,
				shard: { index, count, samplesFile: join(dir, `samples-${index}.f64`) }
			})
		);
		// The barrier: every driver has connected all of its sockets.
		await Promise.all(
			shards.map(
				({ child }) =>
					new Promise<void>((resolve, reject) => {
						let seen = '';
						const onData = (d: Buffer) => {
							seen += d;
							if (seen.includes('READY\n')) {
								child.stdout!.off('data', onData);
								resolve();
							}
						};
						child.stdout!.on('data', onData);
						child.once('exit', (code) => reject(new Error(`load driver exited with ${code} before it was ready`)));
					})
			)
		);
		for (const { child } of shards) child.stdin!.end('GO\n');
		const results = (await Promise.all(shards.map((s) => s.result))) as LoadResult[];
		const samples = results.flatMap((_, i) => {
			const bytes = readFileSync(join(dir, `samples-${i}.f64`));
			return Array.from(new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)));
		});
		const moveSamples = results.flatMap((r, i) => {
			if (!r.stageMoves) return [];
			const bytes = readFileSync(join(dir, `samples-${i}.f64.moves`));
			return Array.from(new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)));
		});
		const leader = results[0];
		const slowest = results.reduce((a, b) => (b.driver.loop.p99 > a.driver.loop.p99 ? b : a));
		const sum = (f: (r: LoadResult) => number) => results.reduce((n, r) => n + f(r), 0);
		return {
			...leader,
			meetings: sum((r) => r.meetings),
			clients: sum((r) => r.clients),
			connectSeconds: Math.max(...results.map((r) => r.connectSeconds)),
			sent: sum((r) => r.sent),
			sentPerSecond: sum((r) => r.sentPerSecond),
			lateSends: sum((r) => r.lateSends),
			latency: summarize(samples),
			lost: sum((r) => r.lost),
			diverged: sum((r) => r.diverged),
			driver: { loop: slowest.driver.loop, cpuPercent: sum((r) => r.driver.cpuPercent) },
			stageMoves: leader.stageMoves
				? { moves: sum((r) => r.stageMoves?.moves ?? 0), errors: sum((r) => r.stageMoves?.errors ?? 0), lost: sum((r) => r.stageMoves?.lost ?? 0), latency: summarize(moveSamples) }
				: undefined,
			drivers: count
		};
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}
