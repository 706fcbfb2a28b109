// Finds words a person would read that are written into Svelte markup instead of coming from a message
// function (architecture.md, "Words live in messages"). Used by no-hardcoded-text.test.ts; pure apart from
// `findInTree`, which reads files.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from 'svelte/compiler';

export type Finding = { file: string; line: number; where: string; text: string };

/**
 * Words that may stand in markup as they are: the product's name, and language names written in their own
 * language (an English reader must find "English" and a Spanish reader "Español", whatever the page's
 * language). Anything without a letter (|, ·, :, commas, arrows) needs no translation and is always allowed.
 */
export const ALLOWED_WORDS: ReadonlySet<string> = new Set(['Hearth', 'English', 'Español']);

/** Attributes whose static value is read (on screen, as a tooltip, or by a screen reader). */
const READ_ATTRIBUTES = new Set([
	'alt',
	'title',
	'aria-label',
	'aria-description',
	'aria-placeholder',
	'aria-roledescription',
	'aria-valuetext',
	'placeholder'
]);
/**
 * `value` is the visible label of these inputs (`<input type="submit" value="Send">`). Elsewhere it is
 * data: hidden fields, typed text, and `<button value>`, whose label is its content, which is checked as text.
 */
const LABELLED_INPUT_TYPES = new Set(['submit', 'button', 'reset']);
/**
 * Where template nodes keep their markup: a fragment's nodes, an element's children, the branches of
 * {#if}, {#each}, {#await}, {#key} and {#snippet}. Expressions (an {#if} test, an {#each} list) are not markup.
 */
const MARKUP_KEYS = ['nodes', 'fragment', 'consequent', 'alternate', 'body', 'fallback', 'pending', 'then', 'catch'] as const;
/** Elements whose text content is code or style, not words for people. */
const NOT_TEXT_ELEMENTS = new Set(['script', 'style']);

/** True when the text holds nothing a person would need translated. */
export function isAllowedText(text: string): boolean {
	for (const word of text.match(/[\p{L}\p{N}]+/gu) ?? []) if (!ALLOWED_WORDS.has(word)) return false;
	return true;
}

type AstNode = { type: string; start: number; end: number; [key: string]: unknown };
type Attribute = AstNode & { name: string; value: true | AstNode | AstNode[] };

function isNode(value: unknown): value is AstNode {
	return typeof value === 'object' && value !== null && typeof (value as AstNode).type === 'string';
}

function lineAt(source: string, offset: number): number {
	let line = 1;
	for (let i = 0; i < offset && i < source.length; i++) if (source.charCodeAt(i) === 10) line++;
	return line;
}

/**
 * String literals an expression can evaluate to and render: `{done ? 'Yes' : m.no()}`, `{name ?? 'Unknown'}`,
 * template literals. Arguments of calls (`formatDate(d, 'es')`, `m.x({ kind: 'a' })`) are not results.
 */
function resultStrings(expression: unknown): AstNode[] {
	if (!isNode(expression)) return [];
	switch (expression.type) {
		case 'Literal':
			return typeof expression.value === 'string' ? [expression] : [];
		case 'TemplateLiteral':
			return (expression.quasis as AstNode[]).map((q) => ({ ...q, value: (q.value as { cooked: string }).cooked }));
		case 'ConditionalExpression':
			return [...resultStrings(expression.consequent), ...resultStrings(expression.alternate)];
		case 'LogicalExpression':
			return [...resultStrings(expression.left), ...resultStrings(expression.right)];
		case 'SequenceExpression':
			return resultStrings((expression.expressions as unknown[]).at(-1));
		case 'TSAsExpression':
		case 'TSSatisfiesExpression':
		case 'TSNonNullExpression':
			return resultStrings(expression.expression);
		default:
			return [];
	}
}

function staticAttribute(attributes: Attribute[], name: string): string | undefined {
	const attribute = attributes.find((a) => a.type === 'Attribute' && a.name === name);
	if (!attribute || !Array.isArray(attribute.value)) return undefined;
	return attribute.value.every((part) => part.type === 'Text') ? attribute.value.map((part) => part.data).join('') : undefined;
}

/** Every hard-coded text in one component's markup, with the line it stands on. */
export function findHardcodedText(source: string, file: string): Finding[] {
	const ast = parse(source, { modern: true });
	const findings: Finding[] = [];

	const report = (where: string, text: string, start: number) => {
		const trimmed = text.replace(/\s+/g, ' ').trim();
		if (trimmed === '' || isAllowedText(trimmed)) return;
		const lead = text.length - text.trimStart().length;
		findings.push({ file, line: lineAt(source, start + lead), where, text: trimmed });
	};

	const reportExpression = (where: string, expression: unknown) => {
		for (const literal of resultStrings(expression)) report(where, String(literal.value), literal.start);
	};

	const checkAttributes = (element: AstNode) => {
		const attributes = (element.attributes ?? []) as Attribute[];
		const inputType = staticAttribute(attributes, 'type');
		const valueIsLabel = element.name === 'input' && inputType !== undefined && LABELLED_INPUT_TYPES.has(inputType);
		for (const attribute of attributes) {
			if (attribute.type !== 'Attribute') continue;
			const read = READ_ATTRIBUTES.has(attribute.name) || (attribute.name === 'value' && valueIsLabel);
			if (!read || attribute.value === true) continue;
			const where = `${attribute.name}= on <${String(element.name)}>`;
			for (const part of Array.isArray(attribute.value) ? attribute.value : [attribute.value]) {
				if (part.type === 'Text') report(where, String(part.data), part.start);
				else if (part.type === 'ExpressionTag') reportExpression(where, part.expression);
			}
		}
	};

	const visit = (node: unknown, parent: string): void => {
		if (Array.isArray(node)) {
			for (const child of node) visit(child, parent);
			return;
		}
		if (!isNode(node)) return;
		switch (node.type) {
			case 'Text':
				report(`text in <${parent}>`, String(node.data), node.start);
				return;
			case 'ExpressionTag':
			case 'HtmlTag':
				reportExpression(`expression in <${parent}>`, node.expression);
				return;
			case 'Comment':
			case 'Attribute':
				return;
		}
		const name = typeof node.name === 'string' ? node.name : parent;
		if (NOT_TEXT_ELEMENTS.has(name) && node.type === 'RegularElement') return;
		if ('attributes' in node) checkAttributes(node);
		for (const key of MARKUP_KEYS) if (key in node) visit(node[key], name);
	};

	visit(ast.fragment, 'component');
	return findings;
}

/** Every `.svelte` file below `root`. */
export function svelteFiles(root: string): string[] {
	return readdirSync(root, { withFileTypes: true, recursive: true })
		.filter((entry) => entry.isFile() && entry.name.endsWith('.svelte'))
		.map((entry) => join(entry.parentPath, entry.name))
		.sort();
}

/** Every `.svelte` file below `root`, checked; paths in findings are relative to `base`. */
export function findInTree(root: string, base = root): Finding[] {
	return svelteFiles(root).flatMap((path) => findHardcodedText(readFileSync(path, 'utf8'), relative(base, path)));
}

export function describeFinding(f: Finding): string {
	return `${f.file}:${f.line} ${f.where}: "${f.text}"`;
}
