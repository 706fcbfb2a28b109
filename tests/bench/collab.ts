// Collab latency and capacity (issue 8), against the real server as `npm start` runs it:
//   1. one meeting, 8 participants each sending 2 updates a second: propagation p50 ≤ 3 ms, p99 ≤ 15 ms;
//   2. 150 meetings × 8 participants × 2 updates a second: p99 ≤ 50 ms, no lost update, event-loop
//      delay p99 ≤ 20 ms;
//   3. a ramp in meetings until a goal fails, to say where.
// Usage: npm run bench:collab [-- --seconds=30 --no-ramp --ramp=200,300,400]
// Clients run in a separate process (lib/driver-main.ts); every socket is signed in like a real user.
import { startHearth, demoMeeting } from './lib/targets.ts';
import type { LoadResult } from './lib/driver.ts';
import { meetingLoad } from './lib/measure.ts';
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
	const seeded = hearth.seed(Math.ceil(maxMeetings / 5), 5);
	const meetingDocs = seeded.meetingIds.map((id) => `meeting:${id}`);
	const load = (meetings: number, secs: number) => meetingLoad(hearth, meetingDocs.slice(0, meetings), { warmupSeconds: 5, seconds: secs });

	console.error('single meeting …');
	const demo = demoMeeting(hearth.server.dbPath);
	const single = await meetingLoad(hearth, [`meeting:${demo.meetingId}`], { warmupSeconds: 3, seconds: Math.max(20, seconds) });
	console.log(
		table('One meeting: 8 participants, 2 updates/s each (Hearth)', [
			{ figure: 'propagation p50', value: ms(single.latency.p50), goal: `≤ ${GOAL.singleP50} ms`, verdict: verdict(single.latency.p50, GOAL.singleP50) },
			{ figure: 'propagation p99', value: ms(single.latency.p99), goal: `≤ ${GOAL.singleP99} ms`, verdict: verdict(single.latency.p99, GOAL.singleP99) },
			{ figure: 'propagation max', value: ms(single.latency.max), goal: '', verdict: '—' },
			{ figure: 'deliveries timed', value: single.latency.n, goal: '', verdict: '—' },
			{ figure: 'lost updates', value: single.lost, goal: '0', verdict: single.lost === 0 && single.diverged === 0 ? 'pass' : 'MISS' },
			{ figure: 'server event-loop delay p99', value: ms(single.server.loop.p99), goal: '', verdict: '—' },
			{ figure: 'load generator event-loop delay p99', value: ms(single.driver.loop.p99), goal: '', verdict: '—' },
			{ figure: 'machine CPU pressure during the run', value: pct(single.pressure), goal: '', verdict: '—' }
		])
	);

	console.error('150 meetings …');
	const capacity = await load(150, seconds);
	console.log(
		table('150 meetings × 8 participants × 2 updates/s (Hearth)', [
			{ figure: 'updates sent per second', value: capacity.sentPerSecond.toFixed(0), goal: '2400', verdict: '—' },
			{ figure: 'propagation p50', value: ms(capacity.latency.p50), goal: '', verdict: '—' },
			{ figure: 'propagation p99', value: ms(capacity.latency.p99), goal: `≤ ${GOAL.loadP99} ms`, verdict: verdict(capacity.latency.p99, GOAL.loadP99) },
			{ figure: 'propagation max', value: ms(capacity.latency.max), goal: '', verdict: '—' },
			{ figure: 'lost updates', value: capacity.lost, goal: '0', verdict: capacity.lost === 0 && capacity.diverged === 0 ? 'pass' : 'MISS' },
			{ figure: 'server event-loop delay p99', value: ms(capacity.server.loop.p99), goal: `≤ ${GOAL.loopP99} ms`, verdict: verdict(capacity.server.loop.p99, GOAL.loopP99) },
			{ figure: 'server CPU', value: `${capacity.server.cpuPercent.toFixed(0)} %`, goal: '', verdict: '—' },
			{ figure: `load generator (${capacity.drivers} process${capacity.drivers > 1 ? 'es' : ''}): CPU / event-loop p99`, value: `${capacity.driver.cpuPercent.toFixed(0)} % / ${ms(capacity.driver.loop.p99)}`, goal: '', verdict: '—' },
			{ figure: 'connect + sync of 1,200 sockets', value: `${capacity.connectSeconds.toFixed(1)} s`, goal: '', verdict: '—' },
			{ figure: 'machine CPU pressure during the run', value: pct(capacity.pressure), goal: '', verdict: '—' }
		])
	);

	if (ramp.length > 0) {
		const rows: Row[] = [rampRow(capacity)];
		let failedAt: LoadResult | null = failures(capacity).length > 0 ? capacity : null;
		for (const meetings of ramp) {
			if (failedAt) break;
			console.error(`ramp: ${meetings} meetings …`);
			const r = await load(meetings, Math.min(seconds, 20));
			rows.push(rampRow(r));
			if (failures(r).length > 0) failedAt = r;
		}
		console.log(table('Ramp: meetings × 8 participants × 2 updates/s until a goal fails (Hearth)', rows));
		if (failedAt) {
			const saturated = failedAt.driver.cpuPercent > 90 || failedAt.lateSends > 0;
			console.log(
				`First failure at ${failedAt.meetings} meetings (${failedAt.clients} sockets): ${failures(failedAt).join(', ')}.` +
					(saturated ? ' The load generator was saturated too (its CPU or late sends), so part of the limit is the client side.' : '')
			);
		} else console.log(`No goal failed up to ${ramp.at(-1)} meetings.`);
	}
	console.log(`(machine load average at the end: ${loadNow()})`);
} finally {
	await hearth.stop();
}

function failures(r: LoadResult): string[] {
	const f: string[] = [];
	if (r.latency.p99 > GOAL.loadP99) f.push(`propagation p99 ${ms(r.latency.p99)} > ${GOAL.loadP99} ms`);
	if (r.server.loop.p99 > GOAL.loopP99) f.push(`server event-loop p99 ${ms(r.server.loop.p99)} > ${GOAL.loopP99} ms`);
	if (r.lost > 0 || r.diverged > 0) f.push(`${r.lost} lost updates, ${r.diverged} diverged documents`);
	return f;
}

function rampRow(r: LoadResult & { pressure: number }): Row {
	return {
		meetings: r.meetings,
		sockets: r.clients,
		'updates/s': r.sentPerSecond.toFixed(0),
		p50: ms(r.latency.p50),
		p99: ms(r.latency.p99),
		lost: r.lost,
		'server loop p99': ms(r.server.loop.p99),
		'server CPU': `${r.server.cpuPercent.toFixed(0)} %`,
		'driver CPU': `${r.driver.cpuPercent.toFixed(0)} %`,
		'CPU pressure': pct(r.pressure),
		verdict: failures(r).length === 0 ? 'pass' : 'MISS'
	};
}
