// Page views against the built server: a signed-in caseworker opens the case page (and the meeting page)
// N times one after another, then N times eight at once. Each allowed view writes one audit entry (one
// transaction, one fsync). Prints the times in milliseconds, and the server's CPU time per view (from
// /proc, Linux; clock ticks of 10 ms, so take it over a few hundred views). `npm run build` first; run with
// `npx node tests/bench/page-views.ts [count]`. Bounded: it sends only to 127.0.0.1 and stops by itself.
import { startServer } from '../support/server.ts';
import { demoIds, get, signIn } from '../support/clients.ts';
import { readFileSync } from 'node:fs';

/** CPU time (user + system, ms) the server process has used: less sensitive to a busy machine than wall time. */
function serverCpuMs(pid: number): number {
	const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
	return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

const count = Number(process.argv[2] ?? 300);
const server = await startServer();
try {
	const cookie = await signIn(server.url, 'caseworker@demo.test');
	const { caseId, meetingId } = await demoIds(server.url, cookie);
	const stats = (ms: number[]) => {
		const sorted = [...ms].sort((a, b) => a - b);
		const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))].toFixed(2);
		return `mean ${(ms.reduce((a, b) => a + b, 0) / ms.length).toFixed(2)}  p50 ${at(0.5)}  p95 ${at(0.95)}`;
	};
	for (const path of [`/cases/${caseId}`, `/meetings/${meetingId}`]) {
		// Warm up (JIT, caches), then one at a time.
		for (let i = 0; i < 30; i++) await (await get(server.url, path, cookie)).arrayBuffer();
		const one: number[] = [];
		const cpuBefore = serverCpuMs(server.process.pid!);
		for (let i = 0; i < count; i++) {
			const t = performance.now();
			const res = await get(server.url, path, cookie);
			await res.arrayBuffer();
			if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
			one.push(performance.now() - t);
		}
		const cpuPerView = (serverCpuMs(server.process.pid!) - cpuBefore) / count;
		// Eight at a time: the audit writes of concurrent views take turns.
		const started = performance.now();
		let next = 0;
		await Promise.all(
			Array.from({ length: 8 }, async () => {
				while (next++ < count) await (await get(server.url, path, cookie)).arrayBuffer();
			})
		);
		const wall = performance.now() - started;
		console.log(`${path.split('/')[1]} page, ${count} views one at a time: ${stats(one)} ms, server CPU ${cpuPerView.toFixed(2)} ms a view; ${count} views 8 at once: ${(count / (wall / 1000)).toFixed(0)} views/s`);
	}
} finally {
	await server.stop();
}
