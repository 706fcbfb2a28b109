import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { testDatabase } from '../../../../tests/support/db.ts';
import { createSession } from '../auth/session.ts';
import { hashSecret } from '../auth/invite-secrets.ts';
import { casePeople, invites, jobs, sessions, signInCodes, users } from '../db/schema.ts';
import { seedDemo } from '../services/seed.ts';
import { JobRunner } from './runner.ts';
import { sweepExpired, SWEEP_EVERY_MS } from './sweeps.ts';

const HOUR = 3_600_000;
const START = Date.UTC(2026, 10, 3, 15, 0);

describe('the expiry sweep', () => {
	it('deletes ended sessions, long-expired sign-in codes and old finished jobs, and keeps what is live; then runs again 15 minutes on', async () => {
		const db = testDatabase();
		const seeded = await seedDemo(db, START - 48 * HOUR);
		const user = db.select().from(users).get()!;
		const person = db.select().from(casePeople).get()!;
		const now = START;

		// Sessions: one idle for 31 minutes, one 13 hours old though active a minute ago, one live.
		const session = async (createdAt: number, lastActiveAt: number) => {
			const { sessionId } = await createSession(db, { userId: user.id }, {}, createdAt);
			db.update(sessions).set({ lastActiveAt }).where(eq(sessions.id, sessionId)).run();
			return sessionId;
		};
		await session(now - 2 * HOUR, now - 31 * 60_000);
		await session(now - 13 * HOUR, now - 60_000);
		const live = await session(now - HOUR, now - 60_000);

		// Sign-in codes: one that ended two days ago, one that ended five minutes ago (it still counts
		// towards "3 an hour"), one still good.
		db.insert(invites)
			.values({ id: 'inv1', caseId: seeded!.caseId, personId: person.id, accessRole: person.role, locale: 'en', tokenHash: hashSecret('t'), shortCodeHash: hashSecret('s'), channel: 'sms', createdBy: user.id, createdAt: now - 72 * HOUR, expiresAt: now + HOUR })
			.run();
		const code = (id: string, expiresAt: number) => ({ id, inviteId: 'inv1', codeHash: hashSecret(id), createdAt: expiresAt - 10 * 60_000, expiresAt });
		db.insert(signInCodes).values([code('ended-long-ago', now - 48 * HOUR), code('ended-just-now', now - 5 * 60_000), code('good', now + 5 * 60_000)]).run();

		// Finished jobs: three weeks old and one day old.
		const finished = (id: string, doneAt: number) => ({ id, kind: 'message.send', payload: null, status: 'done' as const, runAt: doneAt, attempts: 1, maxAttempts: 30, createdAt: doneAt, doneAt });
		db.insert(jobs).values([finished('three-weeks', now - 21 * 24 * HOUR), finished('yesterday', now - 24 * HOUR)]).run();

		let time = now;
		const runner = new JobRunner({ db, jobs: [sweepExpired], clock: () => time, log: () => {} });
		runner.scheduleRecurring();
		expect(await runner.runDue()).toBe(1);

		expect(db.select({ id: sessions.id }).from(sessions).all().map((s) => s.id)).toEqual([live]);
		expect(db.select({ id: signInCodes.id }).from(signInCodes).all().map((c) => c.id).sort()).toEqual(['ended-just-now', 'good']);
		const left = db.select({ id: jobs.id, kind: jobs.kind, status: jobs.status, runAt: jobs.runAt }).from(jobs).all();
		expect(left.map((j) => j.id)).not.toContain('three-weeks');
		expect(left.map((j) => j.id)).toContain('yesterday');
		expect(left.filter((j) => j.status === 'pending')).toMatchObject([{ kind: 'sweep.expired', runAt: now + SWEEP_EVERY_MS }]);

		time = now + SWEEP_EVERY_MS;
		expect(await runner.runDue()).toBe(1);
		db.$client.close();
	});
});
