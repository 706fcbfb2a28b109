// Synthetic shared documents with the shape and the edit history of real ones, for the memory, sync and
// durability benchmarks. The board and agenda do not exist in the app yet (and the plan has no page):
// these follow docs/architecture ("meeting:<id>": agenda, board of cards, notes, decision, action items;
// "plan:<caseId>": a Tiptap fragment plus a small metadata map), typed by several people taking turns,
// with corrections, so the documents carry the items and tombstones that real editing leaves behind.
// Built with the caller's Yjs (the Hocuspocus driver has its own copy: one Yjs per process).
import type * as YNamespace from 'yjs';

/** Deterministic pseudo-random numbers (mulberry32), so every run builds the same documents. */
export function rng(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const WORDS = (
	'family safety plan grandmother school visit weekly parent support caseworker child worries strengths ' +
	'agreed next steps housing counselling transport appointment Tuesday evening relative placement court ' +
	'review progress sobriety meeting therapist teacher attendance bedtime routine church neighbour phone ' +
	'contact supervised unsupervised overnight weekend goal danger statement protective factor network ' +
	'mother father aunt uncle cousin foster caregiver bus pass rent daycare pediatrician dentist medication'
).split(' ');

export function sentence(random: () => number, min = 6, max = 16): string {
	const n = min + Math.floor(random() * (max - min + 1));
	const words: string[] = [];
	for (let i = 0; i < n; i++) words.push(WORDS[Math.floor(random() * WORDS.length)]);
	const s = words.join(' ');
	return s[0].toUpperCase() + s.slice(1) + '. ';
}

type Typist = { doc: YNamespace.Doc; random: () => number; authors: number[] };

/** The document builders, using the given Yjs module. */
export function docBuilders(Y: typeof YNamespace) {
	/** A document edited by `authors` people: each edit runs as one of them (their own Yjs client id). */
	function typist(seed: number, authorCount = 4): Typist {
		const random = rng(seed);
		const doc = new Y.Doc();
		const authors = Array.from({ length: authorCount }, (_, i) => 100_000 + seed * 16 + i);
		return { doc, random, authors };
	}

	function as<T>(t: Typist, fn: () => T): T {
		t.doc.clientID = t.authors[Math.floor(t.random() * t.authors.length)];
		let result!: T;
		t.doc.transact(() => {
			result = fn();
		});
		return result;
	}

	/**
	 * Types `chars` characters into `text` the way people do: a phrase at a time at a place in the text,
	 * now and then deleting a few words (a correction), each burst by one of the authors.
	 */
	function typeInto(t: Typist, text: YNamespace.XmlText | YNamespace.Text, chars: number): void {
		let typed = 0;
		while (typed < chars) {
			const phrase = sentence(t.random, 2, 8);
			as(t, () => {
				const at = text.length === 0 ? 0 : t.random() < 0.7 ? text.length : Math.floor(t.random() * text.length);
				text.insert(at, phrase);
				if (t.random() < 0.12 && text.length > 20) {
					const len = 3 + Math.floor(t.random() * 12);
					text.delete(Math.floor(t.random() * (text.length - len)), len);
				}
			});
			typed += phrase.length;
		}
	}

	function paragraph(t: Typist, fragment: YNamespace.XmlFragment | YNamespace.XmlElement, chars: number): void {
		const p = as(t, () => {
			const el = new Y.XmlElement('paragraph');
			fragment.push([el]);
			el.push([new Y.XmlText()]);
			return el;
		});
		typeInto(t, p.get(0) as YNamespace.XmlText, chars);
	}

	function heading(t: Typist, fragment: YNamespace.XmlFragment, level: number, text: string): void {
		as(t, () => {
			const el = new Y.XmlElement('heading');
			el.setAttribute('level', level as unknown as string);
			fragment.push([el]);
			const x = new Y.XmlText();
			el.push([x]);
			x.insert(0, text);
		});
	}

	function bulletList(t: Typist, fragment: YNamespace.XmlFragment, items: number, chars: number): void {
		const list = as(t, () => {
			const el = new Y.XmlElement('bulletList');
			fragment.push([el]);
			return el;
		});
		for (let i = 0; i < items; i++) {
			const item = as(t, () => {
				const li = new Y.XmlElement('listItem');
				list.push([li]);
				return li;
			});
			paragraph(t, item, chars);
		}
	}

	/** Tiptap-shaped rich text of roughly `chars` characters: headings, paragraphs and lists. */
	function writeRichText(t: Typist, fragment: YNamespace.XmlFragment, chars: number, sectionChars = 3000): void {
		let written = 0;
		let section = 1;
		while (written < chars) {
			heading(t, fragment, 2, `${section}. ${sentence(t.random, 2, 5).trim()}`);
			const target = Math.min(sectionChars, chars - written);
			let inSection = 0;
			while (inSection < target) {
				if (t.random() < 0.2) {
					const items = 3 + Math.floor(t.random() * 4);
					bulletList(t, fragment, items, 80);
					inSection += items * 80;
				} else {
					const len = 300 + Math.floor(t.random() * 500);
					paragraph(t, fragment, len);
					inSection += len;
				}
			}
			written += inSection;
			section++;
		}
	}

	const COLUMNS = ['worries', 'strengths', 'next_steps'] as const;
	const STAGES = ['welcome', 'purpose', 'strengths', 'worries', 'ideas', 'decision', 'next_steps', 'closing'] as const;

	/**
	 * A meeting as it looks near its end: 8 agenda stages with items, a board of `cards` cards (some edited,
	 * some moved between columns), notes of about `notesChars` characters, a decision draft, action items.
	 */
	function meetingDoc(seed: number, opts: { cards?: number; notesChars?: number } = {}): YNamespace.Doc {
		const t = typist(seed);
		const { doc } = t;
		const agenda = doc.getMap('agenda');
		as(t, () => {
			const stages = new Y.Array<YNamespace.Map<unknown>>();
			agenda.set('stages', stages);
			for (const key of STAGES) {
				const stage = new Y.Map<unknown>();
				stages.push([stage]);
				stage.set('id', `stage-${key}`);
				stage.set('key', key);
				stage.set('minutes', 10);
				const items = new Y.Array<YNamespace.Map<unknown>>();
				stage.set('items', items);
				for (let i = 0; i < 3; i++) {
					const item = new Y.Map<unknown>();
					items.push([item]);
					item.set('id', `item-${key}-${i}`);
					const text = new Y.Text();
					item.set('text', text);
					text.insert(0, sentence(t.random, 3, 8));
					item.set('done', false);
				}
			}
			agenda.set('currentStage', 'welcome');
			agenda.set('timer', { startedAt: 0, durationMinutes: 10 });
		});
		// The facilitator walks through the stages; items get ticked off.
		for (const key of STAGES) {
			as(t, () => {
				agenda.set('currentStage', key);
				agenda.set('timer', { startedAt: Date.UTC(2026, 10, 3, 23, 30), durationMinutes: 10 });
			});
		}

		const board = doc.getArray<YNamespace.Map<unknown>>('board');
		const cardCount = opts.cards ?? 60;
		for (let i = 0; i < cardCount; i++) {
			const card = as(t, () => {
				const c = new Y.Map<unknown>();
				board.push([c]);
				c.set('id', `card-${seed}-${i}`);
				c.set('column', COLUMNS[i % COLUMNS.length]);
				c.set('author', `person-${Math.floor(t.random() * 8)}`);
				c.set('createdAt', Date.UTC(2026, 10, 3, 23, 30) + i * 20_000);
				c.set('text', new Y.Text());
				return c;
			});
			typeInto(t, card.get('text') as YNamespace.Text, 60 + Math.floor(t.random() * 140));
		}
		// Cards get moved and reworded as the conversation goes.
		for (let i = 0; i < cardCount / 2; i++) {
			const card = board.get(Math.floor(t.random() * board.length));
			as(t, () => card.set('column', COLUMNS[Math.floor(t.random() * COLUMNS.length)]));
			if (t.random() < 0.5) typeInto(t, card.get('text') as YNamespace.Text, 30);
		}

		writeRichText(t, doc.getXmlFragment('notes'), opts.notesChars ?? 8000, 1500);
		typeInto(t, doc.getText('decision'), 600);
		const actions = doc.getArray<YNamespace.Map<unknown>>('actions');
		for (let i = 0; i < 10; i++) {
			as(t, () => {
				const a = new Y.Map<unknown>();
				actions.push([a]);
				a.set('id', `action-${i}`);
				a.set('owner', `person-${i % 8}`);
				a.set('due', '2026-11-20');
				const text = new Y.Text();
				a.set('text', text);
				text.insert(0, sentence(t.random, 5, 12));
			});
		}
		return doc;
	}

	/** A case plan of about `pages` pages (3,000 characters each) in Tiptap's shape, plus its metadata map. */
	function planDoc(seed: number, pages = 30): YNamespace.Doc {
		const t = typist(seed, 3);
		as(t, () => {
			const meta = t.doc.getMap('meta');
			meta.set('status', 'draft');
			meta.set('version', 3);
			meta.set('updatedAt', Date.UTC(2026, 10, 3));
		});
		writeRichText(t, t.doc.getXmlFragment('plan'), pages * 3000);
		return t.doc;
	}

	/** Meeting notes alone, sized so that the encoded document is about `bytes` bytes (the phone bench). */
	function notesDocOfSize(seed: number, bytes: number): YNamespace.Doc {
		const t = typist(seed, 3);
		const fragment = t.doc.getXmlFragment('notes');
		// Write in slices until the encoded state reaches the target.
		while (Y.encodeStateAsUpdate(t.doc).byteLength < bytes) writeRichText(t, fragment, 10_000, 2500);
		return t.doc;
	}

	return { meetingDoc, planDoc, notesDocOfSize, writeRichText, typist };
}
