import { Worker } from 'node:worker_threads';
import { and, eq, gt, lt, lte, sql } from 'drizzle-orm';
import { engineOf, pgPoolHandle, tablesOf, type Db, type Engine } from './index.ts';
import * as schema from './schema.ts';
import * as pgSchema from './schema.pg.ts';

// The collab server's storage (the update log, its snapshots, and who writes under each Yjs client id), one
// implementation per engine, behind one small interface. The update log (collab/update-log.ts) keeps the
// batching and the order of things; this file only says how a batch, a load, a snapshot or a claim is
// written on each engine.
//
// SQLite: synchronous (better-sqlite3), exactly as before: the group commit is one `db.transaction` in one
// turn, and a load or a claim answers at once, so a room is complete before it answers anyone.
// PostgreSQL: promises, each on a pooled connection of its own (never inside a request's transaction that
// happens to be open in the caller's async context): the group commit is one transaction.

/** A value now (SQLite) or later (PostgreSQL). */
export type MaybePromise<T> = T | Promise<T>;

/** What is stored of one document: the compacted state, then every update after it, in order. */
export type StoredDocument = { snapshot: Uint8Array | null; updates: { id: number; update: Uint8Array }[] };

/** A document's state that holds every update up to `throughId`, to replace them. */
export type Compaction = { docId: string; state: Uint8Array; throughId: number };

/**
 * The key of the PostgreSQL advisory lock held by each group commit until it commits. Row ids come from one
 * identity sequence; with several instances, a transaction that took id 10 could commit after one that took
 * id 11, and a compaction reading the log in between would snapshot "through 11" without 10, whose row the
 * trim would then delete. Holding this lock from before the inserts to the commit makes ids commit in
 * order, as SQLite's single writer does.
 */
export const COLLAB_LOG_LOCK = 0x6865_6172_7402; // 'hear' 't' 02 (audit-chain.ts holds …01)

export interface CollabStore {
	readonly engine: Engine;
	/**
	 * True when commit() runs whole in the caller's turn (SQLite on this thread); false when it resolves
	 * later (PostgreSQL; SQLite on the commit thread), so the update log pipelines commits one at a time.
	 */
	readonly commitsInTurn: boolean;
	/**
	 * Appends `rows` (ids returned in the same order) and writes each of `compactions`' snapshots, in one
	 * transaction; a snapshot that fails costs only itself (a savepoint each, reported through `onFailed`).
	 * Rejects (SQLite: throws) when the transaction fails: nothing of it is stored.
	 */
	commit(rows: { docId: string; update: Uint8Array }[], compactions: Compaction[], now: number, onFailed: (c: Compaction, err: unknown) => void): MaybePromise<{ ids: number[]; snapshotted: Compaction[] }>;
	/** The compacted state of `docId` and the log after it, read as of one moment. */
	load(docId: string): MaybePromise<StoredDocument>;
	/** Writes a snapshot and deletes the rows it replaces, in one transaction. */
	compactNow(c: Compaction, now: number): MaybePromise<void>;
	/** Deletes `docId`'s rows up to `throughId`, never past its stored snapshot. */
	trim(docId: string, throughId: number): MaybePromise<void>;
	/** Who writes under each client id of `docId` (client id → owner). */
	clientIdOwners(docId: string): MaybePromise<Map<number, string>>;
	/** Claims `clientId` in `docId` for `owner` unless someone holds it already; resolves to whoever holds it now. */
	claimClientId(docId: string, clientId: number, owner: string, now: number): MaybePromise<string>;
	/** Ends what the store started of its own (the commit thread); the database handle stays open. */
	close(): Promise<void>;
	/** Resolves once the store can commit without a start-up wait (the commit thread has opened the file). */
	readonly ready: Promise<void>;
}

/**
 * The collab store of `db`'s engine. `commitThread`: on a SQLite file, commit, compact and trim on a
 * thread of their own (see SqliteThreadCollabStore); ignored on PostgreSQL and in memory.
 */
export function collabStoreOf(db: Db, opts: { commitThread?: boolean } = {}): CollabStore {
	if (engineOf(db) === 'pg') return new PgCollabStore(db);
	const file = db.$client.name;
	if (opts.commitThread && file && file !== ':memory:' && !db.$client.memory) return new SqliteThreadCollabStore(db, file);
	return new SqliteCollabStore(db);
}

// ---- SQLite ---------------------------------------------------------------------------------------------

const { collabUpdates, collabSnapshots, collabClientIds } = schema;

/** SQLite on this thread: every call runs at once, in the caller's turn. */
export class SqliteCollabStore implements CollabStore {
	readonly engine = 'sqlite' as const;
	readonly commitsInTurn: boolean = true;
	readonly ready = Promise.resolve();
	private readonly db: Db;
	private readonly insert;

	constructor(db: Db) {
		this.db = db;
		this.insert = db
			.insert(collabUpdates)
			.values({ docId: sql.placeholder('docId'), update: sql.placeholder('update'), createdAt: sql.placeholder('createdAt') })
			.returning({ id: collabUpdates.id })
			.prepare();
	}

	commit(rows: { docId: string; update: Uint8Array }[], compactions: Compaction[], now: number, onFailed: (c: Compaction, err: unknown) => void) {
		const snapshotted: Compaction[] = [];
		const ids = this.db.transaction((tx) => {
			const appended = rows.map((r) => this.insert.get({ docId: r.docId, update: Buffer.from(r.update), createdAt: now })!.id);
			for (const c of compactions) {
				try {
					// A savepoint each: a compaction that fails costs its own work, not the appends.
					tx.transaction((sp) => this.snapshot(sp, c, now));
					snapshotted.push(c);
				} catch (err) {
					onFailed(c, err);
				}
			}
			return appended;
		});
		return { ids, snapshotted };
	}

	load(docId: string): StoredDocument {
		const snap = this.db
			.select({ state: collabSnapshots.state, through: collabSnapshots.throughUpdateId })
			.from(collabSnapshots)
			.where(eq(collabSnapshots.docId, docId))
			.get();
		const rows = this.db
			.select({ id: collabUpdates.id, update: collabUpdates.update })
			.from(collabUpdates)
			.where(and(eq(collabUpdates.docId, docId), gt(collabUpdates.id, snap?.through ?? 0)))
			.orderBy(collabUpdates.id)
			.all();
		return { snapshot: snap ? new Uint8Array(snap.state) : null, updates: rows.map((r) => ({ id: r.id, update: new Uint8Array(r.update) })) };
	}

	compactNow(c: Compaction, now: number): void {
		this.db.transaction((tx) => {
			this.snapshot(tx, c, now);
			this.trimIn(tx, c.docId, c.throughId);
		});
	}

	trim(docId: string, throughId: number): void {
		this.db.transaction((tx) => this.trimIn(tx, docId, throughId));
	}

	clientIdOwners(docId: string): Map<number, string> {
		const rows = this.db.select({ clientId: collabClientIds.clientId, owner: collabClientIds.owner }).from(collabClientIds).where(eq(collabClientIds.docId, docId)).all();
		return new Map(rows.map((r) => [r.clientId, r.owner]));
	}

	claimClientId(docId: string, clientId: number, owner: string, now: number): string {
		this.db.insert(collabClientIds).values({ docId, clientId, owner, claimedAt: now }).onConflictDoNothing().run();
		return this.db
			.select({ owner: collabClientIds.owner })
			.from(collabClientIds)
			.where(and(eq(collabClientIds.docId, docId), eq(collabClientIds.clientId, clientId)))
			.get()!.owner;
	}

	private snapshot(tx: Pick<Db, 'insert'>, { docId, state, throughId }: Compaction, now: number): void {
		tx.insert(collabSnapshots)
			.values({ docId, state: Buffer.from(state), throughUpdateId: throughId, updatedAt: now })
			.onConflictDoUpdate({ target: collabSnapshots.docId, set: { state: Buffer.from(state), throughUpdateId: throughId, updatedAt: now }, setWhere: lt(collabSnapshots.throughUpdateId, throughId) })
			.run();
	}

	private trimIn(tx: Pick<Db, 'delete'>, docId: string, throughId: number): void {
		const stored = sql`(select ${collabSnapshots.throughUpdateId} from ${collabSnapshots} where ${collabSnapshots.docId} = ${docId})`;
		tx.delete(collabUpdates)
			.where(and(eq(collabUpdates.docId, docId), lte(collabUpdates.id, throughId), lte(collabUpdates.id, stored)))
			.run();
	}

	close(): Promise<void> {
		return Promise.resolve();
	}
}

/** A request to the commit thread (collab-commit-thread.ts), numbered so that its answer finds its caller. */
export type CommitThreadRequest =
	| { n: number; op: 'commit'; rows: { docId: string; update: Uint8Array }[]; compactions: Compaction[]; now: number }
	| { n: number; op: 'compactNow'; compaction: Compaction; now: number }
	| { n: number; op: 'trim'; docId: string; throughId: number }
	| { n: number; op: 'close' };

/** The commit thread's answer: `failed` lists the compactions (by index) whose savepoint failed, and why. */
export type CommitThreadAnswer =
	| { n: number; ok: true; ids?: number[]; snapshotted?: number[]; failed?: { index: number; message: string }[] }
	| { n: number; ok: false; message: string };

/**
 * SQLite with the update log's writes on a thread of their own (a worker with its own connection to the
 * same file): commit, compaction and trim. A commit with synchronous=FULL waits for the disk (fsync); on
 * this thread that wait held the event loop, so no socket was read or written meanwhile: under 150
 * meetings × 8 × 2 updates/s, 37 % of the server's thread was spent inside the commit and propagation p99
 * was 3.9× the y-websocket reference server's (tests/bench/README.md, issue 18). On its own thread the
 * sockets go on while the disk works, and what arrives meanwhile goes into the next commit (the update
 * log pipelines commits one at a time, as on PostgreSQL). Durable before broadcast still holds: nothing is
 * acknowledged or sent before the thread answers that its commit returned.
 *
 * Loads and client-id claims stay on this thread's connection (reads, and a rare small write), so a room
 * is complete before it answers anyone; in WAL mode they see every commit the thread has answered for.
 * Each commit's rows and ids are the same as on this thread; only where the wait happens moves.
 * If the thread fails, what it held is rejected (those clients are told it was not saved) and the
 * store goes on on this thread.
 */
class SqliteThreadCollabStore implements CollabStore {
	readonly engine = 'sqlite' as const;
	readonly commitsInTurn = false;
	readonly ready: Promise<void>;
	private readonly here: SqliteCollabStore;
	private worker: Worker | null;
	private next = 1;
	private readonly waiting = new Map<number, { resolve: (a: CommitThreadAnswer & { ok: true }) => void; reject: (err: Error) => void }>();
	private readonly asked = new Set<Promise<unknown>>();
	private closing = false;

	constructor(db: Db, file: string) {
		this.here = new SqliteCollabStore(db);
		const worker = new Worker(new URL('./collab-commit-thread.ts', import.meta.url), { workerData: { file } });
		this.worker = worker;
		// Answer 0: the thread has opened the file (about a second of loading on a busy machine). Commits asked
		// before then wait for it; the server waits for it before it says it is running. Never rejects: a
		// thread that fails to start leaves the store committing here.
		this.ready = new Promise<void>((resolve) => {
			this.waiting.set(0, { resolve: () => resolve(), reject: () => resolve() });
			worker.ref();
		}).then(() => {
			if (this.asked.size === 0 && !this.closing) worker.unref();
		});
		// Idle, the thread does not keep the process alive (ask() references it while it holds something).
		worker.unref();
		worker.on('message', (answer: CommitThreadAnswer) => {
			const w = this.waiting.get(answer.n);
			if (!w) return;
			this.waiting.delete(answer.n);
			if (answer.ok) w.resolve(answer);
			else w.reject(new Error(answer.message));
		});
		const failed = (err: unknown) => {
			if (this.worker !== worker) return;
			this.worker = null;
			console.error('collab: the commit thread failed; committing on the main thread from now on', err);
			for (const w of this.waiting.values()) w.reject(err instanceof Error ? err : new Error(String(err)));
			this.waiting.clear();
		};
		worker.on('error', failed);
		worker.on('exit', (code) => failed(new Error(`the commit thread exited with ${code}`)));
	}

	private ask(request: DistributiveOmit<CommitThreadRequest, 'n'>): Promise<CommitThreadAnswer & { ok: true }> | null {
		if (!this.worker) return null;
		const n = this.next++;
		const worker = this.worker;
		const asked = new Promise<CommitThreadAnswer & { ok: true }>((resolve, reject) => {
			this.waiting.set(n, { resolve, reject });
			worker.postMessage({ ...request, n });
		});
		// While the thread holds something, it keeps the process alive: an unreferenced worker does not, and
		// a shutdown awaiting its last commit would otherwise end with the event loop empty, before the commit
		// (and everything after it: the audit's last summaries, closing the database) had happened.
		if (this.asked.size === 0) worker.ref();
		this.asked.add(asked);
		const settled = () => {
			this.asked.delete(asked);
			if (this.asked.size === 0 && !this.closing) worker.unref();
		};
		asked.then(settled, settled);
		return asked;
	}

	commit(rows: { docId: string; update: Uint8Array }[], compactions: Compaction[], now: number, onFailed: (c: Compaction, err: unknown) => void) {
		// Only what the thread needs (the log's rows also carry their callers' promises).
		const asked = this.ask({ op: 'commit', rows: rows.map((r) => ({ docId: r.docId, update: r.update })), compactions, now });
		if (!asked) return this.here.commit(rows, compactions, now, onFailed);
		return asked.then((answer) => {
			for (const f of answer.failed ?? []) onFailed(compactions[f.index], new Error(f.message));
			return { ids: answer.ids ?? [], snapshotted: (answer.snapshotted ?? []).map((i) => compactions[i]) };
		});
	}

	load(docId: string): StoredDocument {
		return this.here.load(docId);
	}

	compactNow(c: Compaction, now: number): MaybePromise<void> {
		const asked = this.ask({ op: 'compactNow', compaction: c, now });
		return asked ? asked.then(() => undefined) : this.here.compactNow(c, now);
	}

	trim(docId: string, throughId: number): MaybePromise<void> {
		const asked = this.ask({ op: 'trim', docId, throughId });
		return asked ? asked.then(() => undefined) : this.here.trim(docId, throughId);
	}

	clientIdOwners(docId: string): Map<number, string> {
		return this.here.clientIdOwners(docId);
	}

	claimClientId(docId: string, clientId: number, owner: string, now: number): string {
		return this.here.claimClientId(docId, clientId, owner, now);
	}

	/** Waits for what the thread holds, then ends it (its connection closes with it). */
	async close(): Promise<void> {
		const worker = this.worker;
		if (!worker) return;
		await Promise.allSettled(this.asked);
		// Referenced until it has ended, so that the process waits for it (see ask()).
		this.closing = true;
		worker.ref();
		const exited = new Promise((resolve) => worker.once('exit', resolve));
		await this.ask({ op: 'close' })?.catch(() => undefined);
		this.worker = null;
		await exited;
	}
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

// ---- PostgreSQL -----------------------------------------------------------------------------------------

type PgTables = typeof pgSchema;
type PgTx = Parameters<Parameters<ReturnType<typeof pgPoolHandle>['transaction']>[0]>[0];

class PgCollabStore implements CollabStore {
	readonly engine = 'pg' as const;
	readonly commitsInTurn = false;
	readonly ready = Promise.resolve();
	private readonly pg;
	private readonly t: PgTables;

	constructor(db: Db) {
		this.pg = pgPoolHandle(db);
		this.t = tablesOf(db) as unknown as PgTables;
	}

	commit(rows: { docId: string; update: Uint8Array }[], compactions: Compaction[], now: number, onFailed: (c: Compaction, err: unknown) => void) {
		const { collabUpdates: updates } = this.t;
		return this.pg.transaction(async (tx) => {
			const snapshotted: Compaction[] = [];
			let ids: number[] = [];
			if (rows.length > 0) {
				await tx.execute(sql`select pg_advisory_xact_lock(${COLLAB_LOG_LOCK})`);
				// One statement for the batch; PostgreSQL returns the rows of a multi-row VALUES in its order.
				const inserted = await tx
					.insert(updates)
					.values(rows.map((r) => ({ docId: r.docId, update: Buffer.from(r.update), createdAt: now })))
					.returning({ id: updates.id });
				ids = inserted.map((r) => r.id);
			}
			for (const c of compactions) {
				try {
					await tx.transaction((sp) => this.snapshot(sp, c, now));
					snapshotted.push(c);
				} catch (err) {
					onFailed(c, err);
				}
			}
			return { ids, snapshotted };
		});
	}

	load(docId: string): Promise<StoredDocument> {
		const { collabUpdates: updates, collabSnapshots: snapshots } = this.t;
		// One snapshot of the database for both reads: a compaction committed in between (another instance)
		// could otherwise trim rows after the snapshot read here.
		return this.pg.transaction(
			async (tx) => {
				const [snap] = await tx.select({ state: snapshots.state, through: snapshots.throughUpdateId }).from(snapshots).where(eq(snapshots.docId, docId));
				const rows = await tx
					.select({ id: updates.id, update: updates.update })
					.from(updates)
					.where(and(eq(updates.docId, docId), gt(updates.id, snap?.through ?? 0)))
					.orderBy(updates.id);
				return { snapshot: snap ? new Uint8Array(snap.state) : null, updates: rows.map((r) => ({ id: r.id, update: new Uint8Array(r.update) })) };
			},
			{ isolationLevel: 'repeatable read', accessMode: 'read only' }
		);
	}

	async compactNow(c: Compaction, now: number): Promise<void> {
		await this.pg.transaction(async (tx) => {
			await this.snapshot(tx, c, now);
			await this.trimIn(tx, c.docId, c.throughId);
		});
	}

	async trim(docId: string, throughId: number): Promise<void> {
		await this.trimIn(this.pg as unknown as PgTx, docId, throughId);
	}

	async clientIdOwners(docId: string): Promise<Map<number, string>> {
		const { collabClientIds: ids } = this.t;
		const rows = await this.pg.select({ clientId: ids.clientId, owner: ids.owner }).from(ids).where(eq(ids.docId, docId));
		return new Map(rows.map((r) => [r.clientId, r.owner]));
	}

	async claimClientId(docId: string, clientId: number, owner: string, now: number): Promise<string> {
		const { collabClientIds: ids } = this.t;
		// The primary key decides between two instances claiming at once; the loser reads the winner.
		const [won] = await this.pg.insert(ids).values({ docId, clientId, owner, claimedAt: now }).onConflictDoNothing().returning({ owner: ids.owner });
		if (won) return won.owner;
		const [held] = await this.pg.select({ owner: ids.owner }).from(ids).where(and(eq(ids.docId, docId), eq(ids.clientId, clientId)));
		return held.owner;
	}

	private async snapshot(tx: PgTx, { docId, state, throughId }: Compaction, now: number): Promise<void> {
		const { collabSnapshots: snapshots } = this.t;
		await tx
			.insert(snapshots)
			.values({ docId, state: Buffer.from(state), throughUpdateId: throughId, updatedAt: now })
			.onConflictDoUpdate({ target: snapshots.docId, set: { state: Buffer.from(state), throughUpdateId: throughId, updatedAt: now }, setWhere: lt(snapshots.throughUpdateId, throughId) });
	}

	private async trimIn(tx: PgTx, docId: string, throughId: number): Promise<void> {
		const { collabUpdates: updates, collabSnapshots: snapshots } = this.t;
		const stored = sql`(select ${snapshots.throughUpdateId} from ${snapshots} where ${snapshots.docId} = ${docId})`;
		await tx.delete(updates).where(and(eq(updates.docId, docId), lte(updates.id, throughId), lte(updates.id, stored)));
	}

	close(): Promise<void> {
		return Promise.resolve();
	}
}
