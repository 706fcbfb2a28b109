// Small helpers shared by the benchmarks: percentiles, goals, and the tables they print.
import { cpus, loadavg } from 'node:os';

/** The q-th percentile (0..100) of `values`, nearest rank. NaN when there are none. */
export function percentile(values: readonly number[] | Float64Array, q: number): number {
	if (values.length === 0) return NaN;
	const sorted = Float64Array.from(values).sort();
	const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((q / 100) * sorted.length) - 1));
	return sorted[rank];
}

export type Summary = { n: number; p50: number; p99: number; max: number };

export function summarize(values: readonly number[] | Float64Array): Summary {
	if (values.length === 0) return { n: 0, p50: NaN, p99: NaN, max: NaN };
	const sorted = Float64Array.from(values).sort();
	const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((q / 100) * sorted.length) - 1))];
	return { n: sorted.length, p50: at(50), p99: at(99), max: sorted[sorted.length - 1] };
}

/** A growable list of numbers without per-sample allocation (latency samples can run to millions). */
export class Samples {
	private data = new Float64Array(1024);
	length = 0;

	push(value: number): void {
		if (this.length === this.data.length) {
			const next = new Float64Array(this.data.length * 2);
			next.set(this.data);
			this.data = next;
		}
		this.data[this.length++] = value;
	}

	values(): Float64Array {
		return this.data.subarray(0, this.length);
	}
}

export function ms(value: number, digits = 1): string {
	return Number.isFinite(value) ? `${value.toFixed(digits)} ms` : 'n/a';
}

export function kb(bytes: number, digits = 1): string {
	return Number.isFinite(bytes) ? `${(bytes / 1024).toFixed(digits)} KB` : 'n/a';
}

export function mb(bytes: number, digits = 2): string {
	return Number.isFinite(bytes) ? `${(bytes / 1024 / 1024).toFixed(digits)} MB` : 'n/a';
}

/** "pass" or "MISS" against an upper bound; "—" when there is no goal. */
export function verdict(value: number, goal: number | undefined): string {
	if (goal === undefined) return '—';
	return Number.isFinite(value) && value <= goal ? 'pass' : 'MISS';
}

export type Row = Record<string, string | number>;

/** Prints rows as a Markdown table (pastes straight into tests/bench/README.md). */
export function table(title: string, rows: Row[]): string {
	if (rows.length === 0) return `\n${title}\n(no rows)\n`;
	const columns = Object.keys(rows[0]);
	const cells = rows.map((r) => columns.map((c) => String(r[c] ?? '')));
	const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i].length)));
	const line = (values: string[]) => `| ${values.map((v, i) => v.padEnd(widths[i])).join(' | ')} |`;
	return [
		'',
		`### ${title}`,
		'',
		line(columns),
		`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
		...cells.map(line),
		''
	].join('\n');
}

/**
 * A line to paste above a table: when, on what, with which command. The load average says how busy the
 * machine already was (other work on the same cores shows up in every latency figure).
 */
export function header(command: string): string {
	const date = new Date().toISOString().slice(0, 16).replace('T', ' ');
	const load = loadavg().map((l) => l.toFixed(1)).join(' ');
	return `${date} UTC · Node ${process.version} · ${cpus().length} cores, load ${load} · \`${command}\``;
}

export function loadNow(): string {
	return loadavg()[0].toFixed(1);
}

/** `--name=value` and `--name` flags, and the npm command line that reproduces this run. */
export function cli(script: string): { get(name: string): string | undefined; has(name: string): boolean; command: string } {
	const given = process.argv.slice(2);
	const flags = new Map<string, string | undefined>();
	for (const arg of given) {
		const [name, value] = arg.replace(/^--/, '').split('=');
		flags.set(name, value);
	}
	return {
		get: (name) => flags.get(name),
		has: (name) => flags.has(name),
		command: `npm run ${script}${given.length > 0 ? ' -- ' + given.join(' ') : ''}`
	};
}

export function sleep(msToWait: number): Promise<void> {
	return new Promise((r) => setTimeout(r, msToWait));
}
