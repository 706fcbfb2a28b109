// The cost of "durable before broadcast" (issue 8): every update committed to SQLite (WAL,
// synchronous=FULL) before anyone sees it, the writes of one event-loop turn grouped in one transaction.
//   1. append p99 ≤ 5 ms inside the real server under 150 meetings × 8 participants × 2 updates/s
//      (timed from UpdateLog.append() to its commit, by wrapping the running server's log through the
//      inspector: nothing in the server knows about the benchmark);
//   2. the same log alone, in this process, at the same rate (the floor without network or clients);
//   3. compaction of a large plan ≤ 30 ms (Room.compact(): encode the state, replace the log by the
//      snapshot in one transaction), for the 30-page plan and a 90-page one.
// Usage: npm run bench:durability [-- --seconds=20]
import * as Y from 'yjs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrateDatabase, openDatabase } from '../../src/lib/server/db/index.ts';
import { UpdateLog } from '../../src/lib/server/collab/update-log.ts';
import { Room } from '../../src/lib/server/collab/room.ts';
import { InProcessBus } from '../../src/lib/server/collab/bus.ts';
import { startHearth } from './lib/targets.ts';
import { meetingLoad } from './lib/measure.ts';
import { Inspector } from './lib/inspect.ts';
import { docBuilders } from './lib/docs.ts';
import { cli, header, kb, ms, Samples, sleep, summarize, table, type Summary, verdict } from './lib/stats.ts';

const args = cli('bench:durability');
const seconds = Number(args.get('seconds') ?? 20);
const GOAL = { appendP99: 5, compact: 30 };

console.log(header(args.command));

// ── 1. Inside the real server, under load ───────────────────────────────────────────────────────────
type LogFigures = { append: Summary; commit: Summary; batch: { mean: number; max: number; commits: number } };

/** Wraps the running server's UpdateLog (append → commit time, commit duration, batch size). */
const INSTRUMENT = `(() => {
	const log = globalThis[Symbol.for('hearth.collab')].log;
	const g = (globalThis.__benchLog = { appends: [], commits: [], batches: [] });
	if (!log.__benchWrapped) {
		log.__benchWrapped = true;
		const append = log.append.bind(log);
		log.append = (docId, update) => {
			const t = performance.now();
			const p = append(docId, update);
			p.then(() => globalThis.__benchLog.appends.push(performance.now() - t), () => {});
			return p;
		};
		const flush = log.flush.bind(log);
		log.flush = () => {
			const n = log.pending;
			const t = performance.now();
			flush();
			if (n > 0) { globalThis.__benchLog.commits.push(performance.now() - t); globalThis.__benchLog.batches.push(n); }
		};
	}
	return true;
})()`;

const READ = `(() => {
	const g = globalThis.__benchLog;
	const sum = (a) => { const s = Float64Array.from(a).sort(); const at = (q) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(q / 100 * s.length) - 1))]; return { n: s.length, p50: at(50), p99: at(99), max: s[s.length - 1] }; };
	const batches = g.batches;
	return { append: sum(g.appends), commit: sum(g.commits), batch: { mean: batches.reduce((a, b) => a + b, 0) / batches.length, max: Math.max(...batches), commits: batches.length } };
})()`;

console.error('inside the server, 150 meetings × 8 × 2/s …');
const hearth = await startHearth({ COLLAB_UNLOAD_MS: '2000' });
let inServer: LogFigures;
let loadP99: number;
try {
	const seeded = hearth.seed(30, 5);
	const inspector = await Inspector.connect(hearth.inspector);
	// Instrument once the load is connected and warm: the driver's warm-up is 5 s.
	const running = meetingLoad(hearth, seeded.meetingIds.map((id) => `meeting:${id}`), { warmupSeconds: 5, seconds });
	await sleep(4000);
	await inspector.evaluate(INSTRUMENT);
	const load = await running;
	inServer = await inspector.evaluate<LogFigures>(READ);
	loadP99 = load.latency.p99;
	inspector.close();
} finally {
	await hearth.stop();
}

// ── 2. The log alone, same rate ─────────────────────────────────────────────────────────────────────
console.error('the log alone …');
const dir = mkdtempSync(join(tmpdir(), 'hearth-bench-durability-'));
const db = openDatabase(join(dir, 'bench.db'));
migrateDatabase(db);
const log = new UpdateLog(db);
const { planDoc } = docBuilders(Y);

// Real updates as typing makes them: one word into a meeting's notes and a map entry.
const typing: Uint8Array[] = [];
{
	const doc = new Y.Doc();
	doc.on('update', (u: Uint8Array) => typing.push(u));
	const text = doc.getText('notes');
	for (let i = 0; i < 500; i++) doc.transact(() => {
		text.insert(text.length, 'word ');
		doc.getMap('seq').set('k', i);
	});
}
const alone = new Samples();
let commitsAlone = 0;
{
	const rate = 2400;
	const until = performance.now() + seconds * 1000;
	let last = performance.now();
	let owed = 0;
	let i = 0;
	const origFlush = log.flush.bind(log);
	log.flush = () => {
		if (log.pending > 0) commitsAlone++;
		origFlush();
	};
	// Each turn, append what arrived since the last one (as sockets would deliver it).
	while (performance.now() < until) {
		const now = performance.now();
		owed += ((now - last) / 1000) * rate;
		last = now;
		for (; owed >= 1; owed--) {
			const t = performance.now();
			void log.append(`meeting:bench${i % 150}`, typing[i++ % typing.length]).then(() => alone.push(performance.now() - t));
		}
		await new Promise((r) => setTimeout(r, 1));
	}
	await log.committed();
	log.flush = origFlush;
}
const aloneSummary = summarize(alone.values());

// ── 3. Compaction ───────────────────────────────────────────────────────────────────────────────────
console.error('compaction …');
type Compaction = { state: number; times: Summary; load: Summary };
async function compaction(pages: number, rounds: number): Promise<Compaction> {
	const docId = `plan:bench${pages}`;
	const room = new Room(docId, log, new InProcessBus(), 1_000_000);
	const plan = planDoc(4242 + pages, pages);
	const fragment = plan.getXmlFragment('plan');
	Y.applyUpdate(room.doc, Y.encodeStateAsUpdate(plan), 'bench');
	const times = new Samples();
	const loads = new Samples();
	for (let r = 0; r < rounds; r++) {
		// 499 small edits since the last compaction (the server compacts every 500 rows).
		for (let i = 0; i < 499; i++) {
			const before = Y.encodeStateVector(plan);
			plan.transact(() => {
				const p = fragment.get(Math.floor((i * 7919) % fragment.length));
				const x = p instanceof Y.XmlElement ? p.get(0) : null;
				if (x instanceof Y.XmlText) x.insert(Math.min(x.length, 10), 'word ');
			});
			Y.applyUpdate(room.doc, Y.encodeStateAsUpdate(plan, before), 'bench');
		}
		await log.committed();
		const t = performance.now();
		room.compact();
		times.push(performance.now() - t);
		// Loading it back (snapshot + log after it), as a room does when someone opens it.
		const l = performance.now();
		const again = new Room(docId, log, new InProcessBus(), 1_000_000);
		loads.push(performance.now() - l);
		again.destroy();
	}
	const state = Y.encodeStateAsUpdate(room.doc).byteLength;
	room.destroy();
	return { state, times: summarize(times.values()), load: summarize(loads.values()) };
}
const plan30 = await compaction(30, 20);
const plan90 = await compaction(90, 10);
db.$client.close();
rmSync(dir, { recursive: true, force: true });

console.log(
	table('Durable before broadcast: append → commit (SQLite WAL, synchronous=FULL, group commit per event-loop turn)', [
		{
			where: `inside the server, 150 meetings × 8 × 2/s (${inServer.append.n} appends)`,
			p50: ms(inServer.append.p50, 2),
			p99: ms(inServer.append.p99, 2),
			max: ms(inServer.append.max, 1),
			goal: `p99 ≤ ${GOAL.appendP99} ms`,
			verdict: verdict(inServer.append.p99, GOAL.appendP99)
		},
		{
			where: `the log alone, 2,400 appends/s (${aloneSummary.n} appends)`,
			p50: ms(aloneSummary.p50, 2),
			p99: ms(aloneSummary.p99, 2),
			max: ms(aloneSummary.max, 1),
			goal: `p99 ≤ ${GOAL.appendP99} ms`,
			verdict: verdict(aloneSummary.p99, GOAL.appendP99)
		}
	])
);
console.log(
	table('Group commit inside the server under that load', [
		{ figure: 'transactions (one fsync each)', value: inServer.batch.commits },
		{ figure: 'updates per transaction, mean / max', value: `${inServer.batch.mean.toFixed(1)} / ${inServer.batch.max}` },
		{ figure: 'commit duration p50 / p99 / max', value: `${ms(inServer.commit.p50, 2)} / ${ms(inServer.commit.p99, 2)} / ${ms(inServer.commit.max, 1)}` },
		{ figure: 'propagation p99 during the run (for context)', value: ms(loadP99) },
		{ figure: 'transactions, the log alone', value: `${commitsAlone} (${(aloneSummary.n / commitsAlone).toFixed(1)} updates each)` }
	])
);
console.log(
	table('Compaction (Room.compact(): encode state + snapshot and trim the log in one transaction), after 499 edits', [
		...([
			['30-page plan', plan30, 20],
			['90-page plan', plan90, 10]
		] as const).map(([name, f, n]) => {
			return {
				document: `${name} (${kb(f.state)} state), ${n} rounds`,
				'compact p50': ms(f.times.p50),
				'compact max': ms(f.times.max),
				goal: `≤ ${GOAL.compact} ms`,
				verdict: verdict(f.times.max, GOAL.compact),
				'load from snapshot + log, p50': ms(f.load.p50)
			};
		})
	])
);
