import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { EditorState, TextSelection, type Transaction } from '@tiptap/pm/state';
import { getSchema } from '@tiptap/core';
import StarterKit from '@tiptap/starter-kit';
import { ySyncPlugin, ySyncPluginKey } from '@tiptap/y-tiptap';
import { caretAfterOthersPlugin, caretAtEnd, onCurrentState } from './notes-editor';

// Issue 16.9: two people starting a line at the end of the notes at once. These run y-tiptap's real binding
// (the code that turns ProseMirror edits into Yjs and back) with a stand-in for the browser view, so the
// order in which the two people's changes arrive is chosen by the test, not by timing.
const schema = getSchema([StarterKit.configure({ undoRedo: false })]);

type Person = { doc: Y.Doc; state: () => EditorState; dispatch: (tr: Transaction) => void; caret: () => number; text: () => string[] };

/** One person's editor on their own Y.Doc: y-tiptap's sync plugin and, unless `plain`, caretAfterOthersPlugin. */
function person(clientID: number, plain = false): Person {
	const doc = new Y.Doc();
	doc.clientID = clientID;
	const fragment = doc.getXmlFragment('notes');
	let state = EditorState.create({ schema, plugins: plain ? [ySyncPlugin(fragment)] : [ySyncPlugin(fragment), caretAfterOthersPlugin()] });
	const binding = ySyncPluginKey.getState(state).binding;
	const view = {
		get state() {
			return state;
		},
		dispatch(tr: Transaction) {
			state = state.apply(tr);
			// What the sync plugin's view does after each update: the page's own changes go to Yjs.
			if (!ySyncPluginKey.getState(state).isChangeOrigin)
				binding.mux(() => doc.transact(() => binding._prosemirrorChanged(state.doc), ySyncPluginKey));
		},
		hasFocus: () => false,
		isDestroyed: false
	};
	binding.initView(view);
	binding._forceRerender();
	return {
		doc,
		state: () => state,
		dispatch: (tr) => view.dispatch(tr),
		caret: () => state.selection.head,
		text: () => {
			const lines: string[] = [];
			state.doc.forEach((node) => lines.push(node.textContent));
			return lines;
		}
	};
}

/** Delivers everything `from` has that `to` lacks, as the server would. */
const deliver = (from: Person, to: Person) => Y.applyUpdate(to.doc, Y.encodeStateAsUpdate(from.doc, Y.encodeStateVector(to.doc)), 'remote');
const type = (p: Person, text: string) => p.dispatch(p.state().tr.insertText(text));
const enter = (p: Person) => p.dispatch(p.state().tr.split(p.caret()));
const toEnd = (p: Person) => p.dispatch(p.state().tr.setSelection(TextSelection.atEnd(p.state().doc)));

/**
 * Sam has typed a line; Dana goes to its end; both press Enter before either hears of the other's new line,
 * then each types a first letter. `a` and `b` are their Yjs client ids (which one's line Yjs puts first).
 */
function startLinesTogether(a: number, b: number, plain = false): { dana: Person; sam: Person } {
	const dana = person(a, plain);
	const sam = person(b, plain);
	toEnd(sam);
	type(sam, 'Sam7 quick line');
	deliver(sam, dana);
	toEnd(dana);
	enter(dana);
	enter(sam);
	deliver(dana, sam);
	deliver(sam, dana);
	type(dana, 'D');
	type(sam, 'S');
	deliver(dana, sam);
	deliver(sam, dana);
	return { dana, sam };
}

describe('carets after others’ changes (issue 16.9)', () => {
	it('two people who start a new line at the end at the same moment each type into their own line', () => {
		for (const [a, b] of [[1, 2], [2, 1]]) {
			const { dana, sam } = startLinesTogether(a, b);
			type(dana, 'ana8');
			type(sam, 'am8');
			deliver(dana, sam);
			deliver(sam, dana);
			expect(sam.text()).toEqual(dana.text());
			expect(sam.text().filter(Boolean).sort()).toEqual(['Dana8', 'Sam7 quick line', 'Sam8']);
		}
	});

	it('without the fix, y-tiptap’s guess by content puts one of them in the other’s new line (the bug this guards)', () => {
		const results = [[1, 2], [2, 1]].map(([a, b]) => startLinesTogether(a, b, true).sam.text().filter(Boolean));
		expect(results).toContainEqual(expect.arrayContaining([expect.stringMatching(/^(DS|SD)$/)]));
	});

	it('a caret at the end of the line someone is typing stays at its end, so an Enter there splits nothing of theirs', () => {
		const dana = person(1);
		const sam = person(2);
		toEnd(sam);
		type(sam, 'Sam7 quick li');
		deliver(sam, dana);
		toEnd(dana);
		type(sam, 'ne');
		deliver(sam, dana);
		expect(dana.caret()).toBe(TextSelection.atEnd(dana.state().doc).head);
		enter(dana);
		type(dana, 'Dana8');
		type(sam, ' and more');
		deliver(dana, sam);
		deliver(sam, dana);
		expect(sam.text()).toEqual(['Sam7 quick line and more', 'Dana8']);
		expect(dana.text()).toEqual(sam.text());
	});

	it('a caret in the middle of a line stays between the same letters when others type there', () => {
		const dana = person(1);
		const sam = person(2);
		type(sam, 'abcdef');
		deliver(sam, dana);
		dana.dispatch(dana.state().tr.setSelection(TextSelection.create(dana.state().doc, 4)));
		sam.dispatch(sam.state().tr.insertText('XY', 2));
		deliver(sam, dana);
		expect(dana.state().doc.textBetween(1, dana.caret())).toBe('aXYbc');
	});

	it('caretAtEnd leaves the caret when the line break after it was deleted (the text after it was already there)', () => {
		const dana = person(1);
		const sam = person(2);
		type(sam, 'first');
		enter(sam);
		type(sam, 'second');
		deliver(sam, dana);
		dana.dispatch(dana.state().tr.setSelection(TextSelection.create(dana.state().doc, 6)));
		const before = dana.state();
		// Sam joins the two lines (Backspace at the start of the second).
		sam.dispatch(sam.state().tr.join(7));
		deliver(sam, dana);
		expect(dana.text()).toEqual(['firstsecond']);
		expect(caretAtEnd(before, dana.state())).toBeNull();
		expect(dana.caret()).toBe(6);
	});
});

describe('onCurrentState: a redraw made on an older state carries the selection read since (issue 16.9)', () => {
	it('rebuilds a metadata-only transaction on the current state, keeping its metadata', () => {
		const start = EditorState.create({ schema, doc: schema.node('doc', null, [schema.node('paragraph', null, [schema.text('hello world')])]) });
		const stale = start.tr.setMeta('yjs-cursor$', { awarenessUpdated: true });
		const read = start.apply(start.tr.setSelection(TextSelection.create(start.doc, 12)));
		const fresh = onCurrentState(stale, read);
		expect(fresh).not.toBe(stale);
		expect(fresh.getMeta('yjs-cursor$')).toEqual({ awarenessUpdated: true });
		expect(read.apply(fresh).selection.head).toBe(12);
		// Applied as it was, the stale one would have put the caret back at the start.
		expect(read.apply(stale).selection.head).toBe(1);
	});

	it('returns the transaction itself when nothing moved', () => {
		const start = EditorState.create({ schema });
		const tr = start.tr.setMeta('x', 1);
		expect(onCurrentState(tr, start)).toBe(tr);
	});
});
