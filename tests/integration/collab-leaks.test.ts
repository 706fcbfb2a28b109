// Issue 16 on the real server with real y-websocket providers: what one of a keep-apart pair may never
// receive, access changes that reach open sockets at once, forged Yjs client ids, shapes no editor makes,
// a paste too large to store, silent sockets, and a person who only follows the meeting.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import { removeServer, startServer, type RunningServer } from '../support/server.ts';
import { testSql, waitUntil, withSql } from '../support/sql.ts';
import { blockquoteChain, nestBlockquotes } from '../support/hostile.ts';
import { accept, connect, demoIds, destroy, get, invite, personId, rawSocket, signIn, synced, waitFor, type Client, notesLine, notesText, presenceNames } from '../support/clients.ts';

let server: RunningServer;
let staff: string;
let facilitator: string;
let ids: { caseId: string; meetingId: string };
const people: Record<string, string> = {};

beforeAll(async () => {
	server = await startServer({ COLLAB_UNLOAD_MS: '200' });
	staff = await signIn(server.url, 'caseworker@demo.test');
	facilitator = await signIn(server.url, 'facilitator@demo.test');
	ids = await demoIds(server.url, staff);
	for (const name of ['Ana Rivera', 'Daniel Ortiz', 'Rosa Rivera', 'Lucia Ortiz', 'Tom Baker', 'Grace Whitfield']) {
		people[name] = await personId(server.url, staff, ids.caseId, name);
	}
});

afterAll(async () => {
	await server?.stop();
	if (server) await removeServer(server);
});

function auditRows(where: string): Promise<{ action: string; outcome: string; detail: string | null }[]> {
	return withSql(server, (db) => db.all(`select action, outcome, detail from audit_events where ${where} order by seq`), { readonly: true });
}


function post(path: string, cookie: string, body: Record<string, string>): Promise<Response> {
	return fetch(`${server.url}${path}`, {
		method: 'POST',
		headers: { cookie, origin: server.url, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
		body: new URLSearchParams(body),
		redirect: 'manual'
	});
}

async function jointSessionId(): Promise<string> {
	const html = await (await get(server.url, `/meetings/${ids.meetingId}`, staff)).text();
	return /name="meetingSessionId" value="([a-z2-7]+)"/.exec(html)![1];
}

/** A sync update message, as a provider would send it, for raw sends on a provider's socket. */
function updateFrame(update: Uint8Array): ArrayBuffer {
	const e = encoding.createEncoder();
	encoding.writeVarUint(e, 0);
	encoding.writeVarUint(e, 2);
	encoding.writeVarUint8Array(e, update);
	return encoding.toUint8Array(e).slice().buffer;
}

function closedWithin(c: Client, ms: number): Promise<number | null> {
	return Promise.race([c.closed.then((e) => e.code), new Promise<null>((r) => setTimeout(() => r(null), ms))]);
}

describe('one of a keep-apart pair', () => {
	it('never receives the other’s presence or typing on the shared plan; both only read it (item 1)', async () => {
		const ana = await accept(server.url, await invite(server.url, staff, ids.caseId, people['Ana Rivera']));
		const daniel = await accept(server.url, await invite(server.url, staff, ids.caseId, people['Daniel Ortiz']));
		// Daniel learns the case id from his own pages (it is the plan's document id).
		const plan = `plan:${ids.caseId}`;
		const worker = connect(server.url, plan, staff);
		const a = connect(server.url, plan, ana);
		const d = connect(server.url, plan, daniel);
		await Promise.all([synced(worker), synced(a), synced(d)]);
		a.provider.awareness.setLocalStateField('cursor', { anchor: 1 });
		d.provider.awareness.setLocalStateField('cursor', { anchor: 2 });
		notesLine(a.doc, 'plan').insert(0, 'ana-typed ');
		notesLine(worker.doc, 'plan').insert(0, 'staff-typed ');
		await waitFor(() => notesText(d.doc, 'plan').includes('staff-typed') && notesText(a.doc, 'plan').includes('staff-typed'), 3000, 'staff typing to reach both');
		await waitFor(() => presenceNames(worker).includes('Ana Rivera') && presenceNames(worker).includes('Daniel Ortiz'), 3000, 'staff to see both');
		expect(presenceNames(d)).not.toContain('Ana Rivera');
		expect(presenceNames(a)).not.toContain('Daniel Ortiz');
		expect(notesText(d.doc, 'plan')).not.toContain('ana-typed');
		expect(notesText(worker.doc, 'plan')).not.toContain('ana-typed');
		destroy(worker, a, d);
	});

	it('stops seeing the other at once when staff set the pair while both are connected (item 2)', async () => {
		// Tom and Lucia, both invited to the whole case; Tom is taken out of the joint session first
		// (a pair may not share a session).
		const tom = await accept(server.url, await invite(server.url, staff, ids.caseId, people['Tom Baker']));
		const lucia = await accept(server.url, await invite(server.url, staff, ids.caseId, people['Lucia Ortiz']));
		expect((await post(`/meetings/${ids.meetingId}?/removeMember`, staff, { meetingSessionId: await jointSessionId(), personId: people['Tom Baker'] })).status).toBeLessThan(400);
		const plan = `plan:${ids.caseId}`;
		const t = connect(server.url, plan, tom);
		const l = connect(server.url, plan, lucia);
		await Promise.all([synced(t), synced(l)]);
		t.provider.awareness.setLocalStateField('cursor', { anchor: 1 });
		await waitFor(() => presenceNames(l).includes('Tom Baker'), 3000, 'Lucia to see Tom before the pair is set');
		const res = await post(`/cases/${ids.caseId}/safety?/addPair`, staff, { personA: people['Tom Baker'], personB: people['Lucia Ortiz'] });
		expect(res.status).toBeLessThan(400);
		// Both sockets were told to reconnect before the page answered; they come back without each other.
		expect((await t.closed).code).toBe(4000);
		await waitFor(() => t.provider.synced && l.provider.synced, 5000, 'both to reconnect');
		t.provider.awareness.setLocalStateField('cursor', { anchor: 3 });
		l.provider.awareness.setLocalStateField('cursor', { anchor: 4 });
		const worker = connect(server.url, plan, staff);
		await synced(worker);
		await waitFor(() => presenceNames(worker).includes('Tom Baker') && presenceNames(worker).includes('Lucia Ortiz'), 3000, 'staff to see both');
		expect(presenceNames(l)).not.toContain('Tom Baker');
		expect(presenceNames(t)).not.toContain('Lucia Ortiz');
		destroy(t, l, worker);
		await post(`/cases/${ids.caseId}/safety?/removePair`, staff, { personA: people['Tom Baker'], personB: people['Lucia Ortiz'] });
	});
});

describe('a change of access', () => {
	it('closes the socket of someone taken out of a meeting session before the page answers (item 2)', async () => {
		const grace = await accept(server.url, await invite(server.url, staff, ids.caseId, people['Grace Whitfield'], { meetingId: ids.meetingId }));
		const g = connect(server.url, `meeting:${ids.meetingId}`, grace);
		await synced(g);
		const joint = await jointSessionId();
		const res = await post(`/meetings/${ids.meetingId}?/removeMember`, staff, { meetingSessionId: joint, personId: people['Grace Whitfield'] });
		expect(res.status).toBeLessThan(400);
		expect(await closedWithin(g, 500)).toBe(4403);
		destroy(g);
		await post(`/meetings/${ids.meetingId}?/addMember`, staff, { meetingSessionId: joint, personId: people['Grace Whitfield'] });
	});
});

describe('Yjs client ids', () => {
	it('refuses an update written under the facilitator’s id, closes that socket, and keeps her next edit (item 3)', async () => {
		const daniel = await accept(server.url, await invite(server.url, staff, ids.caseId, people['Daniel Ortiz'], { meetingId: ids.meetingId }));
		const doc = `meeting:${ids.meetingId}`;
		const dana = connect(server.url, doc, facilitator);
		const d = connect(server.url, doc, daniel);
		await Promise.all([synced(dana), synced(d)]);
		// Her page says who she is (a presence state past the initial one, which peers do not forward).
		dana.provider.awareness.setLocalStateField('cursor', null);
		notesLine(dana.doc).insert(0, 'Decision: ');
		await waitFor(() => notesText(d.doc).includes('Decision: ') && d.provider.awareness.getStates().has(dana.doc.clientID), 3000, 'Daniel to see it and her');
		// Daniel reads her client id from presence and writes at her next clock.
		const hers = dana.doc.clientID;
		expect([...d.provider.awareness.getStates().keys()]).toContain(hers);
		const forger = new Y.Doc();
		Y.applyUpdate(forger, Y.encodeStateAsUpdate(d.doc));
		forger.clientID = hers;
		const before = Y.encodeStateVector(forger);
		notesLine(forger).insert(10, 'no reunification');
		d.provider.ws!.send(updateFrame(Y.encodeStateAsUpdate(forger, before)));
		expect((await d.closed).code).toBe(4409);
		notesLine(dana.doc).insert(10, 'reunify');
		const check = connect(server.url, doc, staff);
		await synced(check);
		await waitFor(() => notesText(check.doc).includes('Decision: reunify'), 3000, 'her edit to be stored');
		expect(notesText(check.doc)).not.toContain('no reunification');
		destroy(dana, d, check);
	});
});

describe('shapes no editor makes', () => {
	it('refuses 3,000 nested blockquotes at the door, and the meeting page keeps working, also after a restart (item 4)', async () => {
		const attacker = new Y.Doc();
		nestBlockquotes(attacker.getXmlFragment('notes'), 3000);
		const c = connect(server.url, `meeting:${ids.meetingId}`, staff);
		await synced(c);
		c.provider.ws!.send(updateFrame(Y.encodeStateAsUpdate(attacker)));
		expect((await c.closed).code).toBe(1007);
		destroy(c);
		expect((await get(server.url, `/meetings/${ids.meetingId}`, staff)).status).toBe(200);
		await server.restart();
		staff = await signIn(server.url, 'caseworker@demo.test');
		facilitator = await signIn(server.url, 'facilitator@demo.test');
		expect((await get(server.url, `/meetings/${ids.meetingId}`, staff)).status).toBe(200);
	});
});

describe('updates that build on what the server lacks, and shapes the editor cannot open (issue 16, items 1-3)', () => {
	it('refuses a chunk of a nested chain that hangs off an item held back (1007), parks nothing, and the notes stay shallow', async () => {
		const doc = `meeting:${ids.meetingId}`;
		const updates = blockquoteChain(200);
		const c = connect(server.url, doc, staff);
		await synced(c);
		// Items 1-50 hang off item 0, which is held back.
		c.provider.ws!.send(updateFrame(Y.mergeUpdates(updates.slice(1, 51))));
		expect((await c.closed).code).toBe(1007);
		destroy(c);
		// The held-back item alone is stored, and nothing else came with it.
		const d = connect(server.url, doc, staff);
		await synced(d);
		d.provider.ws!.send(updateFrame(updates[0]));
		const check = connect(server.url, doc, staff);
		await synced(check);
		await waitFor(() => check.doc.getXmlFragment('notes').toArray().some((n) => n instanceof Y.XmlElement && n.nodeName === 'blockquote'), 3000, 'the held-back item to be stored');
		const quote = check.doc.getXmlFragment('notes').toArray().find((n): n is Y.XmlElement => n instanceof Y.XmlElement && n.nodeName === 'blockquote')!;
		expect(quote.length).toBe(0);
		// Tidy: the empty blockquote goes again.
		check.doc.getXmlFragment('notes').delete(check.doc.getXmlFragment('notes').toArray().indexOf(quote), 1);
		destroy(d, check);
	});

	it('ends the connection for good (4422) on an element the editor has no node for, and stores nothing of it', async () => {
		const doc = `meeting:${ids.meetingId}`;
		const c = connect(server.url, doc, staff);
		await synced(c);
		const before = Y.encodeStateVector(c.doc);
		const script = new Y.XmlElement('script');
		script.insert(0, [new Y.XmlText('alert(1)')]);
		c.doc.getXmlFragment('notes').insert(0, [script]);
		const link = new Y.XmlText();
		const p = new Y.XmlElement('paragraph');
		p.insert(0, [link]);
		link.insert(0, 'click', { link: { href: 'javascript:alert(1)' } });
		c.doc.getXmlFragment('notes').insert(0, [p]);
		expect(Y.encodeStateAsUpdate(c.doc, before).byteLength).toBeGreaterThan(0);
		expect((await c.closed).code).toBe(4422);
		destroy(c);
		const check = connect(server.url, doc, staff);
		await synced(check);
		expect(notesText(check.doc)).not.toContain('script');
		expect(notesText(check.doc)).not.toContain('javascript:');
		destroy(check);
	});
});

describe('a paste too large to store', () => {
	it('gets one explained, final refusal; reconnects are held off, nothing loops, later typing by others lands (item 5)', async () => {
		const doc = `meeting:${ids.meetingId}`;
		// A session of its own: the one that pasted is held off this document for a while.
		const cookie = await signIn(server.url, 'supervisor@demo.test');
		const ownJoins = `action = 'collab.join' and outcome = 'allowed' and resource_id = '${doc}' and session_ref = '${/hearth_session=([^.;]+)/.exec(cookie)![1].slice(0, 16)}'`;
		const pasting = connect(server.url, doc, cookie);
		await synced(pasting);
		// The join is on the trail before the joins are counted: the server writes it as the socket opens, and
		// on PostgreSQL that write may still be under way when the first sync arrives.
		await waitUntil(async () => (await auditRows(ownJoins)).length === 1, 3000, 'the join to be on the trail');
		let closes = 0;
		const codes: number[] = [];
		pasting.provider.on('connection-close', (e) => {
			closes++;
			codes.push(e?.code ?? 0);
		});
		const joinsBefore = (await auditRows(`action = 'collab.join' and outcome = 'allowed' and resource_id = '${doc}'`)).length;
		notesLine(pasting.doc).insert(0, 'x'.repeat(1_200_000));
		await waitFor(() => codes.includes(4413), 5000, 'the refusal');
		// A stock provider stops at a 44xx close; one told to connect again (a reload, an older provider) retries
		// every 200 ms: ten tries, each refused at the door, none let in.
		const refusedAt = closes;
		pasting.provider.connect();
		await waitFor(() => closes >= refusedAt + 10, 15_000, 'ten refused reconnects');
		expect((await auditRows(`action = 'collab.join' and outcome = 'allowed' and resource_id = '${doc}'`)).length).toBe(joinsBefore);
		expect(await auditRows(ownJoins)).toHaveLength(1);
		expect(await auditRows(`action = 'collab.update' and resource_id = '${doc}' and detail like '%too-large%'`)).toHaveLength(1);
		destroy(pasting);
		const other = connect(server.url, doc, facilitator);
		await synced(other);
		notesLine(other.doc).insert(0, 'typed after the paste');
		const check = connect(server.url, doc, staff);
		await synced(check);
		await waitFor(() => notesText(check.doc).includes('typed after the paste'), 3000, 'later typing to land');
		expect(notesText(check.doc)).not.toContain('xxxxxxxxxx');
		expect(closes).toBeGreaterThan(0);
		destroy(other, check);
	});
});

describe('limits on sockets (issue 17)', () => {
	it('lets one sign-in hold 20 sockets at once, refuses the 21st with 429, and lets one in again when one closes', async () => {
		const cookie = await signIn(server.url, 'facilitator@demo.test');
		const url = `${server.url.replace('http', 'ws')}/collab/meeting:${ids.meetingId}`;
		const open: import('ws').WebSocket[] = [];
		for (let i = 0; i < 20; i++) {
			const { ws } = await rawSocket(url, { origin: server.url, cookie });
			expect(ws).toBeDefined();
			open.push(ws!);
		}
		expect((await rawSocket(url, { origin: server.url, cookie })).status).toBe(429);
		// Another person is not affected.
		const { ws: other } = await rawSocket(url, { origin: server.url, cookie: staff });
		expect(other).toBeDefined();
		other!.close();
		const closed = new Promise((r) => open[0].once('close', r));
		open[0].close();
		await closed;
		const again = await rawSocket(url, { origin: server.url, cookie });
		expect(again.ws).toBeDefined();
		for (const ws of [...open.slice(1), again.ws!]) ws.close();
	});
});

describe('a page that reconnects', () => {
	it('takes over its silent old socket’s presence at once, and the silent socket is dropped (item 6)', async () => {
		const doc = `meeting:${ids.meetingId}`;
		const watcher = connect(server.url, doc, facilitator);
		const phone = connect(server.url, doc, staff);
		await Promise.all([synced(watcher), synced(phone)]);
		phone.provider.awareness.setLocalStateField('cursor', { anchor: 1 });
		const id = phone.doc.clientID;
		await waitFor(() => watcher.provider.awareness.getStates().has(id), 3000, 'the watcher to see the phone');
		// The phone loses signal: its socket neither answers nor closes.
		const silent = phone.provider.ws as unknown as { _socket: { pause: () => void } };
		silent._socket.pause();
		// The same page (same Y.Doc client id) comes back on a new socket.
		const again = new Y.Doc();
		again.clientID = id;
		const back = connect(server.url, doc, staff, server.url, again);
		// The real page keeps its presence clock across sockets; this stand-in catches up past the phone's.
		back.provider.awareness.setLocalStateField('cursor', { anchor: 8 });
		back.provider.awareness.setLocalStateField('cursor', { anchor: 9 });
		await synced(back);
		await waitFor(() => (watcher.provider.awareness.getStates().get(id)?.cursor as { anchor?: number } | undefined)?.anchor === 9, 3000, 'the new caret');
		// The watcher never loses the person.
		expect(watcher.provider.awareness.getStates().has(id)).toBe(true);
		destroy(watcher, phone, back);
	});
});

describe('a server with a short idle limit and fast pings', () => {
	let short: RunningServer;
	beforeAll(async () => {
		short = await startServer({ SESSION_IDLE_MINUTES: '0.05', COLLAB_RECHECK_MS: '300', COLLAB_PING_MS: '400' });
	});
	afterAll(async () => {
		await short?.stop();
		if (short) await removeServer(short);
	});

	it('is dropped by the server within two pings when it goes silent', async () => {
		const cookie = await signIn(short.url, 'caseworker@demo.test');
		const doc = `meeting:${(await demoIds(short.url, cookie)).meetingId}`;
		const { ws } = await rawSocket(`${short.url.replace('http', 'ws')}/collab/${doc}`, { origin: short.url, cookie });
		// The phone's socket stops answering (and reading): only the server can notice.
		(ws as unknown as { _socket: { pause: () => void } })._socket.pause();
		const started = Date.now();
		const sessionRef = /hearth_session=([^.;]+)/.exec(cookie)![1].slice(0, 16);
		const db = await testSql(short, { readonly: true });
		try {
			await waitUntil(async () => (await db.get(`select 1 from audit_events where action = 'collab.leave' and session_ref = ?`, [sessionRef])) !== undefined, 3000, 'the server to drop it');
		} finally {
			await db.close();
		}
		expect(Date.now() - started).toBeLessThan(3 * 400 + 500);
		ws!.terminate();
	});

	it('stays signed in while their live page is open, and an idle connection does not (item 8)', async () => {
		const following = await signIn(short.url, 'facilitator@demo.test');
		const idle = await signIn(short.url, 'supervisor@demo.test');
		const meeting = (await demoIds(short.url, following)).meetingId;
		const follower = connect(short.url, `meeting:${meeting}`, following);
		await synced(follower);
		const { ws } = await rawSocket(`${short.url.replace('http', 'ws')}/collab/meeting:${meeting}`, { origin: short.url, cookie: idle });
		const idleClosed = new Promise<number>((resolve) => ws!.once('close', (code: number) => resolve(code)));
		// Presence renewals (the provider sends one every 15 s; faster here, with a 3 s idle limit).
		const beat = setInterval(() => follower.provider.awareness.setLocalStateField('cursor', { anchor: Date.now() % 100 }), 300);
		try {
			expect(await idleClosed).toBe(4401);
			// On purpose: more than the 3 s idle limit must pass for the page that keeps renewing its presence.
			await new Promise((r) => setTimeout(r, 4000));
			expect(follower.provider.wsconnected).toBe(true);
			expect((await get(short.url, '/cases', following)).status).toBe(200);
		} finally {
			clearInterval(beat);
			destroy(follower);
		}
	});
});
