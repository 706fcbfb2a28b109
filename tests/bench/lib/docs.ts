// Shared documents with the shape and the edit history of real ones, for the memory, sync and durability
// benchmarks: rich text typed by several people taking turns, with corrections, so the documents carry the
// items and tombstones that real editing leaves behind. "plan:<caseId>" is a Tiptap fragment plus a small
// metadata map; the meeting's document is built by the app's own shape modules (meeting-content.ts), with
// the notes written here. Built with the caller's Yjs (the Hocuspocus driver has its own copy).
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
	/**
	 * A document (`doc`, or a new one) edited by `authorCount` people: each edit runs as one of them (their
	 * own Yjs client id).
	 */
	function typist(seed: number, authorCount = 4, doc: YNamespace.Doc = new Y.Doc()): Typist {
		const random = rng(seed);
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

	return { planDoc, notesDocOfSize, writeRichText, typist };
}
