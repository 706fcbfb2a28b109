import { afterEach, describe, expect, it, vi } from 'vitest';
import { eq } from 'drizzle-orm';
import { testDatabase } from '../../../../tests/support/db';
import { collabUpdates } from '../db/schema';
import { UpdateLog, type StoredDocument } from './update-log';
import type { Db } from '../db/index';

const tick = () => new Promise((r) => setImmediate(r));
const bytes = (...b: number[]) => new Uint8Array(b);

function rowsOf(db: Db, docId: string): number[] {
	return db
		.select({ id: collabUpdates.id })
		.from(collabUpdates)
		.where(eq(collabUpdates.docId, docId))
		.all()
		.map((r) => r.id);
}

function busyFor(ms: number): void {
	const until = performance.now() + ms;
	while (performance.now() < until) {
		/* a long event-loop turn */
	}
}

afterEach(() => vi.restoreAllMocks());

describe('the update log', () => {
	it('commits the updates of one turn in one transaction, and resolves each only after it', async () => {
		const db = testDatabase();
		const log = new UpdateLog(db);
		const transactions = vi.spyOn(db, 'transaction');
		const resolved: number[] = [];
		const all = [1, 2, 3, 4, 5].map((n) => log.append('meeting:a', bytes(n)).then((id) => (resolved.push(id), id)));
		expect(resolved).toEqual([]);
		expect(rowsOf(db, 'meeting:a')).toEqual([]);
		const ids = await Promise.all(all);
		expect(transactions).toHaveBeenCalledTimes(1);
		expect(rowsOf(db, 'meeting:a')).toEqual(ids);
		expect(ids).toEqual([...ids].sort((x, y) => x - y));
	});

	it('commits a batch that has waited maxBatchAgeMs at the next append, before a long turn ends', () => {
		const db = testDatabase();
		const log = new UpdateLog(db);
		log.maxBatchAgeMs = 2;
		void log.append('meeting:b', bytes(1));
		expect(rowsOf(db, 'meeting:b')).toHaveLength(0);
		busyFor(3);
		void log.append('meeting:b', bytes(2));
		// Still the same turn: both are committed already, without waiting for the turn to end.
		expect(rowsOf(db, 'meeting:b')).toHaveLength(2);
		expect(log.pending).toBe(0);
	});

	it('does not commit early while the batch is young', () => {
		const db = testDatabase();
		const log = new UpdateLog(db);
		log.maxBatchAgeMs = 1000;
		void log.append('meeting:c', bytes(1));
		void log.append('meeting:c', bytes(2));
		expect(rowsOf(db, 'meeting:c')).toHaveLength(0);
		expect(log.pending).toBe(2);
	});

	it('committed() waits for what was appended before it', async () => {
		const log = new UpdateLog(testDatabase());
		expect(await Promise.race([log.committed().then(() => 'now'), tick().then(() => 'later')])).toBe('now');
		let stored = false;
		void log.append('meeting:d', bytes(1)).then(() => (stored = true));
		await log.committed();
		expect(stored).toBe(true);
	});

	it('writes a compaction with a later commit, never loads a row at or before the snapshot, and deletes those rows later', async () => {
		const db = testDatabase();
		const log = new UpdateLog(db);
		log.trimEveryMs = 5;
		const ids: number[] = [];
		for (let i = 0; i < 6; i++) ids.push(await log.append('plan:p', bytes(i)));
		const through = ids[3];
		log.compact('plan:p', bytes(9, 9), through);
		// Queued: nothing changed yet.
		expect((await log.load('plan:p')).snapshot).toBeNull();
		await tick();
		const loaded = await log.load('plan:p');
		expect(loaded.snapshot).toEqual(bytes(9, 9));
		expect(loaded.updates.map((u) => u.id)).toEqual(ids.slice(4));
		// The replaced rows are still in the table until the trim runs…
		expect(rowsOf(db, 'plan:p')).toEqual(ids);
		await vi.waitFor(() => expect(rowsOf(db, 'plan:p')).toEqual(ids.slice(4)), { timeout: 1000, interval: 5 });
		// …and what loads is unchanged by it.
		expect((await log.load('plan:p')).updates.map((u) => u.id)).toEqual(ids.slice(4));
	});

	it('carries at most compactionsPerCommit snapshots in one commit, and the rest in the next turns', async () => {
		const db = testDatabase();
		const log = new UpdateLog(db);
		log.compactionsPerCommit = 4;
		const ids: number[] = [];
		for (let d = 0; d < 10; d++) ids.push(await log.append(`meeting:${d}`, bytes(d)));
		const snapshots = () => Array.from({ length: 10 }, (_, d) => (log.load(`meeting:${d}`) as StoredDocument).snapshot).filter(Boolean).length;
		for (let d = 0; d < 10; d++) log.compact(`meeting:${d}`, bytes(d, d), ids[d]);
		expect(snapshots()).toBe(0);
		await tick();
		expect(snapshots()).toBe(4);
		await tick();
		expect(snapshots()).toBe(8);
		await tick();
		expect(snapshots()).toBe(10);
	});

	it('compacts at once, in a transaction of its own, when compactionsPerCommit is 0', async () => {
		const db = testDatabase();
		const log = new UpdateLog(db);
		log.compactionsPerCommit = 0; // compact at once, in its own transaction
		const ids: number[] = [];
		for (let i = 0; i < 4; i++) ids.push(await log.append('meeting:t', bytes(i)));
		log.compact('meeting:t', bytes(7), ids[1]);
		expect(rowsOf(db, 'meeting:t')).toEqual(ids.slice(2));
		expect((await log.load('meeting:t')).updates.map((u) => u.id)).toEqual(ids.slice(2));
	});
});
