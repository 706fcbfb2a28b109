import * as Y from 'yjs';
import { diffArrays, diffWords } from 'diff';
import { sha256 } from '@oslojs/crypto/sha2';
import { encodeHexLowerCase } from '@oslojs/encoding';
import { escapeHtml } from './notes-html.ts';
import { markOfFormat } from './rich-text-schema.ts';
import { PLAN_SECTION_ATTRIBUTE, PLAN_SECTION_NODE } from './plan-doc.ts';

// Saved versions of the case plan (issue 21, domain.md §4): what a version's content is (its canonical
// rendering and the hash an agreement binds to), and how two versions compare, by blocks and then by words.
// Pure: no database, no I/O. The server takes a version from the committed state (services/plan-versions.ts).

/** What the canonical rendering starts with: a later change to its rules changes this, never old hashes' meaning. */
export const PLAN_CANONICAL_PREFIX = 'hearth-plan-content/1\n';

/** How deep the canonical rendering and the blocks follow nesting (as notes-html.ts renders: deeper is left out). */
const MAX_DEPTH = 64;

type Canonical = string | [name: string, attrs: [string, unknown][], children: Canonical[]] | ['#text', [text: string, marks: [string, [string, unknown][]][]][]];

function sortedEntries(value: Record<string, unknown>): [string, unknown][] {
	return Object.entries(value)
		.filter(([, v]) => v !== null && v !== undefined)
		.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
		.map(([k, v]) => [k, v && typeof v === 'object' && !Array.isArray(v) ? sortedEntries(v as Record<string, unknown>) : v]);
}

function canonicalText(text: Y.XmlText): Canonical {
	const runs: [string, [string, [string, unknown][]][]][] = [];
	for (const op of text.toDelta() as { insert: unknown; attributes?: Record<string, unknown> }[]) {
		if (typeof op.insert !== 'string' || op.insert === '') continue;
		// A mark is its name (without y-prosemirror's `--<hash>` of overlapping marks) and its attributes; a
		// key whose value is null is no mark (it ended there).
		const marks = Object.entries(op.attributes ?? {})
			.filter(([, v]) => v !== null && v !== undefined)
			.map(([k, v]): [string, [string, unknown][]] => [markOfFormat(k), v && typeof v === 'object' ? sortedEntries(v as Record<string, unknown>) : []])
			.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
		const last = runs.at(-1);
		if (last && JSON.stringify(last[1]) === JSON.stringify(marks)) last[0] += op.insert;
		else runs.push([op.insert, marks]);
	}
	return ['#text', runs];
}

function canonicalNode(node: Y.XmlElement | Y.XmlText, depth: number): Canonical | null {
	if (node instanceof Y.XmlText) return canonicalText(node);
	if (depth > MAX_DEPTH) return null;
	const children = (node.toArray() as (Y.XmlElement | Y.XmlText)[]).map((child) => canonicalNode(child, depth + 1)).filter((c): c is Canonical => c !== null);
	return [node.nodeName, sortedEntries(node.getAttributes() as Record<string, unknown>), children];
}

/**
 * The canonical rendering of a plan's content: the plan's text (`body`, plan-doc.ts `planOf(doc).body`) as
 * JSON of its elements (name, attributes sorted by name, children) and its text (runs of text with their
 * marks, sorted), after PLAN_CANONICAL_PREFIX. It depends on what the plan says and how it is formatted,
 * never on the Yjs history (who typed what when, client ids, deleted items): two documents that read the
 * same render the same. Empty text runs and ended marks are left out; nesting deeper than 64 is left out.
 */
export function canonicalPlanContent(body: Y.XmlFragment): string {
	const nodes = (body.toArray() as (Y.XmlElement | Y.XmlText)[]).map((node) => canonicalNode(node, 1)).filter((c): c is Canonical => c !== null);
	return PLAN_CANONICAL_PREFIX + JSON.stringify(nodes);
}

/**
 * The content hash of a plan: SHA-256 of `canonicalPlanContent(body)` as UTF-8, in lower-case hex (64
 * characters). What an agreement binds to: the same words and formatting give the same hash.
 */
export function planContentHash(body: Y.XmlFragment): string {
	return encodeHexLowerCase(sha256(new TextEncoder().encode(canonicalPlanContent(body))));
}

/**
 * One block of a plan as a compare reads it: a section heading (its code), or a block of text with what
 * kind of block it is. `depth` counts the lists and quotes around it (0 at the top).
 */
export type PlanBlock =
	| { kind: 'section'; code: string }
	| { kind: 'paragraph' | 'item' | 'code'; depth: number; text: string }
	| { kind: 'heading'; level: number; depth: number; text: string }
	| { kind: 'rule'; depth: number };

function plainText(node: Y.XmlElement | Y.XmlText): string {
	if (node instanceof Y.XmlText) return (node.toDelta() as { insert?: unknown }[]).map((d) => (typeof d.insert === 'string' ? d.insert : '')).join('');
	if (node.nodeName === 'hardBreak') return '\n';
	return (node.toArray() as (Y.XmlElement | Y.XmlText)[]).map(plainText).join('');
}

/**
 * A plan's text (`body`) as a flat list of blocks, in reading order: section headings, paragraphs,
 * headings, list items (each paragraph of an item; the first marked as the item), code blocks and rules.
 * Formatting is left out (a compare is of words). Nesting deeper than 64 is left out.
 */
export function planBlocks(body: Y.XmlFragment): PlanBlock[] {
	const blocks: PlanBlock[] = [];
	const walk = (node: Y.XmlElement | Y.XmlText, depth: number, item: boolean): void => {
		if (depth > MAX_DEPTH) return;
		if (node instanceof Y.XmlText) {
			const text = plainText(node);
			if (text) blocks.push({ kind: 'paragraph', depth, text });
			return;
		}
		const children = node.toArray() as (Y.XmlElement | Y.XmlText)[];
		switch (node.nodeName) {
			case PLAN_SECTION_NODE:
				blocks.push({ kind: 'section', code: String(node.getAttribute(PLAN_SECTION_ATTRIBUTE) ?? '') });
				return;
			case 'paragraph':
				blocks.push({ kind: item ? 'item' : 'paragraph', depth, text: plainText(node) });
				return;
			case 'heading': {
				const level = Number(node.getAttribute('level'));
				blocks.push({ kind: 'heading', level: Number.isInteger(level) && level >= 1 && level <= 6 ? level : 1, depth, text: plainText(node) });
				return;
			}
			case 'codeBlock':
				blocks.push({ kind: 'code', depth, text: plainText(node) });
				return;
			case 'horizontalRule':
				blocks.push({ kind: 'rule', depth });
				return;
			case 'bulletList':
			case 'orderedList':
				for (const child of children) walk(child, depth + 1, false);
				return;
			case 'listItem':
				children.forEach((child, i) => walk(child, depth, i === 0));
				return;
			case 'blockquote':
				for (const child of children) walk(child, depth + 1, false);
				return;
			default:
				// A node the plan's schema does not know (the server refuses them): left out, as the editor would.
				return;
		}
	};
	for (const node of body.toArray() as (Y.XmlElement | Y.XmlText)[]) walk(node, 0, false);
	return blocks;
}

/** A run of words in a changed block: kept, added or removed. */
export type WordChange = { change: 'kept' | 'added' | 'removed'; text: string };

/**
 * One block of a comparison: the same in both, only in the later one (`added`), only in the earlier one
 * (`removed`), or the same kind of block with changed words (`changed`, `words` in reading order).
 */
export type ComparedBlock =
	| { change: 'kept' | 'added' | 'removed'; block: PlanBlock }
	| { change: 'changed'; block: PlanBlock; words: WordChange[] };

const keyOf = (block: PlanBlock): string => JSON.stringify(block);
const sameKind = (a: PlanBlock, b: PlanBlock): boolean =>
	a.kind === b.kind && a.kind !== 'section' && a.kind !== 'rule' && (a as { depth: number }).depth === (b as { depth: number }).depth;

/**
 * Compares two plans' blocks (`planBlocks`), the earlier first: blocks are lined up by jsdiff's `diffArrays`
 * (Myers' algorithm, whole blocks compared); where blocks were removed and others added in their place, each
 * removed block is paired in order with one of the next few added blocks of the same kind and depth that
 * shares at least 40% of its words, and the two are compared word by word (jsdiff's `diffWords`); a block
 * rewritten beyond that is marked removed, and its new wording added. Returns the blocks of both in reading order, each marked.
 */
export function comparePlans(before: PlanBlock[], after: PlanBlock[]): ComparedBlock[] {
	const beforeKeys = before.map(keyOf);
	const afterKeys = after.map(keyOf);
	const changes = diffArrays(beforeKeys, afterKeys);
	const out: ComparedBlock[] = [];
	let i = 0; // index into before
	let j = 0; // index into after
	for (let c = 0; c < changes.length; c++) {
		const change = changes[c];
		const count = change.value.length;
		if (!change.added && !change.removed) {
			for (let k = 0; k < count; k++) out.push({ change: 'kept', block: after[j + k] });
			i += count;
			j += count;
			continue;
		}
		if (change.removed && changes[c + 1]?.added) {
			const removed = before.slice(i, i + count);
			const addedCount = changes[c + 1].value.length;
			const added = after.slice(j, j + addedCount);
			out.push(...pairBlocks(removed, added));
			i += count;
			j += addedCount;
			c++;
			continue;
		}
		if (change.removed) {
			for (let k = 0; k < count; k++) out.push({ change: 'removed', block: before[i + k] });
			i += count;
		} else {
			for (let k = 0; k < count; k++) out.push({ change: 'added', block: after[j + k] });
			j += count;
		}
	}
	return out;
}

/** How far ahead among the added blocks a removed block looks for its new wording. */
const PAIR_WINDOW = 8;
/** The share of words two blocks must have in common to be read as one block reworded (else: one out, one in). */
const PAIR_SIMILARITY = 0.4;

function wordSet(text: string): Set<string> {
	return new Set(text.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean));
}

/**
 * Words in common over words in either (Jaccard), 0 to 1. A block with no words is like any other: an empty
 * paragraph someone wrote in reads as words added to it, not as an empty paragraph removed.
 */
function similarity(a: string, b: string): number {
	const x = wordSet(a);
	const y = wordSet(b);
	if (x.size === 0 || y.size === 0) return 1;
	let common = 0;
	for (const w of x) if (y.has(w)) common++;
	return common / (x.size + y.size - common);
}

function pairBlocks(removed: PlanBlock[], added: PlanBlock[]): ComparedBlock[] {
	const out: ComparedBlock[] = [];
	let a = 0;
	for (const old of removed) {
		// The next added block (within a few) of the same kind and mostly the same words pairs with it; added
		// blocks passed over on the way are new. A block rewritten beyond that reads as removed, then added:
		// clearer to read than a word-by-word tangle, and it keeps a compare of unrelated plans fast.
		let at = -1;
		for (let k = a; k < Math.min(added.length, a + PAIR_WINDOW); k++) {
			if (sameKind(old, added[k]) && similarity((old as { text: string }).text, (added[k] as { text: string }).text) >= PAIR_SIMILARITY) {
				at = k;
				break;
			}
		}
		if (at === -1) {
			out.push({ change: 'removed', block: old });
			continue;
		}
		for (; a < at; a++) out.push({ change: 'added', block: added[a] });
		const now = added[a++];
		out.push({ change: 'changed', block: now, words: compareWords((old as { text: string }).text, (now as { text: string }).text) });
	}
	for (; a < added.length; a++) out.push({ change: 'added', block: added[a] });
	return out;
}

/** The words of `before` and `after` compared (jsdiff `diffWords`), as runs in reading order. */
export function compareWords(before: string, after: string): WordChange[] {
	return diffWords(before, after).map((part) => ({ change: part.added ? 'added' : part.removed ? 'removed' : 'kept', text: part.value }));
}

/** The words a comparison's HTML needs, in the reader's language. */
export type CompareWords = {
	/** A section heading's title, from its code (plan-sections.ts); null for a code with no words. */
	section: (code: string) => string | null;
	/** Read before added text by a screen reader, e.g. "added:" (visually hidden). */
	added: string;
	/** Read before removed text, e.g. "removed:". */
	removed: string;
	/** Read for a line that divides the plan (a horizontal rule). */
	rule: string;
};

function blockHtml(block: PlanBlock, inner: string): string {
	switch (block.kind) {
		case 'section':
			return `<h2 class="plan-section">${inner}</h2>`;
		case 'heading':
			// Inside a section (an h2), the plan's own headings read one level down at least.
			return `<p class="plan-heading" data-depth="${block.depth}"><strong>${inner}</strong></p>`;
		case 'item':
			return `<p class="plan-item" data-depth="${block.depth}"><span aria-hidden="true">• </span>${inner}</p>`;
		case 'code':
			return `<pre data-depth="${block.depth}">${inner}</pre>`;
		case 'rule':
			return `<p class="plan-rule" data-depth="${block.depth}">${inner}</p>`;
		default:
			return `<p data-depth="${block.depth}">${inner}</p>`;
	}
}

function textHtml(text: string): string {
	return escapeHtml(text).replace(/\n/g, '<br>');
}

function blockText(block: PlanBlock, words: CompareWords): string {
	if (block.kind === 'section') return escapeHtml(words.section(block.code) ?? block.code);
	if (block.kind === 'rule') return `<span class="plan-rule-line">${escapeHtml(words.rule)}</span>`;
	return textHtml(block.text);
}

const hidden = (text: string): string => `<span class="visually-hidden">${escapeHtml(text)} </span>`;

/**
 * A comparison (`comparePlans`) as HTML for a page: each block as a paragraph (section headings as <h2>,
 * in the reader's language from `words.section`); an added block inside <ins>, a removed one inside <del>,
 * and in a changed block each added or removed run of words inside <ins> or <del>; each <ins> and <del>
 * begins with visually hidden words (`words.added`, `words.removed`) so a screen reader says it, and the
 * change is never told by colour alone. Every text is escaped.
 */
export function comparisonToHtml(compared: ComparedBlock[], words: CompareWords): string {
	let html = '';
	for (const entry of compared) {
		if (entry.change === 'kept') html += blockHtml(entry.block, blockText(entry.block, words));
		else if (entry.change === 'added') html += `<ins class="plan-block">${hidden(words.added)}${blockHtml(entry.block, blockText(entry.block, words))}</ins>`;
		else if (entry.change === 'removed') html += `<del class="plan-block">${hidden(words.removed)}${blockHtml(entry.block, blockText(entry.block, words))}</del>`;
		else if (entry.change === 'changed') {
			const inner = entry.words
				.map((w) => (w.change === 'kept' ? textHtml(w.text) : w.change === 'added' ? `<ins>${hidden(words.added)}${textHtml(w.text)}</ins>` : `<del>${hidden(words.removed)}${textHtml(w.text)}</del>`))
				.join('');
			html += blockHtml(entry.block, inner);
		}
	}
	return html;
}

/** How many blocks a comparison added, removed and changed. */
export function comparisonCounts(compared: ComparedBlock[]): { added: number; removed: number; changed: number } {
	const counts = { added: 0, removed: 0, changed: 0 };
	for (const entry of compared) if (entry.change !== 'kept') counts[entry.change]++;
	return counts;
}
