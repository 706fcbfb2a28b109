// The live rich-text editor of every shared document (a meeting's notes, the case plan): Tiptap bound to
// one fragment of the Y.Doc and to the provider of a connection that is already open (or opening), see
// doc-connection.ts. Imported dynamically: its JavaScript is large and pages must not wait for it, nor must
// the socket.
import { Editor, Extension, Node } from '@tiptap/core';
import { Plugin, TextSelection, type EditorState, type Selection, type Transaction } from '@tiptap/pm/state';
import type { Fragment } from '@tiptap/pm/model';
import { ReplaceAroundStep, ReplaceStep } from '@tiptap/pm/transform';
import { relativePositionToAbsolutePosition, ySyncPluginKey } from '@tiptap/y-tiptap';
import { MAX_EDIT_BYTES } from '$lib/domain/collab-protocol';
import type { EditorView } from '@tiptap/pm/view';
import { messageAwareness, messageSync } from 'y-websocket';
import StarterKit from '@tiptap/starter-kit';
import Collaboration from '@tiptap/extension-collaboration';
import CollaborationCaret from '@tiptap/extension-collaboration-caret';
import { NOTES_FIELD } from '$lib/domain/meeting-doc';
import { isAllowedHref } from '$lib/domain/rich-text-schema';
import type { SectionWords as NotesSectionWords } from '$lib/domain/notes-html';
import { PLAN_FIELD, PLAN_SECTION_ATTRIBUTE, PLAN_SECTION_NODE } from '$lib/domain/plan-doc';
import { isPlanSection } from '$lib/domain/plan-sections';
import type { DocConnection } from './doc-connection';

export type NotesEditor = { editor: Editor; destroy: () => void };

/**
 * Makes ProseMirror take in what the browser has already done to the editor (a caret moved by a key it
 * leaves to the browser, such as Ctrl+End or an arrow; text typed into the DOM) before anything else
 * changes its state. Takes the view; does nothing once it is destroyed.
 *
 * Why (issue 16.9, lines landing out of order when others are present): ProseMirror reads a native caret
 * move only at the browser's `selectionchange`, a separate task. A remote edit or a remote caret (each a
 * WebSocket message, and each a ProseMirror transaction built on the state as it is) that lands in
 * between is drawn with the old selection and writes that old selection back into the page: the Enter
 * that follows splits the block where the person had clicked, not at the end they had moved to, and
 * what they type next lands there. Reading the page first makes every such transaction start from
 * where the person really is. `domObserver` is ProseMirror's own reader of the page (not in its
 * typings); without it, this does nothing, and the e2e test notes-typing-order.spec.ts fails.
 */
export function readPendingInput(view: EditorView): void {
	const observer = (view as unknown as { domObserver?: { flush?: () => void } }).domObserver;
	if (!view.isDestroyed && typeof observer?.flush === 'function') observer.flush();
}

/**
 * Builds `tr` again on the state the view has now, when that state moved on after `tr` was made (the page's own
 * input was read in between). Only for a transaction that changes neither the document nor the selection
 * (others' carets being redrawn, a switch to read-only): its metadata is all it carries. Returns `tr` itself
 * when nothing moved.
 */
export function onCurrentState(tr: Transaction, current: EditorState): Transaction {
	if (tr.before === current.doc && current.selection.eq(tr.selection) && current.storedMarks === tr.storedMarks) return tr;
	const fresh = current.tr;
	Object.assign((fresh as unknown as { meta: Record<string, unknown> }).meta, (tr as unknown as { meta: Record<string, unknown> }).meta);
	if (tr.scrolledIntoView) fresh.scrollIntoView();
	return fresh;
}

/**
 * Reads what the browser has done to the page before a key is handled (keymaps read the state) and before
 * any transaction that only redraws (see readPendingInput). Runs before every other extension.
 *
 * The second case is the one that lost lines (issue 16.9): others' carets are redrawn on a timer
 * (y-tiptap batches caret changes into one dispatch "on the next tick", including the change of this
 * person's own caret when they tap). That dispatch carries the selection as ProseMirror last read it;
 * when a key the browser handles itself (Ctrl+End, an arrow) moved the caret in between, drawing it put
 * the caret back where the person had tapped, and the Enter and the letters that followed landed there
 * ("Sam20 …" at the start of "Sam12 …"). Nothing that only redraws may move the caret.
 */
const ReadInputFirst = Extension.create({
	name: 'readInputFirst',
	priority: 10_000,
	dispatchTransaction({ transaction, next }) {
		const view = this.editor.view;
		if (transaction.docChanged || transaction.selectionSet || transaction.storedMarksSet || view.isDestroyed) return next(transaction);
		readPendingInput(view);
		next(onCurrentState(transaction, view.state));
	},
	addProseMirrorPlugins() {
		return [
			new Plugin({
				props: {
					handleKeyDown: (view) => {
						readPendingInput(view);
						return false;
					}
				}
			})
		];
	}
});

/**
 * Where this person's caret should go after others' changes turned `before` into `after`, given where Yjs
 * puts it (`now`, a selection in `after.doc`): the end of its paragraph when the caret was at the end of a
 * paragraph before and someone else added text right there; otherwise null (leave it at `now`). Takes and
 * returns ProseMirror positions in `after.doc`.
 *
 * Why (issue 16.9, two people starting a line at the end at once): Yjs keeps a caret next to the letter
 * before it, so letters someone adds after a caret land to its right. Someone who has just gone to the end
 * of the notes (Ctrl+End, a tap below the text) while another person is still typing the last line is then
 * left in the middle of that line; the Enter they press next splits the other's line, and the rest of that
 * line, and the other's caret with it, goes to their new line: lines came out as "Sam2 …: quick lineDna2 …".
 * A caret at the end of a paragraph stays at its end, as in a shared document people expect, and the
 * paragraph is split only where its text really ends. Not when the paragraph was joined with the next one
 * (someone deleted the line break): the text after the caret is then that next line's, which was there before.
 */
export function caretAtEnd(before: EditorState, after: EditorState, now: Selection = after.selection): number | null {
	const was = before.selection;
	if (!was.empty || !now.empty || !(was instanceof TextSelection) || !(now instanceof TextSelection)) return null;
	const $was = was.$head;
	const $now = now.$head;
	if (!$was.parent.isTextblock || $was.parentOffset !== $was.parent.content.size) return null;
	if (!$now.parent.isTextblock || $now.parentOffset === $now.parent.content.size) return null;
	const follows = $now.parent.textBetween($now.parentOffset, $now.parent.content.size, undefined, '\ufffc');
	const wasNext = $was.depth > 0 ? before.doc.resolve($was.after()).nodeAfter : null;
	if (wasNext?.isTextblock && wasNext.textContent.length > 0 && wasNext.textContent.startsWith(follows.slice(0, 16))) return null;
	return $now.end();
}

/**
 * Where Yjs itself puts this person's text caret after a change from others (`after`, the state the sync
 * plugin just built), from the relative positions y-tiptap took before the change; null when it is not a
 * text caret or Yjs cannot place it (then y-tiptap's own answer stands).
 *
 * Why (issue 16.9): y-tiptap second-guesses Yjs with a guess by content ("the Nth empty paragraph", "the
 * paragraph with the same text") whenever the paragraph's text changed or the caret is at a paragraph's
 * start. In a meeting's notes both are the rule, not the exception: two people who each start a new line
 * at the end at once each have an empty paragraph, and the guess put Sam's caret in Dana's new line, so
 * they typed into one line ("DaSnaSa8 …"). Yjs's relative positions are exact for typing; the guess is
 * kept only where Yjs has no answer, or answers "the very start" for a caret that was further on (a
 * moved block, the case the guess was written for).
 */
export function yjsCaret(after: EditorState): Selection | null {
	const binding = ySyncPluginKey.getState(after)?.binding;
	const rel = binding?.beforeTransactionSelection;
	if (!binding || !rel || rel.type !== 'text' || !rel.anchor || !rel.head) return null;
	const anchor = relativePositionToAbsolutePosition(binding.doc, binding.type, rel.anchor, binding.mapping);
	const head = relativePositionToAbsolutePosition(binding.doc, binding.type, rel.head, binding.mapping);
	if (anchor === null || head === null || anchor > after.doc.content.size || head > after.doc.content.size) return null;
	if ((rel.absAnchor > 1 && anchor <= 1) || (rel.absHead > 1 && head <= 1)) return null;
	return TextSelection.between(after.doc.resolve(anchor), after.doc.resolve(head));
}

/** After others' changes: the caret where Yjs puts it (see yjsCaret), kept at a paragraph's end (see caretAtEnd). */
export function caretAfterOthersPlugin(): Plugin {
	return new Plugin({
		appendTransaction: (transactions, before, after) => {
			if (!transactions.some((tr) => tr.docChanged && tr.getMeta(ySyncPluginKey)?.isChangeOrigin)) return null;
			let target: Selection = yjsCaret(after) ?? after.selection;
			const end = caretAtEnd(before, after, target);
			if (end !== null) target = TextSelection.create(after.doc, end);
			return target.eq(after.selection) ? null : after.tr.setSelection(target).setMeta('addToHistory', false);
		}
	});
}

const CaretAfterOthers = Extension.create({
	name: 'caretAfterOthers',
	addProseMirrorPlugins: () => [caretAfterOthersPlugin()]
});

/** Per element (paragraph, list item, mark run) in a change: what Yjs writes besides the text, generously. */
const ELEMENT_BYTES = 32;

/**
 * About how many bytes a ProseMirror transaction adds to the shared document: the UTF-8 bytes of the
 * text it inserts plus ELEMENT_BYTES per node. Takes the transaction; returns bytes (0 for one that only
 * deletes or moves the caret).
 */
export function insertedBytes(tr: Transaction): number {
	const encoder = new TextEncoder();
	let bytes = 0;
	const measure = (content: Fragment) =>
		content.descendants((node) => {
			bytes += node.isText ? encoder.encode(node.text ?? '').length + node.marks.length * ELEMENT_BYTES : ELEMENT_BYTES;
			return true;
		});
	for (const step of tr.steps) if (step instanceof ReplaceStep || step instanceof ReplaceAroundStep) measure(step.slice.content);
	return bytes;
}

/**
 * Turns away, before it enters the Y.Doc, any change made on this page (a paste, a drop, typing) larger
 * than MAX_EDIT_BYTES, and says so through `onTooLong(true)`; the next change that is taken clears it
 * (`onTooLong(false)`). Changes from others (the sync plugin's) pass: they are already in the document.
 *
 * Why (issue 16.5): a 1.2-million-character paste became one update over the server's 1 MiB limit; the
 * server can only refuse it and close, and the paste would be in this page's document but never saved.
 * Refused here, the notes stay as they were, and everything typed before and after is saved as usual.
 */
function sizeLimit(onTooLong: (refused: boolean) => void): Extension {
	let refused = false;
	return Extension.create({
		name: 'sizeLimit',
		addProseMirrorPlugins() {
			return [
				new Plugin({
					filterTransaction: (tr) => {
						if (!tr.docChanged || tr.getMeta(ySyncPluginKey)) return true;
						const tooLong = insertedBytes(tr) > MAX_EDIT_BYTES;
						if (tooLong !== refused) onTooLong((refused = tooLong));
						return !tooLong;
					}
				})
			];
		}
	});
}

/** A section heading's words in the reader's language (its title, and a line on what goes in it), or null. */
/** How a section heading reads (the same shape as the saved-notes renderer's, notes-html.ts). */
export type SectionWords = NotesSectionWords;

/**
 * A case plan's section heading (plan-doc.ts): an element carrying a section code, shown as a heading in
 * the reader's language with a line on what goes in the section. Not text: nobody types into it (it is
 * one selectable block), and the words are never stored, so each reader sees them in their own language.
 * Pasted HTML makes one only for a known code (the server refuses any other).
 */
function planSection(words: SectionWords) {
	return Node.create({
		name: PLAN_SECTION_NODE,
		group: 'block',
		atom: true,
		selectable: true,
		draggable: false,
		addAttributes: () => ({
			[PLAN_SECTION_ATTRIBUTE]: {
				default: null,
				parseHTML: (element) => element.getAttribute('data-plan-section'),
				renderHTML: (attrs) => ({ 'data-plan-section': attrs[PLAN_SECTION_ATTRIBUTE] })
			}
		}),
		parseHTML: () => [{ tag: 'div[data-plan-section]', getAttrs: (element) => (isPlanSection(element.getAttribute('data-plan-section')) ? null : false) }],
		renderHTML: ({ HTMLAttributes }) => ['div', HTMLAttributes],
		addNodeView: () => ({ node }) => {
			const said = words(String(node.attrs[PLAN_SECTION_ATTRIBUTE]));
			const dom = document.createElement('div');
			dom.className = 'plan-section';
			dom.contentEditable = 'false';
			dom.dataset.planSection = String(node.attrs[PLAN_SECTION_ATTRIBUTE]);
			const title = dom.appendChild(document.createElement('h2'));
			title.textContent = said?.title ?? '';
			if (said?.hint) dom.appendChild(document.createElement('p')).textContent = said.hint;
			return { dom, ignoreMutation: () => true };
		}
	});
}

/**
 * The editor's extensions: what makes its schema (StarterKit's nodes and marks, with link addresses limited
 * to what rich-text-schema.ts allows) and its behaviour. The server refuses any node, attribute or mark
 * outside rich-text-schema.ts; rich-text-schema.test.ts builds the schema from this very list and compares,
 * so an extension added here that the lists do not know fails that test instead of every page that uses it.
 */
export function notesExtensions(opts: {
	connection: Pick<DocConnection, 'doc' | 'provider'>;
	user: { name: string; color: string; role: string };
	onTooLong: (refused: boolean) => void;
	/** The fragment it edits: the notes (meeting-doc.ts) unless told (the plan: plan-doc.ts PLAN_FIELD). */
	field?: string;
	/** How section headings read (the plan's); without it they show no words. */
	sectionWords?: SectionWords;
}) {
	return [
		ReadInputFirst,
		CaretAfterOthers,
		sizeLimit(opts.onTooLong),
		// Collaboration brings Yjs undo; StarterKit's own history must be off.
		StarterKit.configure({ undoRedo: false, link: { isAllowedUri: (url) => isAllowedHref(url) } }),
		planSection(opts.sectionWords ?? (() => null)),
		// Collaboration's undo is Yjs's UndoManager tracking this editor's own changes only: undo never takes
		// back what someone else typed.
		Collaboration.configure({ document: opts.connection.doc, field: opts.field ?? NOTES_FIELD }),
		CollaborationCaret.configure({ provider: opts.connection.provider, user: opts.user })
	];
}

export function startEditor(opts: {
	element: HTMLElement;
	connection: DocConnection;
	editable: boolean;
	/** The same fields the server puts on everyone's presence (name, colour, role). */
	user: { name: string; color: string; role: string };
	label: string;
	/** A change was turned away as too large (true), or a later one was taken (false): see sizeLimit. */
	onTooLong: (refused: boolean) => void;
	/** Which document's text: a meeting's notes (the default) or the case plan (plan-doc.ts PLAN_FIELD). */
	kind?: 'notes' | 'plan';
	/** How section headings read (the case plan's). */
	sectionWords?: SectionWords;
	/** The editor's CSS class (default `notes-editor`). */
	className?: string;
}): NotesEditor {
	const { connection } = opts;
	// The connection may have ended while this chunk was loading.
	const editable = opts.editable && !connection.ended;
	const attributes = (readOnly: boolean) => ({
		role: 'textbox',
		'aria-multiline': 'true',
		'aria-label': opts.label,
		'aria-readonly': String(readOnly),
		class: opts.className ?? 'notes-editor'
	});
	const editor = new Editor({
		element: opts.element,
		editable,
		extensions: notesExtensions({ connection, user: opts.user, onTooLong: opts.onTooLong, field: opts.kind === 'plan' ? PLAN_FIELD : NOTES_FIELD, sectionWords: opts.sectionWords }),
		editorProps: { attributes: attributes(!editable) }
	});
	// Before a remote edit or caret reaches the editor: see readPendingInput. (The key-down read is the one
	// notes-typing-order.spec.ts proves: without it lines landed inside earlier ones; without this one, 0 of 30.
	// This one closes the window it leaves: a remote message between a caret the browser moved and the
	// next key would write the old selection back into the page before the key could read it.)
	const { provider } = connection;
	const wrapped = [messageSync, messageAwareness].map((type) => {
		const handle = provider.messageHandlers[type];
		provider.messageHandlers[type] = (...args) => {
			if (!editor.isDestroyed) readPendingInput(editor.view);
			handle(...args);
		};
		return () => (provider.messageHandlers[type] = handle);
	});
	const setEditable = (value: boolean) => {
		if (!editor.isDestroyed) editor.setOptions({ editable: value, editorProps: { attributes: attributes(!value) } });
	};
	// The server says what this connection may do (on join, and when it changes): it decides, not the
	// page's idea from when it loaded. What the person typed stays on screen either way.
	connection.onAccess((access) => setEditable(opts.editable && access === 'write' && !connection.ended));
	// Nothing typed now would be saved: stop taking typing, and tell screen readers too.
	connection.onEnded(() => setEditable(false));
	return {
		editor,
		destroy: () => {
			for (const unwrap of wrapped) unwrap();
			editor.destroy();
		}
	};
}
