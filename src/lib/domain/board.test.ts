import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addCard, BOARD_FIELD, boardOf, MAX_CARD_LENGTH, moveCard, removeCard, setCardFacts, setCardText, type NewCard } from './board';

const card: NewCard = { column: 'WORKING_WELL', category: 'EXISTING_STRENGTHS', text: '  Grandma helps every day  ', voice: 'KIN', ownWords: true, factors: ['SOCIAL_CONNECTIONS', 'SOCIAL_CONNECTIONS'] };
/** Two copies of one document that exchange their changes at once (two people's screens). */
function pair(): [Y.Doc, Y.Doc] {
	const a = new Y.Doc();
	const b = new Y.Doc();
	a.on('update', (u: Uint8Array, origin: unknown) => origin !== b && Y.applyUpdate(b, u, a));
	b.on('update', (u: Uint8Array, origin: unknown) => origin !== a && Y.applyUpdate(a, u, b));
	return [a, b];
}

describe('the board', () => {
	it('adds a card with its words trimmed, its maker, and each factor once; refuses empty, too long, or a category of another column', () => {
		const doc = new Y.Doc();
		expect(addCard(doc, card, 'p:rosa')).toBe(true);
		expect(boardOf(doc)).toMatchObject([{ column: 'WORKING_WELL', category: 'EXISTING_STRENGTHS', text: 'Grandma helps every day', author: 'p:rosa', voice: 'KIN', ownWords: true, factors: ['SOCIAL_CONNECTIONS'] }]);
		expect(addCard(doc, { ...card, text: '   ' }, 'p:rosa')).toBe(false);
		expect(addCard(doc, { ...card, text: 'x'.repeat(MAX_CARD_LENGTH + 1) }, 'p:rosa')).toBe(false);
		expect(addCard(doc, { ...card, category: 'DANGER_STATEMENT' }, 'p:rosa')).toBe(false);
		expect(boardOf(doc)).toHaveLength(1);
	});

	it('moves a card by its column (one card, whoever else moves it) and drops the category of the old column', () => {
		const [a, b] = pair();
		addCard(a, card, 'p:rosa');
		moveCard(boardOf(a)[0], 'NEEDS_TO_HAPPEN');
		moveCard(boardOf(b)[0], 'WORRIES');
		expect(boardOf(a)).toHaveLength(1);
		expect(boardOf(a)[0].category).toBeNull();
		expect(boardOf(a)[0].column).toBe(boardOf(b)[0].column);
	});

	it('rewords by the smallest change, so two people typing in one card both keep what they typed', () => {
		const [a, b] = pair();
		addCard(a, { ...card, text: 'Dad cooks dinner' }, 'p:daniel');
		setCardText(boardOf(a)[0], 'Dad cooks dinner most nights');
		setCardText(boardOf(b)[0], 'Dad always cooks dinner most nights');
		expect(boardOf(a)[0].text).toBe('Dad always cooks dinner most nights');
		expect(setCardText(boardOf(a)[0], 'x'.repeat(MAX_CARD_LENGTH + 1))).toBe(false);
	});

	it('keeps a removed card removed when someone was typing in it meanwhile', () => {
		const a = new Y.Doc();
		addCard(a, card, 'p:rosa');
		const b = new Y.Doc();
		Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
		removeCard(a, boardOf(a)[0]);
		setCardText(boardOf(b)[0], 'Grandma helps every day and night');
		setCardFacts(boardOf(b)[0], { voice: 'FAMILY' });
		Y.applyUpdate(a, Y.encodeStateAsUpdate(b));
		Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
		expect(boardOf(a)).toEqual([]);
		expect(boardOf(b)).toEqual([]);
	});

	it('reads a stored board defensively: what is not a card of a known column is left out; odd values read as none', () => {
		const doc = new Y.Doc();
		addCard(doc, card, 'p:rosa');
		const odd = new Y.Map<unknown>();
		const board = doc.getArray<unknown>(BOARD_FIELD);
		board.push(['junk', odd]);
		odd.set('column', 'NOWHERE');
		const half = new Y.Map<unknown>();
		board.push([half]);
		half.set('column', 'WORRIES');
		half.set('category', 'EXISTING_STRENGTHS');
		half.set('voice', 'ROBOT');
		half.set('factors', ['MAGIC']);
		const read = boardOf(doc);
		expect(read).toHaveLength(2);
		expect(read[1]).toMatchObject({ column: 'WORRIES', category: null, text: '', author: null, voice: 'FAMILY', ownWords: false, factors: [] });
	});
});
