import { describe, expect, it, vi } from 'vitest';
import { sql } from 'drizzle-orm';
import { testDatabase } from '../../../tests/support/db';
import { eq } from 'drizzle-orm';
import { auditEvents } from './db/schema';
import { admitAnonymous, answerAnonymous, flushAnonymousRefusals, resetAnonymousRefusals, verifyAuditChain, writeAudit } from './audit';
import { DEFAULT_ANONYMOUS_REFUSAL_POLICY } from './anonymous-refusals';

describe('audit trail', () => {
	it('chains every row to the one before it', async () => {
		const db = testDatabase();
		for (let i = 0; i < 5; i++) await writeAudit(db, { actor: { kind: 'anonymous' }, action: 'case.view', resourceType: 'case', resourceId: `c${i}`, outcome: 'denied' });
		expect(await verifyAuditChain(db)).toBeNull();
	});

	it('refuses UPDATE and DELETE in the database itself', async () => {
		const db = testDatabase();
		writeAudit(db, { actor: { kind: 'anonymous' }, action: 'auth.sign-in', resourceType: 'session', outcome: 'denied' });
		const failure = (run: () => unknown) => {
			try {
				run();
				return 'no error';
			} catch (err) {
				return String((err as Error).cause ?? err);
			}
		};
		expect(failure(() => db.run(sql`UPDATE audit_events SET outcome = 'allowed'`))).toMatch(/append-only/);
		expect(failure(() => db.run(sql`DELETE FROM audit_events`))).toMatch(/append-only/);
	});

	it('notices a row changed behind its back', async () => {
		const db = testDatabase();
		for (let i = 0; i < 3; i++) writeAudit(db, { actor: { kind: 'anonymous' }, action: 'x', resourceType: 'case', outcome: 'allowed' });
		db.run(sql`DROP TRIGGER audit_events_no_update`);
		db.run(sql`UPDATE audit_events SET outcome = 'denied' WHERE seq = 2`);
		expect(await verifyAuditChain(db)).toBe(2);
	});

	it('keeps the record of a flood of anonymous refusals in a few entries, with the chain intact', async () => {
		const db = testDatabase();
		resetAnonymousRefusals({ windowMs: 60_000, rowsPerAddress: 10, rowsInAll: 300, limitPerAddress: 60 });
		try {
			const t0 = Date.UTC(2026, 4, 10, 15, 0);
			for (let i = 0; i < 100; i++) {
				writeAudit(db, { actor: { kind: 'anonymous' }, action: 'meeting.view', resourceType: 'meeting', resourceId: `made-up-${i}`, outcome: 'denied', clientAddress: '203.0.113.5', detail: { why: 'not-found' }, at: t0 + i * 100 });
			}
			// A signed-in person's refusal is always its own entry.
			writeAudit(db, { actor: { kind: 'staff', userId: 'u', role: 'caseworker', assignments: new Map() }, action: 'case.view', resourceType: 'case', outcome: 'denied', clientAddress: '203.0.113.5', at: t0 + 10_001 });
			expect(db.select().from(auditEvents).all()).toHaveLength(11);
			// The first refusal of the next window writes the last window's summary first.
			writeAudit(db, { actor: { kind: 'anonymous' }, action: 'meeting.view', resourceType: 'meeting', outcome: 'denied', clientAddress: '203.0.113.5', at: t0 + 60_000 });
			const rows = db.select().from(auditEvents).where(eq(auditEvents.actorKind, 'anonymous')).all();
			expect(rows).toHaveLength(12);
			const summary = rows.find((r) => r.detail?.includes('"summary":true'));
			expect(summary).toMatchObject({ action: 'meeting.view', outcome: 'denied', clientAddress: '203.0.113.5', at: t0 + 9900 });
			expect(JSON.parse(summary!.detail!)).toEqual({ why: 'not-found', summary: true, count: 90, first: new Date(t0 + 1000).toISOString(), last: new Date(t0 + 9900).toISOString() });
			expect(await verifyAuditChain(db)).toBeNull();
		} finally {
			resetAnonymousRefusals(DEFAULT_ANONYMOUS_REFUSAL_POLICY);
		}
	});

	it('writes what is still counted when asked at shutdown', async () => {
		const db = testDatabase();
		resetAnonymousRefusals({ windowMs: 60_000, rowsPerAddress: 1, rowsInAll: 300, limitPerAddress: 60 });
		try {
			for (let i = 0; i < 5; i++) writeAudit(db, { actor: { kind: 'anonymous' }, action: 'invite.open', resourceType: 'invite', outcome: 'denied', clientAddress: '198.51.100.7', detail: { why: 'throttled' } });
			expect(db.select().from(auditEvents).all()).toHaveLength(1);
			await flushAnonymousRefusals(db);
			const rows = db.select().from(auditEvents).all();
			expect(rows).toHaveLength(2);
			expect(JSON.parse(rows[1].detail!)).toMatchObject({ why: 'throttled', summary: true, count: 4 });
			expect(await verifyAuditChain(db)).toBeNull();
		} finally {
			resetAnonymousRefusals(DEFAULT_ANONYMOUS_REFUSAL_POLICY);
		}
	});

	it('counts a request answerAnonymous is answering once: its first refusal ends its being answered, in the same step', async () => {
		const db = testDatabase();
		resetAnonymousRefusals({ windowMs: 60_000, rowsPerAddress: 10, rowsInAll: 300, limitPerAddress: 3 });
		try {
			const at = Date.UTC(2026, 4, 10, 15, 0, 1);
			const address = '203.0.113.9';
			const refused = (action = 'meeting.view') => writeAudit(db, { actor: { kind: 'anonymous' }, action, resourceType: 'meeting', outcome: 'denied', clientAddress: address, detail: { why: 'not-found' }, at });
			expect([await admitAnonymous(address, at), await admitAnonymous(address, at)]).toEqual([true, true]);
			const answer = await answerAnonymous(address, at, async () => {
				await refused();
				// One refusal and one other request being answered: a third request fits, a fourth does not.
				expect(await admitAnonymous(address, at)).toBe(true);
				expect(await admitAnonymous(address, at)).toBe(false);
				// A second refusal of the same request counts as a refusal only.
				await refused('invite.open');
				return 'answered';
			});
			expect(answer).toBe('answered');
			// Answered: nothing more is released (two refusals, two requests still being answered).
			expect(await admitAnonymous(address, at)).toBe(false);
			// The other two, answered without a refusal, free their places when they settle, even by throwing.
			await expect(answerAnonymous(address, at, async () => Promise.reject(new Error('route failed')))).rejects.toThrow('route failed');
			expect(await answerAnonymous(address, at, async () => 'no refusal')).toBe('no refusal');
			expect([await admitAnonymous(address, at), await admitAnonymous(address, at)]).toEqual([true, false]);
		} finally {
			resetAnonymousRefusals(DEFAULT_ANONYMOUS_REFUSAL_POLICY);
		}
	});

	it('writes a summary soon after its minute ends, even when nothing else happens', async () => {
		vi.useFakeTimers({ now: Date.UTC(2026, 4, 10, 15, 0, 5) });
		const db = testDatabase();
		resetAnonymousRefusals({ windowMs: 60_000, rowsPerAddress: 2, rowsInAll: 300, limitPerAddress: 60 });
		try {
			for (let i = 0; i < 6; i++) writeAudit(db, { actor: { kind: 'anonymous' }, action: 'meeting.view', resourceType: 'meeting', outcome: 'denied', clientAddress: '192.0.2.8' });
			expect(db.select().from(auditEvents).all()).toHaveLength(2);
			vi.advanceTimersByTime(50_000);
			expect(db.select().from(auditEvents).all()).toHaveLength(2);
			vi.advanceTimersByTime(15_000);
			const rows = db.select().from(auditEvents).all();
			expect(rows).toHaveLength(3);
			expect(JSON.parse(rows[2].detail!)).toMatchObject({ summary: true, count: 4 });
		} finally {
			resetAnonymousRefusals(DEFAULT_ANONYMOUS_REFUSAL_POLICY);
			vi.useRealTimers();
		}
	});
});
