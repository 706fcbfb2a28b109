import * as Y from 'yjs';
import { OWNER_ID, replaceText, type RecordSchema } from './records.ts';

// The meeting's action items in `meeting:<id>` (domain.md §1, "next steps"; the issue: who, what, by when;
// a family member can own one; they carry into the case plan later). Owned here and used by the browser and
// the server (collab/update-check.ts checks every change against ACTION_ITEM_SCHEMA).
//
// Shape: the root array `actions` holds one Y.Map per item: what is to be done in a Y.Text (several people
// may word it at once), who does it (`u:<userId>` staff or `p:<personId>` a participant, or nobody yet),
// by when (a calendar date, YYYY-MM-DD, in the meeting's time zone: a day, not an instant), whether it is
// done, and who wrote it (set once, by the server's check, to its writer).

/** The root array of action items in the meeting's document. */
export const ACTIONS_FIELD = 'actions';
/** The longest action item (characters). */
export const MAX_ACTION_LENGTH = 500;

/**
 * A calendar date, YYYY-MM-DD, that exists (2026-02-30 does not): time.ts isCalendarDay's rule, without
 * Temporal, so that the page's action-items chunk stays small.
 */
export function isCalendarDate(value: unknown): value is string {
	if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
	const [y, m, d] = value.split('-').map(Number);
	const date = new Date(Date.UTC(y, m - 1, d));
	return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/** What an action item may hold (records.ts), checked by the server on every change. */
export const ACTION_ITEM_SCHEMA: RecordSchema = {
	text: { kind: 'text', max: MAX_ACTION_LENGTH, required: true },
	owner: { kind: 'value', valid: (v) => v === null || (typeof v === 'string' && OWNER_ID.test(v)) },
	due: { kind: 'value', valid: (v) => v === null || isCalendarDate(v) },
	done: { kind: 'value', valid: (v) => typeof v === 'boolean' },
	author: { kind: 'author', required: true }
};

export type ActionItem = { map: Y.Map<unknown>; text: string; owner: string | null; due: string | null; done: boolean; author: string | null };

export function actionsArray(doc: Y.Doc): Y.Array<Y.Map<unknown>> {
	return doc.getArray(ACTIONS_FIELD);
}

/** The action items, in order, read defensively: what is not an item map is left out; odd values read as none. */
export function actionItemsOf(doc: Y.Doc): ActionItem[] {
	const items: ActionItem[] = [];
	for (const entry of actionsArray(doc).toArray()) {
		if (!(entry instanceof Y.Map)) continue;
		const text = entry.get('text');
		const owner = entry.get('owner');
		const due = entry.get('due');
		const author = entry.get('author');
		items.push({
			map: entry,
			text: text instanceof Y.Text ? text.toString() : '',
			owner: typeof owner === 'string' && OWNER_ID.test(owner) ? owner : null,
			due: isCalendarDate(due) ? due : null,
			done: entry.get('done') === true,
			author: typeof author === 'string' ? author : null
		});
	}
	return items;
}

/**
 * Adds an action item written by `author` (the writer's own id: the server refuses any other). Refuses
 * (false) empty or too long words, an owner that is not a `u:`/`p:` id, or a date that does not exist.
 */
export function addActionItem(doc: Y.Doc, item: { text: string; owner: string | null; due: string | null }, author: string): boolean {
	const text = item.text.trim();
	if (text.length === 0 || text.length > MAX_ACTION_LENGTH) return false;
	if (item.owner !== null && !OWNER_ID.test(item.owner)) return false;
	if (item.due !== null && !isCalendarDate(item.due)) return false;
	doc.transact(() => {
		const map = new Y.Map<unknown>();
		map.set('text', new Y.Text(text));
		map.set('owner', item.owner);
		map.set('due', item.due);
		map.set('done', false);
		map.set('author', author);
		actionsArray(doc).push([map]);
	});
	return true;
}

/** Rewords an item by the smallest change (records.ts replaceText). Refuses (false) over MAX_ACTION_LENGTH. */
export function setActionText(item: ActionItem, next: string): boolean {
	const text = item.map.get('text');
	if (next.length > MAX_ACTION_LENGTH || !(text instanceof Y.Text)) return false;
	replaceText(text, next);
	return true;
}

/** Sets who does it, by when, and whether it is done (values that do not fit are left as they were). */
export function setActionFacts(item: ActionItem, facts: { owner?: string | null; due?: string | null; done?: boolean }): void {
	item.map.doc!.transact(() => {
		if (facts.owner !== undefined && (facts.owner === null || OWNER_ID.test(facts.owner))) item.map.set('owner', facts.owner);
		if (facts.due !== undefined && (facts.due === null || isCalendarDate(facts.due))) item.map.set('due', facts.due);
		if (facts.done !== undefined) item.map.set('done', facts.done);
	});
}

/** Removes an item (found by identity: indexes move while others add and remove). */
export function removeActionItem(doc: Y.Doc, item: ActionItem): void {
	const items = actionsArray(doc);
	const at = items.toArray().indexOf(item.map);
	if (at >= 0) items.delete(at, 1);
}
