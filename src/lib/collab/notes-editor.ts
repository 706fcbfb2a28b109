// The live notes editor: Tiptap bound to the Y.Doc and provider of a connection that is already open (or
// opening), see notes-connection.ts. Imported dynamically: its JavaScript is large and pages must not
// wait for it, nor must the socket.
import { Editor } from '@tiptap/core';
import StarterKit from '@tiptap/starter-kit';
import Collaboration from '@tiptap/extension-collaboration';
import CollaborationCaret from '@tiptap/extension-collaboration-caret';
import { NOTES_FIELD } from '$lib/domain/meeting-doc';
import type { NotesConnection } from './notes-connection';

export type NotesEditor = { editor: Editor; destroy: () => void };

export function startEditor(opts: {
	element: HTMLElement;
	connection: NotesConnection;
	editable: boolean;
	/** The same fields the server puts on everyone's presence (name, colour, role). */
	user: { name: string; color: string; role: string };
	label: string;
}): NotesEditor {
	const { connection } = opts;
	// The connection may have ended while this chunk was loading.
	const editable = opts.editable && !connection.ended;
	const attributes = (readOnly: boolean) => ({
		role: 'textbox',
		'aria-multiline': 'true',
		'aria-label': opts.label,
		'aria-readonly': String(readOnly),
		class: 'notes-editor'
	});
	const editor = new Editor({
		element: opts.element,
		editable,
		extensions: [
			// Collaboration brings Yjs undo; StarterKit's own history must be off.
			StarterKit.configure({ undoRedo: false }),
			Collaboration.configure({ document: connection.doc, field: NOTES_FIELD }),
			CollaborationCaret.configure({ provider: connection.provider, user: opts.user })
		],
		editorProps: { attributes: attributes(!editable) }
	});
	// Nothing typed now would be saved: stop taking typing, and tell screen readers too.
	connection.onEnded(() => {
		if (!editor.isDestroyed) editor.setOptions({ editable: false, editorProps: { attributes: attributes(true) } });
	});
	return { editor, destroy: () => editor.destroy() };
}
