import * as Y from 'yjs';
import { exclusive, type Db } from '../db/index.ts';
import { collabStoreOf, type CollabStore, type Compaction, type MaybePromise, type StoredDocument } from '../db/collab-store.ts';

export type { StoredDocument } from '../db/collab-store.ts';

type Pending = { docId: string; update: Uint8Array; resolve: (id: number) => void; reject: (err: unknown) => void };

/**
 * The durable log of every accepted update. Group commit: updates that arrive in one event-loop turn,
 * across all documents, are appended in one transaction (one fsync), and each caller's promise resolves
 * only after that commit returns. Nothing is broadcast before its promise resolves.
 *
 * A busy turn (hundreds of socket reads) can run for tens of milliseconds, and the first update of the
 * turn would wait for all of it: once the batch is `maxBatchAgeMs` old, the next append commits it there
 * and then. Under 150 meetings × 8 × 2 updates/s, appends waited 35 ms at the 99th percentile while a
 * commit took 4 ms (tests/bench/durability.ts).
 *
 * Compaction is spread out. Meetings that start together reach the compaction threshold together: 150
 * of them compacting at once (snapshot, then deleting 500 rows each, interleaved with every other
 * document's rows across the whole table) held the event loop for 1.2 s, and propagation p99 was 1.2 s
 * (0.2 s without compaction). So compact() queues; each turn's commit writes a few queued snapshots in
 * its own transaction, and the rows they replace are deleted later, one document per `trimEveryMs`.
 * Until then load() skips them (it reads the rows after the snapshot), and a crash leaves them for the
 * next compaction of that document to delete.
 *
 * On both engines (db/collab-store.ts). SQLite on this thread: each commit runs whole in its turn
 * (`exclusive`), one fsync. PostgreSQL, and SQLite on the commit thread (the collab server's): each commit is
 * one transaction, one at a time: while one is on the wire or on the disk, what arrives queues and goes in
 * the next (group commit across turns); `committed()` waits for the commit in flight too.
 */
export class UpdateLog {
	/** How long the oldest update of a batch may wait for the turn to end before the batch is committed. */
	maxBatchAgeMs = 2;
	/** How many queued compactions one commit carries (0: compact at once, in a transaction of its own). */
	compactionsPerCommit = 4;
	/** How often the rows of one compacted document are deleted (each delete touches pages all over the table). */
	trimEveryMs = 200;
	private queue: Pending[] = [];
	private compactions: Compaction[] = [];
	/** Documents whose compacted rows wait to be deleted, oldest first, with the last snapshot's row id. */
	private trims = new Map<string, number>();
	private trimTimer: ReturnType<typeof setTimeout> | undefined;
	private waiters: (() => void)[] = [];
	private scheduled = false;
	private batchStartedAt = 0;
	private readonly db: Db;
	private readonly store: CollabStore;
	/** PostgreSQL: the commits in flight, one after the other, and how many there are. */
	private tail: Promise<void> = Promise.resolve();
	private inFlight = 0;

	/**
	 * The log of `db` (either engine). `commitThread`: on a SQLite file, commit on a thread of its own, so
	 * that waiting for the disk never holds this thread's sockets (db/collab-store.ts); call close() after
	 * the last flush.
	 */
	constructor(db: Db, opts: { commitThread?: boolean } = {}) {
		this.db = db;
		this.store = collabStoreOf(db, opts);
	}

	/** Resolves once commits need no start-up wait (the commit thread, if any, is open). */
	get ready(): Promise<void> {
		return this.store.ready;
	}

	/** Ends the commit thread, if any, once what it holds is committed. */
	close(): Promise<void> {
		return this.store.close();
	}

	/** Which engine the log is on (the room loads at once on SQLite, later on PostgreSQL). */
	get engine(): CollabStore['engine'] {
		return this.store.engine;
	}

	/**
	 * Queues `update` of `docId` for this turn's commit. Resolves with its row id once it is committed;
	 * rejects when the commit failed (nothing of the batch is stored).
	 */
	append(docId: string, update: Uint8Array): Promise<number> {
		return new Promise((resolve, reject) => {
			const now = performance.now();
			if (this.queue.length === 0) this.batchStartedAt = now;
			this.queue.push({ docId, update, resolve, reject });
			if (!this.scheduled) this.schedule();
			else if (now - this.batchStartedAt >= this.maxBatchAgeMs) {
				// A long turn: commit what has waited long enough (the turn's own commit takes the rest,
				// and the compactions: one turn carries at most compactionsPerCommit of them).
				this.commit(0);
			}
		});
	}

	/** A commit at the end of this turn, and at the end of the next ones while compactions are queued. */
	private schedule(): void {
		this.scheduled = true;
		setImmediate(() => {
			this.scheduled = false;
			this.commit(this.compactionsPerCommit);
			if (this.compactions.length > 0 && !this.scheduled) this.schedule();
		});
	}

	/** Resolves once everything appended so far is committed (at once when nothing is pending). */
	committed(): Promise<void> {
		if (this.queue.length > 0) return new Promise((resolve) => this.waiters.push(resolve));
		if (this.inFlight > 0) return this.tail;
		return Promise.resolve();
	}

	get pending(): number {
		return this.queue.length;
	}

	/**
	 * Commits everything queued now, compactions included, and resolves once it is committed. SQLite: at
	 * once when no transaction holds the turn (shutdown calls it synchronously before closing sockets).
	 */
	flush(): Promise<void> {
		this.commit(Infinity);
		return this.committed();
	}

	private commit(maxCompactions: number): void {
		if (this.store.commitsInTurn) {
			// In its turn: never inside a transaction a request holds open (db/index.ts). At once when none is.
			void exclusive(this.db, () => this.commitNow(maxCompactions));
			return;
		}
		// PostgreSQL, or the commit thread: after the commit in flight; it takes whatever has queued by then.
		this.inFlight++;
		this.tail = this.tail
			.then(() => this.commitNow(maxCompactions))
			.catch((err) => console.error('collab: a commit of the update log failed', err))
			.finally(() => this.inFlight--);
	}

	private commitNow(maxCompactions: number): MaybePromise<void> {
		const batch = this.queue;
		const waiters = this.waiters;
		const compactions = this.compactions.splice(0, maxCompactions);
		this.queue = [];
		this.waiters = [];
		if (batch.length === 0 && compactions.length === 0) {
			for (const w of waiters) w();
			return;
		}
		const failed = (err: unknown) => {
			for (const p of batch) p.reject(err);
			for (const w of waiters) w();
		};
		const done = ({ ids, snapshotted }: { ids: number[]; snapshotted: Compaction[] }) => {
			// Only snapshots that are committed may have their rows deleted.
			for (const c of snapshotted) this.trims.set(c.docId, Math.max(c.throughId, this.trims.get(c.docId) ?? 0));
			this.scheduleTrim();
			for (let i = 0; i < batch.length; i++) batch[i].resolve(ids[i]);
			for (const w of waiters) w();
		};
		let result: MaybePromise<{ ids: number[]; snapshotted: Compaction[] }>;
		try {
			result = this.store.commit(
				batch,
				compactions,
				Date.now(),
				(c, err) => console.error(`collab: could not compact ${c.docId}`, err)
			);
		} catch (err) {
			return failed(err);
		}
		if (result instanceof Promise) return result.then(done, failed);
		done(result);
	}

	/** The compacted state and every update after it, in order (SQLite: at once; PostgreSQL: a promise). */
	load(docId: string): MaybePromise<StoredDocument> {
		return this.store.load(docId);
	}

	/**
	 * Replaces the log up to `throughId` with `state` (which must contain every update up to it): the
	 * snapshot is written with a coming commit (queued in order), and the rows it replaces are deleted after
	 * that commit. In between, and after a crash in between, load() reads the snapshot and only the rows
	 * after it, so a document is never missing an update.
	 */
	compact(docId: string, state: Uint8Array, throughId: number): void {
		if (this.compactionsPerCommit <= 0) {
			const done = this.store.compactNow({ docId, state, throughId }, Date.now());
			if (done instanceof Promise) done.catch((err) => console.error(`collab: could not compact ${docId}`, err));
			return;
		}
		this.compactions.push({ docId, state, throughId });
		if (!this.scheduled) this.schedule();
	}

	private scheduleTrim(): void {
		if (this.trimTimer || this.trims.size === 0) return;
		this.trimTimer = setTimeout(() => {
			this.trimTimer = undefined;
			const next = this.trims.entries().next();
			if (!next.done) {
				const [docId, throughId] = next.value;
				this.trims.delete(docId);
				// The rows stay when this fails; the document's next compaction deletes them.
				const failed = (err: unknown) => console.error(`collab: could not delete the compacted rows of ${docId}`, err);
				try {
					const done = this.store.trim(docId, throughId);
					if (done instanceof Promise) done.catch(failed);
				} catch (err) {
					failed(err);
				}
			}
			this.scheduleTrim();
		}, this.trimEveryMs);
		// Deleting is housekeeping: it never keeps the process alive.
		this.trimTimer.unref();
	}
}

/**
 * Applies what `UpdateLog.load` returned (the snapshot, then the log after it, in order) to `doc` in one
 * transaction. An update that cannot be read is skipped and reported, so that one bad row never keeps a
 * document (or the page that shows it) from opening. Used by the collab room and by the saved-notes view,
 * so that a page shows exactly what a socket would be sent.
 */
export function applyStored(doc: Y.Doc, docId: string, { snapshot, updates }: StoredDocument, origin: unknown = null): Y.Doc {
	Y.transact(
		doc,
		() => {
			if (snapshot) Y.applyUpdate(doc, snapshot, origin);
			for (const u of updates) {
				try {
					Y.applyUpdate(doc, u.update, origin);
				} catch (err) {
					console.error(`collab: skipped unreadable update ${u.id} of ${docId}`, err);
				}
			}
		},
		origin
	);
	return doc;
}
