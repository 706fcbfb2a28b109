import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { nestBlockquotes } from '../../../../tests/support/hostile';
import { deepestNewType, writtenClientIds, addsTypes, MAX_TYPE_DEPTH } from './update-check';

/** The update a change to a copy of `doc` produces (what a client would send). */
function changeOf(doc: Y.Doc, change: (copy: Y.Doc) => void, clientID = 7): Uint8Array {
	const copy = new Y.Doc();
	copy.clientID = clientID;
	Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
	const before = Y.encodeStateVector(copy);
	change(copy);
	return Y.encodeStateAsUpdate(copy, before);
}

describe('an incoming update, checked before it is applied', () => {
	it('measures how deep it nests shared types, in the update and below what the document holds', () => {
		const doc = new Y.Doc();
		const update = changeOf(doc, (c) => nestBlockquotes(c.getXmlFragment('notes'), 3));
		// blockquote ×3, paragraph, text
		expect(deepestNewType(Y.decodeUpdate(update), doc)).toBe(5);
		Y.applyUpdate(doc, update);
		// Two more levels inside the innermost existing blockquote's paragraph's parent.
		const more = changeOf(doc, (c) => {
			let el = c.getXmlFragment('notes').get(0) as Y.XmlElement;
			while (el.get(0) instanceof Y.XmlElement && (el.get(0) as Y.XmlElement).nodeName === 'blockquote') el = el.get(0) as Y.XmlElement;
			nestBlockquotes(el, 2);
		});
		expect(deepestNewType(Y.decodeUpdate(more), doc)).toBe(3 + 2 + 2);
	});

	it('follows siblings inserted next to existing ones (no parent recorded) to the right depth', () => {
		const doc = new Y.Doc();
		Y.applyUpdate(doc, changeOf(doc, (c) => nestBlockquotes(c.getXmlFragment('notes'), 4)));
		const sibling = changeOf(doc, (c) => {
			let el = c.getXmlFragment('notes').get(0) as Y.XmlElement;
			for (let i = 0; i < 3; i++) el = el.get(0) as Y.XmlElement;
			// el is the innermost (4th) blockquote: a paragraph beside the one it holds sits at depth 5, its text at 6.
			const p = new Y.XmlElement('paragraph');
			el.insert(1, [p]);
			p.insert(0, [new Y.XmlText('beside')]);
		});
		expect(deepestNewType(Y.decodeUpdate(sibling), doc)).toBe(6);
	});

	it('refuses the 3,000 nested blockquotes of the attack, without deep recursion', () => {
		const doc = new Y.Doc();
		const update = changeOf(doc, (c) => nestBlockquotes(c.getXmlFragment('notes'), 3000));
		expect(deepestNewType(Y.decodeUpdate(update), doc)).toBe(Infinity);
	});

	it('lets through what the editor makes: ten levels of nested lists', () => {
		const doc = new Y.Doc();
		const update = changeOf(doc, (c) => {
			let at: Y.XmlElement | Y.XmlFragment = c.getXmlFragment('notes');
			for (let i = 0; i < 10; i++) {
				const list = new Y.XmlElement('bulletList');
				const li = new Y.XmlElement('listItem');
				at.insert(at.length, [list]);
				list.insert(0, [li]);
				const p = new Y.XmlElement('paragraph');
				li.insert(0, [p]);
				p.insert(0, [new Y.XmlText(`level ${i}`)]);
				at = li;
			}
		});
		const depth = deepestNewType(Y.decodeUpdate(update), doc);
		expect(depth).toBe(22);
		expect(depth).toBeLessThan(MAX_TYPE_DEPTH);
	});

	it('sees which client ids an update writes under, leaving out content the document already has', () => {
		const doc = new Y.Doc();
		const first = changeOf(doc, (c) => c.getText('t').insert(0, 'hello'), 11);
		Y.applyUpdate(doc, first);
		const second = changeOf(doc, (c) => c.getText('t').insert(5, '!'), 12);
		const state = Y.decodeStateVector(Y.encodeStateVector(doc));
		expect([...writtenClientIds(Y.decodeUpdate(second), state)]).toEqual([12]);
		// Resending what the document holds (client 11's text) writes nothing.
		const both = Y.mergeUpdates([first, second]);
		expect([...writtenClientIds(Y.decodeUpdate(both), state)]).toEqual([12]);
		expect(addsTypes(Y.decodeUpdate(second))).toBe(false);
	});
});
