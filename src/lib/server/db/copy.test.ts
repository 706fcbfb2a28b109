import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { count } from 'drizzle-orm';
import { closeDatabase, first, migrateDatabase, openPostgres, tablesOf, type Db } from './index';
import { copyToPostgres, tablesInCopyOrder } from './copy';
import { testDatabase } from '../../../../tests/support/db';
import { createTestDatabase } from '../../../../tests/support/postgres';
import { seedDemo } from '../services/seed';
import { verifyAuditChain, writeAudit } from '../audit';
import { UpdateLog } from '../collab/update-log';
import { loadStoredDocument } from '../collab/stored';
import * as Y from 'yjs';

// npm run db:copy-to-postgres: an agency's SQLite file moved into an empty PostgreSQL database, every row as
// it was (the audit chain still verifies, a shared document loads the same), and PostgreSQL then goes on
// from there (new audit entries and updates get ids after the copied ones).

const postgresUrl = inject('postgresUrl');

describe('the copy order', () => {
	it('puts every table after the tables it refers to', () => {
		const order = tablesInCopyOrder();
		expect(order.indexOf('agencies')).toBeLessThan(order.indexOf('users'));
		expect(order.indexOf('cases')).toBeLessThan(order.indexOf('casePeople'));
		expect(order.indexOf('invites')).toBeLessThan(order.indexOf('signInCodes'));
		expect(order).toContain('collabUpdates');
		expect(new Set(order).size).toBe(order.length);
	});
});

describe.skipIf(!postgresUrl)('copying a SQLite database into PostgreSQL', () => {
	let created: Awaited<ReturnType<typeof createTestDatabase>>;
	let sqlite: Db;
	let pg: Db;
	beforeAll(async () => {
		created = await createTestDatabase(postgresUrl!);
		pg = openPostgres(created.url);
		await migrateDatabase(pg);
		sqlite = testDatabase();
		await seedDemo(sqlite);
		const staff = { kind: 'staff', userId: 'u1', role: 'caseworker', agencyId: 'a' } as const;
		for (let i = 0; i < 5; i++) await writeAudit(sqlite, { actor: staff as never, action: `test.${i}`, resourceType: 'agency', outcome: 'allowed' });
		const log = new UpdateLog(sqlite);
		const doc = new Y.Doc();
		doc.getText('t').insert(0, 'moved');
		await log.append('meeting:moved', Y.encodeStateAsUpdate(doc));
	});
	afterAll(async () => {
		await closeDatabase(pg);
		await created?.drop();
	});

	it('copies every row, keeps the audit chain and the documents, and PostgreSQL goes on from the copied ids', async () => {
		const copied = await copyToPostgres(sqlite, pg);
		for (const name of tablesInCopyOrder()) {
			type AnyTable = (typeof tablesOf extends (db: Db) => infer T ? T : never)['users'];
			const table = (tablesOf(pg) as unknown as Record<string, AnyTable>)[name];
			const sourceTable = (tablesOf(sqlite) as unknown as Record<string, AnyTable>)[name];
			const [a, b] = await Promise.all([first(sqlite.select({ n: count() }).from(sourceTable)), first(pg.select({ n: count() }).from(table))]);
			expect([name, Number(b?.n)]).toEqual([name, a?.n]);
			expect(copied[name]).toBe(a?.n);
		}
		expect(copied.users).toBeGreaterThan(0);
		expect(copied.auditEvents).toBeGreaterThanOrEqual(5);
		expect(await verifyAuditChain(pg)).toBeNull();
		expect((await loadStoredDocument(pg, 'meeting:moved')).getText('t').toString()).toBe('moved');
		// New rows continue the identities and the chain.
		await writeAudit(pg, { actor: { kind: 'anonymous' } as never, action: 'after.copy', resourceType: 'agency', outcome: 'allowed' });
		expect(await verifyAuditChain(pg)).toBeNull();
		const { collabUpdates } = tablesOf(sqlite);
		const copiedIds = (await sqlite.select({ id: collabUpdates.id }).from(collabUpdates)).map((r) => r.id);
		const id = await new UpdateLog(pg).append('meeting:moved', new Uint8Array([0, 0]));
		expect(id).toBeGreaterThan(Math.max(...copiedIds));
	});

	it('refuses a database that is not empty, writing nothing', async () => {
		await expect(copyToPostgres(sqlite, pg)).rejects.toThrow('not empty');
	});
});
