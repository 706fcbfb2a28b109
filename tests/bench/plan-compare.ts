// Comparing two versions of a 30-page case plan (issue 21: ≤ 200 ms on the server). Measures what the server
// does for the compare page once the two stored copies are read (one row each, by key): decode each
// version's Yjs state, read its blocks, line them up and compare changed blocks word by word (jsdiff), and
// render the HTML (src/lib/domain/plan-version.ts). Two pairs: a realistic one (the later version edits one
// paragraph in ten, adds and removes a few) and a worst case (two unrelated plans of the same size).
// Usage: npm run bench:plan-compare [-- --runs=N]
import * as Y from 'yjs';
import { docBuilders, rng, sentence } from './lib/docs.ts';
import { cli, header, ms, table, verdict } from './lib/stats.ts';
import { planOf } from '../../src/lib/domain/plan-doc.ts';
import { comparePlans, comparisonCounts, comparisonToHtml, planBlocks, planContentHash, type CompareWords } from '../../src/lib/domain/plan-version.ts';

const args = cli('bench:plan-compare');
const runs = Number(args.get('runs') ?? 30);
const GOAL_MS = 200;
console.log(header(args.command));

const { planDoc } = docBuilders(Y);
const words: CompareWords = { section: (code) => code, added: 'added:', removed: 'removed:', rule: 'A line' };

/** The stored copy of a plan: its encoded state, as plan_versions holds it. */
const stored = (doc: Y.Doc): Uint8Array => Y.encodeStateAsUpdate(doc);

/** A later version of `doc`: one paragraph in ten gets words changed, a few paragraphs are added and removed. */
function edited(doc: Y.Doc): Y.Doc {
	const next = new Y.Doc();
	Y.applyUpdate(next, stored(doc));
	next.clientID = 999_999;
	const random = rng(2121);
	const body = planOf(next).body;
	const paragraphs = body.toArray().filter((n): n is Y.XmlElement => n instanceof Y.XmlElement && n.nodeName === 'paragraph');
	next.transact(() => {
		paragraphs.forEach((p, i) => {
			if (i % 10 !== 3) return;
			const text = p.get(0) as Y.XmlText;
			text.insert(Math.floor(random() * text.length), sentence(random, 2, 6));
			if (text.length > 40) text.delete(Math.floor(random() * (text.length - 20)), 12);
		});
		for (let k = 0; k < 5; k++) {
			const p = new Y.XmlElement('paragraph');
			p.insert(0, [new Y.XmlText(sentence(random, 8, 20))]);
			body.insert(Math.floor(random() * body.length), [p]);
		}
		for (let k = 0; k < 5; k++) {
			const at = body.toArray().findIndex((n, i) => i > k * 40 && n instanceof Y.XmlElement && n.nodeName === 'paragraph');
			if (at >= 0) body.delete(at, 1);
		}
	});
	return next;
}

/** The server's work for one compare, from the two stored copies to the page's HTML. */
function compare(before: Uint8Array, after: Uint8Array): { html: string; counts: ReturnType<typeof comparisonCounts> } {
	const a = new Y.Doc();
	const b = new Y.Doc();
	Y.applyUpdate(a, before);
	Y.applyUpdate(b, after);
	const compared = comparePlans(planBlocks(planOf(a).body), planBlocks(planOf(b).body));
	const result = { html: comparisonToHtml(compared, words), counts: comparisonCounts(compared) };
	a.destroy();
	b.destroy();
	return result;
}

function time(fn: () => unknown): { median: number; p90: number; max: number } {
	for (let k = 0; k < 3; k++) fn(); // warm up: the first runs compile
	const samples: number[] = [];
	for (let k = 0; k < runs; k++) {
		const t0 = performance.now();
		fn();
		samples.push(performance.now() - t0);
	}
	samples.sort((x, y) => x - y);
	return { median: samples[Math.floor(samples.length / 2)], p90: samples[Math.floor(samples.length * 0.9)], max: samples.at(-1)! };
}

const first = planDoc(21, 30);
const later = edited(first);
const other = planDoc(2100, 30);
const [s1, s2, s3] = [first, later, other].map(stored);
const text = planBlocks(planOf(first).body).reduce((n, b) => n + ('text' in b ? b.text.length : 0), 0);
const realistic = compare(s1, s2);
const worst = compare(s1, s3);
const t1 = time(() => compare(s1, s2));
const t2 = time(() => compare(s1, s3));
const hashTime = time(() => planContentHash(planOf(first).body));

console.log(
	table(`Compare two versions of a 30-page plan (${(text / 1000).toFixed(0)}k characters, ${planBlocks(planOf(first).body).length} blocks, stored ${(s1.byteLength / 1024).toFixed(0)} KB), ${runs} runs`, [
		{ figure: 'realistic edit: median', value: ms(t1.median), goal: `≤ ${GOAL_MS} ms`, verdict: verdict(t1.median, GOAL_MS) },
		{ figure: 'realistic edit: p90 / slowest', value: `${ms(t1.p90)} / ${ms(t1.max)}`, goal: `≤ ${GOAL_MS} ms`, verdict: verdict(t1.max, GOAL_MS) },
		{ figure: 'realistic edit: blocks added / removed / changed', value: `${realistic.counts.added} / ${realistic.counts.removed} / ${realistic.counts.changed}`, goal: '', verdict: '—' },
		{ figure: 'two unrelated plans: median', value: ms(t2.median), goal: `≤ ${GOAL_MS} ms`, verdict: verdict(t2.median, GOAL_MS) },
		{ figure: 'two unrelated plans: p90 / slowest', value: `${ms(t2.p90)} / ${ms(t2.max)}`, goal: '', verdict: '—' },
		{ figure: 'two unrelated plans: blocks added / removed / changed', value: `${worst.counts.added} / ${worst.counts.removed} / ${worst.counts.changed}`, goal: '', verdict: '—' },
		{ figure: 'content hash of one version (save): median', value: ms(hashTime.median), goal: '', verdict: '—' },
		{ figure: 'compare page HTML', value: `${(realistic.html.length / 1024).toFixed(0)} KB`, goal: '', verdict: '—' }
	])
);
if (t1.median > GOAL_MS) process.exitCode = 1;
