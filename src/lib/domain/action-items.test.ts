import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ACTIONS_FIELD, actionItemsOf, addActionItem, isCalendarDate, removeActionItem, setActionFacts, setActionText, MAX_ACTION_LENGTH } from './action-items';

const dana = 'u:' + 'd'.repeat(24);
const daniel = 'p:' + 'a'.repeat(24);

describe('action items', () => {
	it('adds who does what by when, written by its author; refuses empty words, an owner that is not an id, a date that does not exist', () => {
		const doc = new Y.Doc();
		expect(addActionItem(doc, { text: '  Call the school about the bus ', owner: daniel, due: '2026-12-15' }, dana)).toBe(true);
		expect(actionItemsOf(doc)).toMatchObject([{ text: 'Call the school about the bus', owner: daniel, due: '2026-12-15', done: false, author: dana }]);
		expect(addActionItem(doc, { text: ' ', owner: null, due: null }, dana)).toBe(false);
		expect(addActionItem(doc, { text: 'x'.repeat(MAX_ACTION_LENGTH + 1), owner: null, due: null }, dana)).toBe(false);
		expect(addActionItem(doc, { text: 'x', owner: 'Grandma', due: null }, dana)).toBe(false);
		expect(addActionItem(doc, { text: 'x', owner: null, due: '2026-02-30' }, dana)).toBe(false);
		expect(actionItemsOf(doc)).toHaveLength(1);
	});

	it('knows which calendar dates exist', () => {
		expect(isCalendarDate('2028-02-29')).toBe(true);
		expect(isCalendarDate('2026-02-29')).toBe(false);
		expect(isCalendarDate('2026-13-01')).toBe(false);
		expect(isCalendarDate('2026-1-01')).toBe(false);
		expect(isCalendarDate(20261201)).toBe(false);
	});

	it('ticks, reassigns, rewords and removes; leaves a value that does not fit as it was', () => {
		const doc = new Y.Doc();
		addActionItem(doc, { text: 'Call the school', owner: null, due: null }, dana);
		const [item] = actionItemsOf(doc);
		setActionFacts(item, { done: true, owner: daniel, due: '2027-01-04' });
		setActionFacts(item, { owner: 'nobody', due: 'soon' });
		setActionText(item, 'Call the school on Monday');
		expect(actionItemsOf(doc)).toMatchObject([{ text: 'Call the school on Monday', owner: daniel, due: '2027-01-04', done: true }]);
		removeActionItem(doc, actionItemsOf(doc)[0]);
		expect(actionItemsOf(doc)).toEqual([]);
	});

	it('reads a stored list defensively', () => {
		const doc = new Y.Doc();
		const odd = new Y.Map<unknown>();
		doc.getArray<unknown>(ACTIONS_FIELD).push(['junk', odd]);
		odd.set('owner', 'Grandma');
		odd.set('due', '2026-02-30');
		expect(actionItemsOf(doc)).toMatchObject([{ text: '', owner: null, due: null, done: false, author: null }]);
	});
});
