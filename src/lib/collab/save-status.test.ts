import { describe, expect, it } from 'vitest';
import { saveStatus } from './save-status';
import { CLOSE } from '$lib/domain/collab-protocol';
import type { DocState } from './doc-connection';

const live: DocState = { status: 'connected', synced: true, unsaved: false, refusal: null, endedBy: null, access: 'write' };

describe('the status line of a live document', () => {
	it('says saved only when connected, in sync, and the server acknowledged everything typed here', () => {
		expect(saveStatus(live, false)).toEqual({ status: 'live', tone: 'ok' });
		expect(saveStatus({ ...live, unsaved: true }, false)).toEqual({ status: 'saving', tone: 'ok' });
		expect(saveStatus({ ...live, synced: false }, false).status).toBe('connecting');
	});

	it('warns while what was typed here waits on this page: offline, or connecting again with unsaved text', () => {
		expect(saveStatus({ ...live, status: 'disconnected', unsaved: true }, false)).toEqual({ status: 'offline', tone: 'warning' });
		expect(saveStatus({ ...live, status: 'connecting', unsaved: true }, false)).toEqual({ status: 'unsavedConnecting', tone: 'warning' });
		expect(saveStatus({ ...live, status: 'connecting' }, false)).toEqual({ status: 'connecting', tone: 'pending' });
		expect(saveStatus(live, true)).toEqual({ status: 'nowReadOnly', tone: 'warning' });
	});

	it('says why saving stopped, as a problem', () => {
		const ended = (endedBy: number, refusal: DocState['refusal'] = null) => saveStatus({ ...live, status: 'ended', endedBy, refusal }, false);
		expect(ended(CLOSE.sessionEnded)).toEqual({ status: 'signedOut', tone: 'problem' });
		expect(ended(CLOSE.clientIdTaken).status).toBe('otherWindow');
		expect(ended(CLOSE.tooManyConnections).status).toBe('tooManyWindows');
		expect(ended(CLOSE.changeRefused).status).toBe('changeRefused');
		expect(ended(CLOSE.tooLarge, 'document-full').status).toBe('full');
		expect(ended(CLOSE.tooLarge).status).toBe('tooLarge');
		expect(ended(CLOSE.accessRevoked).status).toBe('ended');
		expect(saveStatus({ ...live, refusal: 'read-only' }, false)).toEqual({ status: 'readOnly', tone: 'problem' });
		expect(saveStatus({ ...live, refusal: 'shape' }, false).status).toBe('notSaved');
	});
});
