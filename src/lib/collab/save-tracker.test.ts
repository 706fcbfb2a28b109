import { describe, expect, it } from 'vitest';
import { SaveTracker } from './save-tracker';

describe('SaveTracker: what the server has stored of what this page typed', () => {
	it('a change is unsaved until the message that carried it is acknowledged saved', () => {
		const t = new SaveTracker();
		const socket = t.openSocket();
		t.sent(socket, true); // our sync step 2 on join (nothing typed yet)
		t.acknowledged(socket, { t: 'saved', n: 1 });
		expect(t.unsaved).toBe(false);
		t.localChange();
		t.sent(socket, false);
		expect(t.unsaved).toBe(true);
		t.acknowledged(socket, { t: 'saved', n: 1 });
		expect(t.unsaved).toBe(false);
	});

	it('one acknowledgement may cover several messages, in order', () => {
		const t = new SaveTracker();
		const socket = t.openSocket();
		t.sent(socket, true);
		for (let i = 0; i < 3; i++) {
			t.localChange();
			t.sent(socket, false);
		}
		t.acknowledged(socket, { t: 'saved', n: 3 });
		expect(t.unsaved).toBe(true);
		t.acknowledged(socket, { t: 'saved', n: 1 });
		expect(t.unsaved).toBe(false);
	});

	it('typing on a socket that closed before its acknowledgement stays unsaved until a new socket’s sync step 2 is saved', () => {
		const t = new SaveTracker();
		const first = t.openSocket();
		t.sent(first, true);
		t.acknowledged(first, { t: 'saved', n: 1 });
		t.localChange();
		t.sent(first, false); // then the socket drops, unacknowledged
		t.localChange(); // typed while offline: not sent anywhere
		expect(t.unsaved).toBe(true);

		const second = t.openSocket();
		t.localChange();
		t.sent(second, false); // an update that goes out before the step 2
		t.acknowledged(second, { t: 'saved', n: 1 });
		expect(t.unsaved).toBe(true); // it proves nothing about what the first socket sent
		t.sent(second, true);
		t.acknowledged(second, { t: 'saved', n: 1 });
		expect(t.unsaved).toBe(false);
	});

	it('a refusal keeps the change unsaved, says why, and later saves on that socket do not vouch for it', () => {
		const t = new SaveTracker();
		const socket = t.openSocket();
		t.sent(socket, true);
		t.acknowledged(socket, { t: 'saved', n: 1 });
		t.localChange();
		t.sent(socket, false);
		t.acknowledged(socket, { t: 'refused', reason: 'keep-apart' });
		expect(t.unsaved).toBe(true);
		expect(t.refusal).toBe('keep-apart');
		t.localChange();
		t.sent(socket, false);
		t.acknowledged(socket, { t: 'saved', n: 1 });
		expect(t.unsaved).toBe(true);
		expect(t.refusal).toBe('keep-apart');

		// A new socket whose sync step 2 (everything the server lacks) is stored clears it.
		const next = t.openSocket();
		t.sent(next, true);
		t.acknowledged(next, { t: 'saved', n: 1 });
		expect(t.unsaved).toBe(false);
		expect(t.refusal).toBe(null);
	});

	it('acknowledgements nothing was sent for, and access messages, change nothing', () => {
		const t = new SaveTracker();
		const socket = t.openSocket();
		t.localChange();
		t.acknowledged(socket, { t: 'saved', n: 5 });
		t.acknowledged(socket, { t: 'access', access: 'write' });
		expect(t.unsaved).toBe(true);
		t.acknowledged(socket, { t: 'refused', reason: 'read-only' });
		expect(t.refusal).toBe(null);
	});
});
