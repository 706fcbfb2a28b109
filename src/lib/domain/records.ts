import * as Y from 'yjs';

// Lists of small records in a shared document, each a Y.Map: the board's cards (board.ts), the meeting's
// action items (action-items.ts). Each kind of record declares the keys it holds and what each may hold;
// the collab server checks every incoming change against it (update-check.ts recordsMisfit), so a page
// cannot put anything else there, nor words in someone else's name.

/**
 * What one key of a record may hold: `text`, words in a Y.Text of plain text (at most `max` characters,
 * checked on every change that adds to them); `author`, the writer's own `u:`/`p:` id, set once, when the record is made; `value`, one
 * plain value that `valid` accepts; `id`, the record's own stable id (RECORD_ID), set once, when the record is
 * made, so other records can name it. An `author` with `owns: true` makes the record its author's alone:
 * nobody else changes anything in it or removes it (a person's own rating on the safety scale, scale.ts).
 */
export type FieldRule = ({ kind: 'text'; max: number } | { kind: 'author'; owns?: true } | { kind: 'id' } | { kind: 'value'; valid: (value: unknown) => boolean }) & {
	/** A new record must be made with this key (a card with no column or no words is no card anyone can read or move). */
	required?: true;
};
export type RecordSchema = Readonly<Record<string, FieldRule>>;

/** One of `values`. */
export const oneOf =
	(values: readonly unknown[]) =>
	(value: unknown): boolean =>
		values.includes(value);

/** A `u:<userId>` or `p:<personId>` id as the collab server gives them (who writes, who owns an item). */
export const OWNER_ID = /^[up]:[a-z2-7]{16,40}$/;

/** A record's own id (a `kind: 'id'` key): ten characters of lowercase letters and the digits 2 to 7. */
export const RECORD_ID = /^[a-z2-7]{10}$/;

/** True for a value shaped like a record's id (RECORD_ID). */
export const isRecordId = (value: unknown): value is string => typeof value === 'string' && RECORD_ID.test(value);

/**
 * A new random record id (RECORD_ID), from the platform's cryptographic random source (browser and server
 * alike): 32 characters, so each byte's last five bits pick one evenly; 2^50 ids, so two records made in one
 * meeting never share one in practice.
 */
export const newRecordId = (): string => Array.from(crypto.getRandomValues(new Uint8Array(10)), (b) => 'abcdefghijklmnopqrstuvwxyz234567'[b & 31]).join('');

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
