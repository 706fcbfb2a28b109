// The load driver process (started by lib/driver.ts): real providers, one per participant, against one
// server. Config in BENCH_DRIVER_CONFIG; progress on stderr; the result as JSON on the last stdout line.
//
// load: every participant sends `rate` updates a second, by turns a word typed at the end of its own line
//   of the meeting's notes (an XmlText in the `notes` fragment, as the editor writes text) and a word typed
//   into its own card on the board (made by the board's shape module, in its own name); every fourth word
//   on the card also moves the card to the next column. Hearth takes changes only in the roots a
//   document's kind declares, and checks every card. Each line or card starts with `<run>-<n|c><k>:`, so
//   the word count after it is the sender's sequence number on that channel. Every other participant of
//   the meeting records how long after the send it saw that number: propagation through the server, on one
//   clock. Yjs applies one client's updates in order, so seeing number n means every earlier one arrived
//   too (a server that merges updates into one message is timed per update). At the end every client must
//   hold every participant's last number (no lost update) and the same notes, board and stage.
//   With `stageMoves`, the facilitator (a socket of its own on each meeting, as the facilitator's page has)
//   also moves each meeting's stage as the page does: the agenda form's fields sent as a socket action
//   (the server writes the agenda), and each participant's document is timed from the send to the new stage.
// memory: opens documents with realistic content (two clients each) and reads the server's memory.
import WebSocket from 'ws';
import { writeFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type * as YNamespace from 'yjs';
import { loadKit, type BenchClient, type ClientKit } from './kit.ts';
import { Inspector, type LoopDelay, type MemoryUsage } from './inspect.ts';
import { Samples, summarize, sleep } from './stats.ts';
import { docBuilders } from './docs.ts';
import { meetingUpdate } from './meeting-content.ts';
import * as AppY from 'yjs';
import { addCard, BOARD_FIELD, FRAMEWORK_COLUMNS } from '../../../src/lib/domain/board.ts';
import { AGENDA_FIELD, agendaOf } from '../../../src/lib/domain/agenda.ts';
import { NOTES_FIELD } from '../../../src/lib/domain/meeting-doc.ts';
import type { DriverConfig, LoadConfig, LoadResult, MemoryConfig, MemoryDoc, MemoryResult } from './driver.ts';
import { connect as connectClient, synced, withActions, type Client } from '../../support/clients.ts';

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

/** What a participant types into: its own line of the notes (0), its own card's words on the board (1). */
const NOTES = 0;
const CARD = 1;
const CHANNELS = [NOTES, CARD] as const;
type Channel = (typeof CHANNELS)[number];
/** Each line or card starts with `<run>-<channel><participant>:` (channel `n` notes, `c` card). */
const PREFIX = /^([a-z0-9]+)-([nc])(\d+):/;
const CHANNEL_LETTER = ['n', 'c'] as const;

type Participant = {
	client: BenchClient;
	meeting: number;
	k: number;
	/** Its own line of the notes and its own card's words. */
	texts: [YNamespace.Text, YNamespace.Text];
	card: YNamespace.Map<unknown>;
	/** Per channel, the last sequence number seen from each participant of the meeting. */
	seen: [Int32Array, Int32Array];
	seq: [number, number];
	/** Sends so far (which channel the next one goes to, and whether it moves the card). */
	sends: number;
	nextAt: number;
	/** The number of the last stage move of its meeting it has seen (-1: none yet). */
	moveSeen: number;
};

/** A meeting's stage moves (with `stageMoves`): its stages, and each move asked for, in order. */
type MeetingMoves = { id: string; stages: string[]; moves: { stageId: string; at: number }[]; nextAt: number; inFlight: boolean; facilitator: ActingClient | null };
type ActingClient = ReturnType<typeof withActions<Client>>;

/**
 * Runs `change` (a shape module's function, written against the app's Yjs) on `doc` and sends what it
 * changed as the client's own update. A client library with its own Yjs (Hocuspocus) gets it through a copy
 * under its own client id: the change is made on the app's Yjs and applied to `doc` as one update (Yjs
 * warns once that it was imported twice; the two copies never share a type, only encoded updates).
 */
function viaShape(kit: ClientKit, doc: YNamespace.Doc, change: (doc: AppY.Doc) => void): void {
	if (kit.Y === AppY) return change(doc as unknown as AppY.Doc);
	const copy = new AppY.Doc();
	copy.clientID = doc.clientID;
	AppY.applyUpdate(copy, kit.Y.encodeStateAsUpdate(doc));
	const before = AppY.encodeStateVector(copy);
	change(copy);
	kit.Y.applyUpdate(doc, AppY.encodeStateAsUpdate(copy, before));
	copy.destroy();
}

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

/**
 * Asks Hearth's agenda endpoint (the meeting page's `agenda` form action, as a browser without JavaScript
 * posts it) for `fields`. Resolves to whether it was done. Used to start each meeting's agenda.
 */
async function agendaRequest(httpUrl: string, meetingId: string, cookie: string, fields: Record<string, string>): Promise<boolean> {
	const response = await fetch(`${httpUrl}/meetings/${meetingId}?/agenda`, {
		method: 'POST',
		headers: { cookie, origin: httpUrl, accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded', 'x-sveltekit-action': 'true' },
		body: new URLSearchParams(fields).toString()
	});
	const answer = (await response.json().catch(() => null)) as { type?: string } | null;
	return response.ok && answer?.type === 'success';
}

async function runLoad(kit: ClientKit, c: LoadConfig): Promise<LoadResult> {
	// The first (or only) driver takes the server's figures; the others only drive.
	const leader = !c.shard || c.shard.index === 0;
	const inspector = leader ? await Inspector.connect(c.inspector) : null;
	const P = c.participants;
	const interval = 1000 / c.rate;
	const capacity = Math.ceil(c.rate * (c.warmupSeconds + c.seconds + 5)) + 16;
	// A fresh prefix per run, so that words left in a document by an earlier run are never counted.
	const run = `${Date.now().toString(36)}${process.pid}`;
	const sentAt = c.docs.map(() => CHANNELS.map(() => Array.from({ length: P }, () => new Float64Array(capacity))));
	const samples = new Samples();
	const moveSamples = new Samples();
	let measureStart = Infinity;
	let measureEnd = Infinity;
	const prefix = (ch: Channel, who: number) => `${run}-${CHANNEL_LETTER[ch]}${who}:`;
	const columns = FRAMEWORK_COLUMNS.SOS_3COL;

	// The facilitator sets up each meeting's agenda first (once: a meeting already started stays as it is).
	const meetings: (MeetingMoves | null)[] = c.docs.map(() => null);
	let moveErrors = 0;
	if (c.stageMoves) {
		const cookies = c.stageMoves.runCookies;
		await pool(c.docs, 8, async (docName, m) => {
			const id = docName.replace(/^meeting:/, '');
			if (!(await agendaRequest(c.httpUrl, id, cookies[m % cookies.length], { do: 'start' }))) throw new Error(`the agenda of ${docName} could not be started`);
			// The facilitator's own page on the meeting: its socket carries the stage moves, as the page's does.
			const facilitator = withActions(connectClient(c.httpUrl, docName, cookies[m % cookies.length]));
			await withTimeout(synced(facilitator, 30_000), 30_000, `the facilitator's sync of ${docName}`);
			meetings[m] = { id, stages: [], moves: [], nextAt: 0, inFlight: false, facilitator };
		});
	}

	const participants: Participant[] = [];
	const slots = c.docs.flatMap((docName, meeting) => Array.from({ length: P }, (_, k) => ({ docName, meeting, k })));
	const connectStart = performance.now();
	await pool(slots, c.connectConcurrency ?? 16, async ({ docName, meeting, k }) => {
		const slot = meeting * P + k;
		const cookie = c.cookies.length > 0 ? c.cookies[slot % c.cookies.length] : undefined;
		const author = c.authors.length > 0 ? c.authors[slot % c.authors.length] : 'u:benchparticipantaa';
		const client = kit.connect({ httpUrl: c.httpUrl, docName, cookie, WebSocket });
		await withTimeout(client.synced, 30_000, `sync of ${docName}`);
		const { doc } = client;
		const notes = doc.getXmlFragment(NOTES_FIELD);
		const board = doc.getArray<YNamespace.Map<unknown>>(BOARD_FIELD);
		// A paragraph of its own, as the editor writes one (the server refuses text straight in the notes).
		const line = new kit.Y.XmlText(prefix(NOTES, k));
		const paragraph = new kit.Y.XmlElement('paragraph');
		paragraph.insert(0, [line]);
		notes.insert(notes.length, [paragraph]);
		// A card of its own, made by the board's shape module in its own name (the server checks the author).
		viaShape(kit, doc, (d) => {
			if (!addCard(d, { column: columns[k % columns.length], category: null, text: prefix(CARD, k), voice: 'FAMILY', ownWords: true, factors: [] }, author)) throw new Error('the card was refused');
		});
		const card = board.toArray().findLast((m) => String(m.get('text')) === prefix(CARD, k));
		if (!card) throw new Error('the new card is not on the board');
		const seen: [Int32Array, Int32Array] = [new Int32Array(P).fill(-1), new Int32Array(P).fill(-1)];
		const sent = sentAt[meeting];
		/** Which channel and participant each line or card belongs to (read once from its prefix; null: not this run's). */
		const writerOf = new Map<YNamespace.Text, { ch: Channel; sender: number } | null>();
		const onText = (events: YNamespace.YEvent<any>[], tr: YNamespace.Transaction) => {
			if (tr.local) return;
			const now = performance.now();
			for (const event of events) {
				const target = event.target;
				if (!(target instanceof kit.Y.Text)) continue;
				let writer = writerOf.get(target);
				if (writer === undefined) {
					const head = PREFIX.exec(target.toString());
					writer = head && head[1] === run ? { ch: head[2] === 'n' ? NOTES : CARD, sender: Number(head[3]) } : null;
					writerOf.set(target, writer);
				}
				if (!writer) continue;
				const { ch, sender } = writer;
				// Each send adds 'word ' (5 characters) after the prefix: the last number seen.
				const last = (target.length - prefix(ch, sender).length) / 5 - 1;
				for (let n = seen[ch][sender] + 1; n <= last; n++) {
					const t0 = sent[ch][sender][n];
					if (t0 >= measureStart && t0 < measureEnd) samples.push(now - t0);
				}
				if (last > seen[ch][sender]) seen[ch][sender] = last;
			}
		};
		notes.observeDeep(onText);
		board.observeDeep(onText);
		const p: Participant = { client, meeting, k, texts: [line, card.get('text') as YNamespace.Text], card, seen, seq: [0, 0], sends: 0, nextAt: 0, moveSeen: -1 };
		const moves = meetings[meeting];
		if (moves) {
			const agenda = doc.getMap(AGENDA_FIELD);
			agenda.observe(() => {
				const n = moves.moves.length - 1;
				if (n <= p.moveSeen || agenda.get('current') !== moves.moves[n].stageId) return;
				const t0 = moves.moves[n].at;
				if (t0 >= measureStart && t0 < measureEnd) moveSamples.push(performance.now() - t0);
				p.moveSeen = n;
			});
			if (moves.stages.length === 0) moves.stages = agendaOf(doc as unknown as AppY.Doc).stages.map((s) => s.id);
		}
		participants.push(p);
	});
	const connectSeconds = (performance.now() - connectStart) / 1000;
	log(`${participants.length} clients connected and synced in ${connectSeconds.toFixed(1)} s`);
	await barrier();

	// Every participant sends every `interval` ms, at its own phase: a word in its notes line, then a word
	// on its card, by turns; every fourth word on the card also moves the card to the next column.
	const t0 = performance.now() + 50;
	for (const p of participants) p.nextAt = t0 + Math.random() * interval;
	for (const m of meetings) if (m) m.nextAt = t0 + Math.random() * c.stageMoves!.everyMs;
	let lateSends = 0;
	let sending = true;
	const send = (p: Participant, now: number) => {
		const ch: Channel = p.sends % 2 === 0 ? NOTES : CARD;
		const move = ch === CARD && p.sends % 8 === 7;
		p.sends++;
		const seq = p.seq[ch]++;
		if (seq >= capacity) return;
		sentAt[p.meeting][ch][p.k][seq] = now;
		p.client.doc.transact(() => {
			p.texts[ch].insert(p.texts[ch].length, 'word ');
			if (move) {
				const at = columns.indexOf(p.card.get('column') as (typeof columns)[number]);
				p.card.set('column', columns[(at + 1) % columns.length]);
				p.card.set('category', null);
			}
		});
	};
	const moveStage = (m: MeetingMoves) => {
		const stageId = m.stages[m.moves.length % m.stages.length];
		m.inFlight = true;
		m.moves.push({ stageId, at: performance.now() });
		// Over the facilitator's socket, as the meeting page sends it (MeetingAgenda.svelte, doc-connection.ts act).
		m.facilitator!.act('agenda', { do: 'move', stageId })
			.then((problem) => void (problem === null || moveErrors++))
			.catch(() => moveErrors++)
			.finally(() => (m.inFlight = false));
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
		meetings.forEach((m, i) => {
			if (!m || m.nextAt > now || m.inFlight) return;
			moveStage(m);
			m.nextAt += c.stageMoves!.everyMs;
			if (m.nextAt < now) m.nextAt = now + c.stageMoves!.everyMs;
		});
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
	const seqAtStart = participants.map((p) => p.seq[0] + p.seq[1]);
	const movesAtStart = meetings.reduce((n, m) => n + (m?.moves.length ?? 0), 0);
	lateSends = 0;
	moveErrors = 0;
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
	const sent = participants.reduce((n, p, i) => n + p.seq[0] + p.seq[1] - seqAtStart[i], 0);
	const moves = meetings.reduce((n, m) => n + (m?.moves.length ?? 0), 0) - movesAtStart;

	// Quiet: wait until every client holds every update and stage move of its meeting (or give up after 20 s).
	const lastSeq = c.docs.map(() => CHANNELS.map(() => new Int32Array(P).fill(-1)));
	for (const p of participants) for (const ch of CHANNELS) lastSeq[p.meeting][ch][p.k] = p.seq[ch] - 1;
	const missing = () => {
		let n = 0;
		for (const p of participants) {
			for (const ch of CHANNELS) for (let k = 0; k < P; k++) if (k !== p.k) n += lastSeq[p.meeting][ch][k] - p.seen[ch][k];
		}
		return n;
	};
	const movesMissing = () => participants.filter((p) => meetings[p.meeting] && p.moveSeen < meetings[p.meeting]!.moves.length - 1).length;
	const quietUntil = performance.now() + 20_000;
	while ((missing() > 0 || movesMissing() > 0 || meetings.some((m) => m?.inFlight)) && performance.now() < quietUntil) await sleep(100);
	const lost = missing();
	const movesLost = movesMissing();
	const contents = new Map<number, Set<string>>();
	for (const p of participants) {
		const set = contents.get(p.meeting) ?? new Set<string>();
		set.add(p.client.doc.getXmlFragment(NOTES_FIELD).toString() + JSON.stringify(p.client.doc.getArray(BOARD_FIELD).toJSON()) + String(p.client.doc.getMap(AGENDA_FIELD).get('current')));
		contents.set(p.meeting, set);
	}
	const diverged = [...contents.values()].filter((s) => s.size > 1).length;
	const memory = inspector ? await inspector.memory() : { rss: NaN, heapUsed: NaN, heapTotal: NaN, external: NaN, arrayBuffers: NaN };

	for (const p of participants) p.client.destroy();
	for (const m of meetings) m?.facilitator?.provider.destroy();
	inspector?.close();
	if (c.shard) {
		const write = (file: string, values: Float64Array) => writeFileSync(file, new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
		write(c.shard.samplesFile, samples.values());
		if (c.stageMoves) write(`${c.shard.samplesFile}.moves`, moveSamples.values());
	}
	const expected = sent * (P - 1);
	log(`sent ${sent} updates, ${samples.length} of ${expected} deliveries timed, ${lost} missing at the end`);
	if (c.stageMoves) log(`${moves} stage moves, ${moveSamples.length} arrivals timed, ${moveErrors} refused or failed, ${movesLost} screens missing the last`);
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
		stageMoves: c.stageMoves ? { moves, errors: moveErrors, lost: movesLost, latency: summarize(moveSamples.values()) } : undefined,
		drivers: 1
	};
}

async function runMemory(kit: ClientKit, c: MemoryConfig): Promise<MemoryResult> {
	const { Y } = kit;
	const { planDoc } = docBuilders(Y);
	const inspector = await Inspector.connect(c.inspector);
	const cookie = (i: number, n: number) => (c.cookies.length > 0 ? c.cookies[(i * c.clientsPerDoc + n) % c.cookies.length] : undefined);
	let encodedBytes = 0;
	/** Opens one document with its content and `clientsPerDoc` clients, all synced. */
	const open = async (d: MemoryDoc, i: number, clients: BenchClient[]) => {
		// The first client brings the content, unless the server holds it already (Hearth's meetings:
		// measure.ts); the others find it on the server.
		let update: Uint8Array | undefined;
		if (!d.preloaded) {
			if (d.kind === 'meeting') update = meetingUpdate(d.seed);
			else {
				const content = planDoc(d.seed);
				update = Y.encodeStateAsUpdate(content);
				content.destroy();
			}
		}
		const first = kit.connect({ httpUrl: c.httpUrl, docName: d.name, cookie: cookie(i, 0), WebSocket, initialUpdate: update });
		clients.push(first);
		await withTimeout(first.synced, 30_000, `sync of ${d.name}`);
		encodedBytes += update?.byteLength ?? Y.encodeStateAsUpdate(first.doc).byteLength;
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
