import type * as Y from 'yjs';

// The shape of `meeting:<id>`, owned here and used by the browser and the server alike. The foundation
// holds the shared notes; the agenda, the board, the decision and action items come with the meeting room.

/** Tiptap's Collaboration extension binds to this fragment (`field: NOTES_FIELD`). */
export const NOTES_FIELD = 'notes';

export function notesOf(doc: Y.Doc): Y.XmlFragment {
	return doc.getXmlFragment(NOTES_FIELD);
}
