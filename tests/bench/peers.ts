// Side by side (issue 8): the same load, from the same machine, in one run, against
//   (1) Hearth (signed-in sockets, every update committed to SQLite before broadcast, group commit),
//   (2) the y-websocket 1.5.4 reference server (bin/server.js: same protocol and client, no auth, no
//       durability),
//   (3) Hocuspocus 4 (@hocuspocus/server with its own provider, debounced persistence to SQLite).
// Goals: Hearth's p99 ≤ 1.5 × the reference server's; memory per document no worse than either peer.
// The peers live in tests/bench/peers (their own package, installed on first use, never app dependencies).
// Usage: npm run bench:peers [-- --seconds=20 --rounds=3 --docs=20 --skip-load --skip-memory]
import { startTarget, type Target, type TargetName } from './lib/targets.ts';
import { meetingLoad, memoryPerDoc, type MemoryFigures } from './lib/measure.ts';
import type { LoadResult } from './lib/driver.ts';
import { cli, header, kb, loadNow, mb, ms, table, type Row } from './lib/stats.ts';
import { pct } from './lib/machine.ts';

const args = cli('bench:peers');
const seconds = Number(args.get('seconds') ?? 20);
const rounds = Number(args.get('rounds') ?? 3);
const docCount = Number(args.get('docs') ?? 20);
const TARGETS: TargetName[] = ['hearth', 'y-websocket', 'hocuspocus'];
const UNLOAD_MS = 1000;

console.log(header(args.command));

type Run = LoadResult & { pressure: number };
type Figures = { single: Run[]; capacity: Run[]; meeting?: MemoryFigures; plan?: MemoryFigures };
const figures = new Map<TargetName, Figures>(TARGETS.map((t) => [t, { single: [], capacity: [] }]));

async function withTarget<T>(name: TargetName, run: (t: Target) => Promise<T>): Promise<T> {
	const target = await startTarget(name, { COLLAB_UNLOAD_MS: String(UNLOAD_MS) });
	try {
		return await run(target);
	} finally {
		await target.stop();
	}
}

// Latency and capacity: the targets take turns, round after round, so that whatever else the machine
// is doing falls on all three alike.
for (let round = 1; round <= (args.has('skip-load') ? 0 : rounds); round++) {
	for (const name of TARGETS) {
		console.error(`round ${round}: ${name} …`);
		await withTarget(name, async (t) => {
			const seeded = await t.seed(31, 5);
			const docs = seeded.meetingIds.map((id) => `meeting:${id}`);
			figures.get(name)!.single.push(await meetingLoad(t, [docs[150]], { warmupSeconds: 3, seconds }));
			figures.get(name)!.capacity.push(await meetingLoad(t, docs.slice(0, 150), { warmupSeconds: 5, seconds }));
		});
	}
}
for (const name of args.has('skip-memory') ? [] : TARGETS) {
	for (const kind of ['meeting', 'plan'] as const) {
		console.error(`memory: ${name}, ${docCount} ${kind} documents …`);
		figures.get(name)![kind] = await withTarget(name, (t) => memoryPerDoc(t, kind, docCount, UNLOAD_MS + 2000));
	}
}

/**
 * A run counts when the load generator delivered the load (≥ 95 % of the updates it should have sent): a
 * neighbour can stall the machine for seconds, and such a run measures the stall. Figures are the median
 * of the runs that count (the mean of the middle two for an even number).
 */
const valid = (r: Run, nominal: number) => r.sentPerSecond >= 0.95 * nominal;
const counted = (name: TargetName, pick: (f: Figures) => Run[]) => {
	const runs = pick(figures.get(name)!);
	const nominal = runs[0]?.meetings * 8 * 2;
	return runs.filter((r) => valid(r, nominal));
};
function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	const mid = sorted.length / 2;
	return sorted.length === 0 ? NaN : sorted.length % 2 ? sorted[Math.floor(mid)] : (sorted[mid - 1] + sorted[mid]) / 2;
}
const med = (name: TargetName, pick: (f: Figures) => Run[], of: (r: Run) => number) => median(counted(name, pick).map(of));
const ratio = (a: number, b: number) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(2)}×` : 'n/a');

function row(figure: string, value: (n: TargetName) => number, format: (v: number) => string, goal = ''): Row {
	const [h, y, p] = TARGETS.map(value);
	return { figure, Hearth: format(h), 'y-websocket': format(y), Hocuspocus: format(p), 'Hearth ÷ y-websocket': ratio(h, y), 'Hearth ÷ Hocuspocus': ratio(h, p), goal };
}

/** Each round's p99, runs that did not deliver the load struck out. */
function perRound(figure: string, pick: (f: Figures) => Run[], digits: number): Row {
	const cell = (n: TargetName) => pick(figures.get(n)!).map((r) => (valid(r, r.meetings * 16) ? ms(r.latency.p99, digits) : `~~${ms(r.latency.p99, digits)}~~`)).join(', ');
	return { figure, Hearth: cell('hearth'), 'y-websocket': cell('y-websocket'), Hocuspocus: cell('hocuspocus'), 'Hearth ÷ y-websocket': '', 'Hearth ÷ Hocuspocus': '', goal: '' };
}

const single = (f: Figures) => f.single;
const capacity = (f: Figures) => f.capacity;
const passRatio = (a: number, b: number, limit: number) => (a <= limit * b ? 'pass' : 'MISS');
const p99 = (n: TargetName, pick: (f: Figures) => Run[]) => med(n, pick, (r) => r.latency.p99);

if (!args.has('skip-load')) console.log(
	table(`Same load, same machine: Hearth vs. the y-websocket reference server vs. Hocuspocus (median of ${rounds} round${rounds > 1 ? 's' : ''}, ${seconds} s each, taking turns)`, [
		row('1 meeting × 8 × 2/s: propagation p50', (n) => med(n, single, (r) => r.latency.p50), (v) => ms(v, 2)),
		row('1 meeting × 8 × 2/s: propagation p99', (n) => p99(n, single), (v) => ms(v, 2), `≤ 1.5× y-websocket: ${passRatio(p99('hearth', single), p99('y-websocket', single), 1.5)}`),
		perRound('1 meeting: propagation p99 of each round', single, 1),
		row('150 meetings × 8 × 2/s: propagation p50', (n) => med(n, capacity, (r) => r.latency.p50), (v) => ms(v, 1)),
		row('150 meetings × 8 × 2/s: propagation p99', (n) => p99(n, capacity), (v) => ms(v, 1), `≤ 1.5× y-websocket: ${passRatio(p99('hearth', capacity), p99('y-websocket', capacity), 1.5)}`),
		row('150 meetings: updates sent per second', (n) => med(n, capacity, (r) => r.sentPerSecond), (v) => v.toFixed(0)),
		perRound('150 meetings: propagation p99 of each round', capacity, 0),
		row('150 meetings: lost updates', (n) => med(n, capacity, (r) => r.lost + r.diverged), (v) => String(v), '0'),
		row('150 meetings: server event-loop delay p99', (n) => med(n, capacity, (r) => r.server.loop.p99), (v) => ms(v, 1)),
		row('150 meetings: server CPU', (n) => med(n, capacity, (r) => r.server.cpuPercent), (v) => `${v.toFixed(0)} %`),
		row('150 meetings: load generator CPU', (n) => med(n, capacity, (r) => r.driver.cpuPercent), (v) => `${v.toFixed(0)} %`),
		row('150 meetings: server RSS at the end', (n) => med(n, capacity, (r) => r.server.memory.rss), (v) => mb(v, 0)),
		row('machine CPU pressure during 1 meeting', (n) => med(n, single, (r) => r.pressure), (v) => pct(v)),
		row('machine CPU pressure during 150 meetings', (n) => med(n, capacity, (r) => r.pressure), (v) => pct(v))
	])
);

const memRow = (kind: 'meeting' | 'plan', label: string): Row[] => {
	const m = (n: TargetName) => figures.get(n)![kind]!;
	// Two runs of bench:memory agreed to 1 % per document (0.55 / 0.55 MB, 1.41 / 1.41 MB): closer is a tie.
	const worseThanPeers = m('hearth').perDoc <= 1.01 * Math.min(m('y-websocket').perDoc, m('hocuspocus').perDoc) ? 'pass' : 'MISS';
	const idle = (n: TargetName) => m(n).resting?.perDoc ?? NaN;
	const idleVerdict = idle('hearth') <= 1.01 * Math.min(idle('y-websocket'), idle('hocuspocus')) ? 'pass' : 'MISS';
	return [
		row(`${label}: heap + external per open document`, (n) => m(n).perDoc, (v) => mb(v), `≤ both peers (± 1 %): ${worseThanPeers}`),
		row(`${label}: the same, nobody typing for 30 s (Hearth: documents rest)`, idle, (v) => mb(v), `≤ both peers (± 1 %): ${idleVerdict}`),
		row(`${label}: RSS per open document`, (n) => m(n).rssPerDoc, (v) => mb(v)),
		row(`${label}: documents in memory after everyone left`, (n) => m(n).loadedAfterLeave, (v) => `${v} of ${docCount}`),
		row(`${label}: still held after everyone left`, (n) => m(n).afterLeave, (v) => mb(v))
	];
};
if (!args.has('skip-memory')) console.log(
	table(`Memory per open document (${docCount} documents, 2 clients each; full GC, read through the inspector)`, [
		...memRow('meeting', `meeting (${kb(figures.get('hearth')!.meeting!.encodedPerDoc, 0)})`),
		...memRow('plan', `30-page plan (${kb(figures.get('hearth')!.plan!.encodedPerDoc, 0)})`)
	])
);
console.log(`(machine load average at the end: ${loadNow()})`);
