import * as Y from 'yjs';

// Lists of small records in a shared document, each a Y.Map: the board's cards (board.ts), the meeting's
// action items (action-items.ts). Each kind of record declares the keys it holds and what each may hold;
// the collab server checks every incoming change against it (update-check.ts recordsMisfit), so a page
// cannot put anything else there, nor words in someone else's name.

/**
 * What one key of a record may hold: `text`, words in a Y.Text of plain text (at most `max` characters,
 * checked on every change that adds to them); `author`, the writer's own `u:`/`p:` id, set once, when the record is made; `value`, one
 * plain value that `valid` accepts.
 */
export type FieldRule = { kind: 'text'; max: number } | { kind: 'author' } | { kind: 'value'; valid: (value: unknown) => boolean };
export type RecordSchema = Readonly<Record<string, FieldRule>>;

/** One of `values`. */
export const oneOf =
	(values: readonly unknown[]) =>
	(value: unknown): boolean =>
		values.includes(value);

/** A `u:<userId>` or `p:<personId>` id as the collab server gives them (who writes, who owns an item). */
export const OWNER_ID = /^[up]:[a-z2-7]{16,40}$/;

/**
 * Changes `text` to read `next` by replacing only the part that changed (the common start and end are kept),
 * so that someone typing elsewhere in the same words keeps what they typed.
 */
export function replaceText(text: Y.Text, next: string): void {
	const now = text.toString();
	if (now === next) return;
	let start = 0;
	while (start < now.length && start < next.length && now[start] === next[start]) start++;
	let end = 0;
	while (end < now.length - start && end < next.length - start && now[now.length - 1 - end] === next[next.length - 1 - end]) end++;
	const apply = () => {
		text.delete(start, now.length - start - end);
		text.insert(start, next.slice(start, next.length - end));
	};
	if (text.doc) text.doc.transact(apply);
	else apply();
}
