import { and, eq } from 'drizzle-orm';
import type { Db } from '../db/index.ts';
import { collabClientIds } from '../db/schema.ts';

/**
 * Who may write under each Yjs client id of one document (table collab_client_ids). A Yjs client id is
 * chosen by the client: nothing in the protocol stops one client from writing under another's id, and
 * the real owner's next edit at the same clock is then dropped as a duplicate (issue 16). So an id
 * belongs, per document, to the first owner that writes under it, and stays theirs across reconnects and
 * restarts. Owners are `u:<userId>` (staff), `p:<personId>` (a participant) or `server`.
 *
 * Content a document held before this table existed carries ids nobody has claimed: the first owner to
 * write *new* content under such an id claims it (what is already stored is never re-checked).
 */
export class ClientIdOwners {
	private readonly db: Db;
	private readonly docId: string;
	private readonly owners = new Map<number, string>();

	constructor(db: Db, docId: string) {
		this.db = db;
		this.docId = docId;
		for (const row of db.select({ clientId: collabClientIds.clientId, owner: collabClientIds.owner }).from(collabClientIds).where(eq(collabClientIds.docId, docId)).all()) {
			this.owners.set(row.clientId, row.owner);
		}
	}

	/** The owner of `clientId` in this document, or undefined while nobody has written under it. */
	ownerOf(clientId: number): string | undefined {
		return this.owners.get(clientId);
	}

	/**
	 * Claims every id in `clientIds` for `owner`, or returns the first id that belongs to someone else (ids
	 * known to belong to someone else are found before anything is claimed). A claim is committed before the update it guards is applied: whichever of two
	 * racing owners claims first keeps the id (one INSERT, the primary key decides).
	 */
	claim(clientIds: Iterable<number>, owner: string, now = Date.now()): { ok: true } | { ok: false; clientId: number } {
		const fresh: number[] = [];
		for (const id of clientIds) {
			const known = this.owners.get(id);
			if (known === undefined) fresh.push(id);
			else if (known !== owner) return { ok: false, clientId: id };
		}
		for (const id of fresh) {
			this.db.insert(collabClientIds).values({ docId: this.docId, clientId: id, owner, claimedAt: now }).onConflictDoNothing().run();
			const stored = this.db
				.select({ owner: collabClientIds.owner })
				.from(collabClientIds)
				.where(and(eq(collabClientIds.docId, this.docId), eq(collabClientIds.clientId, id)))
				.get()!.owner;
			this.owners.set(id, stored);
			if (stored !== owner) return { ok: false, clientId: id };
		}
		return { ok: true };
	}
}
