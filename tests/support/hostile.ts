// Inputs no editor produces, for tests that prove the server and the pages refuse or survive them.
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';

/**
 * `levels` blockquotes nested one in the other in `parent` (issue 16: 3,000 of them, one valid update of
 * ~63 KB, made the meeting page fail for everyone), the innermost holding a paragraph with `text`.
 */
export function nestBlockquotes(parent: Y.XmlFragment | Y.XmlElement, levels: number, text = 'deep'): void {
	let at = parent;
	for (let i = 0; i < levels; i++) {
		const q = new Y.XmlElement('blockquote');
		at.insert(0, [q]);
		at = q;
	}
	const p = new Y.XmlElement('paragraph');
	at.insert(0, [p]);
	p.insert(0, [new Y.XmlText(text)]);
}

/**
 * `levels` blockquotes nested one in the other under the notes, one Yjs update per element, all written
 * under one client id (issue 16 item 1: the attacker sent items 0-49, held back item 50, sent the rest in
 * chunks of 50, each hanging off an item the server did not have, then item 50).
 */
export function blockquoteChain(levels: number, clientID = 99): Uint8Array[] {
	const doc = new Y.Doc();
	doc.clientID = clientID;
	const updates: Uint8Array[] = [];
	doc.on('update', (u: Uint8Array) => updates.push(u));
	let at: Y.XmlFragment | Y.XmlElement = doc.getXmlFragment('notes');
	for (let i = 0; i < levels; i++) {
		const q: Y.XmlElement = new Y.XmlElement('blockquote');
		at.insert(0, [q]);
		at = q;
	}
	return updates;
}

/**
 * An update that puts in the text root `field` a value nested `levels` lists deep, as an embed or as the
 * value of a formatting attribute on `text`, written as its JSON: a value Yjs cannot encode again
 * (JSON.stringify runs out of stack), which one 40 KB message made the server's process exit with.
 */
export function deepValueInText(levels: number, how: 'embed' | 'format', field = 'decision', clientID = 77): Uint8Array {
	const marker = { deepValueInText: true };
	const raw = '['.repeat(levels) + ']'.repeat(levels);
	const encoder = Y.UpdateEncoderV1.prototype as unknown as { writeJSON: (this: { restEncoder: encoding.Encoder }, v: unknown) => void };
	const writeJSON = encoder.writeJSON;
	encoder.writeJSON = function (v) {
		if (v === marker) encoding.writeVarString(this.restEncoder, raw);
		else writeJSON.call(this, v);
	};
	try {
		const doc = new Y.Doc();
		doc.clientID = clientID;
		const text = doc.getText(field);
		if (how === 'embed') text.insertEmbed(0, marker);
		else text.insert(0, 'text', { deep: marker });
		return Y.encodeStateAsUpdate(doc);
	} finally {
		encoder.writeJSON = writeJSON;
	}
}
