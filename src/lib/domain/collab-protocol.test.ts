import { describe, expect, it } from 'vitest';
import * as decoding from 'lib0/decoding';
import { decodeHearthMessage, encodeHearthMessage, isFinalClose, CLOSE, MESSAGE_HEARTH, type HearthMessage } from './collab-protocol';

describe('Hearth messages on the collab socket', () => {
	it('round-trip, and start with a type byte y-websocket reads as an unknown message type', () => {
		for (const message of [{ t: 'saved', n: 3 }, { t: 'refused', reason: 'too-large' }, { t: 'access', access: 'read' }, { t: 'acted', id: 7, problem: null }, { t: 'acted', id: 8, problem: 'agenda-closed' }] as HearthMessage[]) {
			const bytes = encodeHearthMessage(message);
			const decoder = decoding.createDecoder(bytes);
			expect(decoding.readVarUint(decoder)).toBe(MESSAGE_HEARTH);
			expect(decodeHearthMessage(bytes.subarray(1))).toEqual(message);
		}
	});

	it('ignores what it does not understand instead of throwing', () => {
		expect(decodeHearthMessage(new Uint8Array([]))).toBeNull();
		expect(decodeHearthMessage(new Uint8Array([1, 123]))).toBeNull();
		expect(decodeHearthMessage(new TextEncoder().encode('\u0000{"t":"saved","n":-1}'))).toBeNull();
		expect(decodeHearthMessage(new TextEncoder().encode('\u0000{"t":"nonsense"}'))).toBeNull();
		expect(decodeHearthMessage(new TextEncoder().encode('\u0000not json'))).toBeNull();
		// An answer's problem is a code the page words, never text to show as it came.
		expect(decodeHearthMessage(new TextEncoder().encode('\u0000{"t":"acted","id":1,"problem":"<b>hi</b>"}'))).toBeNull();
		expect(decodeHearthMessage(new TextEncoder().encode('\u0000{"t":"acted","id":0,"problem":null}'))).toBeNull();
	});

	it('marks the close codes after which a page must not reconnect', () => {
		expect(isFinalClose(CLOSE.accessRevoked)).toBe(true);
		expect(isFinalClose(CLOSE.tooLarge)).toBe(true);
		expect(isFinalClose(CLOSE.accessChanged)).toBe(false);
		expect(isFinalClose(CLOSE.restart)).toBe(false);
	});
});
