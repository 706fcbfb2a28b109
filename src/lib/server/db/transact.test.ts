import { describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { testDatabase } from '../../../../tests/support/db';
import { agencies } from './schema';
import { exclusive, first, isTx, transact, type Db } from './index';

// One connection, many async callers: transactions take turns, and a writer outside a transaction never
// lands inside someone else's.

const name = async (db: Db) => (await first(db.select({ name: agencies.name }).from(agencies).where(eq(agencies.id, 'a'))))!.name;
/** A pause that lets every other caller run (a macrotask, not just a microtask): on purpose, it is what is tested. */
const pause = () => new Promise((resolve) => setTimeout(resolve, 5));

function withAgency(): Db {
	const db = testDatabase();
	db.insert(agencies).values({ id: 'a', name: '0', timeZone: 'UTC', createdAt: 0 }).run();
	return db;
}

describe('transact', () => {
	it('runs two read-then-write transactions whose statements would interleave one after the other: no update is lost', async () => {
		const db = withAgency();
		const order: string[] = [];
		const increment = (who: string) =>
			transact(db, async (tx) => {
				order.push(`${who} reads`);
				const seen = Number(await name(tx));
				await pause();
				await tx.update(agencies).set({ name: String(seen + 1) }).where(eq(agencies.id, 'a'));
				order.push(`${who} writes`);
			});
		await Promise.all([increment('first'), increment('second')]);
		expect(await name(db)).toBe('2');
		expect(order).toEqual(['first reads', 'first writes', 'second reads', 'second writes']);
	});

	it('rolls back everything a failing transaction wrote, and rethrows', async () => {
		const db = withAgency();
		await expect(
			transact(db, async (tx) => {
				await tx.update(agencies).set({ name: 'changed' }).where(eq(agencies.id, 'a'));
				throw new Error('no');
			})
		).rejects.toThrow('no');
		expect(await name(db)).toBe('0');
		expect(db.$client.inTransaction).toBe(false);
	});

	it('joins the open transaction when called inside one, with its tx or with the plain handle', async () => {
		const db = withAgency();
		await expect(
			transact(db, async (tx) => {
				expect(isTx(tx)).toBe(true);
				await transact(tx, (inner) => inner.update(agencies).set({ name: 'inner' }).where(eq(agencies.id, 'a')));
				// The plain handle from inside: the same transaction, not a wait for itself.
				await transact(db, (inner) => inner.update(agencies).set({ name: 'inner again' }).where(eq(agencies.id, 'a')));
				throw new Error('undo all of it');
			})
		).rejects.toThrow('undo all of it');
		expect(await name(db)).toBe('0');
	});

	it('keeps a synchronous writer outside the open transaction: it runs after the commit, and survives a rollback', async () => {
		const db = withAgency();
		const order: string[] = [];
		const open = transact(db, async (tx) => {
			await tx.update(agencies).set({ name: 'in transaction' }).where(eq(agencies.id, 'a'));
			await pause();
			order.push('transaction ends');
			throw new Error('rolled back');
		});
		// On purpose: a macrotask later, so the writer comes while the transaction is open.
		await new Promise((resolve) => setTimeout(resolve, 1));
		const outside = exclusive(db, () => {
			order.push('writer runs');
			db.insert(agencies).values({ id: 'b', name: 'outside', timeZone: 'UTC', createdAt: 0 }).run();
		});
		await expect(open).rejects.toThrow('rolled back');
		await outside;
		expect(order).toEqual(['transaction ends', 'writer runs']);
		expect(await name(db)).toBe('0');
		expect(db.select().from(agencies).all()).toHaveLength(2);
	});

	it('runs a writer at once when no transaction is open', () => {
		const db = withAgency();
		let ran = false;
		void exclusive(db, () => (ran = true));
		expect(ran).toBe(true);
		expect(db.get<{ n: number }>(sql`select count(*) as n from agencies`).n).toBe(1);
	});
});
