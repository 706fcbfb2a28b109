// The cost of "durable before broadcast" (issue 8): every update committed to SQLite (WAL,
// synchronous=FULL) before anyone sees it, the writes of one event-loop turn grouped in one transaction.
//   1. append p99 ≤ 5 ms inside the real server under 150 meetings × 8 participants × 2 updates/s
//      (timed from UpdateLog.append() to its commit, by wrapping the running server's log through the
//      inspector: nothing in the server knows about the benchmark);
//   2. the same log alone, in this process, at the same rate (without network, clients or Yjs);
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
import { LOG_PROBE, type LogFigures } from './lib/probes.ts';
import type { LoadResult } from './lib/driver.ts';
import { Inspector } from './lib/inspect.ts';
import { docBuilders } from './lib/docs.ts';
import { pct, pressureSince, waitForQuiet } from './lib/machine.ts';
import { cli, header, kb, ms, Samples, summarize, table, type Summary, verdict } from './lib/stats.ts';

const args = cli('bench:durability');
const seconds = Number(args.get('seconds') ?? 20);
const GOAL = { appendP99: 5, compact: 30 };

console.log(header(args.command));

// ── 1. Inside the real server, under load ───────────────────────────────────────────────────────────
console.error('inside the server, 150 meetings × 8 × 2/s …');
const hearth = await startHearth({ COLLAB_UNLOAD_MS: '2000' });
let inServer: { log: LogFigures; load: LoadResult & { pressure: number } };
try {
	const seeded = await hearth.seed(30, 5);
	const load = await meetingLoad(hearth, seeded.meetingIds.map((id) => `meeting:${id}`), {
		warmupSeconds: 5,
		seconds,
		probe: LOG_PROBE
	});
	inServer = { log: load.probe as LogFigures, load };
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
const appends = new Samples();
/** How late each 1 ms timer of the driving loop fired: this process's event-loop delay. */
const lags = new Samples();
let commitsAlone = 0;
await waitForQuiet();
const alonePressure = pressureSince();
{
	const logged = log as unknown as { commit: (maxCompactions: number) => void };
	const commit = logged.commit.bind(log);
	logged.commit = (maxCompactions) => {
		if (log.pending > 0) commitsAlone++;
		commit(maxCompactions);
	};
	// 2,400 appends a second: each turn appends what arrived since the last one, as sockets would.
	const until = performance.now() + seconds * 1000;
	let last = performance.now();
	let owed = 0;
	let i = 0;
	while (performance.now() < until) {
		const now = performance.now();
		owed += ((now - last) / 1000) * 2400;
		last = now;
		for (; owed >= 1; owed--) {
			const t = performance.now();
			void log.append(`meeting:bench${i % 150}`, typing[i++ % typing.length]).then(() => appends.push(performance.now() - t));
		}
		const slept = performance.now();
		await new Promise((r) => setTimeout(r, 1));
		lags.push(Math.max(0, performance.now() - slept - 1));
	}
	await log.committed();
	logged.commit = commit;
}
const alone = { append: summarize(appends.values()), loop: summarize(lags.values()), pressure: alonePressure() };

// ── 3. Compaction ───────────────────────────────────────────────────────────────────────────────────
console.error('compaction …');
type Compaction = { state: number; times: Summary; encode: Summary; load: Summary };
async function compaction(pages: number, rounds: number): Promise<Compaction> {
	const docId = `plan:bench${pages}`;
	const room = new Room(docId, log, new InProcessBus(), 1_000_000);
	const plan = planDoc(4242 + pages, pages);
	const fragment = plan.getXmlFragment('plan');
	Y.applyUpdate(room.doc, Y.encodeStateAsUpdate(plan), 'bench');
	const times = new Samples();
	const encodes = new Samples();
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
		// Encoding the state: the part that runs where Room.compact() is called.
		const e = performance.now();
		Y.encodeStateAsUpdate(room.doc);
		encodes.push(performance.now() - e);
		// The whole compaction in one step: encoding, the snapshot, and deleting the rows it replaces (the
		// server spreads these over several turns; here they run back to back, the most it can cost).
		log.compactionsPerCommit = 0;
		const t = performance.now();
		room.compact();
		times.push(performance.now() - t);
		log.compactionsPerCommit = 4;
		// Loading it back (snapshot + log after it), as a room does when someone opens it.
		const l = performance.now();
		const again = new Room(docId, log, new InProcessBus(), 1_000_000);
		loads.push(performance.now() - l);
		again.destroy();
	}
	const state = Y.encodeStateAsUpdate(room.doc).byteLength;
	room.destroy();
	return { state, times: summarize(times.values()), encode: summarize(encodes.values()), load: summarize(loads.values()) };
}
await waitForQuiet();
const compactionPressure = pressureSince();
const plan30 = await compaction(30, 20);
const plan90 = await compaction(90, 10);
const compactionCpuPressure = compactionPressure();
db.$client.close();
rmSync(dir, { recursive: true, force: true });

console.log(
	table('Durable before broadcast: append → commit (SQLite WAL, synchronous=FULL, one transaction per event-loop turn)', [
		{
			where: `inside the server, 150 meetings × 8 × 2/s (${inServer.log.append.n} appends)`,
			p50: ms(inServer.log.append.p50, 2),
			p99: ms(inServer.log.append.p99, 2),
			max: ms(inServer.log.append.max, 1),
			goal: `p99 ≤ ${GOAL.appendP99} ms`,
			verdict: verdict(inServer.log.append.p99, GOAL.appendP99),
			'CPU pressure': pct(inServer.load.pressure)
		},
		{
			where: `the log alone, 2,400 appends/s (${alone.append.n} appends)`,
			p50: ms(alone.append.p50, 2),
			p99: ms(alone.append.p99, 2),
			max: ms(alone.append.max, 1),
			goal: `p99 ≤ ${GOAL.appendP99} ms`,
			verdict: verdict(alone.append.p99, GOAL.appendP99),
			'CPU pressure': pct(alone.pressure)
		}
	])
);
console.log(
	table('Group commit', [
		{ figure: 'inside the server: transactions (one fsync each) / updates per transaction, mean / max', value: `${inServer.log.batch.commits} / ${inServer.log.batch.mean.toFixed(1)} / ${inServer.log.batch.max}` },
		{ figure: 'inside the server: commit duration p50 / p99 / max', value: `${ms(inServer.log.commit.p50, 2)} / ${ms(inServer.log.commit.p99, 2)} / ${ms(inServer.log.commit.max, 1)}` },
		{ figure: 'inside the server: event-loop delay p99 / propagation p99 during the run', value: `${ms(inServer.load.server.loop.p99)} / ${ms(inServer.load.latency.p99)}` },
		{ figure: 'the log alone: transactions / updates per transaction', value: `${commitsAlone} / ${(alone.append.n / commitsAlone).toFixed(1)}` },
		{ figure: 'the log alone: event-loop delay p99 of this process', value: ms(alone.loop.p99, 2) }
	])
);
console.log(
	table('Compaction, all of it back to back (encode the state, write the snapshot, delete the 499 rows it replaces), every 499 edits', [
		...([
			['30-page plan', plan30, 20],
			['90-page plan', plan90, 10]
		] as const).map(([name, f, n]) => ({
			document: `${name}, ${kb(f.state, 0)} of state after ${n} rounds`,
			'compact p50': ms(f.times.p50),
			'compact max': ms(f.times.max),
			goal: `max ≤ ${GOAL.compact} ms`,
			verdict: verdict(f.times.max, GOAL.compact),
			'of which encoding (p50)': ms(f.encode.p50),
			'load: snapshot + log (p50)': ms(f.load.p50)
		}))
	])
);
console.log(`(Machine CPU pressure during the compactions: ${pct(compactionCpuPressure)}.)`);
