// How busy the machine is with work that is not ours. The benchmark machines are shared (two cores,
// other builds and browsers running): Linux's pressure stall information says what share of the time some
// task waited for a CPU. Figures taken while that share is high measure the neighbours, not the code, so
// the benchmarks wait for a quiet moment (bounded) and print the pressure next to what they measured.
import { existsSync, readFileSync } from 'node:fs';

const PSI = '/proc/pressure/cpu';

type Psi = { avg10: number; total: number; at: number };

function read(): Psi | null {
	if (!existsSync(PSI)) return null;
	const some = readFileSync(PSI, 'utf8').split('\n').find((l) => l.startsWith('some'));
	const avg10 = Number(/avg10=([\d.]+)/.exec(some ?? '')?.[1]);
	const total = Number(/total=(\d+)/.exec(some ?? '')?.[1]);
	return Number.isFinite(avg10) && Number.isFinite(total) ? { avg10, total, at: performance.now() } : null;
}

/**
 * Waits until CPU pressure (share of the last 10 s in which some task waited for a CPU) is below
 * `below` percent, for at most `maxMs`. Returns the pressure it settled for.
 */
export async function waitForQuiet(below = 20, maxMs = Number(process.env.BENCH_QUIET_WAIT_MS ?? 300_000)): Promise<number | null> {
	const until = performance.now() + maxMs;
	let psi = read();
	if (!psi) return null;
	let said = false;
	while (psi && psi.avg10 >= below && performance.now() < until) {
		if (!said) {
			console.error(`  (waiting for a quieter machine: CPU pressure ${psi.avg10.toFixed(0)} %, waiting for < ${below} %, at most ${Math.round(maxMs / 1000)} s)`);
			said = true;
		}
		await new Promise((r) => setTimeout(r, 2000));
		psi = read();
	}
	return psi?.avg10 ?? null;
}

/** Starts measuring; the returned function gives the CPU pressure (%) over the time since. */
export function pressureSince(): () => number {
	const start = read();
	return () => {
		const end = read();
		if (!start || !end || end.at <= start.at) return NaN;
		return ((end.total - start.total) / 1000 / (end.at - start.at)) * 100;
	};
}

export function pct(value: number): string {
	return Number.isFinite(value) ? `${value.toFixed(0)} %` : 'n/a';
}
