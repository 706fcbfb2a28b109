import { describe, expect, it } from 'vitest';
import { decodeAwarenessUpdate, encodeAwarenessUpdate, guardAwareness, jsonDepth, MAX_AWARENESS_STATE_CHARS, MAX_CLIENT_IDS_PER_CONNECTION } from './awareness-guard';
import * as encoding from 'lib0/encoding';

const dana = { name: 'Dana Reyes', color: '#1d4ed8', role: 'facilitator' };

describe('awareness guard', () => {
	it('round-trips the y-protocols awareness encoding', () => {
		const entries = [{ clientId: 7, clock: 3, state: { cursor: null, user: { name: 'x' } } }];
		expect(decodeAwarenessUpdate(encodeAwarenessUpdate(entries))).toEqual(entries);
	});

	it('replaces whatever name a client claims with the session’s', () => {
		const owned = new Set<number>();
		const out = guardAwareness([{ clientId: 1, clock: 1, state: { user: { name: 'The Judge', color: 'red' }, cursor: 5 } }], owned, () => false, dana);
		expect(out).toEqual([{ clientId: 1, clock: 1, state: { user: dana, cursor: 5 } }]);
		expect([...owned]).toEqual([1]);
	});

	it('drops entries for client ids another connection owns', () => {
		const out = guardAwareness([{ clientId: 9, clock: 1, state: null }], new Set(), (id) => id === 9, dana);
		expect(out).toEqual([]);
	});

	it('lets one connection speak for a few client ids only', () => {
		const owned = new Set<number>();
		const entries = Array.from({ length: 10 }, (_, i) => ({ clientId: i + 1, clock: 1, state: {} }));
		expect(guardAwareness(entries, owned, () => false, dana)).toHaveLength(MAX_CLIENT_IDS_PER_CONNECTION);
	});

	it('refuses a state nested deeper than a page’s presence, before parsing it, and one too large to relay', () => {
		const raw = (json: string) => {
			const e = encoding.createEncoder();
			encoding.writeVarUint(e, 1);
			encoding.writeVarUint(e, 1);
			encoding.writeVarUint(e, 1);
			encoding.writeVarString(e, json);
			return encoding.toUint8Array(e);
		};
		// What the editor's caret sends: user and two relative positions.
		const cursor = { user: dana, cursor: { anchor: { type: null, tname: 'notes', item: { client: 1, clock: 4 }, assoc: 0 }, head: { type: null, tname: 'notes', item: { client: 1, clock: 4 }, assoc: 0 } } };
		expect(decodeAwarenessUpdate(raw(JSON.stringify(cursor)))[0].state).toEqual(cursor);
		// 4,400 levels overflowed the stack of JSON.stringify on the server (a 1011 and a stack trace each time).
		expect(() => decodeAwarenessUpdate(raw('{"a":' + '['.repeat(4400) + ']'.repeat(4400) + '}'))).toThrow(/too (deep|large)/);
		expect(() => decodeAwarenessUpdate(raw('{"a":' + '['.repeat(2000) + ']'.repeat(2000) + '}'))).toThrow('too deep');
		expect(() => decodeAwarenessUpdate(raw('{"a":' + '['.repeat(9) + ']'.repeat(9) + '}'))).toThrow('too deep');
		expect(() => decodeAwarenessUpdate(raw(JSON.stringify({ user: 'x'.repeat(MAX_AWARENESS_STATE_CHARS) })))).toThrow('too large');
		// Brackets inside strings are text, not nesting.
		expect(jsonDepth(JSON.stringify({ name: '[[[[[[[[[[{{{{{{{{{ \\" ]' }))).toBe(1);
	});

	it('refuses malformed updates', () => {
		expect(() => decodeAwarenessUpdate(new Uint8Array([5, 1]))).toThrow();
		expect(() => decodeAwarenessUpdate(encodeAwarenessUpdate([{ clientId: 1, clock: 1, state: null }]).slice(0, -1))).toThrow();
		const arrayState = new Uint8Array([1, 1, 1, 2, 91, 93]); // state "[]"
		expect(() => decodeAwarenessUpdate(arrayState)).toThrow();
	});
});
