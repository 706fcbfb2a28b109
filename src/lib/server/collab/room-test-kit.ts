// Stand-ins for room tests: a socket that records what a room sends, a connection, and sync messages.
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import type { WebSocket } from 'ws';
import type { Connection } from './room';
import { decodeHearthMessage, MESSAGE_HEARTH, type HearthMessage } from '../../domain/collab-protocol';

/** A stand-in socket that records what the room sends: the y-websocket messages, and Hearth's own apart. */
export function fakeSocket() {
	const sent: Uint8Array[] = [];
	const hearth: HearthMessage[] = [];
	const record = (d: Uint8Array) => {
		if (d[0] === MESSAGE_HEARTH) hearth.push(decodeHearthMessage(d.subarray(1))!);
		else sent.push(d);
	};
	const closed: { code: number; reason: string }[] = [];
	const ws = {
		readyState: 1,
		bufferedAmount: 0,
		send: record,
		close: (code: number, reason: string) => closed.push({ code, reason }),
		terminate: () => closed.push({ code: 1006, reason: 'terminated' })
	};
	return { ws: ws as unknown as WebSocket, sent, hearth, closed };
}

export function connection(readOnly = false, fields: Partial<Connection> = {}) {
	const { ws, sent, hearth, closed } = fakeSocket();
	const conn: Connection = { ws, readOnly, user: { name: 'Dana', color: '#000', role: 'facilitator' }, userId: 'u', sessionId: 's', role: 'facilitator', clientIds: new Set(), lastActiveAt: 0, caseId: 'c', personId: null, keepApartWith: new Set(), owner: 'u:u', ...fields };
	return { conn, sent, hearth, closed };
}

export function updateMessage(update: Uint8Array): Uint8Array {
	const e = encoding.createEncoder();
	encoding.writeVarUint(e, 0);
	encoding.writeVarUint(e, 2);
	encoding.writeVarUint8Array(e, update);
	return encoding.toUint8Array(e);
}

/** Plain text in a `decision` root: for a room of no kind (`scratch:`), which keeps no kind's rules. */
export function textEdit(text: string): Uint8Array {
	const doc = new Y.Doc();
	doc.getText('decision').insert(0, text);
	return Y.encodeStateAsUpdate(doc);
}

export const tick = () => new Promise((r) => setImmediate(r));

/** A sync message's step and payload. */
export function readSync(message: Uint8Array): { type: number; step: number; payload: Uint8Array } {
	const d = decoding.createDecoder(message);
	return { type: decoding.readVarUint(d), step: decoding.readVarUint(d), payload: decoding.readVarUint8Array(d) };
}

/** An awareness message for client `clientId` at `clock` with `state`. */
export function awarenessOf(clientId: number, clock: number, state: Record<string, unknown> | null): Uint8Array {
	return awarenessOfMany([[clientId, clock, state]]);
}

/** One awareness message naming several client ids: `[clientId, clock, state?]` each (state `{ user: {} }` when left out). */
export function awarenessOfMany(entries: [number, number, (Record<string, unknown> | null)?][]): Uint8Array {
	const inner = encoding.createEncoder();
	encoding.writeVarUint(inner, entries.length);
	for (const [clientId, clock, state] of entries) {
		encoding.writeVarUint(inner, clientId);
		encoding.writeVarUint(inner, clock);
		encoding.writeVarString(inner, JSON.stringify(state === undefined ? { user: {} } : state));
	}
	const e = encoding.createEncoder();
	encoding.writeVarUint(e, 1);
	encoding.writeVarUint8Array(e, encoding.toUint8Array(inner));
	return encoding.toUint8Array(e);
}

/** The client ids whose presence an awareness message carries (empty for other messages). */
export function awarenessClients(message: Uint8Array): number[] {
	const d = decoding.createDecoder(message);
	if (decoding.readVarUint(d) !== 1) return [];
	const inner = decoding.createDecoder(decoding.readVarUint8Array(d));
	const n = decoding.readVarUint(inner);
	const ids: number[] = [];
	for (let i = 0; i < n; i++) {
		ids.push(decoding.readVarUint(inner));
		decoding.readVarUint(inner);
		decoding.readVarString(inner);
	}
	return ids;
}

export function stepOne(doc: Y.Doc): Uint8Array {
	const e = encoding.createEncoder();
	encoding.writeVarUint(e, 0);
	encoding.writeVarUint(e, 0);
	encoding.writeVarUint8Array(e, Y.encodeStateVector(doc));
	return encoding.toUint8Array(e);
}

