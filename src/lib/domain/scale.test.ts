import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ratingOf, SCALE_FIELD, scaleOf, setRating, spreadOf } from './scale';

describe('the safety scale', () => {
	it('keeps each person’s own rating, one each; a person changes theirs rather than adding a second', () => {
		const doc = new Y.Doc();
		expect(setRating(doc, 'u:dana', 4)).toBe(true);
		expect(setRating(doc, 'p:rosa', 7)).toBe(true);
		expect(setRating(doc, 'u:dana', 5)).toBe(true);
		expect(scaleOf(doc).map(({ author, rating }) => [author, rating])).toEqual([['u:dana', 5], ['p:rosa', 7]]);
		expect(doc.getArray(SCALE_FIELD).length).toBe(2);
		expect(ratingOf(doc, 'p:rosa')).toBe(7);
		expect(ratingOf(doc, 'p:nobody')).toBeNull();
	});

	it('refuses a rating that is not a whole number from 0 to 10', () => {
		const doc = new Y.Doc();
		for (const bad of [-1, 11, 4.5, Number.NaN]) expect(setRating(doc, 'u:dana', bad)).toBe(false);
		expect(setRating(doc, 'u:dana', 0)).toBe(true);
		expect(setRating(doc, 'p:rosa', 10)).toBe(true);
		expect(scaleOf(doc).map((r) => r.rating)).toEqual([0, 10]);
	});

	it('reads a stored scale defensively: junk, no author or a value out of range is left out; two of one person count once, the later', () => {
		const doc = new Y.Doc();
		const scale = doc.getArray<unknown>(SCALE_FIELD);
		const record = (rating: unknown, author?: string) => {
			const map = new Y.Map<unknown>();
			scale.push([map]);
			map.set('rating', rating);
			if (author !== undefined) map.set('author', author);
		};
		scale.push(['junk']);
		record(3);
		record(12, 'u:dana');
		record(2, 'p:rosa');
		record(6, 'p:rosa');
		expect(scaleOf(doc).map((r) => [r.author, r.rating])).toEqual([['p:rosa', 6]]);
	});

	it('shows the spread: how many, lowest, highest, and how many gave each value', () => {
		expect(spreadOf([4, 7, 4, 4])).toEqual({ count: 4, min: 4, max: 7, values: [{ value: 4, count: 3 }, { value: 7, count: 1 }] });
		expect(spreadOf([])).toEqual({ count: 0, min: null, max: null, values: [] });
		expect(spreadOf([0, 10, 99])).toMatchObject({ count: 2, min: 0, max: 10 });
	});
});
