// Closing a meeting on the real server (issue 20, "Close"): the facilitator records who came and closes it;
// every open editor turns read only at once and the server refuses further edits (the page learns why);
// the summary is built from the final stored state, stored once, and each participant reads it in their
// own language with only what their access allows (one of a keep-apart pair never reads the other's name);
// a correction adds a version and keeps the first. Nobody else may close it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeServer, startServer, type RunningServer } from '../support/server.ts';
import { accept, connect, demoIds, destroy, get, invite, listening as listen, messagesTo, personId, signIn, synced, waitFor } from '../support/clients.ts';

const listening = (cookie: string) => listen(server.url, `meeting:${ids.meetingId}`, cookie);
import { withSql } from '../support/sql.ts';
import { addCard, boardOf } from '../../src/lib/domain/board.ts';
import { actionItemsOf, addActionItem } from '../../src/lib/domain/action-items.ts';

let server: RunningServer;
let ids: { caseId: string; meetingId: string };
const cookies: Record<string, string> = {};
const people: Record<string, string> = {};
let facilitatorId = '';
let anaSession = '';

beforeAll(async () => {
	server = await startServer({ NODE_ENV: 'test' });
	for (const role of ['facilitator', 'caseworker', 'supervisor']) cookies[role] = await signIn(server.url, `${role}@demo.test`);
	ids = await demoIds(server.url, cookies.caseworker);
	for (const name of ['Daniel Ortiz', 'Ana Rivera', 'Rosa Rivera']) people[name] = await personId(server.url, cookies.caseworker, ids.caseId, name);
	cookies.daniel = await accept(server.url, await invite(server.url, cookies.caseworker, ids.caseId, people['Daniel Ortiz'], { meetingId: ids.meetingId }));
	cookies.ana = await accept(server.url, await invite(server.url, cookies.caseworker, ids.caseId, people['Ana Rivera'], { meetingId: ids.meetingId, locale: 'es' }));
	cookies.lucia = await accept(server.url, await invite(server.url, cookies.caseworker, ids.caseId, await personId(server.url, cookies.caseworker, ids.caseId, 'Lucia Ortiz'), { meetingId: ids.meetingId }));
	anaSession = /"session:([a-z2-7]+)"/.exec(await (await get(server.url, `/meetings/${ids.meetingId}`, cookies.ana)).text())![1];
	const page = await (await get(server.url, `/meetings/${ids.meetingId}`, cookies.facilitator)).text();
	// The facilitator's own id, as her page names her (`me.owner`), not the first staff name listed.
	facilitatorId = /owner:"u:([a-z2-7]+)"/.exec(page)![1];
});

afterAll(async () => {
	await server?.stop();
	if (server) await removeServer(server);
});

/** What a page's HTML says, without its tags and Svelte's markers. */
const textOf = (html: string) => html.replace(/<!--[\s\S]*?-->/g, '').replace(/<[^>]+>/g, '');
const page = async (path: string, cookie: string) => textOf(await (await get(server.url, path, cookie)).text());

function post(path: string, cookie: string, fields: [string, string][]): Promise<Response> {
	return fetch(`${server.url}${path}`, {
		method: 'POST',
		headers: { cookie, origin: server.url, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
		body: new URLSearchParams(fields),
		redirect: 'manual'
	});
}
const close = (cookie: string, fields: [string, string][]) => post(`/meetings/${ids.meetingId}/close?/close`, cookie, fields);

const outbox = (to: string) => messagesTo(server.dir, to);

describe('closing a meeting', () => {
	it('is for its facilitator or the case’s supervisor: the caseworker and family members are refused, and what was typed comes back when the box is not ticked', async () => {
		const attendance: [string, string][] = [['came', `p:${people['Daniel Ortiz']}`], [`mode:p:${people['Daniel Ortiz']}`, 'VIDEO'], ['confirm', 'yes']];
		for (const who of ['caseworker', 'daniel', 'ana']) expect((await close(cookies[who], attendance)).status, who).toBe(403);
		expect((await close('', attendance)).status).toBe(303);
		expect((await get(server.url, `/meetings/${ids.meetingId}/close`, cookies.caseworker)).status).toBe(403);
		expect((await get(server.url, `/meetings/${ids.meetingId}/close`, cookies.daniel)).status).toBe(403);
		// Not confirmed: nothing closes, and the ticks and modes come back as sent.
		const unconfirmed = await close(cookies.facilitator, attendance.slice(0, 2));
		expect(unconfirmed.status).toBe(400);
		const html = await unconfirmed.text();
		expect(html).toContain('data-testid="close-problem"');
		expect(html).toMatch(new RegExp(`value="p:${people['Daniel Ortiz']}" checked`));
		// Someone who is not expected at the meeting cannot be recorded as having come.
		expect((await close(cookies.facilitator, [['came', `p:${'x'.repeat(16)}`], ['confirm', 'yes']])).status).toBe(400);
		expect(await withSql(server, async (sql) => (await sql.get<{ status: string }>('SELECT status FROM meetings WHERE id = ?', [ids.meetingId]))?.status)).toBe('scheduled');
	});

	it('turns every open editor read only, and the summary holds the final state for each reader, in their language', async () => {
		const staff = listening(cookies.facilitator);
		const daniel = listening(cookies.daniel);
		await Promise.all([synced(staff), synced(daniel)]);
		try {
			addCard(daniel.doc, { column: 'WORKING_WELL', category: null, text: 'I take the kids to the park every Sunday', voice: 'FAMILY', ownWords: true, factors: [] }, `p:${people['Daniel Ortiz']}`);
			addActionItem(staff.doc, { text: 'Call the shelter advocate', owner: `p:${people['Ana Rivera']}`, due: null }, `u:${facilitatorId}`);
			addActionItem(staff.doc, { text: 'Find a parenting class', owner: `p:${people['Daniel Ortiz']}`, due: null }, `u:${facilitatorId}`);
			await waitFor(() => boardOf(staff.doc).some((c) => c.text.includes('park')), 3000, 'the card on the facilitator’s screen');
			// Each edit has reached the other screen: stored (the server stores before it sends).
			await waitFor(() => actionItemsOf(daniel.doc).length === 2, 3000, 'both action items on the parent’s screen');

			// Ana, in her separate session, adds to its own board.
			const anaPart = connect(server.url, `session:${anaSession}`, cookies.ana);
			await synced(anaPart);
			addCard(anaPart.doc, { column: 'NEEDS_TO_HAPPEN', category: null, text: 'Visits at the family centre only', voice: 'FAMILY', ownWords: true, factors: [] }, `p:${people['Ana Rivera']}`);
			const check = connect(server.url, `session:${anaSession}`, cookies.facilitator);
			await synced(check);
			await waitFor(() => boardOf(check.doc).some((c) => c.text.includes('family centre')), 3000, 'her card stored');
			destroy(anaPart, check);

			const res = await close(cookies.facilitator, [
				['came', `u:${facilitatorId}`],
				['came', `p:${people['Daniel Ortiz']}`],
				[`mode:p:${people['Daniel Ortiz']}`, 'VIDEO'],
				['came', `p:${people['Ana Rivera']}`],
				[`mode:p:${people['Ana Rivera']}`, 'SEPARATE_SESSION'],
				['confirm', 'yes']
			]);
			expect(res.status).toBe(303);
			expect(res.headers.get('location')).toBe(`/meetings/${ids.meetingId}/summary`);
			// Open screens are told at once, and the document says it is closed.
			await waitFor(() => daniel.heard.some((m) => m.t === 'access' && m.access === 'read'), 3000, 'the parent’s editor turned read only');
			await waitFor(() => typeof daniel.doc.getMap('outcome').get('closedAt') === 'number', 3000, 'the closed mark on the parent’s screen');
			// An edit after close is refused and reaches nobody.
			addCard(daniel.doc, { column: 'WORRIES', category: null, text: 'written after the end', voice: 'FAMILY', ownWords: false, factors: [] }, `p:${people['Daniel Ortiz']}`);
			await waitFor(() => daniel.heard.some((m) => m.t === 'refused' && m.reason === 'read-only'), 3000, 'the refusal');
		} finally {
			destroy(staff, daniel);
		}
		const later = connect(server.url, `meeting:${ids.meetingId}`, cookies.facilitator);
		await synced(later);
		try {
			expect(boardOf(later.doc).some((c) => c.text.includes('after the end'))).toBe(false);
			expect(boardOf(later.doc).some((c) => c.text.includes('park'))).toBe(true);
		} finally {
			destroy(later);
		}

		// Staff read it whole: who came and how, the card, both action items, the fidelity facts.
		const staffPage = await page(`/meetings/${ids.meetingId}/summary`, cookies.caseworker);
		expect(staffPage).toContain('Meeting summary');
		expect(staffPage).toContain('I take the kids to the park every Sunday');
		expect(staffPage).toContain('Call the shelter advocate — Ana Rivera');
		expect(staffPage).toContain('Find a parenting class — Daniel Ortiz');
		expect(staffPage).toContain('Daniel Ortiz (parent) came');
		// Her separate session's own record is in it too.
		expect(staffPage).toContain('Visits at the family centre only');

		// The parent of a keep-apart pair: the board and his own item, never her name, nor where anyone took part.
		const danielPage = await page(`/meetings/${ids.meetingId}/summary`, cookies.daniel);
		expect(danielPage).toContain('I take the kids to the park every Sunday');
		expect(danielPage).toContain('Find a parenting class — Daniel Ortiz');
		expect(danielPage).toContain('Call the shelter advocate — no one named yet');
		expect(danielPage).not.toContain('Ana Rivera');
		expect(danielPage).not.toContain(people['Ana Rivera']);
		expect(danielPage).not.toContain('(parent) came');
		const danielData = await (await get(server.url, `/meetings/${ids.meetingId}/summary/__data.json`, cookies.daniel)).text();
		expect(danielData).not.toContain('Ana Rivera');
		expect(danielData).not.toContain(people['Ana Rivera']);

		// The survivor, in Spanish, in her separate session: the meeting's decision and who came, not the
		// joint session's board, and never his name.
		const anaHtml = await (await get(server.url, `/meetings/${ids.meetingId}/summary`, cookies.ana)).text();
		const anaPage = textOf(anaHtml);
		expect(anaPage).toContain('Resumen de la reunión');
		expect(anaHtml).toContain('data-testid="summary-no-board"');
		expect(anaHtml).not.toContain(people['Daniel Ortiz']);
		expect(anaPage).not.toContain('park every Sunday');
		expect(anaPage).not.toContain('Daniel Ortiz');
		expect(anaPage).not.toContain(people['Daniel Ortiz']);
		// Her own part of the meeting is in her summary.
		expect(anaPage).toContain('Visits at the family centre only');
		expect(danielPage).not.toContain('family centre');
		// Someone else of the family (his sister, in the joint session, not in hers) reads who took part where
		// she was, never that the other parent came to a session held apart (she could tell him), in what the
		// page shows or in its data.
		const luciaHtml = await (await get(server.url, `/meetings/${ids.meetingId}/summary`, cookies.lucia)).text();
		const luciaData = await (await get(server.url, `/meetings/${ids.meetingId}/summary/__data.json`, cookies.lucia)).text();
		const luciaPage = textOf(luciaHtml.replace(/<script[\s\S]*?<\/script>/g, ''));
		expect(luciaPage).toContain('Daniel Ortiz (Parent)');
		expect(luciaPage).not.toContain('Ana Rivera');
		expect(luciaData).not.toContain('Ana Rivera');
		expect(luciaData).not.toContain(people['Ana Rivera']);
		expect(luciaPage).not.toMatch(/separate/i);
		// Nor does she, in her separate session, read who of the family was in the joint one.
		expect(anaPage).not.toContain('Lucia Ortiz');
		expect(luciaData).not.toContain('SEPARATE');
		expect(luciaData).not.toContain(anaSession);
		expect(luciaData).not.toContain('family centre');

		// Stored once: version 1, and the meeting is held.
		await withSql(server, async (sql) => {
			const rows = await sql.all<{ version: number }>('SELECT version FROM meeting_summaries WHERE meeting_id = ?', [ids.meetingId]);
			expect(rows.map((r) => Number(r.version))).toEqual([1]);
			expect((await sql.get<{ status: string }>('SELECT status FROM meetings WHERE id = ?', [ids.meetingId]))?.status).toBe('held');
		});
	});

	it('refuses the agenda and the decision after close, and a second close changes nothing', async () => {
		expect((await post(`/meetings/${ids.meetingId}?/agenda`, cookies.facilitator, [['do', 'pause']])).status).toBe(409);
		const again = await close(cookies.facilitator, [['came', `u:${facilitatorId}`], ['confirm', 'yes']]);
		expect(again.status).toBe(303);
		const page = await (await get(server.url, `/meetings/${ids.meetingId}`, cookies.daniel)).text();
		expect(page).toContain('data-testid="meeting-closed"');
		expect(await withSql(server, async (sql) => (await sql.all('SELECT version FROM meeting_summaries WHERE meeting_id = ?', [ids.meetingId])).length)).toBe(1);
		// Its parts stay as they were closed: no family time, no separate session, nobody moved.
		expect((await post(`/meetings/${ids.meetingId}?/familyTime`, cookies.facilitator, [])).status).toBe(403);
		expect((await post(`/meetings/${ids.meetingId}?/separate`, cookies.facilitator, [['personId', people['Daniel Ortiz']]])).status).toBe(403);
	});

	it('is corrected by a new version that keeps the first; a correction needs its reason', async () => {
		const fields: [string, string][] = [['came', `u:${facilitatorId}`], ['came', `p:${people['Daniel Ortiz']}`], [`mode:p:${people['Daniel Ortiz']}`, 'IN_PERSON']];
		expect((await post(`/meetings/${ids.meetingId}/close?/correct`, cookies.caseworker, [...fields, ['note', 'x']])).status).toBe(403);
		expect((await post(`/meetings/${ids.meetingId}/close?/correct`, cookies.facilitator, [...fields, ['note', '  ']])).status).toBe(400);
		const res = await post(`/meetings/${ids.meetingId}/close?/correct`, cookies.supervisor, [...fields, ['note', 'Daniel came in person, not by video.']]);
		expect(res.status).toBe(303);
		expect(res.headers.get('location')).toBe(`/meetings/${ids.meetingId}/summary?v=2`);
		const latest = await page(`/meetings/${ids.meetingId}/summary`, cookies.daniel);
		expect(latest).toContain('Daniel came in person, not by video.');
		expect(latest).toContain('Version 1');
		const first = await page(`/meetings/${ids.meetingId}/summary?v=1`, cookies.daniel);
		expect(first).not.toContain('Daniel came in person, not by video.');
		expect(first).toContain('Daniel Ortiz (Parent): By video');
		expect(latest).toContain('Daniel Ortiz (Parent): In person');
		// A correction of Ana's line alone: Daniel sees no new version, no note, and is not told of it.
		const anaOnly = await post(`/meetings/${ids.meetingId}/close?/correct`, cookies.facilitator, [...fields, ['came', `p:${people['Ana Rivera']}`], [`mode:p:${people['Ana Rivera']}`, 'PHONE'], ['note', 'Recorded how she took part']]);
		expect(anaOnly.status).toBe(303);
		const danielNow = await page(`/meetings/${ids.meetingId}/summary`, cookies.daniel);
		expect(danielNow).not.toContain('Recorded how she took part');
		expect(danielNow).not.toContain('Version 3');
		expect(danielNow).toContain('Daniel came in person, not by video.');
		// Nor can he tell from the address that a third version exists: ?v=3 answers as ?v=99 does.
		const v3 = await page(`/meetings/${ids.meetingId}/summary?v=3`, cookies.daniel);
		expect(v3).not.toContain('Recorded how she took part');
		expect(v3).toContain('There is no such version of this summary.');
		expect(await page(`/meetings/${ids.meetingId}/summary?v=3`, cookies.caseworker)).toContain('Recorded how she took part');
		expect(await page(`/meetings/${ids.meetingId}/summary?v=99`, cookies.daniel)).toContain('There is no such version of this summary.');
		// A later correction he may see is his third version, not "version 4" (which would show the gap).
		const later = await post(`/meetings/${ids.meetingId}/close?/correct`, cookies.facilitator, [...fields, ['came', `p:${people['Ana Rivera']}`], [`mode:p:${people['Ana Rivera']}`, 'PHONE'], [`mode:p:${people['Daniel Ortiz']}`, 'VIDEO'], ['note', 'Daniel joined by video after all']]);
		expect(later.status).toBe(303);
		const danielLater = await page(`/meetings/${ids.meetingId}/summary`, cookies.daniel);
		expect(danielLater).toContain('Daniel joined by video after all');
		expect(danielLater).toContain('Corrected (version 3');
		expect(danielLater).not.toContain('version 4');
		expect(danielLater).not.toContain('Version 4');
		expect(await page(`/meetings/${ids.meetingId}/summary?v=3`, cookies.daniel)).toContain('Daniel joined by video after all');
		expect(await page(`/meetings/${ids.meetingId}/summary?v=4`, cookies.daniel)).toContain('There is no such version of this summary.');
		expect(await page(`/meetings/${ids.meetingId}/summary`, cookies.caseworker)).toContain('Corrected (version 4');
		// Each invited person is told, in their language, with a link and nothing of the summary itself.
		await waitFor(() => outbox('daniel.ortiz@example.test').some((m) => m.kind === 'meeting-summary-corrected' && m.text.includes('was corrected')), 15_000, 'the corrected summary’s notice to Daniel');
		await waitFor(() => outbox('ana.rivera@example.test').some((m) => m.kind === 'meeting-summary-corrected' && m.text.includes('Se corrigió')), 15_000, 'the notice to Ana, in Spanish');
		// Ana hears of the third version, not of the fourth (Daniel's line); Daniel of the second and the
		// fourth, not of the third (it changed nothing he may see).
		await waitFor(() => outbox('daniel.ortiz@example.test').filter((m) => m.kind === 'meeting-summary-corrected').length === 2, 15_000, 'the fourth version’s notice to Daniel');
		await waitFor(() => outbox('ana.rivera@example.test').filter((m) => m.kind === 'meeting-summary-corrected').length === 2, 15_000, 'both corrections’ notices to Ana');
		expect(outbox('daniel.ortiz@example.test').filter((m) => m.kind === 'meeting-summary-corrected')).toHaveLength(2);
		expect(outbox('ana.rivera@example.test').filter((m) => m.kind === 'meeting-summary-corrected')).toHaveLength(2);
		for (const message of [...outbox('daniel.ortiz@example.test'), ...outbox('ana.rivera@example.test')].filter((m) => m.kind.startsWith('meeting-summary'))) {
			expect(message.text).toContain(`/meetings/${ids.meetingId}/summary`);
			expect(message.text).not.toContain('park');
			expect(message.text).not.toContain('Daniel came in person');
		}
	});
});
