// The live notes editor: Tiptap bound to a Y.Doc that the stock y-websocket provider keeps in sync with
// /collab/<document id>. Imported dynamically: its JavaScript is large and pages must not wait for it.
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { Editor } from '@tiptap/core';
import StarterKit from '@tiptap/starter-kit';
import Collaboration from '@tiptap/extension-collaboration';
import CollaborationCaret from '@tiptap/extension-collaboration-caret';
import { NOTES_FIELD } from '$lib/domain/meeting-doc';

export type Presence = { clientId: number; name: string; role: string; color: string; isSelf: boolean };
/** 'ended': the server closed for good (4401 session ended, 4403 access revoked): nothing more is saved. */
export type ConnectionStatus = 'connecting' | 'connected' | 'disconnected' | 'ended';

export type NotesSession = { editor: Editor; destroy: () => void };

export function startNotes(opts: {
	element: HTMLElement;
	docId: string;
	editable: boolean;
	/** The same fields the server puts on everyone's presence (name, colour, role). */
	user: { name: string; color: string; role: string };
	label: string;
	onPresence: (people: Presence[]) => void;
	onStatus: (status: ConnectionStatus, synced: boolean) => void;
}): NotesSession {
	const doc = new Y.Doc();
	const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
	const provider = new WebsocketProvider(`${scheme}//${location.host}/collab`, opts.docId, doc, { maxBackoffTime: 5000 });

	const editor = new Editor({
		element: opts.element,
		editable: opts.editable,
		extensions: [
			// Collaboration brings Yjs undo; StarterKit's own history must be off.
			StarterKit.configure({ undoRedo: false }),
			Collaboration.configure({ document: doc, field: NOTES_FIELD }),
			CollaborationCaret.configure({ provider, user: opts.user })
		],
		editorProps: {
			attributes: {
				role: 'textbox',
				'aria-multiline': 'true',
				'aria-label': opts.label,
				'aria-readonly': String(!opts.editable),
				class: 'notes-editor'
			}
		}
	});

	const reportPresence = () => {
		const people: Presence[] = [];
		provider.awareness.getStates().forEach((state, clientId) => {
			const user = state.user as { name?: unknown; role?: unknown; color?: unknown } | undefined;
			if (!user || typeof user.name !== 'string') return;
			people.push({
				clientId,
				name: user.name,
				role: typeof user.role === 'string' ? user.role : '',
				color: typeof user.color === 'string' ? user.color : '#444',
				isSelf: clientId === doc.clientID
			});
		});
		opts.onPresence(people);
	};
	provider.awareness.on('change', reportPresence);
	let status: ConnectionStatus = 'connecting';
	provider.on('status', (e: { status: ConnectionStatus }) => {
		status = e.status;
		opts.onStatus(status, provider.synced);
		reportPresence();
	});
	provider.on('sync', (synced: boolean) => opts.onStatus(status, synced));
	// The server says reconnecting cannot help (close codes 4400-4499): stop taking typing that would
	// never be saved, and say so.
	provider.on('closed', () => {
		status = 'ended';
		editor.setEditable(false);
		opts.onStatus(status, false);
	});

	return {
		editor,
		destroy: () => {
			editor.destroy();
			provider.destroy();
			doc.destroy();
		}
	};
}
