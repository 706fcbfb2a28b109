// Expressions the benchmarks evaluate inside a running Hearth through the inspector, to time its update
// log without the server knowing: installed when a measured window starts, read when it ends.
import type { Summary } from './stats.ts';

export type LogFigures = { append: Summary; commit: Summary; batch: { mean: number; max: number; commits: number } };

/**
 * Wraps the running server's UpdateLog: append → commit time per update; duration and size of each commit
 * (its private `commit` step, which both the turn's flush and a long turn's early commit go through).
 */
const INSTRUMENT = `(() => {
	const log = globalThis[Symbol.for('hearth.collab')].log;
	globalThis.__benchLog = { appends: [], commits: [], batches: [] };
	if (!log.__benchWrapped) {
		log.__benchWrapped = true;
		const append = log.append.bind(log);
		log.append = (docId, update) => {
			const t = performance.now();
			const p = append(docId, update);
			p.then(() => globalThis.__benchLog.appends.push(performance.now() - t), () => {});
			return p;
		};
		const commit = log.commit.bind(log);
		log.commit = (...args) => {
			const n = log.pending;
			const t = performance.now();
			commit(...args);
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

/** Append → commit per update, and each commit's duration and size, over a load's measured window. */
export const LOG_PROBE = { start: INSTRUMENT, end: READ };
