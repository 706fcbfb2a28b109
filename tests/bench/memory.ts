// Server memory per open document (issue 8): ≤ 1 MB for a realistic meeting (agenda, board of 60 cards,
// notes, decision, action items) and for a 30-page case plan, each open with two clients; and after
// everyone leaves the documents are unloaded and memory comes back near the baseline.
// Usage: npm run bench:memory [-- --docs=40]
// Memory is read inside the real server through Node's inspector after a forced full GC: JS heap plus
// memory outside it (buffers), per document; RSS per document is printed too (it includes allocator slack).
import { startHearth } from './lib/targets.ts';
import { memoryPerDoc, type MemoryFigures } from './lib/measure.ts';
import { cli, header, kb, mb, table, verdict } from './lib/stats.ts';
import { pct } from './lib/machine.ts';

const args = cli('bench:memory');
const count = Number(args.get('docs') ?? 40);
const GOAL_PER_DOC = 1024 * 1024;
const UNLOAD_MS = 1000;
/** The server's default COLLAB_REST_MS: documents nobody types into rest after it. */
const REST_S = 30;

console.log(header(args.command));

const results: { kind: string; m: MemoryFigures }[] = [];
for (const kind of ['meeting', 'plan'] as const) {
	console.error(`${count} ${kind} documents …`);
	// A fresh server for each kind, so that one measurement never carries the other's garbage.
	const hearth = await startHearth({ COLLAB_UNLOAD_MS: String(UNLOAD_MS), ...(process.env.COLLAB_DEFLATE ? { COLLAB_DEFLATE: process.env.COLLAB_DEFLATE } : {}) });
	try {
		results.push({ kind, m: await memoryPerDoc(hearth, kind, count, UNLOAD_MS + 2000) });
	} finally {
		await hearth.stop();
	}
}

const label = { meeting: 'meeting (7 stages, 60 cards, scale, ~8,000 chars of notes, decision, 10 action items)', plan: 'case plan (30 pages, ~106,000 chars)' } as Record<string, string>;
const rows = results.flatMap(({ kind, m }) => {
	const live = {
		document: label[kind],
		state: 'just written (a live Y.Doc)',
		'encoded size': kb(m.encodedPerDoc),
		'heap + external per doc': mb(m.perDoc),
		'RSS per doc': mb(m.rssPerDoc),
		goal: '≤ 1 MB',
		verdict: verdict(m.perDoc, GOAL_PER_DOC),
		'CPU pressure': pct(m.pressure)
	};
	if (!m.resting) return [live];
	return [
		live,
		{
			document: label[kind],
			state: `open, nobody typing for ${REST_S} s (${m.resting.docs} of ${m.docs} resting)`,
			'encoded size': kb(m.encodedPerDoc),
			'heap + external per doc': mb(m.resting.perDoc),
			'RSS per doc': mb(m.resting.rssPerDoc),
			goal: '≤ 1 MB',
			verdict: verdict(m.resting.perDoc, GOAL_PER_DOC),
			'CPU pressure': ''
		}
	];
});
console.log(
	table(`Hearth server memory per open document (${count} documents, 2 clients each)`, [
		...rows,
		{
			document: 'a meeting and its case plan, together (live)',
			state: '',
			'encoded size': kb(results[0].m.encodedPerDoc + results[1].m.encodedPerDoc),
			'heap + external per doc': mb(results[0].m.perDoc + results[1].m.perDoc),
			'RSS per doc': mb(results[0].m.rssPerDoc + results[1].m.rssPerDoc),
			goal: '—',
			verdict: '—',
			'CPU pressure': ''
		}
	])
);
console.log(
	table(`After everyone left (the server unloads ${UNLOAD_MS / 1000} s after the last socket closes; then a full GC)`, results.map(({ kind, m }) => ({
		document: label[kind],
		'documents in memory: open → left': `${m.loadedWhileOpen} → ${m.loadedAfterLeave}`,
		'baseline (heap + external)': mb(m.baselineHeap),
		'still held vs. baseline': `${mb(m.afterLeave)} (${(m.afterLeaveShare * 100).toFixed(0)} % of what was open)`,
		verdict: m.loadedAfterLeave === 0 && m.afterLeaveShare < 0.1 ? 'pass' : 'MISS'
	})))
);
