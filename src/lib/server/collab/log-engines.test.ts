import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import * as Y from 'yjs';
import { eq } from 'drizzle-orm';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeDatabase, migrateDatabase, openDatabase, openPostgres, tablesOf, type Db } from '../db/index';
import type { CollabStore } from '../db/collab-store';
import { createTestDatabase } from '../../../../tests/support/postgres';
import { UpdateLog } from './update-log';
import { ClientIdOwners } from './client-ids';
import { InProcessBus } from './bus';
import { Room, SERVER_OWNER } from './room';
import { connection, textEdit, updateMessage } from './room-test-kit';
import { loadStoredDocument, storedVersion } from './stored';

// The collab server's storage on both engines (db/collab-store.ts): the update log's group commit (one
// transaction per batch, every append resolved only once a second handle, another instance, can read its
// row), loading and compacting, the client ids' owners, and a room that loads and claims through them. On
// PostgreSQL each run has a database of its own (hearth_test_<random>), and a second pool plays the other
// instance.

const postgresUrl = inject('postgresUrl');
const bytes = (...b: number[]) => new Uint8Array(b);

type Engine = { name: 'sqlite' | 'pg'; db: Db; other: Db; close: () => Promise<void> };
type Label = 'sqlite' | 'sqlite, commit thread' | 'pg';

async function sqliteEngine(): Promise<Engine> {
	const dir = mkdtempSync(join(tmpdir(), 'hearth-log-engines-'));
	const db = openDatabase(join(dir, 'hearth.db'));
	await migrateDatabase(db);
	// A second connection to the file: it reads only what has committed.
	const other = openDatabase(join(dir, 'hearth.db'));
	return {
		name: 'sqlite',
		db,
		other,
		close: async () => {
			await closeDatabase(other);
			await closeDatabase(db);
			rmSync(dir, { recursive: true, force: true });
		}
	};
}

async function pgEngine(baseUrl: string): Promise<Engine> {
	const created = await createTestDatabase(baseUrl);
	const db = openPostgres(created.url);
	await migrateDatabase(db);
	const other = openPostgres(created.url);
	return {
		name: 'pg',
		db,
		other,
		close: async () => {
			await closeDatabase(other);
			await closeDatabase(db);
			await created.drop();
		}
	};
}

async function rowIds(db: Db, docId: string): Promise<number[]> {
	const { collabUpdates } = tablesOf(db);
	return (await db.select({ id: collabUpdates.id }).from(collabUpdates).where(eq(collabUpdates.docId, docId)).orderBy(collabUpdates.id)).map((r) => r.id);
}

const storeOf = (log: UpdateLog) => (log as unknown as { store: CollabStore }).store;

function logSuite(label: Label, start: () => Promise<Engine>) {
	describe(`the collab log on ${label}`, () => {
		let engine: Engine;
		const logs: UpdateLog[] = [];
		/** An update log on `db`, as the collab server opens it on this engine (its commit thread ended after). */
		const newLog = (db: Db) => {
			const log = new UpdateLog(db, { commitThread: label === 'sqlite, commit thread' });
			logs.push(log);
			return log;
		};
		beforeAll(async () => {
			engine = await start();
		});
		afterAll(async () => {
			for (const log of logs) await log.close();
			await engine?.close();
		});

		it('runs its commits where this engine should (on the commit thread: not in the caller\'s turn)', () => {
			expect(storeOf(newLog(engine.db)).commitsInTurn).toBe(label === 'sqlite');
		});

		it('commits the updates of one turn in one transaction, each resolved only once another handle reads its row', async () => {
			const log = newLog(engine.db);
			const commits = vi.spyOn(storeOf(log), 'commit');
			const seenByOther: boolean[] = [];
			const all = [1, 2, 3, 4, 5].map((n) =>
				log.append('meeting:turn', bytes(n)).then(async (id) => {
					seenByOther.push((await rowIds(engine.other, 'meeting:turn')).includes(id));
					return id;
				})
			);
			const ids = await Promise.all(all);
			expect(commits).toHaveBeenCalledTimes(1);
			expect(seenByOther).toEqual([true, true, true, true, true]);
			expect(ids).toEqual([...ids].sort((a, b) => a - b));
			expect(await rowIds(engine.db, 'meeting:turn')).toEqual(ids);
			const stored = await log.load('meeting:turn');
			expect(stored.snapshot).toBeNull();
			expect(stored.updates.map((u) => [...u.update])).toEqual([[1], [2], [3], [4], [5]]);
		});

		it('takes what arrives while a commit is on its way into the next one, and committed() waits for both', async () => {
			const log = newLog(engine.db);
			const first = log.append('meeting:flight', bytes(1));
			// The first commit starts at the end of this turn; on PostgreSQL it is then on the wire.
			await new Promise((r) => setImmediate(r));
			const second = log.append('meeting:flight', bytes(2));
			const third = log.append('meeting:flight', bytes(3));
			await log.committed();
			const ids = await Promise.all([first, second, third]);
			expect(await rowIds(engine.other, 'meeting:flight')).toEqual(ids);
			expect(log.pending).toBe(0);
		});

		it('compacts: loads the snapshot and the rows after it, and deletes the rows it replaces', async () => {
			const log = newLog(engine.db);
			log.trimEveryMs = 1;
			const ids: number[] = [];
			for (let n = 1; n <= 4; n++) ids.push(await log.append('plan:compact', bytes(n)));
			log.compact('plan:compact', bytes(9, 9), ids[1]);
			await log.flush();
			const loaded = await log.load('plan:compact');
			expect(loaded.snapshot).toEqual(bytes(9, 9));
			expect(loaded.updates.map((u) => u.id)).toEqual(ids.slice(2));
			await vi.waitFor(async () => expect(await rowIds(engine.db, 'plan:compact')).toEqual(ids.slice(2)));
			const version = await storedVersion(engine.db, 'plan:compact');
			expect(version.version).toMatch(new RegExp(`:${ids[1]}:${ids[3]}$`));
			expect(version.bytes).toBe(2 + 2);
		});

		it('never replaces a snapshot with an older one (another instance compacted further meanwhile)', async () => {
			const one = newLog(engine.db);
			const two = newLog(engine.other);
			one.trimEveryMs = two.trimEveryMs = 1;
			const ids: number[] = [];
			for (let n = 1; n <= 4; n++) ids.push(await one.append('plan:race', bytes(n)));
			// Instance two compacts through the 4th update; instance one, late, through the 2nd.
			two.compact('plan:race', bytes(8, 8), ids[3]);
			await two.flush();
			one.compact('plan:race', bytes(7), ids[1]);
			await one.flush();
			const loaded = await one.load('plan:race');
			expect(loaded.snapshot).toEqual(bytes(8, 8));
			expect(loaded.updates).toEqual([]);
			await vi.waitFor(async () => expect(await rowIds(engine.db, 'plan:race')).toEqual([]));
		});

		it('gives a client id to the first owner in a document, across two instances, for good', async () => {
			const one = new ClientIdOwners(engine.db, 'meeting:ids');
			const two = new ClientIdOwners(engine.other, 'meeting:ids');
			await Promise.all([one.ready, two.ready]);
			const [a, b] = await Promise.all([one.claim([7, 8], 'u:dana'), two.claim([8], 'p:rosa')]);
			// One of the two got id 8 (the primary key decided); the other was told whose it is.
			const winner = a.ok ? 'u:dana' : 'p:rosa';
			expect([a.ok, b.ok].filter(Boolean)).toHaveLength(1);
			expect(one.ownerOf(8) ?? winner).toBe(winner);
			const later = new ClientIdOwners(engine.db, 'meeting:ids');
			await later.ready;
			// Ids are claimed one by one: 7 was Dana's to take whoever won 8.
			expect(later.ownerOf(7)).toBe('u:dana');
			expect(later.ownerOf(8)).toBe(winner);
			expect(await later.claim([8], winner)).toEqual({ ok: true });
			expect(await later.claim([8], 'u:someone-else')).toEqual({ ok: false, clientId: 8 });
		});

		it('a room loads, takes an edit (claiming its client id first), acknowledges it once committed, and reloads it', async () => {
			const log = newLog(engine.db);
			const room = new Room('scratch:room', log, new InProcessBus(), 500, { owners: new ClientIdOwners(engine.db, 'scratch:room') });
			await room.ready;
			const a = connection(false, { owner: 'u:dana' });
			const b = connection(false, { owner: 'p:rosa' });
			room.join(a.conn);
			room.join(b.conn);
			const before = b.sent.length;
			const edit = textEdit('hello');
			const second = new Y.Doc();
			Y.applyUpdate(second, edit);
			second.getText('decision').insert(5, ' world');
			room.receive(a.conn, updateMessage(edit));
			// The next message of the same connection waits behind the claim (PostgreSQL) and keeps its order.
			room.receive(a.conn, updateMessage(Y.encodeStateAsUpdate(second, Y.encodeStateVectorFromUpdate(edit))));
			// Both acknowledged as saved, in order, once committed.
			// (The commit thread's first answer waits for the thread to start: about a second on a busy machine.)
			await vi.waitFor(() => expect(a.hearth.filter((m) => m.t === 'saved').reduce((n, m) => n + (m.t === 'saved' ? m.n : 0), 0)).toBe(2), { timeout: 5000 });
			expect(a.hearth.filter((m) => m.t === 'refused')).toEqual([]);
			expect(b.sent.length).toBeGreaterThan(before);
			expect(room.doc.getText('decision').toString()).toBe('hello world');
			await log.committed();
			room.destroy();
			const stored = await loadStoredDocument(engine.db, 'scratch:room');
			expect(stored.getText('decision').toString()).toBe('hello world');
			stored.destroy();
			// The writer's client id is hers now; the server's changes claim one of their own.
			const owners = new ClientIdOwners(engine.db, 'scratch:room');
			await owners.ready;
			const again = new Room('scratch:room', log, new InProcessBus(), 500, { owners });
			await again.ready;
			await again.transact((doc) => doc.getText('decision').insert(0, '» '));
			expect(owners.ownerOf(again.doc.clientID)).toBe(SERVER_OWNER);
			expect((await loadStoredDocument(engine.db, 'scratch:room')).getText('decision').toString()).toBe('» hello world');
			again.destroy();
		});

		it('refuses an edit under a client id someone else owns, even when claimed on the other instance', async () => {
			const log = newLog(engine.db);
			const edit = textEdit('mine');
			const clientId = Y.decodeUpdate(edit).structs[0].id.client;
			const elsewhere = new ClientIdOwners(engine.other, 'meeting:taken');
			await elsewhere.ready;
			const room = new Room('meeting:taken', log, new InProcessBus(), 500, { owners: new ClientIdOwners(engine.db, 'meeting:taken') });
			await room.ready;
			expect(await elsewhere.claim([clientId], 'u:dana')).toEqual({ ok: true });
			const rosa = connection(false, { owner: 'p:rosa' });
			room.join(rosa.conn);
			room.receive(rosa.conn, updateMessage(edit));
			await vi.waitFor(() => expect(rosa.closed).toHaveLength(1));
			expect(room.doc.getText('decision').toString()).toBe('');
			room.destroy();
		});
	});
}

logSuite('sqlite', sqliteEngine);
logSuite('sqlite, commit thread', sqliteEngine);
if (postgresUrl) logSuite('pg', () => pgEngine(postgresUrl));
else describe.skip('the collab log on pg (PostgreSQL does not answer: see the line printed above)', () => it('skipped', () => undefined));

describe('the commit thread', () => {
	it('keeps a process alive until what it holds is committed: a shutdown that only waits for it finishes, nothing lost', async () => {
		const engine = await sqliteEngine();
		const dir = mkdtempSync(join(tmpdir(), 'hearth-thread-exit-'));
		const file = engine.db.$client.name;
		const here = (m: string) => new URL(m, import.meta.url).pathname;
		// A process whose last work is an append on the thread, then flush and close: nothing else holds its
		// event loop (the thread is not referenced while idle). It must not end before the commit.
		writeFileSync(
			join(dir, 'last-work.ts'),
			`import { openDatabase } from ${JSON.stringify(here('../db/index.ts'))};
import { UpdateLog } from ${JSON.stringify(here('./update-log.ts'))};
import { writeFileSync } from 'node:fs';
const log = new UpdateLog(openDatabase(${JSON.stringify(file)}), { commitThread: true });
await log.ready;
const id = await log.append('meeting:last-work', new Uint8Array([4, 2]));
await log.flush();
await log.close();
writeFileSync(${JSON.stringify(join(dir, 'done'))}, String(id));
`
		);
		try {
			const code = await new Promise<number | null>((resolve) => spawn(process.execPath, [join(dir, 'last-work.ts')], { stdio: 'inherit' }).on('exit', resolve));
			expect(code).toBe(0);
			const id = Number(readFileSync(join(dir, 'done'), 'utf8'));
			expect(await rowIds(engine.other, 'meeting:last-work')).toEqual([id]);
		} finally {
			rmSync(dir, { recursive: true, force: true });
			await engine.close();
		}
	});


	it('rejects what it held (never acknowledged as saved), then commits on the main thread', async () => {
		const engine = await sqliteEngine();
		const log = new UpdateLog(engine.db, { commitThread: true });
		try {
			await log.append('meeting:thread', bytes(1));
			const worker = (storeOf(log) as unknown as { worker: { terminate(): Promise<number> } }).worker;
			const held = log.append('meeting:thread', bytes(2));
			// The thread ends before it answers (as if it crashed).
			void worker.terminate();
			await expect(held).rejects.toThrow();
			const id = await log.append('meeting:thread', bytes(3));
			expect(await rowIds(engine.other, 'meeting:thread')).toContain(id);
		} finally {
			await log.close();
			await engine.close();
		}
	});
});
