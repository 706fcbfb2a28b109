import type * as Y from 'yjs';
import { replaceText } from '$lib/domain/records';

/**
 * A Svelte action that binds a text box (input or textarea) to a Y.Text: what is typed here goes in as the
 * smallest change (records.ts replaceText), refused past `max` characters (the box is put back); what
 * others type in the same words comes in with this box's caret kept where it was, relative to the words.
 * Takes `{ text, max }`; returns the action's destroy.
 */
export function yTextField(box: HTMLTextAreaElement | HTMLInputElement, { text, max }: { text: Y.Text; max: number }) {
	box.value = text.toString();
	const onInput = () => {
		if (box.value.length > max) box.value = text.toString();
		else replaceText(text, box.value);
	};
	const onRemote = (event: Y.YTextEvent) => {
		if (event.transaction.local) return;
		let start = box.selectionStart ?? 0;
		let end = box.selectionEnd ?? 0;
		let at = 0;
		for (const op of event.delta) {
			if (op.retain) at += op.retain;
			else if (typeof op.insert === 'string') {
				const n = op.insert.length;
				if (at <= start) start += n;
				if (at <= end) end += n;
				at += n;
			} else if (op.delete) {
				const n = op.delete;
				start = at < start ? Math.max(at, start - n) : start;
				end = at < end ? Math.max(at, end - n) : end;
			}
		}
		box.value = text.toString();
		if (document.activeElement === box) box.setSelectionRange(start, end);
	};
	box.addEventListener('input', onInput);
	text.observe(onRemote);
	return {
		destroy() {
			box.removeEventListener('input', onInput);
			text.unobserve(onRemote);
		}
	};
}
