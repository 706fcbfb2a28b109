// What the status line of a live document must say, from its connection's state (doc-connection.ts) and
// what the server acknowledged (save-tracker.ts): never more than is true (issue 16.7). "Saved" only when
// the server has acknowledged everything typed on this page; when saving stopped, why. A code, not words:
// each page words it for its own document ("the plan") from its messages.
//
// The case plan's page uses it. The meeting's notes (MeetingNotes.svelte) still hold the same rules inline:
// their page has 110 bytes of its 90 KB phone budget left (tests/unit/bundle-budget.test.ts), and moving the
// rules here costs it about 200 bytes gzipped (the codes are then worded in another chunk).
import { CLOSE } from '$lib/domain/collab-protocol';
import type { DocState } from './doc-connection';

/** What the status line says, as a code (each page words it). */
export type SaveStatus =
	| 'signedOut'
	| 'otherWindow'
	| 'tooManyWindows'
	| 'changeRefused'
	| 'full'
	| 'tooLarge'
	| 'ended'
	| 'readOnly'
	| 'notSaved'
	| 'nowReadOnly'
	| 'offline'
	| 'unsavedConnecting'
	| 'connecting'
	| 'saving'
	| 'live';

/** How loud the status is: `problem` and `warning` stand out (and stay in view while typing). */
export type SaveTone = 'ok' | 'pending' | 'warning' | 'problem';

/**
 * The status line for `state`; `readNow`: the server said this page may only read now, though it opened
 * to write. Returns what to say (a code) and how loud. "live" (everything typed here is stored) only when
 * connected, in sync and nothing typed here is unacknowledged.
 */
export function saveStatus(state: DocState, readNow: boolean): { status: SaveStatus; tone: SaveTone } {
	const tone: SaveTone =
		state.status === 'ended' || state.refusal
			? 'problem'
			: readNow || state.status === 'disconnected' || (state.unsaved && (state.status === 'connecting' || !state.synced))
				? 'warning'
				: state.status === 'connected' && state.synced
					? 'ok'
					: 'pending';
	return { status: statusOf(state, readNow), tone };
}

function statusOf(state: DocState, readNow: boolean): SaveStatus {
	if (state.status === 'ended') {
		switch (state.endedBy) {
			case CLOSE.sessionEnded:
				return 'signedOut';
			case CLOSE.clientIdTaken:
				return 'otherWindow';
			case CLOSE.tooManyConnections:
				return 'tooManyWindows';
			case CLOSE.changeRefused:
				return 'changeRefused';
			case CLOSE.tooLarge:
				return state.refusal === 'document-full' ? 'full' : 'tooLarge';
			default:
				return 'ended';
		}
	}
	if (state.refusal === 'read-only') return 'readOnly';
	if (state.refusal) return 'notSaved';
	if (readNow) return 'nowReadOnly';
	if (state.status === 'disconnected') return 'offline';
	if (state.status === 'connecting' || !state.synced) return state.unsaved ? 'unsavedConnecting' : 'connecting';
	return state.unsaved ? 'saving' : 'live';
}
