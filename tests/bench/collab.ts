// Collab latency and capacity (issue 8; the meeting room's edits and stage moves, issue 20), against the
// real server as `npm start` runs it. Each participant types by turns in the notes and on its own board
// card (every fourth word on the card also moves it to another column); the facilitator moves the stage
// through the agenda endpoint, and the stage must reach every screen within a keystroke's goal:
//   1. one meeting, 8 participants each sending 2 updates a second, a stage move every second:
//      propagation p50 ≤ 3 ms, p99 ≤ 15 ms; stage move p99 ≤ 15 ms;
//   2. 150 meetings × 8 participants × 2 updates a second, each meeting's stage moved every 10 s (15 moves
//      a second in all): p99 ≤ 50 ms, stage move p99 ≤ 50 ms, no lost update, event-loop delay p99 ≤ 20 ms;
//   3. a ramp in meetings until a goal fails, to say where: on this 2-core machine the load generator
//      (1,200 real providers, each applying every update of its meeting) runs out of CPU before the
//      server does, so the ramp also reports the server's own figures (event-loop delay, how long an
//      update is held before broadcast, CPU) and goes on while those hold and the generator keeps up.
// Usage: npm run bench:collab [-- --seconds=30 --no-ramp --ramp=200,300,400 --single-only]
// Clients run in a separate process (lib/driver-main.ts); every socket is signed in like a real user.
import { startHearth, demoMeeting } from './lib/targets.ts';
import type { LoadResult } from './lib/driver.ts';
import { meetingLoad } from './lib/measure.ts';
import { LOG_PROBE, type LogFigures } from './lib/probes.ts';
import { pct } from './lib/machine.ts';
import { cli, header, loadNow, ms, table, type Row, verdict } from './lib/stats.ts';

const args = cli('bench:collab');
const seconds = Number(args.get('seconds') ?? 30);
const ramp = args.has('no-ramp') ? [] : (args.get('ramp') ?? '200,300,400,600,800').split(',').map(Number);
const GOAL = { singleP50: 3, singleP99: 15, loadP99: 50, loopP99: 20 };

console.log(header(args.command));

const maxMeetings = Math.max(150, ...ramp);
const hearth = await startHearth({ COLLAB_UNLOAD_MS: '2000' });
try {
	const seeded = await hearth.seed(Math.ceil(maxMeetings / 5), 5);
	const meetingDocs = seeded.meetingIds.map((id) => `meeting:${id}`);
	const load = (meetings: number, secs: number) =>
		meetingLoad(hearth, meetingDocs.slice(0, meetings), { warmupSeconds: 5, seconds: secs, probe: LOG_PROBE, stageMoveEveryMs: 10_000 });

	console.error('single meeting …');
	const demo = await demoMeeting(hearth.server.dbPath);
	const single = await meetingLoad(hearth, [`meeting:${demo.meetingId}`], { warmupSeconds: 3, seconds: Math.max(20, seconds), stageMoveEveryMs: 1000 });
	console.log(
		table('One meeting: 8 participants, 2 updates/s each (notes and board), a stage move every second (Hearth)', [
			{ figure: 'propagation p50', value: ms(single.latency.p50), goal: `≤ ${GOAL.singleP50} ms`, verdict: verdict(single.latency.p50, GOAL.singleP50) },
			{ figure: 'propagation p99', value: ms(single.latency.p99), goal: `≤ ${GOAL.singleP99} ms`, verdict: verdict(single.latency.p99, GOAL.singleP99) },
			{ figure: 'propagation max', value: ms(single.latency.max), goal: '', verdict: '—' },
			{ figure: 'deliveries timed', value: single.latency.n, goal: '', verdict: '—' },
			...stageRows(single, GOAL.singleP99),
			{ figure: 'lost updates', value: single.lost, goal: '0', verdict: single.lost === 0 && single.diverged === 0 ? 'pass' : 'MISS' },
			{ figure: 'server event-loop delay p99', value: ms(single.server.loop.p99), goal: '', verdict: '—' },
			{ figure: 'load generator event-loop delay p99', value: ms(single.driver.loop.p99), goal: '', verdict: '—' },
			{ figure: 'machine CPU pressure during the run', value: pct(single.pressure), goal: '', verdict: '—' }
		])
	);

	if (args.has('single-only')) {
		console.log(`(machine load average at the end: ${loadNow()})`);
		await hearth.stop();
		process.exit(0);
	}
	console.error('150 meetings …');
	const capacity = await load(150, seconds);
	console.log(
		table('150 meetings × 8 participants × 2 updates/s (notes and board), each stage moved every 10 s (Hearth)', [
			{ figure: 'updates sent per second', value: capacity.sentPerSecond.toFixed(0), goal: '2400', verdict: '—' },
			{ figure: 'propagation p50', value: ms(capacity.latency.p50), goal: '', verdict: '—' },
			{ figure: 'propagation p99', value: ms(capacity.latency.p99), goal: `≤ ${GOAL.loadP99} ms`, verdict: verdict(capacity.latency.p99, GOAL.loadP99) },
			{ figure: 'propagation max', value: ms(capacity.latency.max), goal: '', verdict: '—' },
			...stageRows(capacity, GOAL.loadP99),
			{ figure: 'lost updates', value: capacity.lost, goal: '0', verdict: capacity.lost === 0 && capacity.diverged === 0 ? 'pass' : 'MISS' },
			{ figure: 'server event-loop delay p99', value: ms(capacity.server.loop.p99), goal: `≤ ${GOAL.loopP99} ms`, verdict: verdict(capacity.server.loop.p99, GOAL.loopP99) },
			{ figure: 'held in the server until committed (append → commit) p50 / p99', value: `${ms(held(capacity).p50, 2)} / ${ms(held(capacity).p99)}`, goal: '', verdict: '—' },
			{ figure: 'server CPU', value: `${capacity.server.cpuPercent.toFixed(0)} %`, goal: '', verdict: '—' },
			{ figure: `load generator (${capacity.drivers} process${capacity.drivers > 1 ? 'es' : ''}): CPU / event-loop p99`, value: `${capacity.driver.cpuPercent.toFixed(0)} % / ${ms(capacity.driver.loop.p99)}`, goal: '', verdict: '—' },
			{ figure: 'connect + sync of 1,200 sockets', value: `${capacity.connectSeconds.toFixed(1)} s`, goal: '', verdict: '—' },
			{ figure: 'machine CPU pressure during the run', value: pct(capacity.pressure), goal: '', verdict: '—' }
		])
	);

	if (ramp.length > 0) {
		const rows: Row[] = [rampRow(capacity)];
		let stop: { at: Run; why: string } | null = serverLimit(capacity) ? { at: capacity, why: serverLimit(capacity)! } : null;
		let firstMiss: Run | null = failures(capacity).length > 0 ? capacity : null;
		for (const meetings of ramp) {
			if (stop) break;
			console.error(`ramp: ${meetings} meetings …`);
			const r = await load(meetings, Math.min(seconds, 20));
			rows.push(rampRow(r));
			if (!firstMiss && failures(r).length > 0) firstMiss = r;
			const limit = serverLimit(r);
			if (limit) stop = { at: r, why: limit };
		}
		console.log(table('Ramp: meetings × 8 participants × 2 updates/s (Hearth)', rows));
		if (firstMiss) console.log(`End-to-end goals first missed at ${firstMiss.meetings} meetings (${firstMiss.clients} sockets): ${failures(firstMiss).join(', ')}.`);
		else console.log(`Every goal held up to ${capacity.meetings} meetings and through the ramp.`);
		if (stop) console.log(`The ramp stopped at ${stop.at.meetings} meetings: ${stop.why}.`);
		else console.log(`The server's own figures held up to ${ramp.at(-1)} meetings.`);
	}
	console.log(`(machine load average at the end: ${loadNow()})`);
} finally {
	await hearth.stop();
}

type Run = LoadResult & { pressure: number };

function held(r: LoadResult): { p50: number; p99: number } {
	const f = r.probe as LogFigures | undefined;
	return { p50: f?.append.p50 ?? NaN, p99: f?.append.p99 ?? NaN };
}

/** The stage moves' rows: how long the facilitator's move took to reach every screen, against a keystroke's goal. */
function stageRows(r: LoadResult, goalP99: number): Row[] {
	const s = r.stageMoves;
	if (!s) return [];
	return [
		{ figure: 'stage move reaches a screen p50', value: ms(s.latency.p50), goal: '', verdict: '—' },
		{ figure: 'stage move reaches a screen p99 (request → every screen)', value: ms(s.latency.p99), goal: `≤ ${goalP99} ms (a keystroke's)`, verdict: verdict(s.latency.p99, goalP99) },
		{ figure: 'stage move max', value: ms(s.latency.max), goal: '', verdict: '—' },
		{ figure: 'stage moves / arrivals timed', value: `${s.moves} / ${s.latency.n}`, goal: '', verdict: '—' },
		{ figure: 'stage moves refused or failed / screens missing the last', value: `${s.errors} / ${s.lost}`, goal: '0 / 0', verdict: s.errors === 0 && s.lost === 0 ? 'pass' : 'MISS' }
	];
}

function failures(r: LoadResult): string[] {
	const f: string[] = [];
	if (r.latency.p99 > GOAL.loadP99) f.push(`propagation p99 ${ms(r.latency.p99)} > ${GOAL.loadP99} ms`);
	if (r.stageMoves && r.stageMoves.latency.p99 > GOAL.loadP99) f.push(`stage move p99 ${ms(r.stageMoves.latency.p99)} > ${GOAL.loadP99} ms`);
	if (r.stageMoves && (r.stageMoves.errors > 0 || r.stageMoves.lost > 0)) f.push(`${r.stageMoves.errors} stage moves refused, ${r.stageMoves.lost} screens without the last`);
	if (r.server.loop.p99 > GOAL.loopP99) f.push(`server event-loop p99 ${ms(r.server.loop.p99)} > ${GOAL.loopP99} ms`);
	if (r.lost > 0 || r.diverged > 0) f.push(`${r.lost} lost updates, ${r.diverged} diverged documents`);
	return f;
}

/** Why the ramp cannot go on: the server misses its own goals, or the load generator cannot keep up. */
function serverLimit(r: LoadResult): string | null {
	if (r.lost > 0 || r.diverged > 0) return `${r.lost} lost updates, ${r.diverged} diverged documents`;
	if (r.server.loop.p99 > GOAL.loopP99) return `the server's event-loop delay p99 is ${ms(r.server.loop.p99)} (> ${GOAL.loopP99} ms)`;
	const nominal = r.meetings * r.participants * 2;
	if (r.sentPerSecond < 0.95 * nominal) return `the load generator sent only ${r.sentPerSecond.toFixed(0)} of ${nominal} updates/s (out of CPU)`;
	return null;
}

function rampRow(r: Run): Row {
	return {
		meetings: r.meetings,
		sockets: r.clients,
		'updates/s sent': r.sentPerSecond.toFixed(0),
		'propagation p50 / p99': `${ms(r.latency.p50)} / ${ms(r.latency.p99)}`,
		'stage move p99': r.stageMoves ? ms(r.stageMoves.latency.p99) : '—',
		lost: r.lost,
		'server loop p99': ms(r.server.loop.p99),
		'held until commit p99': ms(held(r).p99),
		'server CPU': `${r.server.cpuPercent.toFixed(0)} %`,
		'generator CPU / loop p99': `${r.driver.cpuPercent.toFixed(0)} % / ${ms(r.driver.loop.p99, 0)}`,
		'CPU pressure': pct(r.pressure),
		'end-to-end goals': failures(r).length === 0 ? 'pass' : 'MISS'
	};
}
