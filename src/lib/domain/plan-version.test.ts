import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { canonicalPlanContent, comparePlans, comparisonCounts, comparisonToHtml, planBlocks, planContentHash, PLAN_CANONICAL_PREFIX, type CompareWords } from './plan-version.ts';
import { planOf, seedPlan } from './plan-doc.ts';

const words: CompareWords = { section: (code) => (code === 'VISION' ? 'Our hopes' : null), added: 'added:', removed: 'removed:', rule: 'A line' };

function plan(build: (body: Y.XmlFragment) => void, clientID?: number): Y.Doc {
	const doc = new Y.Doc();
	if (clientID !== undefined) doc.clientID = clientID;
	build(planOf(doc).body);
	return doc;
}
function paragraph(text: string, attributes?: Record<string, unknown>): Y.XmlElement {
	const p = new Y.XmlElement('paragraph');
	const t = new Y.XmlText();
	t.insert(0, text, attributes);
	p.insert(0, [t]);
	return p;
}
function section(code: string): Y.XmlElement {
	const h = new Y.XmlElement('planSection');
	h.setAttribute('section', code);
	return h;
}

describe('the content hash of a plan', () => {
	it('is the same for the same words typed in another order, by other people', () => {
		const a = plan((b) => b.insert(0, [section('VISION'), paragraph('We keep the children safe')]), 1);
		const b = plan((body) => {
			body.insert(0, [section('VISION'), paragraph('keep the children safe')]);
			const text = (body.get(1) as Y.XmlElement).get(0) as Y.XmlText;
			text.insert(0, 'We ');
			text.insert(3, 'xx');
			text.delete(3, 2);
		}, 2);
		expect(canonicalPlanContent(planOf(a).body)).toBe(canonicalPlanContent(planOf(b).body));
		expect(planContentHash(planOf(a).body)).toBe(planContentHash(planOf(b).body));
		expect(planContentHash(planOf(a).body)).toMatch(/^[0-9a-f]{64}$/);
		expect(canonicalPlanContent(planOf(a).body).startsWith(PLAN_CANONICAL_PREFIX)).toBe(true);
	});

	it('changes with a word, with formatting, and with a section', () => {
		const base = planContentHash(planOf(plan((b) => b.insert(0, [section('VISION'), paragraph('Weekly visits')]))).body);
		expect(planContentHash(planOf(plan((b) => b.insert(0, [section('VISION'), paragraph('Weekly visit')]))).body)).not.toBe(base);
		expect(planContentHash(planOf(plan((b) => b.insert(0, [section('VISION'), paragraph('Weekly visits', { bold: {} })]))).body)).not.toBe(base);
		expect(planContentHash(planOf(plan((b) => b.insert(0, [section('GOALS'), paragraph('Weekly visits')]))).body)).not.toBe(base);
	});

	it('reads an overlapping mark’s key (name--hash) as the mark, and an ended mark as none', () => {
		const a = plan((b) => b.insert(0, [paragraph('Call the school', { 'bold--abcdefgh': {} })]));
		const b = plan((body) => body.insert(0, [paragraph('Call the school', { bold: {}, italic: null })]));
		expect(planContentHash(planOf(a).body)).toBe(planContentHash(planOf(b).body));
	});

	it('leaves out the plan’s facts (meta) and the Yjs history: only the text counts', () => {
		const a = plan((b) => b.insert(0, [paragraph('Same')]));
		const b = plan((b) => b.insert(0, [paragraph('Same')]));
		planOf(b).meta.set('schema', 7);
		expect(planContentHash(planOf(a).body)).toBe(planContentHash(planOf(b).body));
	});
});

describe('comparing two versions', () => {
	it('keeps what is the same, marks a changed paragraph word by word, and a new block as added', () => {
		const before = plan((b) => b.insert(0, [section('VISION'), paragraph('Sam visits every week at the library'), paragraph('Grace helps on weekends')]));
		const after = plan((b) => b.insert(0, [section('VISION'), paragraph('Sam visits every second week at the park'), paragraph('Grace helps on weekends'), paragraph('Ana joins the group')]));
		const compared = comparePlans(planBlocks(planOf(before).body), planBlocks(planOf(after).body));
		expect(compared.map((c) => c.change)).toEqual(['kept', 'changed', 'kept', 'added']);
		expect(comparisonCounts(compared)).toEqual({ added: 1, removed: 0, changed: 1 });
		const changed = compared[1];
		if (changed.change !== 'changed') throw new Error('not changed');
		expect(changed.words.filter((w) => w.change === 'added').map((w) => w.text.trim())).toEqual(['second', 'park']);
		expect(changed.words.filter((w) => w.change === 'removed').map((w) => w.text.trim())).toEqual(['library']);
	});

	it('marks a removed block, and says each change in words as well as with <ins> and <del>', () => {
		const before = plan((b) => b.insert(0, [section('VISION'), paragraph('Old line <b>'), paragraph('Kept line')]));
		const after = plan((b) => b.insert(0, [section('VISION'), paragraph('Kept line')]));
		const compared = comparePlans(planBlocks(planOf(before).body), planBlocks(planOf(after).body));
		expect(compared.map((c) => c.change)).toEqual(['kept', 'removed', 'kept']);
		const html = comparisonToHtml(compared, words);
		expect(html).toContain('<h2 class="plan-section">Our hopes</h2>');
		expect(html).toContain('<del class="plan-block"><span class="visually-hidden">removed: </span><p data-depth="0">Old line &lt;b&gt;</p></del>');
		expect(html).not.toContain('<b>');
	});

	it('marks words added inside a paragraph with hidden words for a screen reader', () => {
		const before = plan((b) => b.insert(0, [paragraph('Visits on Monday')]));
		const after = plan((b) => b.insert(0, [paragraph('Visits on Monday and Friday')]));
		const html = comparisonToHtml(comparePlans(planBlocks(planOf(before).body), planBlocks(planOf(after).body)), words);
		expect(html).toMatch(/<ins><span class="visually-hidden">added: <\/span>[^<]*and Friday<\/ins>/);
	});

	it('reads list items and a template the server seeded as blocks', () => {
		const doc = new Y.Doc();
		seedPlan(doc, ['VISION', 'GOALS']);
		const list = new Y.XmlElement('bulletList');
		const item = new Y.XmlElement('listItem');
		item.insert(0, [paragraph('Find a counsellor')]);
		list.insert(0, [item]);
		planOf(doc).body.insert(4, [list]);
		expect(planBlocks(planOf(doc).body)).toEqual([
			{ kind: 'section', code: 'VISION' },
			{ kind: 'paragraph', depth: 0, text: '' },
			{ kind: 'section', code: 'GOALS' },
			{ kind: 'paragraph', depth: 0, text: '' },
			{ kind: 'item', depth: 1, text: 'Find a counsellor' }
		]);
	});

	it('reads a paragraph rewritten with other words as one taken out and one added, not a tangle of words', () => {
		const before = plan((b) => b.insert(0, [paragraph('Sam visits every week at the library')]));
		const after = plan((b) => b.insert(0, [paragraph('Grandmother drives the children to school')]));
		expect(comparePlans(planBlocks(planOf(before).body), planBlocks(planOf(after).body)).map((c) => c.change)).toEqual(['removed', 'added']);
	});

	it('reads words written in an empty paragraph as words added to it', () => {
		const before = plan((b) => b.insert(0, [section('VISION'), paragraph('')]));
		const after = plan((b) => b.insert(0, [section('VISION'), paragraph('Safe at home')]));
		const compared = comparePlans(planBlocks(planOf(before).body), planBlocks(planOf(after).body));
		expect(compared.map((c) => c.change)).toEqual(['kept', 'changed']);
		expect(comparisonToHtml(compared, words)).toContain('<p data-depth="0"><ins><span class="visually-hidden">added: </span>Safe at home</ins></p>');
	});

	it('finds two identical plans the same', () => {
		const a = plan((b) => b.insert(0, [section('VISION'), paragraph('One')]));
		expect(comparisonCounts(comparePlans(planBlocks(planOf(a).body), planBlocks(planOf(a).body)))).toEqual({ added: 0, removed: 0, changed: 0 });
	});
});
