import * as Y from 'yjs';
import { and, eq, gt, sql } from 'drizzle-orm';
import { first, tablesOf, type Db } from '../db/index.ts';
import { applyStored, UpdateLog } from './update-log.ts';

// The one way to read a shared document without a room: what is committed (the compacted state, then the
// log after it, in order), never a room's memory, so a page, a summary or a version hash shows exactly
// what every socket would be sent. Read-only: nothing here writes.

const readers = new WeakMap<Db, UpdateLog>();

/**
 * The committed state of `docId` as a new Y.Doc (empty when nothing is stored). An unreadable row is
 * skipped and reported (applyStored). The caller destroys the doc when done.
 */
export async function loadStoredDocument(db: Db, docId: string): Promise<Y.Doc> {
	let log = readers.get(db);
	if (!log) readers.set(db, (log = new UpdateLog(db)));
	return applyStored(new Y.Doc(), docId, await log.load(docId));
}

/**
 * What identifies the stored state of `docId` (it changes with every committed update and compaction),
 * and about how many bytes it takes stored (the snapshot plus the log after it).
 */
export async function storedVersion(db: Db, docId: string): Promise<{ version: string; bytes: number }> {
	const { collabSnapshots, collabUpdates } = tablesOf(db);
	const snap = await first(
		db
			.select({ through: collabSnapshots.throughUpdateId, updatedAt: collabSnapshots.updatedAt, bytes: sql<number>`length(${collabSnapshots.state})` })
			.from(collabSnapshots)
			.where(eq(collabSnapshots.docId, docId))
	);
	const after = snap?.through ?? 0;
	const log = await first(
		db
			.select({ last: sql<number | null>`max(${collabUpdates.id})`, bytes: sql<number>`coalesce(sum(length(${collabUpdates.update})), 0)` })
			.from(collabUpdates)
			.where(and(eq(collabUpdates.docId, docId), gt(collabUpdates.id, after)))
	);
	// PostgreSQL answers max(bigint) and sum() as strings (64-bit and numeric): read them as numbers.
	const last = log?.last == null ? 0 : Number(log.last);
	return { version: `${snap?.updatedAt ?? 0}:${after}:${last}`, bytes: Number(snap?.bytes ?? 0) + Number(log?.bytes ?? 0) };
}
