// The rules that a check-then-write would break when requests interleave, run with calls at once: each
// service awaits between its reads and its writes, so without one transaction (or one statement) around
// them, both of two calls would read the same state and both would go on.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { testContext, testDatabase } from '../../../../tests/support/db';
import type { Db } from '../db/index.ts';
import { casePeople, invites, meetingSessionMembers, meetingSessions, participants, users } from '../db/schema.ts';
import { staffActor } from '../auth/session.ts';
import { newId } from '../ids.ts';
import type { Actor } from '../../domain/policy.ts';
import { seedDemo } from './seed.ts';
import { addToMeetingSession } from './meetings.ts';
import { addKeepApart } from './people.ts';
import { acceptInvite, createInvite } from './invites.ts';
import { requestSignInCode, signInWithCode } from './sign-in-codes.ts';
import { sendMessage, useTransports, type Outgoing } from '../notify/index.ts';
import { JobRunner } from '../jobs/runner.ts';

let db: Db;
let seeded: { caseId: string; meetingId: string };
let caseworker: Actor;
const person = (givenName: string) => db.select({ id: casePeople.id }).from(casePeople).where(eq(casePeople.givenName, givenName)).get()!.id;
const staff = (clientAddress = '198.51.100.20') => testContext(db, caseworker, { clientAddress, sessionId: 'caseworkersession0000000' });

/** A new separate session of the demo meeting with nobody in it yet. */
function emptySession(): string {
	const id = newId();
	db.insert(meetingSessions).values({ id, meetingId: seeded.meetingId, kind: 'SEPARATE', createdAt: Date.now() }).run();
	return id;
}

/** Messages sent, kept in memory (the sign-in code comes by text message). */
const sent: Outgoing[] = [];
const restore = useTransports({ email: { send: async (m) => void sent.push(m) }, sms: { send: async (m) => void sent.push(m) } });
afterAll(() => restore());

beforeAll(async () => {
	db = testDatabase();
	seeded = (await seedDemo(db))!;
	const user = db.select().from(users).where(eq(users.email, 'caseworker@demo.test')).get()!;
	caseworker = await staffActor(db, user);
});

describe('a keep-apart pair, with requests at once', () => {
	it('lets only one of the pair into a session when both are added at the same moment', async () => {
		const session = emptySession();
		const [ana, daniel] = [person('Ana'), person('Daniel')];
		const results = await Promise.all([addToMeetingSession(staff(), session, ana), addToMeetingSession(staff(), session, daniel)]);
		expect(results.filter((r) => r.ok)).toHaveLength(1);
		expect(results.filter((r) => !r.ok && r.reason === 'keep-apart')).toHaveLength(1);
		const members = db.select().from(meetingSessionMembers).where(eq(meetingSessionMembers.meetingSessionId, session)).all();
		expect(members.map((m) => m.personId)).toEqual([ana]);
	});

	it('never lets a new pair and a placement of the two in one session both happen', async () => {
		const session = emptySession();
		const [lucia, tom] = [person('Lucia'), person('Tom')];
		db.insert(meetingSessionMembers).values({ meetingSessionId: session, personId: lucia }).run();
		const [pair, placed] = await Promise.all([addKeepApart(staff(), seeded.caseId, { personA: lucia, personB: tom }), addToMeetingSession(staff(), session, tom)]);
		// Whichever went first, the other saw it: never both.
		expect(pair.ok && placed.ok).toBe(false);
		expect(pair.ok || placed.ok).toBe(true);
	});
});

describe('a first-access code, guessed with requests at once', () => {
	const create = async () => {
		const created = await createInvite(staff(), seeded.caseId, { personId: person('Grace'), meetingId: null, channel: 'in_person', locale: 'en', requireCode: true }, 'http://hearth.test');
		if (!created.ok) throw new Error(created.reason);
		return created.value;
	};

	it('compares no more than five guesses: the right code sent with five wrong ones at once is refused', async () => {
		const created = await create();
		const wrong = created.verifyCode === '000000' ? '111111' : '000000';
		const guess = (code: string) => acceptInvite(testContext(db, { kind: 'anonymous' }, { clientAddress: '203.0.113.61' }), { token: created.link.split('/invite/')[1] }, code, { userAgent: null });
		const results = await Promise.all([...Array.from({ length: 5 }, () => guess(wrong)), guess(created.verifyCode!)]);
		expect(results.map((r) => (r.ok ? 'ok' : r.reason))).toEqual(['bad-code', 'bad-code', 'bad-code', 'bad-code', 'code-locked', 'code-locked']);
		expect(db.select().from(invites).where(eq(invites.id, created.inviteId)).get()!.verifyAttempts).toBe(5);
		expect(db.select().from(participants).where(eq(participants.inviteId, created.inviteId)).all()).toEqual([]);
	});

	it('lets the right code in once when it is sent twice at once (single use)', async () => {
		const created = await create();
		const guess = () => acceptInvite(testContext(db, { kind: 'anonymous' }, { clientAddress: '203.0.113.62' }), { token: created.link.split('/invite/')[1] }, created.verifyCode, { userAgent: null });
		const results = await Promise.all([guess(), guess()]);
		expect(results.map((r) => (r.ok ? 'ok' : r.reason)).sort()).toEqual(['ok', 'used']);
		expect(db.select().from(participants).where(and(eq(participants.inviteId, created.inviteId))).all()).toHaveLength(1);
	});
});

describe('a sign-in code, tried with requests at once', () => {
	/** Sofia joined by text message; she asks for a new code with her used link and gets it on her phone. */
	const codeFor = async (clientAddress: string) => {
		const created = await createInvite(staff(), seeded.caseId, { personId: person('Sofia'), meetingId: null, channel: 'sms', locale: 'en', requireCode: false }, 'http://hearth.test');
		if (!created.ok) throw new Error(created.reason);
		const token = created.value.link.split('/invite/')[1];
		const asker = testContext(db, { kind: 'anonymous' }, { clientAddress });
		expect((await acceptInvite(asker, { token }, null, { userAgent: null })).ok).toBe(true);
		const before = sent.length;
		expect(await requestSignInCode(asker, { token })).toEqual({ ok: true, sent: 'sms' });
		// The message goes after the answer.
		// …through the jobs runner (notify queues it).
		const runner = new JobRunner({ db, jobs: [sendMessage], log: () => {} });
		const message = await vi.waitFor(async () => {
			await runner.runDue();
			return sent.slice(before).find((m) => m.kind === 'sign-in-code') ?? Promise.reject(new Error('no code sent yet'));
		});
		const code = /\b(\d{6})\b/.exec(message.text)![1];
		return { token, code, try: (c: string) => signInWithCode(testContext(db, { kind: 'anonymous' }, { clientAddress }), { token }, c, { userAgent: null }) };
	};

	it('compares no more than five tries: the right code sent with five wrong ones at once is refused', async () => {
		const { code, try: attempt } = await codeFor('203.0.113.71');
		const wrong = code === '000000' ? '111111' : '000000';
		const results = await Promise.all([...Array.from({ length: 5 }, () => attempt(wrong)), attempt(code)]);
		expect(results.map((r) => (r.ok ? 'ok' : r.reason))).toEqual(Array(6).fill('bad-code'));
	});

	it('signs in once when the right code is sent twice at once (single use)', async () => {
		const { code, try: attempt } = await codeFor('203.0.113.72');
		const results = await Promise.all([attempt(code), attempt(code)]);
		expect(results.map((r) => (r.ok ? 'ok' : r.reason)).sort()).toEqual(['bad-code', 'ok']);
	});
});
