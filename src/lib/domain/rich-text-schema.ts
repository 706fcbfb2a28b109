// What a rich-text document (the notes, the case plan) may hold, in one place: the node types and marks of
// the editor's schema (Tiptap's StarterKit as notes-editor.ts configures it), the attributes each declares
// and the values they take. The collab server refuses any change that writes something else
// (src/lib/server/collab/update-check.ts), and the editor is configured from this module (link addresses),
// so the two cannot drift: rich-text-schema.test.ts builds the editor's real schema and compares it with
// these lists, and fails when an extension adds, drops or renames a node, a mark or an attribute.
//
// Why (issue 16): y-prosemirror turns the shared XML into editor nodes with `schema.node(nodeName, attrs)`
// and marks with `schema.mark(name, attrs)`. An element named `script`, a heading whose level is an object,
// or a `javascript:` link came through the server untouched; the saved-notes renderer skips them, but the
// editor in every browser either threw or kept them. How y-prosemirror stores the document: an element
// is a Y.XmlElement whose nodeName is the node type's name and whose attributes are the node's attrs (null
// ones left out); text is a Y.XmlText whose formatting attributes are the marks (key: the mark's name, or
// `name--<8-character hash>` for a mark that may overlap itself; value: the mark's attrs, null ends it).
// Pure: no Yjs, no Tiptap (the server must not load the editor).
import { PLAN_SECTIONS } from './plan-sections.ts';

/** How one attribute's value is checked. Every rule takes only primitives (never an object or an array). */
export type AttributeRule =
	| { type: 'integer'; min: number; max: number }
	| { type: 'string'; maxLength: number; nullable: boolean; oneOf?: readonly string[] }
	/** A link's address: see isAllowedHref. */
	| { type: 'href' };

/** Each node type's attributes, by name. */
export type AttributeRules = Readonly<Record<string, AttributeRule>>;

const text = (maxLength: number, oneOf?: readonly string[]): AttributeRule => ({ type: 'string', maxLength, nullable: true, oneOf });

/**
 * The element node types (every node type of the schema but `doc`, which is the shared fragment itself,
 * and `text`, which is a Y.XmlText) with the attributes each declares.
 */
export const RICH_TEXT_NODES: Readonly<Record<string, AttributeRules>> = {
	paragraph: {},
	blockquote: {},
	bulletList: {},
	codeBlock: { language: text(64) },
	hardBreak: {},
	// StarterKit's heading levels: 1 to 6.
	heading: { level: { type: 'integer', min: 1, max: 6 } },
	horizontalRule: {},
	listItem: {},
	// HTML's list numbering types (what Tiptap reads from a pasted <ol type>).
	orderedList: { start: { type: 'integer', min: -1_000_000, max: 1_000_000 }, type: text(1, ['1', 'a', 'A', 'i', 'I']) },
	// A case plan's section heading (plan-doc.ts): a code, never words; each reader's page words it.
	planSection: { section: text(16, PLAN_SECTIONS) }
};

/** The marks, with the attributes each declares. */
export const RICH_TEXT_MARKS: Readonly<Record<string, AttributeRules>> = {
	link: { href: { type: 'href' }, target: text(64), rel: text(256), class: text(256), title: text(1024) },
	bold: {},
	code: {},
	italic: {},
	strike: {},
	underline: {}
};

/** The schemes a link may use; an address without one (relative: `/x`, `#part`, `page`) is allowed too. */
export const LINK_SCHEMES: readonly string[] = ['http', 'https', 'mailto', 'tel'];

/** The longest link address taken (characters). */
export const MAX_HREF_LENGTH = 8192;

// What a browser ignores in an address (so `java\tscript:` is `javascript:`): ASCII controls and space, and
// the Unicode spaces DOMPurify and Tiptap strip before they read a scheme.
const IGNORED_IN_URL = /[\u0000-\u0020\u007f-\u00a0\u1680\u180e\u2000-\u2029\u205f\u3000\ufeff]/g;

/**
 * True for a link address the notes may hold: a string of at most MAX_HREF_LENGTH characters whose scheme
 * is one of LINK_SCHEMES, or that has no scheme (relative). Empty is allowed (Tiptap treats it as none).
 * Refuses `javascript:`, `data:`, `vbscript:` and every other scheme, however spaced or cased.
 */
export function isAllowedHref(href: unknown): boolean {
	if (typeof href !== 'string' || href.length > MAX_HREF_LENGTH) return false;
	const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(href.replace(IGNORED_IN_URL, ''));
	return scheme === null || LINK_SCHEMES.includes(scheme[1].toLowerCase());
}

/** True when `value` keeps `rule`. `null` is allowed where the rule is nullable (y-prosemirror leaves nulls out). */
export function attributeValueAllowed(rule: AttributeRule, value: unknown): boolean {
	switch (rule.type) {
		case 'integer':
			return typeof value === 'number' && Number.isInteger(value) && value >= rule.min && value <= rule.max;
		case 'string':
			if (value === null) return rule.nullable;
			return typeof value === 'string' && value.length <= rule.maxLength && (rule.oneOf === undefined || rule.oneOf.includes(value));
		case 'href':
			return value === null || isAllowedHref(value);
	}
}

/** True when `name` is an element node type of the schema (RICH_TEXT_NODES). */
export function isRichTextNode(name: string): boolean {
	return Object.hasOwn(RICH_TEXT_NODES, name);
}

/** True when node type `node` declares attribute `key` and `value` is one it takes. */
export function nodeAttributeAllowed(node: string, key: string, value: unknown): boolean {
	const rules = Object.hasOwn(RICH_TEXT_NODES, node) ? RICH_TEXT_NODES[node] : null;
	return rules !== null && Object.hasOwn(rules, key) && attributeValueAllowed(rules[key], value);
}

/** The mark a text formatting key stands for: its name, without y-prosemirror's `--<hash>` of overlapping marks. */
export function markOfFormat(key: string): string {
	return /^(.+)--[a-zA-Z0-9+/=]{8}$/.exec(key)?.[1] ?? key;
}

/**
 * True when text formatting `key` = `value` may be written: `value` null (a mark ends there; y-prosemirror
 * ends every key the text holds when it rewrites a run, and an ended key is never read as a mark), or a
 * mark of the schema with a plain object holding only attributes the mark declares, each with a value it takes.
 */
export function formatAllowed(key: string, value: unknown): boolean {
	if (value === null) return true;
	const mark = markOfFormat(key);
	if (!Object.hasOwn(RICH_TEXT_MARKS, mark)) return false;
	if (typeof value !== 'object' || Array.isArray(value) || Object.getPrototypeOf(value) !== Object.prototype) return false;
	const rules = RICH_TEXT_MARKS[mark];
	for (const [attr, v] of Object.entries(value)) if (!Object.hasOwn(rules, attr) || !attributeValueAllowed(rules[attr], v)) return false;
	return true;
}
