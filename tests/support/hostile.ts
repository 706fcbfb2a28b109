// Inputs no editor produces, for tests that prove the server and the pages refuse or survive them.
import * as Y from 'yjs';

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
