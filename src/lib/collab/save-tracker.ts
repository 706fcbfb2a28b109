// What of the notes typed on this page the server has stored, from its acknowledgements (collab-protocol.ts:
// exactly one `saved` or `refused` per sync step 2 / update message a connection sends, in order). Pure
// bookkeeping, no sockets: doc-connection.ts feeds it; the page words the result.
//
// Why: the stock provider never knows whether an edit was stored. The page told people "Your typing is
// kept" while offline, and a reload then lost it without a warning (issue 16.7).
import type { HearthMessage, RefusalReason } from '$lib/domain/collab-protocol';

/** The sync messages a socket sent that the server still owes an acknowledgement for. */
export type SocketLedger = {
	/** Per message sent, oldest first: the local change count it carries up to, and whether it was a sync step 2. */
	readonly owed: { upTo: number; step2: boolean }[];
	/** True once a sync step 2 of this socket was acknowledged saved with nothing refused before it. */
	vouches: boolean;
	/** False once the server refused something this socket sent: later acknowledgements prove nothing older. */
	clean: boolean;
};

/**
 * Counts local changes and what the server acknowledged of them.
 *
 * The rule: a change is saved once a message that carried it, or a later sync step 2 of a new socket
 * (which carries everything the server lacks), is acknowledged `saved`, and nothing this socket sent
 * before was refused. A closed socket's unacknowledged messages stay unsaved until a new socket's sync
 * step 2 is acknowledged. Acknowledgements that do not match anything sent (a server that owes none) are
 * ignored.
 */
export class SaveTracker {
	/** Local changes to the document so far (Y.Doc updates this page made). */
	private changed = 0;
	/** The highest local change count known to be stored. */
	private saved = 0;
	/** The last refusal the server gave, until something later is saved. */
	refusal: RefusalReason | null = null;

	/** A local change was made (call before the provider sends it). */
	localChange(): void {
		this.changed++;
	}

	/** A new socket: its own ledger. */
	openSocket(): SocketLedger {
		return { owed: [], vouches: false, clean: true };
	}

	/** `ledger`'s socket sent a sync step 2 or an update: it carries every local change made so far. */
	sent(ledger: SocketLedger, step2: boolean): void {
		ledger.owed.push({ upTo: this.changed, step2 });
	}

	/** The server acknowledged on `ledger`'s socket. Other Hearth messages are not for this. */
	acknowledged(ledger: SocketLedger, message: HearthMessage): void {
		if (message.t === 'refused') {
			if (ledger.owed.shift() === undefined) return;
			ledger.clean = false;
			this.refusal = message.reason;
			return;
		}
		if (message.t !== 'saved') return;
		for (let i = 0; i < message.n; i++) {
			const entry = ledger.owed.shift();
			if (!entry) return;
			if (!ledger.clean) continue;
			if (entry.step2) ledger.vouches = true;
			if (ledger.vouches && entry.upTo > this.saved) {
				this.saved = entry.upTo;
				if (this.saved === this.changed) this.refusal = null;
			}
		}
	}

	/** True while a local change is not known to be stored. */
	get unsaved(): boolean {
		return this.changed > this.saved;
	}
}
