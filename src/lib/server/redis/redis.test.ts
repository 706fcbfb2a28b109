// The Redis versions of what instances share, against a real Redis (two links stand for two instances).
// Skipped, with one line from tests/support/redis-setup.ts, when no Redis answers.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { dropPrefix, testPrefix } from '../../../../tests/support/redis.ts';
import { waitFor } from '../../../../tests/support/clients.ts';
import { openRedis, type RedisLink } from './connection.ts';
import { RedisBus, decodeFrame, encodeFrame } from './bus.ts';
import { RedisRateLimiter, RedisRefusalCounts, RedisSignInThrottle } from './limits.ts';
import { ClusterControl } from './control.ts';
import { REMOTE, type BusMessage } from '../collab/bus.ts';
import { RULES, SignInThrottle } from '../auth/throttle.ts';
import { AnonymousRefusals } from '../anonymous-refusals.ts';
import type { CollabControl } from '../collab/registry.ts';

const url = inject('redisUrl');
const prefix = testPrefix();
let one: RedisLink;
let two: RedisLink;

describe.skipIf(!url)('on Redis, shared by instances', () => {
	beforeAll(() => {
		one = openRedis(url!, prefix);
		two = openRedis(url!, prefix);
	});

	afterAll(async () => {
		await Promise.all([one?.close(), two?.close()]);
		await dropPrefix(url!, prefix);
	});

	describe('the collab bus', () => {
		it('frames any bytes, with who published, the client ids and whose presence it is', () => {
			const payload = new Uint8Array(256).map((_, i) => i);
			const frame = encodeFrame('instance-a', { kind: 'awareness', payload, origin: {}, clients: [7, 9], from: { personId: 'p1', keepApartWith: ['p2'] } });
			expect(decodeFrame(frame)).toEqual({ instanceId: 'instance-a', message: { kind: 'awareness', payload, origin: REMOTE, clients: [7, 9], from: { personId: 'p1', keepApartWith: ['p2'] } } });
			expect(decodeFrame(Buffer.from([0, 0, 0, 50, 1, 2]))).toBeNull();
			expect(decodeFrame(Buffer.concat([Buffer.from([0, 0, 0, 2]), Buffer.from('{}')]))).toBeNull();
		});

		it('delivers to this instance at once with its origin, and to the other with origin REMOTE, binary intact, never back to its sender', async () => {
			const a = new RedisBus(one);
			const b = new RedisBus(two);
			const heardA: BusMessage[] = [];
			const heardB: BusMessage[] = [];
			const subA = a.subscribe('meeting:bus', (m) => heardA.push(m));
			const subB = b.subscribe('meeting:bus', (m) => heardB.push(m));
			expect(subA.ready).not.toBeNull();
			await Promise.all([subA.ready, subB.ready]);
			const sender = { a: 'connection' };
			const payload = new Uint8Array([0, 2, 255, 0, 13, 10, 128]);
			a.publish('meeting:bus', { kind: 'update', payload, origin: sender });
			// Local delivery is synchronous, as in process.
			expect(heardA).toEqual([{ kind: 'update', payload, origin: sender }]);
			await waitFor(() => heardB.length === 1, 2000, 'the other instance to hear it');
			expect(heardB[0]).toEqual({ kind: 'update', payload, origin: REMOTE });
			// A's own message came back from Redis too, and was not handed to A a second time.
			b.publish('meeting:bus', { kind: 'update', payload: new Uint8Array([1]), origin: null });
			await waitFor(() => heardA.length === 2, 2000, 'A to hear B');
			expect(heardA.map((m) => m.origin)).toEqual([sender, REMOTE]);
			subA.unsubscribe();
			subB.unsubscribe();
		});

		it('stops delivering once unsubscribed', async () => {
			const a = new RedisBus(one);
			const b = new RedisBus(two);
			const heard: BusMessage[] = [];
			const sub = b.subscribe('meeting:gone', (m) => heard.push(m));
			await sub.ready;
			sub.unsubscribe();
			// A second subscriber, confirmed after the first left: what it hears, the first would have heard.
			const witness: BusMessage[] = [];
			const other = b.subscribe('meeting:gone', (m) => witness.push(m));
			await other.ready;
			a.publish('meeting:gone', { kind: 'update', payload: new Uint8Array([5]), origin: null });
			await waitFor(() => witness.length === 1, 2000, 'the witness to hear it');
			expect(heard).toEqual([]);
			other.unsubscribe();
		});
	});

	describe('the sign-in throttle', () => {
		it('counts tries sent at once to both instances as one count, exactly as one process would', async () => {
			const a = new RedisSignInThrottle(one);
			const b = new RedisSignInThrottle(two);
			const now = 1_000_000;
			const waits = await Promise.all(Array.from({ length: 60 }, (_, i) => (i % 2 ? a : b).reserve('10.0.0.3', 'kim@demo.test', now)));
			expect(waits.filter((w) => w === 0)).toHaveLength(RULES.accountAddress.free + 1);
			// The same tries, one by one, in one process.
			const local = new SignInThrottle();
			const localWaits = Array.from({ length: 60 }, () => local.reserve('10.0.0.3', 'kim@demo.test', now));
			expect([...waits].sort((x, y) => x - y)).toEqual([...localWaits].sort((x, y) => x - y));
		});

		it('gives the try back and forgets the account on success, on every instance', async () => {
			const a = new RedisSignInThrottle(one);
			const b = new RedisSignInThrottle(two);
			const now = 2_000_000;
			for (let i = 0; i <= RULES.accountAddress.free; i++) expect(await a.reserve('10.0.0.4', 'lee@demo.test', now)).toBe(0);
			expect(await b.reserve('10.0.0.4', 'lee@demo.test', now)).toBe(RULES.accountAddress.baseMs);
			await a.succeed('10.0.0.4', 'lee@demo.test');
			expect(await b.reserve('10.0.0.4', 'lee@demo.test', now)).toBe(0);
		});
	});

	describe('the look-up limiter', () => {
		it('allows the limit across instances in one window, then again in the next (the app’s clock)', async () => {
			const a = new RedisRateLimiter(one, 'lookups', 3, 60_000);
			const b = new RedisRateLimiter(two, 'lookups', 3, 60_000);
			const at = 5_000_000;
			const answers = await Promise.all([a, b, a, b, a].map((l) => l.take('203.0.113.9', at)));
			expect(answers.filter(Boolean)).toHaveLength(3);
			expect(await b.take('203.0.113.9', at + 59_999)).toBe(false);
			expect(await b.take('198.51.100.1', at)).toBe(true);
			expect(await a.take('203.0.113.9', at + 60_000)).toBe(true);
		});
	});

	describe('the counts of anonymous refusals', () => {
		it('gives an address its rows and its 429 once across instances', async () => {
			const policy = { windowMs: 60_000, rowsPerAddress: 3, rowsInAll: 100, limitPerAddress: 6 };
			const a = new AnonymousRefusals(policy, new RedisRefusalCounts(one));
			const b = new AnonymousRefusals(policy, new RedisRefusalCounts(two));
			const T0 = 6_000_000;
			const refusal = (at: number) => ({ clientAddress: '203.0.113.5', action: 'meeting.view', resourceType: 'meeting', caseId: null, why: 'not-found', at });
			const answers = await Promise.all(Array.from({ length: 6 }, (_, i) => (i % 2 ? a : b).note(refusal(T0 + i))));
			expect(answers.filter((x) => x === 'row')).toHaveLength(3);
			expect(await a.blocked('203.0.113.5', T0 + 10)).toBe(true);
			expect(await b.blocked('203.0.113.5', T0 + 10)).toBe(true);
			expect(await b.blocked('198.51.100.7', T0 + 10)).toBe(false);
			expect(await a.blocked('203.0.113.5', T0 + 60_000)).toBe(false);
			// Each instance summarises what it counted itself.
			const counted = [...a.takeDue(T0, true), ...b.takeDue(T0, true)].reduce((n, s) => n + s.count, 0);
			expect(counted).toBe(3);
		});

		it('counts requests still being answered on either instance toward the limit, so a burst at once gets no more through', async () => {
			const policy = { windowMs: 60_000, rowsPerAddress: 3, rowsInAll: 100, limitPerAddress: 6 };
			const a = new AnonymousRefusals(policy, new RedisRefusalCounts(one));
			const b = new AnonymousRefusals(policy, new RedisRefusalCounts(two));
			const T1 = 12_000_000;
			const refusal = (at: number) => ({ clientAddress: '203.0.113.6', action: 'meeting.view', resourceType: 'meeting', caseId: null, why: 'not-found', at });
			// Ten at once over both instances, none answered yet: six let through, four refused.
			const admitted = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).admit('203.0.113.6', T1)));
			expect(admitted.filter(Boolean)).toHaveLength(6);
			expect(await a.admit('198.51.100.8', T1)).toBe(true);
			// Answered without a refusal on one instance: a place is free on the other.
			await a.answered('203.0.113.6', T1);
			expect(await b.admit('203.0.113.6', T1 + 1)).toBe(true);
			// Refused, then answered: the refusal keeps the place.
			await a.note(refusal(T1 + 2));
			await a.answered('203.0.113.6', T1);
			expect(await b.admit('203.0.113.6', T1 + 3)).toBe(false);
			for (let i = 0; i < 5; i++) await b.answered('203.0.113.6', T1);
			expect(await a.admit('203.0.113.6', T1 + 4)).toBe(true);
			// The next window starts afresh.
			expect(await b.admit('203.0.113.6', T1 + 60_000)).toBe(true);
		});

		it('counts a refused request once, never as a refusal and as being answered at once: a burst gets exactly the limit through', async () => {
			const policy = { windowMs: 60_000, rowsPerAddress: 3, rowsInAll: 100, limitPerAddress: 6 };
			const a = new AnonymousRefusals(policy, new RedisRefusalCounts(one));
			const b = new AnonymousRefusals(policy, new RedisRefusalCounts(two));
			const T2 = 18_000_000;
			const address = '203.0.113.7';
			const refusal = (at: number, action = 'meeting.view') => ({ clientAddress: address, action, resourceType: 'meeting', caseId: null, why: 'not-found', at });
			// As the hook and a route do it: admitted, then refused (which also ends its being answered), or
			// answered 429 and that counted as a refusal of no admitted request.
			const request = async (on: AnonymousRefusals, at: number): Promise<boolean> => {
				if (!(await on.admit(address, at))) {
					await on.note(refusal(at, 'http.too-many'));
					return false;
				}
				await on.note(refusal(at), at);
				return true;
			};
			// Five let through on two instances; one of them is refused on A: one refusal and four still being
			// answered, so B lets one more through (counted twice, as refusal and being answered, it would not).
			const first = await Promise.all(Array.from({ length: 5 }, (_, i) => (i % 2 ? a : b).admit(address, T2)));
			expect(first.every(Boolean)).toBe(true);
			await a.note(refusal(T2), T2);
			expect(await b.admit(address, T2)).toBe(true);
			expect(await a.admit(address, T2)).toBe(false);
			for (let i = 0; i < 5; i++) await (i % 2 ? a : b).note(refusal(T2), T2);
			// A burst in the next window, over both instances.
			const T3 = T2 + 60_000;
			const through = await Promise.all(Array.from({ length: 30 }, (_, i) => request(i % 2 ? a : b, T3 + i)));
			expect(through.filter(Boolean)).toHaveLength(policy.limitPerAddress);
			// Nothing is left counted as being answered: the six places are the six refusals.
			expect(await a.admit(address, T3 + 100)).toBe(false);
			expect(await b.admit('198.51.100.9', T3 + 100)).toBe(true);
		});
	});

	describe('control messages', () => {
		function recorder() {
			const calls: string[] = [];
			const control: CollabControl = {
				closeSessions: (ids, reason) => (calls.push(`sessions ${ids.join(',')} ${reason}`), 1),
				closeUser: (id, reason) => (calls.push(`user ${id} ${reason}`), 1),
				accessChanged: async (caseId) => void calls.push(`access ${caseId}`),
				transact: async () => {},
				connectedCount: () => 0,
				tellStaff: (docIds, userIds, message) => (calls.push(`tell ${docIds.join(',')} ${userIds.join(',')} ${message.t}`), 1)
			};
			return { calls, control };
		}

		it('apply a sign-out, a disabled account, an access change and a quiet word to staff on every instance, once each', async () => {
			const here = recorder();
			const there = recorder();
			const a = new ClusterControl(here.control, one);
			const b = new ClusterControl(there.control, two);
			await Promise.all([a.start(), b.start()]);
			expect(a.closeSessions(['s1', 's2'], 'session-ended')).toBe(1);
			a.closeUser('u1', 'access-revoked');
			await a.accessChanged('case-1');
			a.tellStaff(['meeting:m1'], ['u2'], { t: 'break-asked', name: 'Rosa Rivera' });
			const expected = ['sessions s1,s2 session-ended', 'user u1 access-revoked', 'access case-1', 'tell meeting:m1 u2 break-asked'];
			await waitFor(() => there.calls.length === 4, 2000, 'the other instance to apply all four');
			expect(there.calls).toEqual(expected);
			expect(here.calls).toEqual(expected);
			a.stop();
			b.stop();
		});
	});
});
