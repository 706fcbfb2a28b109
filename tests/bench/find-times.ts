// Ranking meeting times (issue 22, src/lib/domain/find-times.ts): 20 people over 6 weeks at 15-minute
// steps, each with a weekly pattern and date-specific changes in one of four zones, beside the same search
// done naively (for every candidate, every person, every quarter hour of the meeting: the local time
// through Temporal, then a scan of their blocks). Goal: well under 50 ms. Prints a Markdown table.
// Usage: npm run bench:find-times [-- --runs=N]
import { Temporal } from 'temporal-polyfill';
import { findTimes, type Availability, type FindTimesInput, type Invitee, type Preference } from '../../src/lib/domain/find-times.ts';
import { rng } from './lib/docs.ts';
import { cli, header, ms, table, verdict } from './lib/stats.ts';

const args = cli('bench:find-times');
const runs = Number(args.get('runs') ?? 50);
console.log(header(args.command));

const ZONES = ['America/Los_Angeles', 'America/Chicago', 'America/New_York', 'America/Denver'];
const random = rng(22);
const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)];
const PREFS: Preference[] = ['BEST', 'IF_NEED_BE', 'CANT'];

/** Someone's week: 3 to 6 blocks a weekday (early, lunch, evening, weekend hours too) and a few dated changes. */
function person(i: number): Invitee {
	const weekly = [];
	for (let weekday = 1; weekday <= 7; weekday++) {
		const blocks = 3 + Math.floor(random() * 4);
		for (let b = 0; b < blocks; b++) {
			const start = Math.floor(random() * 88) * 15;
			weekly.push({ weekday, start, end: Math.min(1440, start + (1 + Math.floor(random() * 12)) * 15), preference: pick(PREFS) });
		}
	}
	const dates = Array.from({ length: 6 }, () => {
		const start = Math.floor(random() * 80) * 15;
		const day = 1 + Math.floor(random() * 40);
		return { date: Temporal.PlainDate.from('2027-01-04').add({ days: day }).toString(), start, end: start + 120, preference: pick(PREFS) };
	});
	return { personId: `person${String(i).padStart(2, '0')}`, required: i < 4, availability: { timeZone: pick(ZONES), weekly, dates } };
}

const invitees = Array.from({ length: 20 }, (_, i) => person(i));
const from = Temporal.ZonedDateTime.from('2027-01-04T00:00[America/Chicago]').epochMilliseconds;
const input: FindTimesInput = {
	from,
	until: from + 42 * 86_400_000,
	durationMinutes: 90,
	invitees,
	keepApart: [{ personA: 'person00', personB: 'person01' }],
	officeHours: { timeZone: 'America/Chicago', weekly: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: 480, end: 1020 })) },
	limit: 8
};

/** The naive search: every candidate, person and quarter hour through Temporal; the score of each candidate start. */
function naiveScores(i: FindTimesInput): Map<number, number> {
	const order = { CANT: 0, NOT_SAID: 1, IF_NEED_BE: 2, BEST: 3 } as const;
	const value = [0, 0.25, 1, 2];
	const standing = (a: Availability | null, t: number): number => {
		if (!a) return 1;
		const local = Temporal.Instant.fromEpochMilliseconds(t).toZonedDateTimeISO(a.timeZone);
		const minute = local.hour * 60 + local.minute;
		const date = local.toPlainDate().toString();
		let dated = 4;
		for (const b of a.dates) if (b.date === date && minute >= b.start && minute < b.end) dated = Math.min(dated, order[b.preference]);
		if (dated < 4) return dated;
		let weekly = 4;
		for (const b of a.weekly) if (b.weekday === local.dayOfWeek && minute >= b.start && minute < b.end) weekly = Math.min(weekly, order[b.preference]);
		return weekly < 4 ? weekly : 1;
	};
	const scores = new Map<number, number>();
	const step = 15 * 60_000;
	for (let start = Math.ceil(i.from / step) * step; start + i.durationMinutes * 60_000 <= i.until; start += step) {
		let score = 0;
		let refused = false;
		for (const p of i.invitees) {
			if (p.written) continue;
			let worst = 3;
			for (let t = start; t < start + i.durationMinutes * 60_000; t += step) worst = Math.min(worst, standing(p.availability, t));
			if (worst === 0 && p.required) refused = true;
			score += value[worst] * (p.required ? 3 : 1);
		}
		if (!refused) scores.set(start, score);
	}
	return scores;
}

const time = (fn: () => unknown, n: number) => {
	const samples: number[] = [];
	for (let k = 0; k < n; k++) {
		const t0 = performance.now();
		fn();
		samples.push(performance.now() - t0);
	}
	samples.sort((a, b) => a - b);
	return { median: samples[Math.floor(samples.length / 2)], max: samples.at(-1)! };
};

// Warm up (the first runs compile), then check that both agree on every proposed time's score.
for (let k = 0; k < 5; k++) findTimes(input);
const proposed = findTimes(input);
const naive = naiveScores(input);
const agree = proposed.every((t) => naive.get(t.start) === t.score) && proposed.length > 0;
const fast = time(() => findTimes(input), runs);
const slow = time(() => naiveScores(input), 1);
const candidates = (input.until - input.from) / (15 * 60_000);

console.log(
	table(`Ranking times: 20 people (4 zones), 6 weeks, 15-minute steps (${candidates} starts), a 90-minute meeting`, [
		{ figure: 'findTimes, median of runs', value: ms(fast.median), goal: '≪ 50 ms', verdict: verdict(fast.median, 50) },
		{ figure: 'findTimes, slowest run', value: ms(fast.max), goal: '', verdict: '—' },
		{ figure: 'naive search (Temporal per quarter hour), one run', value: ms(slow.median), goal: '', verdict: '—' },
		{ figure: 'speed-up', value: `${(slow.median / fast.median).toFixed(0)}×`, goal: '', verdict: '—' },
		{ figure: 'both score every proposed time alike', value: agree ? 'yes' : 'NO', goal: 'yes', verdict: agree ? 'pass' : 'MISS' },
		{ figure: 'times proposed', value: proposed.length, goal: '', verdict: '—' }
	])
);
if (!agree) process.exitCode = 1;
