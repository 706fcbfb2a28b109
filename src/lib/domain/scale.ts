import * as Y from 'yjs';
import type { RecordSchema } from './records.ts';

// The meeting's safety scale in `meeting:<id>` (domain.md §3): "On a scale of 0 to 10, where 10 means everyone
// is sure the children are safe enough and 0 means they are not safe at all, where are things today?" Each
// person gives their own rating, and when people rate differently each rating is kept separately [SOS-ADAPT]:
// the spread is the point, not an average. Owned here and used by the browser (to rate and show the spread),
// the server (to check every change: doc-kinds.ts) and the summary.
//
// Shape: the root array `scale` holds one Y.Map per person's rating: `rating` (a whole number 0 to 10) and
// `author` (who rated: `u:<userId>` staff, `p:<personId>` a participant). The author owns the record
// (records.ts `owns`): the server refuses anyone else changing or removing it, so nobody rates for another.
// A person changes their rating by changing their own record, never by adding a second one.

/** The root array of ratings in the meeting's document. */
export const SCALE_FIELD = 'scale';

/** The lowest and highest rating. */
export const SCALE_MIN = 0;
export const SCALE_MAX = 10;

/** True for a rating: a whole number from SCALE_MIN to SCALE_MAX. */
export const isRating = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= SCALE_MIN && v <= SCALE_MAX;

/** What a rating may hold (records.ts), checked by the server on every change: its author's alone. */
export const SCALE_SCHEMA: RecordSchema = {
	rating: { kind: 'value', valid: isRating, required: true },
	author: { kind: 'author', owns: true, required: true }
};

/** One person's rating as read from the document. */
export type Rating = { map: Y.Map<unknown>; rating: number; author: string };

export function scaleArray(doc: Y.Doc): Y.Array<Y.Map<unknown>> {
	return doc.getArray(SCALE_FIELD);
}

/**
 * Each person's rating, in the order people first rated, read defensively: an entry that is not a rating
 * map, has no author or a value out of range, is left out (the server refuses them). One per person: if a
 * person's two screens each added one at the same moment, the later in the list counts.
 */
export function scaleOf(doc: Y.Doc): Rating[] {
	const byAuthor = new Map<string, Rating>();
	for (const entry of scaleArray(doc).toArray()) {
		if (!(entry instanceof Y.Map)) continue;
		const rating = entry.get('rating');
		const author = entry.get('author');
		if (!isRating(rating) || typeof author !== 'string' || author === '') continue;
		const earlier = byAuthor.get(author);
		if (earlier) byAuthor.delete(author);
		byAuthor.set(author, { map: entry, rating, author });
	}
	return [...byAuthor.values()];
}

/** `author`'s own rating, or null when they have not rated. */
export function ratingOf(doc: Y.Doc, author: string): number | null {
	return scaleOf(doc).find((r) => r.author === author)?.rating ?? null;
}

/**
 * Sets `author`'s own rating to `rating`: changes their record if they have one, else adds one in their name
 * (`author` must be the writer's own `u:`/`p:` id: the server refuses any other). Refuses (false) a value
 * that is not a whole number from 0 to 10.
 */
export function setRating(doc: Y.Doc, author: string, rating: number): boolean {
	if (!isRating(rating)) return false;
	const mine = scaleOf(doc).find((r) => r.author === author);
	doc.transact(() => {
		if (mine) {
			if (mine.map.get('rating') !== rating) mine.map.set('rating', rating);
			return;
		}
		const map = new Y.Map<unknown>();
		map.set('rating', rating);
		map.set('author', author);
		scaleArray(doc).push([map]);
	});
	return true;
}

/** The spread of ratings: how many, the lowest and highest (null with none), and how many gave each value, low to high. */
export type Spread = { count: number; min: number | null; max: number | null; values: { value: number; count: number }[] };

/** The spread of `ratings` (any list of values 0 to 10; others are left out). */
export function spreadOf(ratings: readonly number[]): Spread {
	const valid = ratings.filter(isRating);
	const counts = new Map<number, number>();
	for (const v of valid) counts.set(v, (counts.get(v) ?? 0) + 1);
	return {
		count: valid.length,
		min: valid.length ? Math.min(...valid) : null,
		max: valid.length ? Math.max(...valid) : null,
		values: [...counts].sort(([a], [b]) => a - b).map(([value, count]) => ({ value, count }))
	};
}
