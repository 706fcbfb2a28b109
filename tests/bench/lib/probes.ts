// Expressions the benchmarks evaluate inside a running Hearth through the inspector, to time its update
// log without the server knowing: installed when a measured window starts, read when it ends.
import type { Summary } from './stats.ts';

export type LogFigures = { append: Summary; commit: Summary; batch: { mean: number; max: number; commits: number } };

/**
 * Wraps the running server's UpdateLog: append → commit time per update; duration and size of each commit
 * (its private `commitNow` step, which every commit goes through, timed until the commit returned).
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
		// commitNow: where a batch leaves the queue; it returns when the commit returned (SQLite on the
		// server's thread) or a promise of it (the commit thread, PostgreSQL).
		const commitNow = log.commitNow.bind(log);
		log.commitNow = (...args) => {
			const n = log.pending;
			const t = performance.now();
			const done = () => { if (n > 0) { globalThis.__benchLog.commits.push(performance.now() - t); globalThis.__benchLog.batches.push(n); } };
			const result = commitNow(...args);
			if (result && typeof result.then === 'function') result.then(done, () => {});
			else done();
			return result;
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
