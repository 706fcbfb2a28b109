import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { testDatabase } from '../../../tests/support/db';
import { verifyAuditChain, writeAudit } from './audit';

describe('audit trail', () => {
	it('chains every row to the one before it', () => {
		const db = testDatabase();
		for (let i = 0; i < 5; i++) writeAudit(db, { actor: { kind: 'anonymous' }, action: 'case.view', resourceType: 'case', resourceId: `c${i}`, outcome: 'denied' });
		expect(verifyAuditChain(db)).toBeNull();
	});

	it('refuses UPDATE and DELETE in the database itself', () => {
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

	it('notices a row changed behind its back', () => {
		const db = testDatabase();
		for (let i = 0; i < 3; i++) writeAudit(db, { actor: { kind: 'anonymous' }, action: 'x', resourceType: 'case', outcome: 'allowed' });
		db.run(sql`DROP TRIGGER audit_events_no_update`);
		db.run(sql`UPDATE audit_events SET outcome = 'denied' WHERE seq = 2`);
		expect(verifyAuditChain(db)).toBe(2);
	});
});
