import * as Y from 'yjs';

// The shared notes (a Y.XmlFragment in y-prosemirror's shape) as plain read-only HTML, for the server to
// put in the meeting page so the notes show at first paint, and without JavaScript. It mirrors what
// Tiptap's StarterKit renders for each node and mark (so the live editor, when it takes over, lays out
// the same), through an allowlist: an element or mark that is not listed is left out (y-prosemirror
// drops nodes the editor's schema does not know, so the editor would not show them either), every text
// and attribute value is escaped, and links keep only web, mail and phone addresses.

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
	return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

type Attrs = Record<string, unknown>;

function int(value: unknown, min: number, max: number, fallback: number): number {
	const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
	return Number.isInteger(n) && n >= min && n <= max ? n : fallback;
}

/** Block nodes: the tags StarterKit's renderHTML gives them. */
const BLOCKS: Record<string, (attrs: Attrs) => [open: string, close: string]> = {
	paragraph: () => ['<p>', '</p>'],
	heading: (a) => {
		const level = int(a.level, 1, 6, 1);
		return [`<h${level}>`, `</h${level}>`];
	},
	bulletList: () => ['<ul>', '</ul>'],
	orderedList: (a) => {
		const start = int(a.start, 0, 1_000_000, 1);
		return [start === 1 ? '<ol>' : `<ol start="${start}">`, '</ol>'];
	},
	listItem: () => ['<li>', '</li>'],
	blockquote: () => ['<blockquote>', '</blockquote>'],
	codeBlock: (a) => {
		const language = typeof a.language === 'string' && /^[\w+#.-]{1,32}$/.test(a.language) ? a.language : null;
		return [language ? `<pre><code class="language-${escapeHtml(language)}">` : '<pre><code>', '</code></pre>'];
	}
};

/** Nodes whose content is text (ProseMirror gives an empty one, or one ending in a line break, a trailing <br>). */
const TEXTBLOCKS = new Set(['paragraph', 'heading', 'codeBlock']);

/** Marks, outermost first (the order of StarterKit's schema, which ProseMirror nests them in). */
const MARKS: [name: string, render: (attrs: Attrs) => [string, string] | null][] = [
	['link', (a) => (safeHref(a.href) ? [`<a href="${escapeHtml(safeHref(a.href)!)}" rel="noopener noreferrer nofollow">`, '</a>'] : null)],
	['bold', () => ['<strong>', '</strong>']],
	['code', () => ['<code>', '</code>']],
	['italic', () => ['<em>', '</em>']],
	['strike', () => ['<s>', '</s>']],
	['underline', () => ['<u>', '</u>']]
];

/** Web, mail and phone links only (no javascript:, data: or anything a browser might run). */
export function safeHref(href: unknown): string | null {
	if (typeof href !== 'string' || href.length > 2048) return null;
	const trimmed = href.trim();
	return /^(https?:\/\/|mailto:|tel:)/i.test(trimmed) ? trimmed : null;
}

/** y-prosemirror stores overlapping marks as `name--<8-character hash>`. */
function markName(attribute: string): string {
	return /^(.*)--[a-zA-Z0-9+/=]{8}$/.exec(attribute)?.[1] ?? attribute;
}

function renderText(text: Y.XmlText): string {
	let html = '';
	for (const op of text.toDelta() as { insert: unknown; attributes?: Record<string, unknown> }[]) {
		if (typeof op.insert !== 'string') continue;
		const present = new Map<string, Attrs>();
		for (const [key, value] of Object.entries(op.attributes ?? {})) present.set(markName(key), value && typeof value === 'object' ? (value as Attrs) : {});
		let open = '';
		let close = '';
		for (const [name, render] of MARKS) {
			const attrs = present.get(name);
			const tags = attrs ? render(attrs) : null;
			if (!tags) continue;
			open += tags[0];
			close = tags[1] + close;
		}
		html += open + escapeHtml(op.insert) + close;
	}
	return html;
}

function renderInline(node: Y.XmlElement | Y.XmlText): { html: string; lineBreak: boolean } {
	if (node instanceof Y.XmlText) return { html: renderText(node), lineBreak: false };
	if (node.nodeName === 'hardBreak') return { html: '<br>', lineBreak: true };
	return { html: '', lineBreak: false };
}

/**
 * How deep the renderer follows nested blocks. The collab server refuses updates that nest deeper than
 * MAX_TYPE_DEPTH (64) anyway; a document stored before that check, or a bug, must still never fail a page
 * (issue 16: 3,000 nested blockquotes exceeded the call stack and the meeting page answered 500): deeper
 * blocks are left out.
 */
const MAX_RENDER_DEPTH = 64;

/** A plan's section heading (plan-doc.ts `planSection`), worded in the reader's language: title and hint, or null. */
export type SectionWords = (code: string) => { title: string; hint: string } | null;

function renderNode(node: Y.XmlElement | Y.XmlText, depth: number, sections: SectionWords | undefined): string {
	if (node instanceof Y.XmlText) return renderText(node);
	if (depth > MAX_RENDER_DEPTH) return '';
	if (node.nodeName === 'horizontalRule') return '<hr>';
	if (node.nodeName === 'planSection' && sections) {
		// As the plan's editor shows it (notes-editor.ts planSection): the words, never stored, in this reader's language.
		const code = String(node.getAttribute('section') ?? '');
		const said = sections(code);
		if (!said) return '';
		return `<div class="plan-section" data-plan-section="${escapeHtml(code)}"><h2>${escapeHtml(said.title)}</h2>${said.hint ? `<p>${escapeHtml(said.hint)}</p>` : ''}</div>`;
	}
	const block = BLOCKS[node.nodeName];
	if (!block) return '';
	const [open, close] = block(node.getAttributes() as Attrs);
	const children = node.toArray() as (Y.XmlElement | Y.XmlText)[];
	if (!TEXTBLOCKS.has(node.nodeName)) return open + children.map((child) => renderNode(child, depth + 1, sections)).join('') + close;
	let inner = '';
	let endsWithBreak = true; // an empty textblock, like one ending in a line break, gets a <br> to hold its line
	for (const child of children) {
		const { html, lineBreak } = renderInline(child);
		if (html === '') continue;
		inner += html;
		endsWithBreak = lineBreak;
	}
	return open + inner + (endsWithBreak ? '<br>' : '') + close;
}

/**
 * The notes as HTML: only the allowlisted tags above, every text and attribute escaped. A top-level block
 * that cannot be rendered is left out (and reported), never the whole page. With `sections` (a case plan's
 * text, plan-doc.ts), each section heading is rendered in the reader's words (a <h2> and its hint, as the
 * plan's editor shows it); without, section headings are left out.
 */
export function notesToHtml(notes: Y.XmlFragment, sections?: SectionWords): string {
	let html = '';
	for (const node of notes.toArray() as (Y.XmlElement | Y.XmlText)[]) {
		try {
			html += renderNode(node, 1, sections);
		} catch (err) {
			console.error('notes: left out a block that could not be rendered', err);
		}
	}
	return html;
}

/** The longest plain-text copy `notesToText` returns (characters): the rest is cut, marked with an ellipsis. */
export const NOTES_TEXT_MAX = 20_000;

/**
 * The notes as plain text, one line per paragraph, heading or list item (list items start with "• "),
 * for a copy kept in a record (what a family presented). Formatting and links' targets are left out;
 * nesting deeper than the renderer's limit is left out. At most NOTES_TEXT_MAX characters.
 */
export function notesToText(notes: Y.XmlFragment): string {
	const lines: string[] = [];
	const textOf = (node: Y.XmlElement | Y.XmlText, depth: number): string => {
		if (node instanceof Y.XmlText) return (node.toDelta() as { insert?: unknown }[]).map((d) => (typeof d.insert === 'string' ? d.insert : '')).join('');
		if (depth > MAX_RENDER_DEPTH) return '';
		if (node.nodeName === 'hardBreak') return '\n';
		return (node.toArray() as (Y.XmlElement | Y.XmlText)[]).map((child) => textOf(child, depth + 1)).join('');
	};
	const walk = (node: Y.XmlElement | Y.XmlText, depth: number, bullet: boolean): void => {
		if (depth > MAX_RENDER_DEPTH) return;
		if (node instanceof Y.XmlElement && (node.nodeName === 'bulletList' || node.nodeName === 'orderedList')) {
			for (const item of node.toArray() as Y.XmlElement[]) walk(item, depth + 1, true);
			return;
		}
		if (node instanceof Y.XmlElement && (node.nodeName === 'listItem' || node.nodeName === 'blockquote')) {
			const children = node.toArray() as (Y.XmlElement | Y.XmlText)[];
			children.forEach((child, i) => walk(child, depth + 1, bullet && i === 0));
			return;
		}
		const text = textOf(node, depth).trim();
		if (text) lines.push((bullet ? '• ' : '') + text);
	};
	for (const node of notes.toArray() as (Y.XmlElement | Y.XmlText)[]) walk(node, 1, false);
	const all = lines.join('\n');
	return all.length > NOTES_TEXT_MAX ? `${all.slice(0, NOTES_TEXT_MAX - 1)}…` : all;
}
