// The meeting's board on the real server (issue 20): many people add, reword, move and remove cards at
// once and nothing is lost; a card removed while someone types in it does not come back in part; a card in
// someone else's name is refused; everything survives a restart.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { removeServerFiles, startServer, type RunningServer } from '../support/server.ts';
import { accept, connect, demoIds, destroy, get, invite, personId, rawSocket, signIn, synced, waitFor, type Client } from '../support/clients.ts';
import { deepValueInText } from '../support/hostile.ts';
import { updateMessage } from '../../src/lib/server/collab/room-test-kit.ts';
import { addCard, boardOf, moveCard, removeCard, setCardText, type NewCard } from '../../src/lib/domain/board.ts';
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
