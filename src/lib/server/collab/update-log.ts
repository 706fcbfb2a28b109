import { and, eq, gt, lte, sql } from 'drizzle-orm';
import * as Y from 'yjs';
import { exclusive, type Db } from '../db/index.ts';
import { collabSnapshots, collabUpdates } from '../db/schema.ts';

type Pending = { docId: string; update: Uint8Array; resolve: (id: number) => void; reject: (err: unknown) => void };
type Compaction = { docId: string; state: Uint8Array; throughId: number };

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
	private readonly insert;

	constructor(db: Db) {
		this.db = db;
		this.insert = db
			.insert(collabUpdates)
			.values({
				docId: sql.placeholder('docId'),
				update: sql.placeholder('update'),
				createdAt: sql.placeholder('createdAt')
			})
			.returning({ id: collabUpdates.id })
			.prepare();
	}

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
		if (this.queue.length === 0) return Promise.resolve();
		return new Promise((resolve) => this.waiters.push(resolve));
	}

	get pending(): number {
		return this.queue.length;
	}

	/** Commits everything queued now, compactions included. Called synchronously at shutdown. */
	flush(): void {
		this.commit(Infinity);
	}

	private commit(maxCompactions: number): void {
		// In its turn: never inside a transaction a request holds open (db/index.ts). At once when none is.
		void exclusive(this.db, () => this.commitNow(maxCompactions));
	}

	private commitNow(maxCompactions: number): void {
		const batch = this.queue;
		const waiters = this.waiters;
		const compactions = this.compactions.splice(0, maxCompactions);
		this.queue = [];
		this.waiters = [];
		if (batch.length > 0 || compactions.length > 0) {
			let ids: number[];
			try {
				const now = Date.now();
				const snapshotted: Compaction[] = [];
				ids = this.db.transaction((tx) => {
					const appended = batch.map((p) => this.insert.get({ docId: p.docId, update: Buffer.from(p.update), createdAt: now })!.id);
					for (const c of compactions) {
						try {
							// A savepoint each: a compaction that fails costs its own work, not the appends.
							tx.transaction((sp) => this.snapshot(sp, c));
							snapshotted.push(c);
						} catch (err) {
							console.error(`collab: could not compact ${c.docId}`, err);
						}
					}
					return appended;
				});
				// Only snapshots that are committed may have their rows deleted.
				for (const c of snapshotted) this.trims.set(c.docId, Math.max(c.throughId, this.trims.get(c.docId) ?? 0));
				this.scheduleTrim();
			} catch (err) {
				for (const p of batch) p.reject(err);
				for (const w of waiters) w();
				return;
			}
			for (let i = 0; i < batch.length; i++) batch[i].resolve(ids[i]);
		}
		for (const w of waiters) w();
	}

	/** The compacted state and every update after it, in order. */
	load(docId: string): { snapshot: Uint8Array | null; updates: { id: number; update: Uint8Array }[] } {
		const snap = this.db
			.select({ state: collabSnapshots.state, through: collabSnapshots.throughUpdateId })
			.from(collabSnapshots)
			.where(eq(collabSnapshots.docId, docId))
			.get();
		const after = snap?.through ?? 0;
		const rows = this.db
			.select({ id: collabUpdates.id, update: collabUpdates.update })
			.from(collabUpdates)
			.where(and(eq(collabUpdates.docId, docId), gt(collabUpdates.id, after)))
			.orderBy(collabUpdates.id)
			.all();
		return {
			snapshot: snap ? new Uint8Array(snap.state) : null,
			updates: rows.map((r) => ({ id: r.id, update: new Uint8Array(r.update) }))
		};
	}

	/**
	 * Replaces the log up to `throughId` with `state` (which must contain every update up to it): the
	 * snapshot is written with a coming commit (queued in order), and the rows it replaces are deleted after
	 * that commit. In between, and after a crash in between, load() reads the snapshot and only the rows
	 * after it, so a document is never missing an update.
	 */
	compact(docId: string, state: Uint8Array, throughId: number): void {
		if (this.compactionsPerCommit <= 0) {
			this.db.transaction((tx) => {
				this.snapshot(tx, { docId, state, throughId });
				this.trim(tx, { docId, throughId });
			});
			return;
		}
		this.compactions.push({ docId, state, throughId });
		if (!this.scheduled) this.schedule();
	}

	private snapshot(tx: Pick<Db, 'insert'>, { docId, state, throughId }: Compaction): void {
		tx.insert(collabSnapshots)
			.values({ docId, state: Buffer.from(state), throughUpdateId: throughId, updatedAt: Date.now() })
			.onConflictDoUpdate({
				target: collabSnapshots.docId,
				set: { state: Buffer.from(state), throughUpdateId: throughId, updatedAt: Date.now() }
			})
			.run();
	}

	/** Deletes a document's rows up to `throughId`, and never past the snapshot that holds them. */
	private trim(tx: Pick<Db, 'delete'>, { docId, throughId }: { docId: string; throughId: number }): void {
		const stored = sql`(select ${collabSnapshots.throughUpdateId} from ${collabSnapshots} where ${collabSnapshots.docId} = ${docId})`;
		tx.delete(collabUpdates)
			.where(and(eq(collabUpdates.docId, docId), lte(collabUpdates.id, throughId), lte(collabUpdates.id, stored)))
			.run();
	}

	private scheduleTrim(): void {
		if (this.trimTimer || this.trims.size === 0) return;
		this.trimTimer = setTimeout(() => {
			this.trimTimer = undefined;
			const next = this.trims.entries().next();
			if (!next.done) {
				const [docId, throughId] = next.value;
				this.trims.delete(docId);
				try {
					this.db.transaction((tx) => this.trim(tx, { docId, throughId }));
				} catch (err) {
					// The rows stay; the document's next compaction deletes them.
					console.error(`collab: could not delete the compacted rows of ${docId}`, err);
				}
			}
			this.scheduleTrim();
		}, this.trimEveryMs);
		// Deleting is housekeeping: it never keeps the process alive.
		this.trimTimer.unref();
	}
}

export type StoredDocument = ReturnType<UpdateLog['load']>;

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
