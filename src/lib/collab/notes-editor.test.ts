import { describe, expect, it } from 'vitest';
import { EditorState } from '@tiptap/pm/state';
import { Schema } from '@tiptap/pm/model';
import { insertedBytes } from './notes-editor';
import { MAX_EDIT_BYTES } from '$lib/domain/collab-protocol';

const schema = new Schema({ nodes: { doc: { content: 'paragraph+' }, paragraph: { content: 'text*' }, text: {} } });
const empty = () => EditorState.create({ schema });

describe('insertedBytes: the size of a change, against the limit of one edit (issue 16.5)', () => {
	it('counts UTF-8 bytes, not characters', () => {
		expect(insertedBytes(empty().tr.insertText('abc', 1))).toBe(3);
		expect(insertedBytes(empty().tr.insertText('ñññ', 1))).toBe(6);
		expect(insertedBytes(empty().tr.insertText('😀', 1))).toBe(4);
	});

	it('adds an allowance per element, so many empty paragraphs count too', () => {
		const paragraphs = Array.from({ length: 10 }, () => schema.nodes.paragraph.create());
		expect(insertedBytes(empty().tr.insert(0, paragraphs))).toBe(10 * 32);
	});

	it('a deletion or a caret move adds nothing', () => {
		const state = empty().apply(empty().tr.insertText('hello', 1));
		expect(insertedBytes(state.tr.delete(1, 4))).toBe(0);
	});

	it('the limit is well under the server’s 1 MiB per message; a paste of 140,000 “ñ” is over it, 140,000 “n” is not', () => {
		expect(MAX_EDIT_BYTES).toBeLessThanOrEqual(1024 * 1024 / 2);
		expect(insertedBytes(empty().tr.insertText('ñ'.repeat(140_000), 1))).toBeGreaterThan(MAX_EDIT_BYTES);
		expect(insertedBytes(empty().tr.insertText('n'.repeat(140_000), 1))).toBeLessThan(MAX_EDIT_BYTES);
	});
});
