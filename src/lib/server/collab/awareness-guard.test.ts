import { describe, expect, it } from 'vitest';
import { decodeAwarenessUpdate, encodeAwarenessUpdate, guardAwareness, MAX_CLIENT_IDS_PER_CONNECTION } from './awareness-guard';

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

	it('refuses malformed updates', () => {
		expect(() => decodeAwarenessUpdate(new Uint8Array([5, 1]))).toThrow();
		expect(() => decodeAwarenessUpdate(encodeAwarenessUpdate([{ clientId: 1, clock: 1, state: null }]).slice(0, -1))).toThrow();
		const arrayState = new Uint8Array([1, 1, 1, 2, 91, 93]); // state "[]"
		expect(() => decodeAwarenessUpdate(arrayState)).toThrow();
	});
});
