// The load driver process (started by lib/driver.ts): real providers, one per participant, against one
// server. Config in BENCH_DRIVER_CONFIG; progress on stderr; the result as JSON on the last stdout line.
//
// load: every participant sends `rate` updates a second: a word typed at the end of its own line of the
//   meeting's notes (an XmlText in the `notes` fragment, as the editor writes text; Hearth takes changes
//   only in the roots a document's kind declares). The line starts with `<run>-<k>:`, so the word count
//   after it is the sender's sequence number. Every other participant of the meeting records how long after
//   the send it saw that number: propagation through the server, on one clock. Yjs applies one client's
//   updates in order, so seeing number n means every earlier one arrived too (a server that merges updates
//   into one message is timed per update). At the end every client must hold every participant's last
//   number (no lost update) and the same text.
// memory: opens documents with realistic content (two clients each) and reads the server's memory.
import WebSocket from 'ws';
import { writeFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type * as YNamespace from 'yjs';
import { loadKit, type BenchClient, type ClientKit } from './kit.ts';
import { Inspector, type LoopDelay, type MemoryUsage } from './inspect.ts';
import { Samples, summarize, sleep } from './stats.ts';
import { docBuilders } from './docs.ts';
import type { DriverConfig, LoadConfig, LoadResult, MemoryConfig, MemoryDoc, MemoryResult } from './driver.ts';

const config = JSON.parse(process.env.BENCH_DRIVER_CONFIG ?? 'null') as DriverConfig | null;
if (!config) throw new Error('BENCH_DRIVER_CONFIG is not set');

// Each y-websocket provider adds a process 'exit' listener in Node: a thousand providers are expected here.
process.setMaxListeners(0);

const log = (message: string) => process.stderr.write(`  [${config.kit}] ${message}\n`);

/** Runs `tasks` with at most `limit` in flight. */
async function pool<T>(items: readonly T[], limit: number, task: (item: T, index: number) => Promise<void>): Promise<void> {
	let next = 0;
	const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
		while (next < items.length) {
			const i = next++;
			await task(items[i], i);
		}
	});
	await Promise.all(workers);
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
	let timer: ReturnType<typeof setTimeout>;
	return Promise.race([
		promise.finally(() => clearTimeout(timer)),
		new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), ms)))
	]);
}

async function cpu(inspector: Inspector): Promise<{ user: number; system: number; at: number }> {
	const usage = await inspector.evaluate<{ user: number; system: number }>('process.cpuUsage()');
	return { ...usage, at: performance.now() };
}

function cpuPercent(a: { user: number; system: number; at: number }, b: { user: number; system: number; at: number }): number {
	return ((b.user - a.user + b.system - a.system) / 1000 / (b.at - a.at)) * 100;
}

function localLoop(resolutionMs = 10) {
	const h = monitorEventLoopDelay({ resolution: resolutionMs });
	h.enable();
	return (): LoopDelay => {
		h.disable();
		const late = (ns: number) => Math.max(0, ns / 1e6 - resolutionMs);
		return { p50: late(h.percentile(50)), p99: late(h.percentile(99)), max: late(h.max), count: h.count };
	};
}

type Participant = {
	client: BenchClient;
	meeting: number;
	k: number;
	/** This participant's own line of the notes. */
	line: YNamespace.XmlText;
	/** The last sequence number seen from each participant of the meeting. */
	seen: Int32Array;
	nextAt: number;
	seq: number;
};

/** Says READY on stdout and waits for the orchestrator's GO on stdin (all drivers start together). */
async function barrier(): Promise<void> {
	process.stdout.write('READY\n');
	let seen = '';
	await new Promise<void>((resolve) => {
		process.stdin.on('data', (d) => {
			seen += d;
			if (seen.includes('GO')) resolve();
		});
	});
}

async function runLoad(kit: ClientKit, c: LoadConfig): Promise<LoadResult> {
	// The first (or only) driver takes the server's figures; the others only drive.
	const leader = !c.shard || c.shard.index === 0;
	const inspector = leader ? await Inspector.connect(c.inspector) : null;
	const P = c.participants;
	const interval = 1000 / c.rate;
	const capacity = Math.ceil(c.rate * (c.warmupSeconds + c.seconds + 5)) + 16;
	// A fresh map per run, so that numbers left in a document by an earlier run are never counted.
	const run = `${Date.now().toString(36)}${process.pid}`;
	const sentAt = c.docs.map(() => Array.from({ length: P }, () => new Float64Array(capacity)));
	const samples = new Samples();
	let measureStart = Infinity;
	let measureEnd = Infinity;

	const participants: Participant[] = [];
	const slots = c.docs.flatMap((docName, meeting) => Array.from({ length: P }, (_, k) => ({ docName, meeting, k })));
	const connectStart = performance.now();
	await pool(slots, c.connectConcurrency ?? 16, async ({ docName, meeting, k }) => {
		const cookie = c.cookies.length > 0 ? c.cookies[(meeting * P + k) % c.cookies.length] : undefined;
		const client = kit.connect({ httpUrl: c.httpUrl, docName, cookie, WebSocket });
		await withTimeout(client.synced, 30_000, `sync of ${docName}`);
		const notes = client.doc.getXmlFragment('notes');
		const prefix = (who: number) => `${run}-${who}:`;
		// A paragraph of its own, as the editor writes one (the server refuses text straight in the notes).
		const line = new kit.Y.XmlText(prefix(k));
		const paragraph = new kit.Y.XmlElement('paragraph');
		paragraph.insert(0, [line]);
		notes.insert(notes.length, [paragraph]);
		const seen = new Int32Array(P).fill(-1);
		const sent = sentAt[meeting];
		/** Which participant writes each line (read once per line from its prefix). */
		const writerOf = new Map<YNamespace.XmlText, number>();
		notes.observeDeep((events, tr) => {
			if (tr.local) return;
			const now = performance.now();
			for (const event of events) {
				const target = event.target;
				if (!(target instanceof kit.Y.XmlText)) continue;
				let sender = writerOf.get(target);
				if (sender === undefined) {
					const head = /^([a-z0-9]+)-(\d+):/.exec(target.toString());
					if (!head || head[1] !== run) continue;
					sender = Number(head[2]);
					writerOf.set(target, sender);
				}
				// Each send adds 'word ' (5 characters) after the prefix: the last number seen.
				const last = (target.length - prefix(sender).length) / 5 - 1;
				for (let n = seen[sender] + 1; n <= last; n++) {
					const t0 = sent[sender][n];
					if (t0 >= measureStart && t0 < measureEnd) samples.push(now - t0);
				}
				if (last > seen[sender]) seen[sender] = last;
			}
		});
		participants.push({ client, meeting, k, line, seen, nextAt: 0, seq: 0 });
	});
	const connectSeconds = (performance.now() - connectStart) / 1000;
	log(`${participants.length} clients connected and synced in ${connectSeconds.toFixed(1)} s`);
	await barrier();

	// Every participant sends every `interval` ms, at its own phase.
	const t0 = performance.now() + 50;
	for (const p of participants) p.nextAt = t0 + Math.random() * interval;
	let lateSends = 0;
	let sending = true;
	const send = (p: Participant, now: number) => {
		const seq = p.seq++;
		if (seq >= capacity) return;
		sentAt[p.meeting][p.k][seq] = now;
		p.line.insert(p.line.length, 'word ');
	};
	const tick = () => {
		if (!sending) return;
		const now = performance.now();
		for (const p of participants) {
			if (p.nextAt > now) continue;
			if (now - p.nextAt > interval) lateSends++;
			send(p, performance.now());
			p.nextAt += interval;
			if (p.nextAt < now) p.nextAt = now + interval * Math.random();
		}
	};
	const ticker = setInterval(tick, 2);

	await sleep(c.warmupSeconds * 1000);
	await inspector?.startLoopDelay();
	if (c.probe) await inspector?.evaluate(c.probe.start);
	const serverCpu0 = inspector ? await cpu(inspector) : null;
	// BENCH_SERVER_CPU_PROF=<dir>: a CPU profile of the server under test over the measured window.
	const serverProfile = inspector && process.env.BENCH_SERVER_CPU_PROF ? process.env.BENCH_SERVER_CPU_PROF : null;
	if (serverProfile && inspector) {
		await inspector.send('Profiler.enable');
		await inspector.send('Profiler.setSamplingInterval', { interval: 200 });
		await inspector.send('Profiler.start');
	}
	const driverCpu0 = { ...process.cpuUsage(), at: performance.now() };
	const driverLoop = localLoop();
	const seqAtStart = participants.map((p) => p.seq);
	lateSends = 0;
	measureStart = performance.now();
	measureEnd = measureStart + c.seconds * 1000;
	log(`measuring for ${c.seconds} s`);
	await sleep(c.seconds * 1000);
	sending = false;
	clearInterval(ticker);
	if (serverProfile && inspector) {
		const { profile } = await inspector.send<{ profile: unknown }>('Profiler.stop');
		const { mkdirSync, writeFileSync } = await import('node:fs');
		mkdirSync(serverProfile, { recursive: true });
		const file = `${serverProfile}/server-${c.docs.length}docs-${Date.now()}.cpuprofile`;
		writeFileSync(file, JSON.stringify(profile));
		log(`server CPU profile: ${file}`);
	}
	const serverLoop = inspector ? await inspector.loopDelay() : { p50: NaN, p99: NaN, max: NaN, count: 0 };
	const probe = c.probe ? await inspector?.evaluate<unknown>(c.probe.end) : undefined;
	const serverCpu1 = inspector ? await cpu(inspector) : null;
	const driverCpu1 = { ...process.cpuUsage(), at: performance.now() };
	const driverLoopDelay = driverLoop();
	const sent = participants.reduce((n, p, i) => n + p.seq - seqAtStart[i], 0);

	// Quiet: wait until every client holds every update of its meeting (or give up after 20 s).
	const lastSeq = c.docs.map(() => new Int32Array(P).fill(-1));
	for (const p of participants) lastSeq[p.meeting][p.k] = p.seq - 1;
	const missing = () => {
		let n = 0;
		for (const p of participants) {
			for (let k = 0; k < P; k++) if (k !== p.k) n += lastSeq[p.meeting][k] - p.seen[k];
		}
		return n;
	};
	const quietUntil = performance.now() + 20_000;
	while (missing() > 0 && performance.now() < quietUntil) await sleep(100);
	const lost = missing();
	const texts = new Map<number, Set<string>>();
	for (const p of participants) {
		const set = texts.get(p.meeting) ?? new Set<string>();
		set.add(p.client.doc.getXmlFragment('notes').toString());
		texts.set(p.meeting, set);
	}
	const diverged = [...texts.values()].filter((s) => s.size > 1).length;
	const memory = inspector ? await inspector.memory() : { rss: NaN, heapUsed: NaN, heapTotal: NaN, external: NaN, arrayBuffers: NaN };

	for (const p of participants) p.client.destroy();
	inspector?.close();
	if (c.shard) {
		const values = samples.values();
		writeFileSync(c.shard.samplesFile, new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
	}
	const expected = sent * (P - 1);
	log(`sent ${sent} updates, ${samples.length} of ${expected} deliveries timed, ${lost} missing at the end`);
	return {
		meetings: c.docs.length,
		participants: P,
		clients: participants.length,
		connectSeconds,
		sent,
		sentPerSecond: sent / c.seconds,
		lateSends,
		latency: summarize(samples.values()),
		lost,
		diverged,
		server: { loop: serverLoop, cpuPercent: serverCpu0 && serverCpu1 ? cpuPercent(serverCpu0, serverCpu1) : NaN, memory },
		driver: { loop: driverLoopDelay, cpuPercent: cpuPercent(driverCpu0, driverCpu1) },
		probe,
		drivers: 1
	};
}

async function runMemory(kit: ClientKit, c: MemoryConfig): Promise<MemoryResult> {
	const { Y } = kit;
	const { meetingDoc, planDoc } = docBuilders(Y);
	const inspector = await Inspector.connect(c.inspector);
	const cookie = (i: number, n: number) => (c.cookies.length > 0 ? c.cookies[(i * c.clientsPerDoc + n) % c.cookies.length] : undefined);
	let encodedBytes = 0;
	/** Opens one document with its content and `clientsPerDoc` clients, all synced. */
	const open = async (d: MemoryDoc, i: number, clients: BenchClient[]) => {
		const content = d.kind === 'meeting' ? meetingDoc(d.seed) : planDoc(d.seed);
		const update = Y.encodeStateAsUpdate(content);
		content.destroy();
		encodedBytes += update.byteLength;
		// The first client brings the content; the others find it on the server.
		const first = kit.connect({ httpUrl: c.httpUrl, docName: d.name, cookie: cookie(i, 0), WebSocket, initialUpdate: update });
		clients.push(first);
		await withTimeout(first.synced, 30_000, `sync of ${d.name}`);
		const target = Buffer.from(Y.encodeStateVector(first.doc));
		for (let n = 1; n < c.clientsPerDoc; n++) {
			const other = kit.connect({ httpUrl: c.httpUrl, docName: d.name, cookie: cookie(i, n), WebSocket });
			clients.push(other);
			await withTimeout(other.synced, 30_000, `sync of ${d.name}`);
			const until = performance.now() + 30_000;
			while (Buffer.compare(Buffer.from(Y.encodeStateVector(other.doc)), target) !== 0) {
				if (performance.now() > until) throw new Error(`${d.name} did not reach the second client`);
				await sleep(20);
			}
		}
	};

	// Warm up first (code compiled, caches filled): open and leave one document, then take the baseline.
	const warm: BenchClient[] = [];
	await open(c.docs[0], 0, warm);
	for (const client of warm) client.destroy();
	await sleep(c.unloadWaitMs);
	await inspector.gc();
	const baseline = await inspector.memory();

	const clients: BenchClient[] = [];
	encodedBytes = 0;
	const loadStart = performance.now();
	await pool(c.docs, c.connectConcurrency ?? 4, (d, i) => open(d, i, clients));
	const loadSeconds = (performance.now() - loadStart) / 1000;
	log(`${c.docs.length} documents open with ${clients.length} clients (${(encodedBytes / 1024).toFixed(0)} KB encoded) in ${loadSeconds.toFixed(1)} s`);
	await sleep(1000);
	await inspector.gc();
	const opened = await inspector.memory();
	const loadedWhileOpen = await inspector.evaluate<number>(c.loadedDocs);
	let openResting: MemoryUsage | undefined;
	let restingDocs: number | undefined;
	if (c.restWait) {
		log(`waiting ${(c.restWait.ms / 1000).toFixed(0)} s with everyone connected and nobody typing`);
		await sleep(c.restWait.ms);
		await inspector.gc();
		openResting = await inspector.memory();
		restingDocs = await inspector.evaluate<number>(c.restWait.resting);
	}

	for (const client of clients) client.destroy();
	await sleep(c.unloadWaitMs);
	await inspector.gc();
	const afterLeave = await inspector.memory();
	const loadedAfterLeave = await inspector.evaluate<number>(c.loadedDocs);
	inspector.close();
	return {
		docs: c.docs.length,
		encodedBytes,
		baseline,
		open: opened,
		openResting,
		restingDocs,
		afterLeave,
		loadSeconds,
		loadedWhileOpen,
		loadedAfterLeave
	};
}

const kit = await loadKit(config.kit);
const result = config.mode === 'load' ? await runLoad(kit, config) : await runMemory(kit, config);
process.stdin.destroy();
process.stdout.write(`${JSON.stringify(result)}\n`);
// Providers may hold timers (reconnect backoff); the result is out, so end here.
process.exit(0);
