import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { blockquoteChain, deepValueInText, nestBlockquotes } from '../../../../tests/support/hostile';
import * as encoding from 'lib0/encoding';
import { rng } from '../../../../tests/bench/lib/docs';
import { getSchema } from '@tiptap/core';
import StarterKit from '@tiptap/starter-kit';
import { prosemirrorJSONToYXmlFragment } from '@tiptap/y-tiptap';
import { deepestNewType, writtenClientIds, addsTypes, MAX_TYPE_DEPTH, rootsWritten, leavesPending, richTextMisfit, changeFacts, UpdatePlaces, recordsMisfit, valueDepth, valuesTooDeep, MAX_VALUE_DEPTH } from './update-check';
import { addCard, boardOf, CARD_SCHEMA, MAX_CARD_LENGTH, moveCard, removeCard, setCardFacts, setCardText, type NewCard } from '../../domain/board';
import { checkChange, DOC_KIND_SPECS } from '../../domain/doc-kinds';
import { ACTION_ITEM_SCHEMA, actionItemsOf, addActionItem, setActionFacts, setActionText } from '../../domain/action-items';
import { SCALE_SCHEMA, scaleArray, scaleOf, setRating } from '../../domain/scale';
import { setPairing } from '../../domain/board-pairing';

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

describe('the roots an update writes in', () => {
	it('names the root and the top-level key of each change, deep ones included, and deletions', () => {
		const doc = new Y.Doc();
		Y.applyUpdate(
			doc,
			changeOf(doc, (c) => {
				c.getMap('agenda').set('stage', 'INTRODUCTION');
				const cards = new Y.Array<Y.Map<string>>();
				c.getMap('board').set('cards', cards);
			})
		);
		// A card pushed deep inside board.cards, the stage moved, a paragraph in the notes.
		const update = changeOf(doc, (c) => {
			const card = new Y.Map<string>();
			(c.getMap('board').get('cards') as Y.Array<Y.Map<string>>).push([card]);
			card.set('text', 'Grandma drives on Tuesdays');
			c.getMap('agenda').set('stage', 'IDENTIFY_SITUATION');
			nestBlockquotes(c.getXmlFragment('notes'), 0, 'hello');
		});
		const roots = rootsWritten(Y.decodeUpdate(update), doc);
		expect([...roots.keys()].sort()).toEqual(['agenda', 'board', 'notes']);
		expect([...roots.get('agenda')!]).toEqual(['stage']);
		expect([...roots.get('board')!]).toEqual(['cards']);
		expect([...roots.get('notes')!]).toEqual([null]);
		Y.applyUpdate(doc, update);
		// Deleting the notes' paragraph writes in the notes only.
		const deletion = changeOf(doc, (c) => c.getXmlFragment('notes').delete(0, 1));
		expect([...rootsWritten(Y.decodeUpdate(deletion), doc).keys()]).toEqual(['notes']);
	});

	it('does not count what the document already holds', () => {
		const doc = new Y.Doc();
		const first = changeOf(doc, (c) => c.getMap('meta').set('status', 'DRAFT'));
		Y.applyUpdate(doc, first);
		expect(rootsWritten(Y.decodeUpdate(first), doc).size).toBe(0);
	});
});

/** True when Yjs, applying `update` to a copy of `doc`, parks anything as pending. */
function yjsLeavesPending(doc: Y.Doc, update: Uint8Array): boolean {
	const copy = new Y.Doc();
	Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
	Y.applyUpdate(copy, update);
	return copy.store.pendingStructs !== null || copy.store.pendingDs !== null;
}

const pending = (doc: Y.Doc, update: Uint8Array) => leavesPending(Y.decodeUpdate(update), update, doc);

describe('an update that would leave something pending (issue 16 item 1: nesting past the limit, 50 items at a time)', () => {
	it('is seen in every chunk of the attack that hangs off an item held back, and Yjs would indeed park it', () => {
		const chain = blockquoteChain(300);
		const doc = new Y.Doc();
		for (const u of chain.slice(0, 50)) {
			expect(pending(doc, u)).toBe(false);
			Y.applyUpdate(doc, u);
		}
		for (let from = 51; from < chain.length; from += 50) {
			const chunk = Y.mergeUpdates(chain.slice(from, from + 50));
			expect(pending(doc, chunk)).toBe(true);
			expect(yjsLeavesPending(doc, chunk)).toBe(true);
		}
		// The piece held back, alone, is complete.
		expect(pending(doc, chain[50])).toBe(false);
	});

	it('sees structs that build on another client’s items, missing or in the same update in any order', () => {
		const a = new Y.Doc();
		a.clientID = 1;
		const b = new Y.Doc();
		b.clientID = 2;
		const fromA: Uint8Array[] = [];
		a.on('update', (u: Uint8Array) => fromA.push(u));
		const p = new Y.XmlElement('paragraph');
		a.getXmlFragment('notes').insert(0, [p]);
		p.insert(0, [new Y.XmlText('from a')]);
		Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
		const before = Y.encodeStateVector(b);
		(b.getXmlFragment('notes').get(0) as Y.XmlElement).insert(1, [new Y.XmlText('from b')]);
		const fromB = Y.encodeStateAsUpdate(b, before);
		const server = new Y.Doc();
		expect(pending(server, fromB)).toBe(true);
		expect(pending(server, Y.mergeUpdates([fromB, ...fromA]))).toBe(false);
		expect(pending(server, Y.mergeUpdates([...fromA, fromB]))).toBe(false);
		// Only part of what b builds on.
		expect(pending(server, Y.mergeUpdates([fromA[0], fromB]))).toBe(yjsLeavesPending(server, Y.mergeUpdates([fromA[0], fromB])));
	});

	it('sees deletions of items the document does not have (Yjs keeps them, merged with every later update’s, without bound)', () => {
		const writer = new Y.Doc();
		writer.getText('decision').insert(0, 'hello');
		const inserted = Y.encodeStateAsUpdate(writer);
		const before = Y.encodeStateVector(writer);
		writer.getText('decision').delete(0, 2);
		const deletion = Y.encodeStateAsUpdate(writer, before);
		const server = new Y.Doc();
		expect(pending(server, deletion)).toBe(true);
		expect(yjsLeavesPending(server, deletion)).toBe(true);
		// In the same update, or once the document has them: nothing pending.
		expect(pending(server, Y.encodeStateAsUpdate(writer))).toBe(false);
		Y.applyUpdate(server, inserted);
		expect(pending(server, deletion)).toBe(false);
		// A delete set naming clients and clocks nobody wrote: what an attacker could repeat to grow memory.
		const encoder = new Y.UpdateEncoderV1();
		encoding.writeVarUint(encoder.restEncoder, 0); // no structs
		encoding.writeVarUint(encoder.restEncoder, 100); // 100 clients
		for (let i = 0; i < 100; i++) {
			encoding.writeVarUint(encoder.restEncoder, 1000 + i);
			encoding.writeVarUint(encoder.restEncoder, 1); // one range
			encoding.writeVarUint(encoder.restEncoder, 0); // clock
			encoding.writeVarUint(encoder.restEncoder, 3); // length
		}
		const junk = encoder.toUint8Array();
		expect(Y.decodeUpdate(junk).ds.clients.size).toBe(100);
		expect(pending(server, junk)).toBe(true);
		expect(yjsLeavesPending(server, junk)).toBe(true);
	});

	it('sees a client given twice (Yjs keeps only the last run) and a run with no structs', () => {
		const chain = blockquoteChain(4);
		const doc = new Y.Doc();
		// v1 update of one client: [1 client][run][0 deletions]; two runs of the same client back to back.
		const run = (u: Uint8Array) => u.subarray(1, u.length - 1);
		const twice = new Uint8Array([2, ...run(Y.mergeUpdates(chain.slice(0, 2))), ...run(Y.mergeUpdates(chain.slice(2, 4))), 0]);
		expect(Y.decodeUpdate(twice).structs.map((s) => s.id.clock)).toEqual([0, 1, 2, 3]);
		expect(pending(doc, twice)).toBe(true);
		expect(yjsLeavesPending(doc, twice)).toBe(true);
		// A second, empty run: 0 structs of client 7 at clock 0.
		const empty = new Uint8Array([2, ...run(chain[0]), 0, 7, 0, 0]);
		expect(pending(doc, empty)).toBe(true);
		expect(pending(doc, chain[0])).toBe(false);
	});

	it('sees an item whose origin is a later item of its own client (Yjs would fail midway through applying it)', () => {
		const writer = new Y.Doc();
		writer.clientID = 3;
		writer.getText('decision').insert(0, 'abcdef');
		const update = Y.encodeStateAsUpdate(writer);
		const decoded = Y.decodeUpdate(update);
		expect(leavesPending(decoded, update, new Y.Doc())).toBe(false);
		// Forged: the text claims to follow its own clock 5.
		(decoded.structs[0] as Y.Item).origin = Y.createID(3, 5);
		expect(leavesPending(decoded, update, new Y.Doc())).toBe(true);
	});

	it('agrees with Yjs on every update of three writers applied in a random order, alone and merged', () => {
		let refused = 0;
		let taken = 0;
		for (let seed = 1; seed <= 12; seed++) {
			const random = rng(seed);
			const writers = [1, 2, 3].map((id) => {
				const d = new Y.Doc();
				d.clientID = id;
				return d;
			});
			const updates: Uint8Array[] = [];
			for (const w of writers) w.on('update', (u: Uint8Array, origin: unknown) => origin !== 'sync' && updates.push(u));
			for (let step = 0; step < 40; step++) {
				const w = writers[Math.floor(random() * 3)];
				const notes = w.getXmlFragment('notes');
				const texts = notes.toArray().flatMap((p) => (p instanceof Y.XmlElement && p.get(0) instanceof Y.XmlText ? [p.get(0) as Y.XmlText] : []));
				const r = random();
				if (r < 0.3 || texts.length === 0) {
					const p = new Y.XmlElement(random() < 0.2 ? 'heading' : 'paragraph');
					if (p.nodeName === 'heading') p.setAttribute('level', 2 as unknown as string);
					notes.insert(Math.floor(random() * (notes.length + 1)), [p]);
					p.insert(0, [new Y.XmlText('line ')]);
				} else if (r < 0.75) {
					const t = texts[Math.floor(random() * texts.length)];
					t.insert(Math.floor(random() * (t.length + 1)), 'word ', random() < 0.2 ? { bold: {} } : undefined);
				} else if (r < 0.9) {
					const t = texts[Math.floor(random() * texts.length)];
					if (t.length > 2) t.delete(Math.floor(random() * (t.length - 2)), 2);
				} else notes.delete(Math.floor(random() * notes.length), 1);
				if (random() < 0.4) {
					const other = writers[Math.floor(random() * 3)];
					if (other !== w) Y.applyUpdate(other, Y.encodeStateAsUpdate(w, Y.encodeStateVector(other)), 'sync');
				}
			}
			const server = new Y.Doc();
			const order = updates.map((u, i) => ({ u, k: random() + (i / updates.length) * 1.5 })).sort((x, y) => x.k - y.k);
			for (let i = 0; i < order.length; ) {
				const n = random() < 0.3 ? 1 + Math.floor(random() * 4) : 1;
				const update = n === 1 ? order[i].u : Y.mergeUpdates(order.slice(i, i + n).map((o) => o.u));
				i += n;
				const predicted = pending(server, update);
				expect(predicted, `seed ${seed}`).toBe(yjsLeavesPending(server, update));
				if (predicted) refused++;
				else {
					taken++;
					Y.applyUpdate(server, update);
				}
				expect(server.store.pendingStructs).toBeNull();
				expect(server.store.pendingDs).toBeNull();
			}
		}
		// Both answers came up often: the comparison says something.
		expect(refused).toBeGreaterThan(20);
		expect(taken).toBeGreaterThan(20);
	});
});

/** A change to a copy of `doc` (client 7), then the misfit richTextMisfit finds in the notes, or null. */
function misfit(doc: Y.Doc, change: (copy: Y.Doc) => void): string | null {
	const update = changeOf(doc, change);
	return richTextMisfit(Y.decodeUpdate(update), doc, ['notes']);
}

/** A paragraph in `at` holding `text` (formatted with `attributes` when given); returns the text. */
function paragraphOf(at: Y.XmlFragment | Y.XmlElement, text: string, attributes?: Record<string, unknown>): Y.XmlText {
	const p = new Y.XmlElement('paragraph');
	at.insert(at.length, [p]);
	const t = new Y.XmlText();
	p.insert(0, [t]);
	t.insert(0, text, attributes);
	return t;
}

describe('the rich-text schema, checked on what an update writes in the notes (issue 16 item 2)', () => {
	it('takes what the editor writes: every node type and mark, through y-prosemirror itself', () => {
		const schema = getSchema([StarterKit.configure({ undoRedo: false })]);
		const text = (t: string, marks: { type: string; attrs?: Record<string, unknown> }[] = []) => ({ type: 'text', text: t, marks });
		const json = {
			type: 'doc',
			content: [
				{ type: 'heading', attrs: { level: 2 }, content: [text('Plan')] },
				{ type: 'paragraph', content: [text('bold', [{ type: 'bold' }]), text(' link', [{ type: 'link', attrs: { href: 'https://example.org' } }]), { type: 'hardBreak' }, text('all', [{ type: 'italic' }, { type: 'strike' }, { type: 'underline' }, { type: 'code' }])] },
				{ type: 'bulletList', content: [{ type: 'listItem', content: [{ type: 'paragraph', content: [text('one')] }] }] },
				{ type: 'orderedList', attrs: { start: 3, type: 'a' }, content: [{ type: 'listItem', content: [{ type: 'paragraph', content: [text('two')] }] }] },
				{ type: 'blockquote', content: [{ type: 'paragraph', content: [text('said')] }] },
				{ type: 'codeBlock', attrs: { language: 'js' }, content: [text('x()')] },
				{ type: 'horizontalRule' },
				{ type: 'paragraph' }
			]
		};
		const doc = new Y.Doc();
		const update = changeOf(doc, (c) => prosemirrorJSONToYXmlFragment(schema, json, c.getXmlFragment('notes')));
		expect(richTextMisfit(Y.decodeUpdate(update), doc, ['notes'])).toBeNull();
		Y.applyUpdate(doc, update);
		// Editing it: typing, a new level, a mark ended, an element removed.
		expect(
			misfit(doc, (c) => {
				const notes = c.getXmlFragment('notes');
				(notes.get(0) as Y.XmlElement).setAttribute('level', 3 as unknown as string);
				((notes.get(1) as Y.XmlElement).get(0) as Y.XmlText).format(0, 2, { bold: null });
				((notes.get(1) as Y.XmlElement).get(0) as Y.XmlText).insert(1, 'typed');
				notes.delete(6, 1);
			})
		).toBeNull();
	});

	it('refuses elements the editor has no node type for', () => {
		const doc = new Y.Doc();
		for (const name of ['script', 'p"><img src=x onerror=alert(1)>', 'doc', 'text', '__proto__']) {
			expect(misfit(doc, (c) => c.getXmlFragment('notes').insert(0, [new Y.XmlElement(name)])), name).not.toBeNull();
		}
		// Also deep inside an element the document already holds.
		const base = changeOf(doc, (c) => nestBlockquotes(c.getXmlFragment('notes'), 2));
		Y.applyUpdate(doc, base);
		expect(misfit(doc, (c) => ((c.getXmlFragment('notes').get(0) as Y.XmlElement).get(0) as Y.XmlElement).insert(0, [new Y.XmlElement('iframe')]))).toMatch(/iframe/);
	});

	it('refuses attributes a node does not declare, or with values of the wrong type', () => {
		const doc = new Y.Doc();
		const heading = (level: unknown, more: Record<string, unknown> = {}) =>
			misfit(doc, (c) => {
				const h = new Y.XmlElement('heading');
				h.setAttribute('level', level as string);
				for (const [k, v] of Object.entries(more)) h.setAttribute(k, v as string);
				c.getXmlFragment('notes').insert(0, [h]);
			});
		expect(heading(2)).toBeNull();
		for (const level of [{ toString: null }, 7, '2', [1], 1.5]) expect(heading(level), JSON.stringify(level)).toMatch(/level/);
		expect(heading(1, { onclick: 'alert(1)' })).toMatch(/onclick/);
		// Changing an attribute of an element the document holds.
		Y.applyUpdate(doc, changeOf(doc, (c) => paragraphOf(c.getXmlFragment('notes'), 'x')));
		expect(misfit(doc, (c) => (c.getXmlFragment('notes').get(0) as Y.XmlElement).setAttribute('style', 'x'))).toMatch(/style/);
		// A shared type as an attribute value.
		expect(misfit(doc, (c) => (c.getXmlFragment('notes').get(0) as Y.XmlElement).setAttribute('level', new Y.Map() as unknown as string))).not.toBeNull();
	});

	it('refuses marks the schema does not have, and links that are not web, mail, phone or relative', () => {
		const doc = new Y.Doc();
		const notes = (c: Y.Doc) => c.getXmlFragment('notes');
		expect(misfit(doc, (c) => paragraphOf(notes(c), 'x', { link: { href: 'https://example.org', target: '_blank', rel: 'noopener noreferrer nofollow', class: null, title: null } }))).toBeNull();
		expect(misfit(doc, (c) => paragraphOf(notes(c), 'x', { link: { href: 'javascript:alert(1)' } }))).toMatch(/link/);
		expect(misfit(doc, (c) => paragraphOf(notes(c), 'x', { link: { href: 'https://x', onmouseover: 'alert(1)' } }))).toMatch(/link/);
		expect(misfit(doc, (c) => paragraphOf(notes(c), 'x', { script: {} }))).toMatch(/script/);
		expect(misfit(doc, (c) => paragraphOf(notes(c), 'x', { bold: 'yes' }))).toMatch(/bold/);
		// A mark put on text the document already holds.
		Y.applyUpdate(doc, changeOf(doc, (c) => paragraphOf(notes(c), 'hello')));
		expect(misfit(doc, (c) => ((notes(c).get(0) as Y.XmlElement).get(0) as Y.XmlText).format(0, 5, { link: { href: 'data:text/html,x' } }))).toMatch(/link/);
		expect(misfit(doc, (c) => ((notes(c).get(0) as Y.XmlElement).get(0) as Y.XmlText).format(0, 5, { italic: {} }))).toBeNull();
	});

	it('refuses shapes y-prosemirror cannot read: text straight in the notes, an attribute on text, values in an element, other types', () => {
		const doc = new Y.Doc();
		const notes = (c: Y.Doc) => c.getXmlFragment('notes');
		expect(misfit(doc, (c) => notes(c).insert(0, [new Y.XmlText('loose')]))).not.toBeNull();
		expect(misfit(doc, (c) => paragraphOf(notes(c), 'x').setAttribute('level', '1'))).toMatch(/attribute of text/);
		expect(misfit(doc, (c) => {
			const p = new Y.XmlElement('paragraph');
			notes(c).insert(0, [p]);
			(p as unknown as { insert: (i: number, c: unknown[]) => void }).insert(0, ['a string', 42]);
		})).toMatch(/not an element or text/);
		expect(misfit(doc, (c) => {
			const p = new Y.XmlElement('paragraph');
			notes(c).insert(0, [p]);
			(p as unknown as { insert: (i: number, c: unknown[]) => void }).insert(0, [new Y.Map()]);
		})).not.toBeNull();
		expect(misfit(doc, (c) => {
			const t = paragraphOf(notes(c), 'x');
			t.insertEmbed(0, { image: 'x' });
		})).toMatch(/text/);
		// Other roots are not the editor's: the kind's root types decide there (doc-kinds.ts).
		expect(richTextMisfit(Y.decodeUpdate(changeOf(doc, (c) => c.getText('decision').insert(0, 'x', { script: {} }))), doc, ['notes'])).toBeNull();
	});

	it('costs little per keystroke (10,000 single-character updates through every check, logged)', () => {
		const doc = new Y.Doc();
		Y.applyUpdate(doc, changeOf(doc, (c) => {
			const notes = c.getXmlFragment('notes');
			for (let i = 0; i < 200; i++) paragraphOf(notes, `paragraph ${i} `.repeat(20));
		}, 1));
		const writer = new Y.Doc();
		writer.clientID = 2;
		Y.applyUpdate(writer, Y.encodeStateAsUpdate(doc));
		const keystrokes: Uint8Array[] = [];
		writer.on('update', (u: Uint8Array) => keystrokes.push(u));
		const line = ((writer.getXmlFragment('notes').get(100) as Y.XmlElement).get(0) as Y.XmlText);
		for (let i = 0; i < 10_000; i++) line.insert(line.length, 'k');
		// The same updates decoded and applied, unchecked: what the room pays anyway.
		const bare = new Y.Doc();
		Y.applyUpdate(bare, Y.encodeStateAsUpdate(doc));
		const bareStart = performance.now();
		for (const u of keystrokes) {
			Y.decodeUpdate(u);
			Y.applyUpdate(bare, u);
		}
		const bareMs = performance.now() - bareStart;
		const start = performance.now();
		let refused = 0;
		for (const u of keystrokes) {
			const decoded = Y.decodeUpdate(u);
			if (leavesPending(decoded, u, doc)) refused++;
			const places = new UpdatePlaces(decoded, doc);
			const facts = changeFacts(decoded, doc, places);
			if (richTextMisfit(decoded, doc, ['notes'], places) !== null || !facts.roots.has('notes')) refused++;
			Y.applyUpdate(doc, u);
		}
		const ms = performance.now() - start;
		console.log(`update-check: 10,000 keystrokes checked and applied in ${ms.toFixed(0)} ms (${((ms * 1000) / 10_000).toFixed(1)} µs each; decoded and applied unchecked: ${((bareMs * 1000) / 10_000).toFixed(1)} µs each)`);
		expect(refused).toBe(0);
	});
});

describe('root types (issue 16 item 3)', () => {
	it('tells a key set on a root from list content of a root and from what is below the top level', () => {
		const doc = new Y.Doc();
		const facts = (change: (c: Y.Doc) => void) => changeFacts(Y.decodeUpdate(changeOf(doc, change)), doc);
		const keyOnNotes = facts((c) => c.getMap('notes').set('x', 1));
		expect([...keyOnNotes.roots.get('notes')!]).toEqual(['x']);
		const textInAgenda = facts((c) => c.getText('agenda').insert(0, 'x'));
		expect([...textInAgenda.roots.get('agenda')!]).toEqual([null]);
		expect([...textInAgenda.rootItems!.get('agenda')!]).toEqual(['text']);
		const mapEntryInBoard = facts((c) => c.getMap('board').set('k', 'v'));
		expect([...mapEntryInBoard.roots.get('board')!]).toEqual(['k']);
		const card = facts((c) => c.getArray('board').push([new Y.Map()]));
		expect([...card.rootItems!.get('board')!]).toEqual(['value']);
		const paragraph = facts((c) => paragraphOf(c.getXmlFragment('notes'), 'x'));
		expect([...paragraph.rootItems!.get('notes')!]).toEqual(['xml']);
		// A text root holds plain text: a mark or an embed in the meeting's decision is nothing a kind holds.
		const meeting = DOC_KIND_SPECS.meeting;
		const writer = { kind: 'participant', role: 'PARENT' } as const;
		// Plain text there is no page's either: the old decision draft is nobody's to write (doc-kinds.ts).
		expect(checkChange(meeting, facts((c) => c.getText('decision').insert(0, 'We agree')), writer)).toBe('read-only');
		expect([...facts((c) => c.getText('decision').insert(0, 'x', { evil: { deep: [1, 2] } })).rootItems!.get('decision')!]).toContain('other');
		expect(checkChange(meeting, facts((c) => c.getText('decision').insert(0, 'x', { bold: true })), writer)).toBe('shape');
		expect(checkChange(meeting, facts((c) => c.getText('decision').insertEmbed(0, { x: 1 })), writer)).toBe('shape');
	});

	it('keeps a map entry’s key through an overwrite and below it (the struct of an overwrite does not repeat its key)', () => {
		const doc = new Y.Doc();
		Y.applyUpdate(doc, changeOf(doc, (c) => c.getMap('agenda').set('stages', new Y.Array())));
		const update = changeOf(doc, (c) => {
			const stages = new Y.Array<Y.Map<unknown>>();
			c.getMap('agenda').set('stages', stages);
			const stage = new Y.Map<unknown>();
			stages.push([stage]);
			stage.set('key', 'welcome');
		});
		const facts = changeFacts(Y.decodeUpdate(update), doc);
		expect([...facts.roots.get('agenda')!]).toEqual(['stages']);
		expect(facts.rootItems?.get('agenda')).toBeUndefined();
	});
});

describe('a change to the meeting board, checked before it is applied (board.ts)', () => {
	const card: NewCard = { column: 'WORKING_WELL', category: 'EXISTING_STRENGTHS', text: 'Grandma picks the kids up every day', voice: 'KIN', ownWords: true, factors: ['SOCIAL_CONNECTIONS'] };
	const misfit = (doc: Y.Doc, update: Uint8Array, owner: string) => recordsMisfit(Y.decodeUpdate(update), doc, { board: CARD_SCHEMA, actions: ACTION_ITEM_SCHEMA }, owner);
	function withCard(owner = 'u:dana'): Y.Doc {
		const doc = new Y.Doc();
		Y.applyUpdate(doc, changeOf(doc, (c) => addCard(c, card, owner), 3));
		return doc;
	}

	it('takes what the board module writes: a card by its maker, then anyone moving, rewording, tagging or removing it', () => {
		const doc = new Y.Doc();
		expect(misfit(doc, changeOf(doc, (c) => addCard(c, card, 'p:rosa')), 'p:rosa')).toBeNull();
		const made = withCard();
		expect(misfit(made, changeOf(made, (c) => moveCard(boardOf(c)[0], 'NEEDS_TO_HAPPEN'), 9), 'p:rosa')).toBeNull();
		expect(misfit(made, changeOf(made, (c) => setCardText(boardOf(c)[0], 'Grandma Rosa picks them up'), 9), 'p:rosa')).toBeNull();
		expect(misfit(made, changeOf(made, (c) => setCardFacts(boardOf(c)[0], { voice: 'FAMILY', ownWords: false, factors: [] }), 9), 'p:rosa')).toBeNull();
		expect(misfit(made, changeOf(made, (c) => removeCard(c, boardOf(c)[0]), 9), 'p:rosa')).toBeNull();
	});

	it('refuses a key a card or action item is made with, taken away later on its own (the card would be an entry no page shows)', () => {
		const made = withCard();
		for (const key of ['column', 'voice', 'text']) expect(misfit(made, changeOf(made, (c) => boardOf(c)[0].map.delete(key), 9), 'p:rosa')).toBe(`board ${key} removed`);
		// What has a default may go; the card itself may go, with all it holds.
		expect(misfit(made, changeOf(made, (c) => boardOf(c)[0].map.delete('factors'), 9), 'p:rosa')).toBeNull();
		expect(misfit(made, changeOf(made, (c) => removeCard(c, boardOf(c)[0]), 9), 'p:rosa')).toBeNull();
		// Its column set again (a move): a change, not a loss.
		expect(misfit(made, changeOf(made, (c) => moveCard(boardOf(c)[0], 'WORRIES'), 9), 'p:rosa')).toBeNull();
		const withItem = new Y.Doc();
		Y.applyUpdate(withItem, changeOf(withItem, (c) => addActionItem(c, { text: 'Call the school', owner: null, due: null }, 'p:rosa'), 3));
		expect(misfit(withItem, changeOf(withItem, (c) => actionItemsOf(c)[0].map.delete('text'), 9), 'p:rosa')).toBe('actions text removed');
		expect(misfit(withItem, changeOf(withItem, (c) => actionItemsOf(c)[0].map.delete('due'), 9), 'p:rosa')).toBeNull();
	});

	it('refuses a card in someone else’s name, and any change of a card’s author', () => {
		const doc = new Y.Doc();
		expect(misfit(doc, changeOf(doc, (c) => addCard(c, card, 'u:dana')), 'p:daniel')).toBe('board author');
		const made = withCard('u:dana');
		expect(misfit(made, changeOf(made, (c) => boardOf(c)[0].map.set('author', 'p:daniel'), 9), 'p:daniel')).toBe('board author');
		expect(misfit(made, changeOf(made, (c) => boardOf(c)[0].map.set('author', 'u:dana'), 9), 'u:dana')).toBe('board author');
		// Nor taken off it: the card would then stand in nobody's name. Removing the whole card still goes.
		expect(misfit(made, changeOf(made, (c) => boardOf(c)[0].map.delete('author'), 9), 'p:daniel')).toBe('board author removed');
		expect(misfit(made, changeOf(made, (c) => removeCard(c, boardOf(c)[0]), 9), 'p:daniel')).toBeNull();
		const item = new Y.Doc();
		Y.applyUpdate(item, changeOf(item, (c) => addActionItem(c, { text: 'Call the school', owner: null, due: null }, 'u:' + 'b'.repeat(24)), 3));
		expect(misfit(item, changeOf(item, (c) => actionItemsOf(c)[0].map.delete('author'), 9), 'p:daniel')).toBe('actions author removed');
	});

	it('refuses what no card holds: another key, an unknown column, category, voice or factor, rich text, nesting, a value on the root', () => {
		const made = withCard();
		const on = (change: (map: Y.Map<unknown>) => void) => misfit(made, changeOf(made, (c) => change(boardOf(c)[0].map), 9), 'p:rosa');
		expect(on((m) => m.set('secret', 'x'))).toMatch(/board key/);
		expect(on((m) => m.set('column', 'SECRET_COLUMN'))).toBe('board column');
		expect(on((m) => m.set('category', 'NOT_A_CATEGORY'))).toBe('board category');
		expect(on((m) => m.set('voice', 'ROBOT'))).toBe('board voice');
		expect(on((m) => m.set('ownWords', 'yes'))).toBe('board ownWords');
		expect(on((m) => m.set('factors', ['SOCIAL_CONNECTIONS', 'MAGIC']))).toBe('board factors');
		expect(on((m) => m.set('text', 'plain string'))).toBe('board text that is not text');
		expect(on((m) => (m.get('text') as Y.Text).format(0, 3, { bold: true }))).toBe('board text that is not plain text');
		expect(on((m) => m.set('factors', new Y.Array()))).toMatch(/board factors/);
		const doc = new Y.Doc();
		expect(misfit(doc, changeOf(doc, (c) => c.getArray('board').push(['a string'])), 'p:rosa')).toBe('board content that is not a record');
		expect(misfit(doc, changeOf(doc, (c) => c.getArray('board').push([new Y.Text('x')])), 'p:rosa')).toBe('board content that is not a record');
	});

	it('refuses a new card or action item made without the keys its module always writes (no column, no words, no author)', () => {
		const doc = new Y.Doc();
		expect(misfit(doc, changeOf(doc, (c) => c.getArray('board').push([new Y.Map()])), 'p:rosa')).toMatch(/board \w+ missing/);
		const cardWithout = (key: string) =>
			misfit(doc, changeOf(doc, (c) => {
				addCard(c, card, 'p:rosa');
				boardOf(c)[0].map.delete(key);
			}), 'p:rosa');
		expect(cardWithout('column')).toBe('board column missing');
		expect(cardWithout('voice')).toBe('board voice missing');
		expect(cardWithout('id')).toBe('board id missing');
		// What has a default may be left out (an older page's card without its factors).
		expect(cardWithout('factors')).toBeNull();
		const itemWithout = (key: string) =>
			misfit(doc, changeOf(doc, (c) => {
				addActionItem(c, { text: 'Call the school', owner: null, due: null }, 'p:rosa');
				actionItemsOf(c)[0].map.delete(key);
			}), 'p:rosa');
		expect(itemWithout('text')).toBe('actions text missing');
		expect(itemWithout('due')).toBeNull();
		// A card made and removed in one change is no card.
		expect(misfit(doc, changeOf(doc, (c) => { addCard(c, card, 'p:rosa'); removeCard(c, boardOf(c)[0]); }), 'p:rosa')).toBeNull();
	});

	it('keeps a card’s words within their limit as a whole: added in pieces, not past it; reworded at the limit, or shortened, taken', () => {
		const made = withCard();
		const words = (c: Y.Doc) => boardOf(c)[0].map.get('text') as Y.Text;
		// One piece under the limit on top of what is there: past it (the server took 2,016 characters, then any number).
		expect(misfit(made, changeOf(made, (c) => words(c).insert(0, 'y'.repeat(MAX_CARD_LENGTH)), 9), 'p:rosa')).toBe('board text too long');
		// Two pieces in one update, each under the limit.
		const fresh = new Y.Doc();
		expect(misfit(fresh, changeOf(fresh, (c) => { addCard(c, card, 'p:rosa'); words(c).insert(0, 'y'.repeat(MAX_CARD_LENGTH - 10)); }), 'p:rosa')).toBe('board text too long');
		// The whole card reworded to exactly the limit (deleted and typed in one change): taken.
		expect(misfit(made, changeOf(made, (c) => setCardText(boardOf(c)[0], 'z'.repeat(MAX_CARD_LENGTH)), 9), 'p:rosa')).toBeNull();
		Y.applyUpdate(made, changeOf(made, (c) => setCardText(boardOf(c)[0], 'z'.repeat(MAX_CARD_LENGTH)), 9));
		expect(misfit(made, changeOf(made, (c) => words(c).insert(5, '!'), 9), 'p:rosa')).toBe('board text too long');
		expect(misfit(made, changeOf(made, (c) => words(c).delete(0, 100), 9), 'p:rosa')).toBeNull();
		expect(misfit(made, changeOf(made, (c) => setCardText(boardOf(c)[0], 'short again'), 9), 'p:rosa')).toBeNull();
	});

	it('checks action items the same way: the writer as author, a real date, an owner id, plain words', () => {
		const doc = new Y.Doc();
		const item = { text: 'Call the school about the bus', owner: 'p:' + 'a'.repeat(24), due: '2026-12-15' };
		expect(misfit(doc, changeOf(doc, (c) => addActionItem(c, item, 'u:' + 'b'.repeat(24))), 'u:' + 'b'.repeat(24))).toBeNull();
		expect(misfit(doc, changeOf(doc, (c) => addActionItem(c, item, 'u:' + 'b'.repeat(24))), 'p:' + 'a'.repeat(24))).toBe('actions author');
		const made = new Y.Doc();
		Y.applyUpdate(made, changeOf(made, (c) => addActionItem(c, item, 'u:' + 'b'.repeat(24)), 3));
		const on = (change: (c: Y.Doc) => void) => misfit(made, changeOf(made, change, 9), 'p:' + 'a'.repeat(24));
		expect(on((c) => setActionFacts(actionItemsOf(c)[0], { done: true, owner: null, due: null }))).toBeNull();
		expect(on((c) => setActionText(actionItemsOf(c)[0], 'Call the school about the bus on Monday'))).toBeNull();
		expect(on((c) => actionItemsOf(c)[0].map.set('due', '2026-02-30'))).toBe('actions due');
		expect(on((c) => actionItemsOf(c)[0].map.set('owner', 'Grandma'))).toBe('actions owner');
		expect(on((c) => actionItemsOf(c)[0].map.set('done', 'yes'))).toBe('actions done');
		expect(on((c) => actionItemsOf(c)[0].map.set('column', 'WORRIES'))).toMatch(/actions key/);
	});
});

describe('danger statements and safety goals, and the safety scale, checked before they are applied (board.ts, scale.ts)', () => {
	const schemas = { board: CARD_SCHEMA, actions: ACTION_ITEM_SCHEMA, scale: SCALE_SCHEMA };
	const misfit = (doc: Y.Doc, update: Uint8Array, owner: string) => recordsMisfit(Y.decodeUpdate(update), doc, schemas, owner);
	const dana = 'u:' + 'd'.repeat(24);
	const rosa = 'p:' + 'r'.repeat(24);
	const statement: NewCard = { column: 'WORRIES', category: 'DANGER_STATEMENT', text: 'We worry the kids are left alone at night', voice: 'PROFESSIONAL', ownWords: false, factors: [] };
	const goal: NewCard = { column: 'NEEDS_TO_HAPPEN', category: 'SAFETY_GOALS', text: 'An adult is home every night', voice: 'FAMILY', ownWords: true, factors: [] };
	function board(): Y.Doc {
		const doc = new Y.Doc();
		Y.applyUpdate(doc, changeOf(doc, (c) => { addCard(c, statement, dana); addCard(c, goal, rosa); }, 3));
		return doc;
	}

	it('takes a card with its own id and a goal naming a statement by id; refuses a pairing that is not an id, and an id changed, set later or removed', () => {
		const doc = board();
		const [s, g] = boardOf(doc);
		expect(misfit(doc, changeOf(doc, (c) => setPairing(boardOf(c)[1], boardOf(c)[0]), 9), dana)).toBeNull();
		expect(misfit(doc, changeOf(doc, (c) => setPairing(boardOf(c)[1], null), 9), dana)).toBeNull();
		for (const bad of ['We worry the kids', 42, 'ABCDEFGHIJ', 'abcdefgh19', 'x'.repeat(10) + 'y', ['abcdefghij'], { id: s.id }]) {
			expect(misfit(doc, changeOf(doc, (c) => boardOf(c)[1].map.set('pairs', bad), 9), dana)).toBe('board pairs');
		}
		expect(misfit(doc, changeOf(doc, (c) => boardOf(c)[0].map.set('id', g.id), 9), dana)).toBe('board id');
		expect(misfit(doc, changeOf(doc, (c) => boardOf(c)[0].map.delete('id'), 9), dana)).toBe('board id removed');
		const fresh = new Y.Doc();
		expect(misfit(fresh, changeOf(fresh, (c) => { addCard(c, goal, rosa); boardOf(c)[0].map.set('id', 'not an id'); }), rosa)).toBe('board id');
	});

	it('takes each person’s own rating, made and changed by them', () => {
		const doc = new Y.Doc();
		expect(misfit(doc, changeOf(doc, (c) => setRating(c, rosa, 4)), rosa)).toBeNull();
		Y.applyUpdate(doc, changeOf(doc, (c) => setRating(c, rosa, 4), 3));
		expect(misfit(doc, changeOf(doc, (c) => setRating(c, rosa, 6), 9), rosa)).toBeNull();
		expect(misfit(doc, changeOf(doc, (c) => setRating(c, dana, 2), 9), dana)).toBeNull();
		expect(misfit(doc, changeOf(doc, (c) => scaleArray(c).delete(0, 1), 9), rosa)).toBeNull();
	});

	it('refuses a rating out of range or not a whole number, in someone else’s name, or with no author', () => {
		const doc = new Y.Doc();
		const raw = (rating: unknown, author: string | null) => (c: Y.Doc) => {
			const map = new Y.Map<unknown>();
			map.set('rating', rating);
			if (author !== null) map.set('author', author);
			scaleArray(c).push([map]);
		};
		for (const bad of [-1, 11, 4.5, '5', null, Number.NaN]) expect(misfit(doc, changeOf(doc, raw(bad, rosa)), rosa)).toBe('scale rating');
		expect(misfit(doc, changeOf(doc, raw(5, dana)), rosa)).toBe('scale author');
		expect(misfit(doc, changeOf(doc, raw(5, null)), rosa)).toBe('scale author missing');
		expect(misfit(doc, changeOf(doc, (c) => { raw(5, rosa)(c); scaleOf(c)[0].map.set('note', 'x'); }), rosa)).toMatch(/scale key/);
	});

	it('refuses anyone changing or removing a rating that is not theirs, the facilitator too (server side: records.ts owns)', () => {
		const doc = new Y.Doc();
		Y.applyUpdate(doc, changeOf(doc, (c) => setRating(c, rosa, 3), 3));
		const theirs = (c: Y.Doc) => scaleOf(c).find((r) => r.author === rosa)!.map;
		expect(misfit(doc, changeOf(doc, (c) => theirs(c).set('rating', 9), 9), dana)).toBe("scale not the writer's");
		expect(misfit(doc, changeOf(doc, (c) => theirs(c).delete('rating'), 9), dana)).toBe("scale not the writer's");
		expect(misfit(doc, changeOf(doc, (c) => theirs(c).set('author', dana), 9), dana)).toBe("scale not the writer's");
		expect(misfit(doc, changeOf(doc, (c) => scaleArray(c).delete(0, 1), 9), dana)).toBe("scale not the writer's");
		// The same changes by Rosa herself are taken (she may change her mind, or take her rating back).
		expect(misfit(doc, changeOf(doc, (c) => theirs(c).set('rating', 9), 9), rosa)).toBeNull();
		expect(misfit(doc, changeOf(doc, (c) => scaleArray(c).delete(0, 1), 9), rosa)).toBeNull();
		// A board card stays anyone's to change: only records whose author owns them are held to it.
		const cards = board();
		expect(misfit(cards, changeOf(cards, (c) => setCardFacts(boardOf(c)[1], { ownWords: false }), 9), dana)).toBeNull();
	});

	it('declares the scale a root of the meeting’s document, with its records checked', () => {
		expect(DOC_KIND_SPECS.meeting.roots.scale).toBe('array');
		expect(DOC_KIND_SPECS.meeting.records?.scale).toBe(SCALE_SCHEMA);
	});
});

describe('plain values an update brings, measured before anything encodes them again', () => {
	const items = (update: Uint8Array) => Y.decodeUpdate(update).structs.filter((s): s is Y.Item => s instanceof Y.Item);
	const nested = (levels: number) => {
		let v: unknown = 'x';
		for (let i = 0; i < levels; i++) v = i % 2 ? { v } : [v];
		return v;
	};

	it('measures nesting without recursion, and stops past the limit', () => {
		expect(valueDepth('x')).toBe(0);
		expect(valueDepth(['a', 'b'])).toBe(1);
		expect(valueDepth({ a: [{ b: 1 }] })).toBe(3);
		expect(valueDepth(nested(MAX_VALUE_DEPTH))).toBe(MAX_VALUE_DEPTH);
		expect(valueDepth(nested(MAX_VALUE_DEPTH + 1))).toBe(Infinity);
		expect(valueDepth(nested(100_000))).toBe(Infinity);
	});

	it('refuses a deep embed, mark, map value or list value; takes what the app stores (agenda stages, card factors, links)', () => {
		expect(valuesTooDeep(items(deepValueInText(20_000, 'embed')))).toBe(true);
		expect(valuesTooDeep(items(deepValueInText(20_000, 'format')))).toBe(true);
		const doc = new Y.Doc();
		expect(valuesTooDeep(items(changeOf(doc, (c) => c.getMap('meta').set('x', nested(40)))))).toBe(true);
		expect(valuesTooDeep(items(changeOf(doc, (c) => c.getArray('board').push([nested(40)]))))).toBe(true);
		expect(valuesTooDeep(items(changeOf(doc, (c) => c.getText('decision').insertEmbed(0, nested(MAX_VALUE_DEPTH) as object))))).toBe(false);
		expect(valuesTooDeep(items(changeOf(doc, (c) => addCard(c, { column: 'WORRIES', category: null, text: 'x', voice: 'FAMILY', ownWords: false, factors: ['PARENTAL_RESILIENCE'] }, 'u:dana'))))).toBe(false);
		expect(valuesTooDeep(items(changeOf(doc, (c) => c.getMap('agenda').set('stages', [{ id: 'a', code: 'INTRODUCTION', title: null, minutes: 10 }]))))).toBe(false);
	});
});
