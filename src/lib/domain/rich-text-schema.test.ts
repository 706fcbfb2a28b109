import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { getSchema, type AnyExtension } from '@tiptap/core';
import { notesExtensions } from '$lib/collab/notes-editor';
import type { DocConnection } from '$lib/collab/doc-connection';
import {
	attributeValueAllowed,
	formatAllowed,
	isAllowedHref,
	isRichTextNode,
	markOfFormat,
	nodeAttributeAllowed,
	RICH_TEXT_MARKS,
	RICH_TEXT_NODES
} from './rich-text-schema';

/** The notes editor's extensions as startEditor builds them (a stand-in connection: the schema does not read it). */
function editorExtensions(): AnyExtension[] {
	const connection = { doc: new Y.Doc(), provider: {} } as unknown as Pick<DocConnection, 'doc' | 'provider'>;
	return notesExtensions({ connection, user: { name: 'Dana', color: '#000', role: 'facilitator' }, onTooLong: () => {} });
}

const sorted = (names: Iterable<string>) => [...names].sort();

describe('the rich-text schema the server enforces', () => {
	it('is the notes editor’s own schema: the same node types, marks and attributes (a new extension fails here first)', () => {
		const schema = getSchema(editorExtensions());
		const elements = Object.keys(schema.nodes).filter((n) => n !== 'doc' && n !== 'text');
		expect(sorted(Object.keys(RICH_TEXT_NODES))).toEqual(sorted(elements));
		for (const name of elements) expect(sorted(Object.keys(RICH_TEXT_NODES[name])), name).toEqual(sorted(Object.keys(schema.nodes[name].spec.attrs ?? {})));
		expect(sorted(Object.keys(RICH_TEXT_MARKS))).toEqual(sorted(Object.keys(schema.marks)));
		for (const name of Object.keys(schema.marks)) expect(sorted(Object.keys(RICH_TEXT_MARKS[name])), name).toEqual(sorted(Object.keys(schema.marks[name].spec.attrs ?? {})));
	});

	it('takes every attribute’s default value, as the editor writes it', () => {
		const schema = getSchema(editorExtensions());
		for (const [name, type] of Object.entries(schema.nodes)) {
			if (!isRichTextNode(name)) continue;
			for (const [attr, spec] of Object.entries(type.spec.attrs ?? {})) {
				// y-prosemirror leaves null attributes out; every other default is written.
				if (spec.default !== null) expect(nodeAttributeAllowed(name, attr, spec.default), `${name}.${attr}`).toBe(true);
			}
		}
		for (const [name, type] of Object.entries(schema.marks)) {
			const defaults = Object.fromEntries(Object.entries(type.spec.attrs ?? {}).map(([k, spec]) => [k, spec.default ?? null]));
			expect(formatAllowed(name, { ...defaults, ...(name === 'link' ? { href: 'https://example.org' } : {}) }), name).toBe(true);
		}
	});

	it('configures the editor’s links with the same rule: it never makes a link the server refuses', () => {
		const starterKit = editorExtensions().find((e) => e.name === 'starterKit') as unknown as { options: { link: { isAllowedUri: (url: string) => boolean } } };
		const allowed = starterKit.options.link.isAllowedUri;
		for (const url of ['https://example.org', 'mailto:a@example.org', 'tel:+15551234', '/meetings/x', '#notes']) expect(allowed(url), url).toBe(true);
		for (const url of ['javascript:alert(1)', 'ftp://example.org', 'data:text/html,x']) expect(allowed(url), url).toBe(false);
	});

	it('allows web, mail, phone and relative links only, however the scheme is spelled', () => {
		for (const href of ['https://example.org/a?b#c', 'HTTP://EXAMPLE.ORG', 'mailto:dana@example.org', 'tel:+1 555 0100', '/cases/1', 'page.html', '#top', '?q=1', '//example.org/x', ''])
			expect(isAllowedHref(href), href).toBe(true);
		for (const href of ['javascript:alert(1)', 'JavaScript:alert(1)', ' javascript:alert(1)', 'java\tscript:alert(1)', 'java\nscript:x', '\u0001javascript:x', 'data:text/html;base64,PHNjcmlwdD4=', 'vbscript:x', 'file:///etc/passwd', 'ftp://x'])
			expect(isAllowedHref(href), JSON.stringify(href)).toBe(false);
		expect(isAllowedHref(42)).toBe(false);
		expect(isAllowedHref({ toString: () => 'https://x' })).toBe(false);
		expect(isAllowedHref('https://x/' + 'a'.repeat(9000))).toBe(false);
	});

	it('takes node attributes the node declares, with primitive values of the right type', () => {
		expect(nodeAttributeAllowed('heading', 'level', 2)).toBe(true);
		for (const level of [0, 7, 2.5, '2', { toString: null }, null, [2]]) expect(nodeAttributeAllowed('heading', 'level', level), JSON.stringify(level)).toBe(false);
		expect(nodeAttributeAllowed('heading', 'onclick', 'x')).toBe(false);
		expect(nodeAttributeAllowed('paragraph', 'level', 1)).toBe(false);
		expect(nodeAttributeAllowed('script', 'src', 'x')).toBe(false);
		expect(nodeAttributeAllowed('paragraph', '__proto__', 1)).toBe(false);
		expect(nodeAttributeAllowed('codeBlock', 'language', 'typescript')).toBe(true);
		expect(nodeAttributeAllowed('codeBlock', 'language', null)).toBe(true);
		expect(nodeAttributeAllowed('codeBlock', 'language', 'x'.repeat(65))).toBe(false);
		expect(nodeAttributeAllowed('orderedList', 'type', 'a')).toBe(true);
		expect(nodeAttributeAllowed('orderedList', 'type', 'disc')).toBe(false);
		expect(nodeAttributeAllowed('orderedList', 'start', 3)).toBe(true);
		expect(attributeValueAllowed({ type: 'string', maxLength: 3, nullable: false }, null)).toBe(false);
	});

	it('knows node types by their own name only', () => {
		expect(isRichTextNode('paragraph')).toBe(true);
		for (const name of ['script', 'p"><img src=x onerror=alert(1)>', 'doc', 'text', 'toString', '__proto__', 'constructor']) expect(isRichTextNode(name), name).toBe(false);
	});

	it('takes marks of the schema with their declared attributes; any key may end (null)', () => {
		expect(formatAllowed('bold', {})).toBe(true);
		expect(formatAllowed('bold', { x: 1 })).toBe(false);
		expect(formatAllowed('bold', true)).toBe(false);
		expect(formatAllowed('bold', [])).toBe(false);
		expect(formatAllowed('script', {})).toBe(false);
		expect(formatAllowed('script', null)).toBe(true);
		expect(formatAllowed('link', { href: 'https://example.org', target: '_blank', rel: 'noopener noreferrer nofollow', class: null, title: null })).toBe(true);
		expect(formatAllowed('link', { href: 'javascript:alert(1)' })).toBe(false);
		expect(formatAllowed('link', { href: 'https://x', onclick: 'x' })).toBe(false);
		expect(formatAllowed('link', JSON.parse('{"__proto__": {"href": "javascript:x"}}'))).toBe(false);
		// y-prosemirror's key for a mark that may overlap itself.
		expect(markOfFormat('link--AbCd12+/')).toBe('link');
		expect(formatAllowed('link--AbCd12+/', { href: 'javascript:x' })).toBe(false);
		expect(formatAllowed('italic--AbCd12+/', {})).toBe(true);
	});
});
