import { beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { testContext, testDatabase } from '../../../../tests/support/db';
import type { Db } from '../db/index.ts';
import { auditEvents } from '../db/schema.ts';
import { RULES } from '../auth/throttle.ts';
import { DEMO_PASSWORD, seedDemo } from './seed.ts';
import { signIn } from './auth.ts';

let db: Db;

beforeAll(async () => {
	db = testDatabase();
	await seedDemo(db);
});

const meta = { userAgent: null, throttled: true };
const from = (clientAddress: string) => testContext(db, { kind: 'anonymous' }, { clientAddress });

describe('signIn under a burst of guesses', () => {
	it('checks no more of 151 guesses sent at once than it would one by one, and refuses the right one among them', async () => {
		const right = 10;
		const burst = Array.from({ length: 151 }, (_, i) =>
			signIn(from('203.0.113.50'), { email: 'supervisor@demo.test', password: i === right ? DEMO_PASSWORD : `wrong-${i}` }, meta)
		);
		const results = await Promise.all(burst);
		// Five free tries, and the one that starts the wait: the same six as one by one (RULES.accountAddress).
		expect(results.filter((r) => !(r.ok === false && r.reason === 'throttled'))).toHaveLength(RULES.accountAddress.free + 1);
		expect(results[right]).toMatchObject({ ok: false, reason: 'throttled' });
		const checked = db
			.select()
			.from(auditEvents)
			.where(and(eq(auditEvents.action, 'auth.sign-in'), eq(auditEvents.clientAddress, '203.0.113.50')))
			.all()
			.filter((r) => r.detail?.includes('bad-credentials'));
		expect(checked).toHaveLength(RULES.accountAddress.free + 1);
	});

	it('lets the real person in from their own address at once, and gives that try back', async () => {
		const result = await signIn(from('198.51.100.9'), { email: 'supervisor@demo.test', password: DEMO_PASSWORD }, meta);
		expect(result.ok).toBe(true);
	});
});
