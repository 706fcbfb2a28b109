import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { testDatabase } from '../../../../tests/support/db';
import { agencies, sessions, users } from '../db/schema';
import { createSession, invalidateUserSessions, readCookie, readCookies, revalidateSession, sessionFromCookies, validateSessionToken } from './session';

const policy = { idleMs: 30 * 60_000, maxMs: 12 * 3_600_000 };

function withUser() {
	const db = testDatabase();
	db.insert(agencies).values({ id: 'agency', name: 'Test', timeZone: 'UTC', createdAt: 0 }).run();
	db.insert(users).values({ id: 'user1', agencyId: 'agency', email: 'a@demo.test', name: 'A', role: 'caseworker', passwordHash: 'x', createdAt: 0 }).run();
	return db;
}

describe('staff sessions', () => {
	it('stores only a hash of the secret, never the token', async () => {
		const db = withUser();
		const { token, sessionId } = await createSession(db, { userId: 'user1' }, {}, 0);
		const row = db.select().from(sessions).where(eq(sessions.id, sessionId)).get()!;
		const secret = token.split('.')[1];
		expect(JSON.stringify(row)).not.toContain(secret);
		expect(row.secretHash.length).toBe(32);
	});

	it('accepts the token and refuses a forged secret for the same id', async () => {
		const db = withUser();
		const { token } = await createSession(db, { userId: 'user1' }, {}, 0);
		const s = await validateSessionToken(db, token, policy, 1000);
		expect(s?.kind === 'staff' && s.user.id).toBe('user1');
		const [id] = token.split('.');
		expect(await validateSessionToken(db, `${id}.${'a'.repeat(32)}`, policy, 1000)).toBeNull();
		expect(await validateSessionToken(db, 'garbage', policy, 1000)).toBeNull();
		expect(await validateSessionToken(db, '', policy, 1000)).toBeNull();
	});

	it('ends after 30 idle minutes, and activity slides that window', async () => {
		const db = withUser();
		const { token } = await createSession(db, { userId: 'user1' }, {}, 0);
		expect(await validateSessionToken(db, token, policy, 25 * 60_000)).not.toBeNull(); // refreshes activity
		expect(await validateSessionToken(db, token, policy, 50 * 60_000)).not.toBeNull();
		expect(await validateSessionToken(db, token, policy, 50 * 60_000 + policy.idleMs)).toBeNull();
		// ...and an ended session is gone for good.
		expect(await validateSessionToken(db, token, policy, 51 * 60_000)).toBeNull();
	});

	it('ends after 12 hours however active the person is', async () => {
		const db = withUser();
		const { token } = await createSession(db, { userId: 'user1' }, {}, 0);
		for (let t = 20 * 60_000; t < policy.maxMs; t += 20 * 60_000) expect(await validateSessionToken(db, token, policy, t)).not.toBeNull();
		expect(await validateSessionToken(db, token, policy, policy.maxMs)).toBeNull();
	});

	it('refuses a disabled account at once, and can end all of a person’s sessions', async () => {
		const db = withUser();
		const a = await createSession(db, { userId: 'user1' }, {}, 0);
		const b = await createSession(db, { userId: 'user1' }, {}, 0);
		const c = await createSession(db, { userId: 'user1' }, {}, 0);
		db.update(users).set({ disabledAt: 1 }).where(eq(users.id, 'user1')).run();
		expect(await validateSessionToken(db, a.token, policy, 10)).toBeNull();
		expect(await revalidateSession(db, b.sessionId, policy, false, 10)).toBeNull();
		// Refused sessions are deleted on sight; the rest go with invalidateUserSessions.
		expect(await invalidateUserSessions(db, 'user1')).toEqual([c.sessionId]);
		expect(db.select().from(sessions).all()).toEqual([]);
	});

	it('reads every value of a cookie, in order, at most four; a bad encoding is skipped', () => {
		expect(readCookies('hearth_session=a.1; x=2; hearth_session=b.2', 'hearth_session')).toEqual(['a.1', 'b.2']);
		expect(readCookies('hearth_session=%E0%A4%A; hearth_session=b.2', 'hearth_session')).toEqual(['b.2']);
		expect(readCookies('a=1;a=2;a=3;a=4;a=5', 'a')).toEqual(['1', '2', '3', '4']);
		expect(readCookies(undefined, 'a')).toEqual([]);
	});

	it('a stale session cookie sent before the valid one does not sign the person out (issue 17)', async () => {
		const db = withUser();
		const good = await createSession(db, { userId: 'user1' }, {}, 0);
		const found = await sessionFromCookies(db, `hearth_session=stale.token; hearth_session=${good.token}`, policy, 10);
		expect(found?.token).toBe(good.token);
		expect(found?.session.sessionId).toBe(good.sessionId);
		expect(await sessionFromCookies(db, 'hearth_session=stale.token; hearth_session=other.bad', policy, 10)).toBeNull();
		expect(await sessionFromCookies(db, null, policy, 10)).toBeNull();
	});

	it('reads one cookie from a header', async () => {
		expect(readCookie('a=1; hearth_session=x.y; b=2', 'hearth_session')).toBe('x.y');
		expect(readCookie('hearth_sessionx=1', 'hearth_session')).toBeUndefined();
		expect(readCookie(undefined, 'hearth_session')).toBeUndefined();
	});
});
