// The meeting's board on the real server (issue 20): many people add, reword, move and remove cards at
// once and nothing is lost; a card removed while someone types in it does not come back in part; a card in
// someone else's name is refused; everything survives a restart. A safety goal names the danger statement it
// answers; each person's rating on the safety scale is theirs alone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { removeServerFiles, startServer, type RunningServer } from '../support/server.ts';
import { accept, connect, demoIds, destroy, get, invite, personId, rawSocket, signIn, synced, waitFor, type Client } from '../support/clients.ts';
import { deepValueInText } from '../support/hostile.ts';
import { updateMessage } from '../../src/lib/server/collab/room-test-kit.ts';
import { addCard, boardOf, moveCard, removeCard, setCardText, type NewCard } from '../../src/lib/domain/board.ts';
import { pairedStatement, setPairing } from '../../src/lib/domain/board-pairing.ts';
import { scaleOf, setRating } from '../../src/lib/domain/scale.ts';
import { CLOSE } from '../../src/lib/domain/collab-protocol.ts';

let server: RunningServer;
let ids: { caseId: string; meetingId: string };
const cookies: Record<string, string> = {};
const owners: Record<string, string> = {};

beforeAll(async () => {
	server = await startServer();
	cookies.dana = await signIn(server.url, 'facilitator@demo.test');
	cookies.sam = await signIn(server.url, 'caseworker@demo.test');
	ids = await demoIds(server.url, cookies.sam);
	// Dana's id in the document, as her meeting page gives it to her editor.
	owners.dana = /owner:"(u:[a-z2-7]+)"/.exec(await (await get(server.url, `/meetings/${ids.meetingId}`, cookies.dana)).text())![1];
	for (const [key, name] of [['daniel', 'Daniel Ortiz'], ['lucia', 'Lucia Ortiz']] as const) {
		const person = await personId(server.url, cookies.sam, ids.caseId, name);
		owners[key] = `p:${person}`;
		cookies[key] = await accept(server.url, await invite(server.url, cookies.sam, ids.caseId, person, { meetingId: ids.meetingId }));
	}
});

afterAll(async () => {
	await server?.stop();
	if (server) removeServerFiles(server);
});

async function joined(who: string): Promise<Client> {
	const client = connect(server.url, `meeting:${ids.meetingId}`, cookies[who]);
	await synced(client);
	return client;
}
const card = (text: string, column: NewCard['column'] = 'WORKING_WELL'): NewCard => ({ column, category: null, text, voice: 'FAMILY', ownWords: true, factors: [] });
const texts = (doc: Y.Doc) => boardOf(doc).map((c) => `${c.column}:${c.text}`).sort();

describe('the meeting board', () => {
	it('loses nothing when three people add, reword and move cards at once, and keeps it all after a restart', async () => {
		const [daniel, lucia, dana] = [await joined('daniel'), await joined('lucia'), await joined('dana')];
		try {
			addCard(daniel.doc, card('Dad cooks dinner'), owners.daniel);
			await waitFor(() => boardOf(dana.doc).some((c) => c.text === 'Dad cooks dinner'), 3000, 'the card on Dana’s screen');
			await waitFor(() => boardOf(lucia.doc).some((c) => c.text === 'Dad cooks dinner'), 3000, 'the card on Lucia’s screen');
			// At once: Daniel and Lucia type in the same card, Dana moves it, and each adds a card of their own.
			setCardText(boardOf(daniel.doc).find((c) => c.text === 'Dad cooks dinner')!, 'Dad cooks dinner most nights');
			setCardText(boardOf(lucia.doc).find((c) => c.text === 'Dad cooks dinner')!, 'Dad always cooks dinner');
			moveCard(boardOf(dana.doc).find((c) => c.text === 'Dad cooks dinner')!, 'NEEDS_TO_HAPPEN');
			for (const [client, who] of [[daniel, 'daniel'], [lucia, 'lucia']] as const) addCard(client.doc, card(`a card by ${who}`, 'WORRIES'), owners[who]);
			addCard(dana.doc, card('a card by Dana', 'WORRIES'), owners.dana);
			await waitFor(() => JSON.stringify(texts(daniel.doc)) === JSON.stringify(texts(dana.doc)) && JSON.stringify(texts(lucia.doc)) === JSON.stringify(texts(dana.doc)) && boardOf(dana.doc).length >= 3, 5000, 'everyone converged');
			const merged = boardOf(dana.doc).find((c) => c.text.includes('cooks'))!;
			// Both rewordings are in, in one card, in the column Dana moved it to.
			expect(merged.text).toContain('most nights');
			expect(merged.text).toContain('always');
			expect(merged.column).toBe('NEEDS_TO_HAPPEN');
			expect(boardOf(dana.doc).filter((c) => c.text.includes('cooks'))).toHaveLength(1);
			for (const who of ['daniel', 'lucia']) expect(texts(dana.doc)).toContain(`WORRIES:a card by ${who}`);
			expect(texts(daniel.doc)).toContain('WORRIES:a card by Dana');
		} finally {
			destroy(daniel, lucia, dana);
		}
		const before = texts((await joined('sam')).doc);
		await server.restart();
		const after = await joined('daniel');
		try {
			expect(texts(after.doc)).toEqual(before);
		} finally {
			destroy(after);
		}
	});

	it('does not bring back half a card that one person removed while another typed in it', async () => {
		const [daniel, lucia] = [await joined('daniel'), await joined('lucia')];
		try {
			addCard(daniel.doc, card('Grandma can take the kids on weekends'), owners.daniel);
			await waitFor(() => boardOf(lucia.doc).some((c) => c.text.startsWith('Grandma')), 3000, 'the card on Lucia’s screen');
			// Lucia's socket is cut while she types; meanwhile Daniel removes the card.
			lucia.provider.disconnect();
			setCardText(boardOf(lucia.doc).find((c) => c.text.startsWith('Grandma'))!, 'Grandma can take the kids on weekends and Wednesdays');
			removeCard(daniel.doc, boardOf(daniel.doc).find((c) => c.text.startsWith('Grandma'))!);
			await waitFor(() => !boardOf(daniel.doc).some((c) => c.text.startsWith('Grandma')), 3000, 'removed');
			lucia.provider.connect();
			await waitFor(() => !boardOf(lucia.doc).some((c) => c.text.startsWith('Grandma')), 5000, 'removed on Lucia’s screen too');
			expect(boardOf(daniel.doc).some((c) => c.text.includes('Wednesdays'))).toBe(false);
		} finally {
			destroy(daniel, lucia);
		}
	});

	it('refuses a value nested too deep to encode again (one 40 KB message made the server exit), and the meeting opens after', async () => {
		for (const how of ['embed', 'format'] as const) {
			const { ws } = await rawSocket(`${server.url.replace(/^http/, 'ws')}/collab/meeting:${ids.meetingId}`, { origin: server.url, cookie: cookies.daniel });
			const closed = new Promise<number>((resolve) => ws!.once('close', (code) => resolve(code)));
			ws!.send(updateMessage(deepValueInText(20_000, how, 'decision', 1000 + (how === 'embed' ? 1 : 2))));
			expect(await closed).toBe(CLOSE.malformed);
			const dana = await joined('dana');
			try {
				expect(dana.doc.getText('decision').toDelta().some((d: { insert: unknown }) => typeof d.insert !== 'string')).toBe(false);
			} finally {
				destroy(dana);
			}
		}
	});

	it('refuses a card in someone else’s name, and a card of a shape the board has not', async () => {
		for (const forge of [(d: Y.Doc) => addCard(d, card('words put in Dana’s mouth'), 'u:someone'), (d: Y.Doc) => d.getArray('board').push(['not a card'])]) {
			const daniel = await joined('daniel');
			try {
				forge(daniel.doc);
				expect((await daniel.closed).code).toBe(CLOSE.changeRefused);
			} finally {
				destroy(daniel);
			}
		}
		const check = await joined('sam');
		try {
			expect(boardOf(check.doc).some((c) => c.text.includes('mouth'))).toBe(false);
		} finally {
			destroy(check);
		}
	});
});

describe('danger statements, safety goals and the safety scale', () => {
	const ratings = (doc: Y.Doc) => Object.fromEntries(scaleOf(doc).map((r) => [r.author, r.rating]));

	it('pairs a goal with a statement and keeps each person’s own rating, changed at once on two screens, after a restart', async () => {
		const [daniel, dana] = [await joined('daniel'), await joined('dana')];
		try {
			addCard(dana.doc, { ...card('We worry the kids are alone at night', 'WORRIES'), category: 'DANGER_STATEMENT' }, owners.dana);
			addCard(daniel.doc, { ...card('An adult is home every night', 'NEEDS_TO_HAPPEN'), category: 'SAFETY_GOALS' }, owners.daniel);
			await waitFor(() => boardOf(daniel.doc).some((c) => c.text.startsWith('We worry the kids')) && boardOf(dana.doc).some((c) => c.text.startsWith('An adult')), 3000, 'both cards on both screens');
			const statementOn = (doc: Y.Doc) => boardOf(doc).find((c) => c.text.startsWith('We worry the kids'))!;
			const goalOn = (doc: Y.Doc) => boardOf(doc).find((c) => c.text.startsWith('An adult'))!;
			expect(setPairing(goalOn(daniel.doc), statementOn(daniel.doc))).toBe(true);
			await waitFor(() => pairedStatement(boardOf(dana.doc), goalOn(dana.doc))?.text === 'We worry the kids are alone at night', 3000, 'the pairing on Dana’s screen');
			// Both rate at the same moment; then Daniel changes his mind.
			setRating(dana.doc, owners.dana, 4);
			setRating(daniel.doc, owners.daniel, 7);
			await waitFor(() => Object.keys(ratings(daniel.doc)).length === 2 && Object.keys(ratings(dana.doc)).length === 2, 3000, 'both ratings on both screens');
			setRating(daniel.doc, owners.daniel, 6);
			await waitFor(() => ratings(dana.doc)[owners.daniel] === 6, 3000, 'Daniel’s new rating on Dana’s screen');
			expect(ratings(daniel.doc)).toEqual({ [owners.dana]: 4, [owners.daniel]: 6 });
			expect(dana.doc.getArray('scale').length).toBe(2);
		} finally {
			destroy(daniel, dana);
		}
		await server.restart();
		const after = await joined('lucia');
		try {
			expect(ratings(after.doc)).toEqual({ [owners.dana]: 4, [owners.daniel]: 6 });
			const goal = boardOf(after.doc).find((c) => c.text.startsWith('An adult'))!;
			expect(pairedStatement(boardOf(after.doc), goal)?.text).toBe('We worry the kids are alone at night');
		} finally {
			destroy(after);
		}
	});

	it('refuses the facilitator changing or removing someone else’s rating, a rating out of range, and a pairing that is not an id', async () => {
		const forgeries: [string, (d: Y.Doc) => void][] = [
			['dana', (d) => scaleOf(d).find((r) => r.author === owners.daniel)!.map.set('rating', 10)],
			['dana', (d) => d.getArray('scale').delete(scaleOf(d).findIndex((r) => r.author === owners.daniel), 1)],
			['lucia', (d) => d.transact(() => { const m = new Y.Map<unknown>(); m.set('rating', 11); m.set('author', owners.lucia); d.getArray('scale').push([m]); })],
			['lucia', (d) => boardOf(d).find((c) => c.text.startsWith('An adult'))!.map.set('pairs', 'We worry the kids')]
		];
		for (const [who, forge] of forgeries) {
			const client = await joined(who);
			try {
				forge(client.doc);
				expect((await client.closed).code).toBe(CLOSE.changeRefused);
			} finally {
				destroy(client);
			}
		}
		const check = await joined('sam');
		try {
			expect(ratings(check.doc)[owners.daniel]).toBe(6);
			expect(ratings(check.doc)[owners.lucia]).toBeUndefined();
			const goal = boardOf(check.doc).find((c) => c.text.startsWith('An adult'))!;
			expect(pairedStatement(boardOf(check.doc), goal)?.text).toBe('We worry the kids are alone at night');
		} finally {
			destroy(check);
		}
	});
});
