// Issue 19: the same collab loads against one Hearth instance on the SQLite file and one on PostgreSQL, taking
// turns, and the ratio. The one-meeting load (8 participants × 2 updates/s) and the 150-meeting load
// (150 × 8 × 2/s). On this project's 2-core machines two instances cannot show more capacity than one (the
// load generator alone takes about a core), so this compares the engines under one instance, not scaling.
// Usage: npm run bench:engines [-- --seconds=20 --meetings=150]
// PostgreSQL at BENCH_DATABASE_URL, else TEST_DATABASE_URL, else postgres://postgres@127.0.0.1:5432/postgres
// (a new database is created for the run and dropped after).
import { startHearth, demoMeeting } from './lib/targets.ts';
import { meetingLoad } from './lib/measure.ts';
import { LOG_PROBE, type LogFigures } from './lib/probes.ts';
import { pct } from './lib/machine.ts';
import { cli, header, ms, table, type Row } from './lib/stats.ts';
import type { LoadResult } from './lib/driver.ts';

const args = cli('bench:engines');
const seconds = Number(args.get('seconds') ?? 20);
const meetings = Number(args.get('meetings') ?? 150);
const postgres = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

type Run = LoadResult & { pressure: number };
const held = (r: Run) => (r.probe as LogFigures | undefined)?.append.p99 ?? NaN;

console.log(header(args.command));
const results: Record<'sqlite' | 'pg', { single: Run; many: Run }> = {} as never;
for (const engine of ['sqlite', 'pg'] as const) {
	console.error(`${engine}: starting …`);
	const hearth = await startHearth({ COLLAB_UNLOAD_MS: '2000' }, 64, engine === 'pg' ? { postgres } : {});
	try {
		const seeded = await hearth.seed(Math.ceil(meetings / 5), 5);
		const demo = await demoMeeting(hearth.server.databaseUrl ?? hearth.server.dbPath);
		console.error(`${engine}: one meeting …`);
		const single = await meetingLoad(hearth, [`meeting:${demo.meetingId}`], { warmupSeconds: 3, seconds, probe: LOG_PROBE });
		console.error(`${engine}: ${meetings} meetings …`);
		const many = await meetingLoad(hearth, seeded.meetingIds.slice(0, meetings).map((id) => `meeting:${id}`), { warmupSeconds: 5, seconds, probe: LOG_PROBE });
		results[engine] = { single, many };
	} finally {
		await hearth.stop();
	}
}

const ratio = (a: number, b: number) => (Number.isFinite(a) && Number.isFinite(b) && a > 0 ? `${(b / a).toFixed(2)}×` : 'n/a');
const rows = (pick: (r: { single: Run; many: Run }) => Run): Row[] => {
	const s = pick(results.sqlite);
	const p = pick(results.pg);
	return [
		{ figure: 'propagation p50', SQLite: ms(s.latency.p50), PostgreSQL: ms(p.latency.p50), 'PostgreSQL / SQLite': ratio(s.latency.p50, p.latency.p50) },
		{ figure: 'propagation p99', SQLite: ms(s.latency.p99), PostgreSQL: ms(p.latency.p99), 'PostgreSQL / SQLite': ratio(s.latency.p99, p.latency.p99) },
		{ figure: 'held in the server until committed p99', SQLite: ms(held(s)), PostgreSQL: ms(held(p)), 'PostgreSQL / SQLite': ratio(held(s), held(p)) },
		{ figure: 'lost updates', SQLite: s.lost, PostgreSQL: p.lost, 'PostgreSQL / SQLite': '' },
		{ figure: 'server event-loop delay p99', SQLite: ms(s.server.loop.p99), PostgreSQL: ms(p.server.loop.p99), 'PostgreSQL / SQLite': ratio(s.server.loop.p99, p.server.loop.p99) },
		{ figure: 'server CPU (Node only; PostgreSQL’s own not counted)', SQLite: `${s.server.cpuPercent.toFixed(0)} %`, PostgreSQL: `${p.server.cpuPercent.toFixed(0)} %`, 'PostgreSQL / SQLite': '' },
		{ figure: 'machine CPU pressure', SQLite: pct(s.pressure), PostgreSQL: pct(p.pressure), 'PostgreSQL / SQLite': '' }
	];
};
console.log(table('One meeting: 8 participants × 2 updates/s, one instance', rows((r) => r.single)));
console.log(table(`${meetings} meetings × 8 participants × 2 updates/s, one instance`, rows((r) => r.many)));
