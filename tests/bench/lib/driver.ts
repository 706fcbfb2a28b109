// The load driver runs in its own process (lib/driver-main.ts), so that the clients' CPU is not the
// orchestrator's and each client library gets its own Yjs. This side starts it and reads its result.
import { spawn } from 'node:child_process';
import type { KitName } from './kit.ts';
import type { LoopDelay, MemoryUsage } from './inspect.ts';
import type { Summary } from './stats.ts';

type Common = {
	kit: KitName;
	httpUrl: string;
	/** Session cookies to spread over the sockets (empty for the peers). */
	cookies: string[];
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
};

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
};

export type MemoryDoc = { name: string; kind: 'meeting' | 'plan'; seed: number };

export type MemoryConfig = Common & {
	mode: 'memory';
	docs: MemoryDoc[];
	clientsPerDoc: number;
	/** How long to wait after the last client left before measuring again (the server's unload delay). */
	unloadWaitMs: number;
	/** Expression counting the documents the server holds (see Target.loadedDocs). */
	loadedDocs: string;
};

export type MemoryResult = {
	docs: number;
	encodedBytes: number;
	baseline: MemoryUsage;
	open: MemoryUsage;
	afterLeave: MemoryUsage;
	loadSeconds: number;
	loadedWhileOpen: number;
	loadedAfterLeave: number;
};

export type DriverConfig = LoadConfig | MemoryConfig;

/** Runs the driver process with `config`; its progress goes to stderr, its result is the last stdout line. */
export function runDriver(config: LoadConfig): Promise<LoadResult>;
export function runDriver(config: MemoryConfig): Promise<MemoryResult>;
export function runDriver(config: DriverConfig): Promise<LoadResult | MemoryResult> {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, ['--expose-gc', 'tests/bench/lib/driver-main.ts'], {
			env: { ...process.env, NODE_OPTIONS: '', BENCH_DRIVER_CONFIG: JSON.stringify(config) },
			stdio: ['ignore', 'pipe', 'inherit']
		});
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
}
