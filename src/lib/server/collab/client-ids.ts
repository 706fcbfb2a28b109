import type { Db } from '../db/index.ts';
import { collabStoreOf, type CollabStore, type MaybePromise } from '../db/collab-store.ts';

/** A claim's answer: every id is `owner`'s, or the first that belongs to someone else. */
export type ClaimResult = { ok: true } | { ok: false; clientId: number };

/**
 * Who may write under each Yjs client id of one document (table collab_client_ids). A Yjs client id is
 * chosen by the client: nothing in the protocol stops one client from writing under another's id, and
 * the real owner's next edit at the same clock is then dropped as a duplicate (issue 16). So an id
 * belongs, per document, to the first owner that writes under it, and stays theirs across reconnects and
 * restarts. Owners are `u:<userId>` (staff), `p:<personId>` (a participant) or `server`.
 *
 * Content a document held before this table existed carries ids nobody has claimed: the first owner to
 * write *new* content under such an id claims it (what is already stored is never re-checked).
 *
 * On SQLite everything answers at once. On PostgreSQL the owners are read when the room loads (`ready`),
 * and a claim of an id not known yet is a promise (the room holds that connection's messages meanwhile).
 */
export class ClientIdOwners {
	private readonly store: CollabStore;
	private readonly docId: string;
	private readonly owners = new Map<number, string>();
	/** Resolves once the document's owners are read (null: read already, SQLite). Rejects when they could not be. */
	readonly ready: Promise<void> | null;

	/** The owners of `docId` in `db` (either engine). */
	constructor(db: Db, docId: string) {
		this.store = collabStoreOf(db);
		this.docId = docId;
		const rows = this.store.clientIdOwners(docId);
		if (rows instanceof Promise) {
			this.ready = rows.then((map) => {
				// A claim made while they were read is kept (it came from the database as well).
				for (const [id, owner] of map) if (!this.owners.has(id)) this.owners.set(id, owner);
			});
		} else {
			for (const [id, owner] of rows) this.owners.set(id, owner);
			this.ready = null;
		}
	}

	/** The owner of `clientId` in this document, or undefined while nobody has written under it. */
	ownerOf(clientId: number): string | undefined {
		return this.owners.get(clientId);
	}

	/**
	 * Claims every id in `clientIds` for `owner`, or returns the first id that belongs to someone else (ids
	 * known to belong to someone else are found before anything is claimed). A claim is committed before the
	 * update it guards is applied: whichever of two racing owners claims first keeps the id (one INSERT, the
	 * primary key decides). Answers at once when every id is known here (always on SQLite); otherwise a
	 * promise (PostgreSQL), which rejects when the database could not be asked.
	 */
	claim(clientIds: Iterable<number>, owner: string, now = Date.now()): MaybePromise<ClaimResult> {
		const fresh: number[] = [];
		for (const id of clientIds) {
			const known = this.owners.get(id);
			if (known === undefined) fresh.push(id);
			else if (known !== owner) return { ok: false, clientId: id };
		}
		if (fresh.length === 0) return { ok: true };
		if (this.store.engine === 'sqlite') {
			for (const id of fresh) {
				const stored = this.store.claimClientId(this.docId, id, owner, now) as string;
				this.owners.set(id, stored);
				if (stored !== owner) return { ok: false, clientId: id };
			}
			return { ok: true };
		}
		return this.claimLater(fresh, owner, now);
	}

	private async claimLater(fresh: number[], owner: string, now: number): Promise<ClaimResult> {
		for (const id of fresh) {
			const stored = await this.store.claimClientId(this.docId, id, owner, now);
			this.owners.set(id, stored);
			if (stored !== owner) return { ok: false, clientId: id };
		}
		return { ok: true };
	}
}
