import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addCard, BOARD_FIELD, boardOf, MAX_CARD_LENGTH, moveCard, removeCard, setCardFacts, setCardText, type NewCard } from './board';
import { goalsFor, pairedStatement, setPairing } from './board-pairing';
import { RECORD_ID } from './records';

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

	it('gives each new card its own stable id; a card from before ids still reads, with none', () => {
		const doc = new Y.Doc();
		addCard(doc, card, 'p:rosa');
		addCard(doc, card, 'p:rosa');
		const [a, b] = boardOf(doc);
		expect(a.id).toMatch(RECORD_ID);
		expect(b.id).toMatch(RECORD_ID);
		expect(a.id).not.toBe(b.id);
		moveCard(a, 'WORRIES');
		expect(boardOf(doc)[0].id).toBe(a.id);
		const old = new Y.Map<unknown>();
		doc.getArray(BOARD_FIELD).push([old]);
		old.set('column', 'WORRIES');
		old.set('text', new Y.Text('an old card'));
		expect(boardOf(doc)[2]).toMatchObject({ text: 'an old card', id: null, pairs: null });
	});

	it('pairs a safety goal with the danger statement it answers; a statement removed leaves the goal unpaired, not broken', () => {
		const [a, b] = pair();
		addCard(a, { ...card, column: 'WORRIES', category: 'DANGER_STATEMENT', text: 'We worry Dad drinks when he has the kids' }, 'u:dana');
		addCard(a, { ...card, column: 'WORRIES', category: 'HARM', text: 'Harm, not a statement' }, 'u:dana');
		addCard(b, { ...card, column: 'NEEDS_TO_HAPPEN', category: 'SAFETY_GOALS', text: 'Dad is sober whenever he has the kids, for six months' }, 'p:rosa');
		addCard(b, { ...card, column: 'NEEDS_TO_HAPPEN', category: 'NEXT_STEPS', text: 'A next step' }, 'p:rosa');
		const find = (doc: Y.Doc, start: string) => boardOf(doc).find((c) => c.text.startsWith(start))!;
		// Only a safety goal pairs, and only with a danger statement that has an id.
		expect(setPairing(find(b, 'A next step'), find(b, 'We worry'))).toBe(false);
		expect(setPairing(find(b, 'Dad is sober'), find(b, 'Harm'))).toBe(false);
		expect(setPairing(find(b, 'Dad is sober'), find(b, 'We worry'))).toBe(true);
		expect(pairedStatement(boardOf(a), find(a, 'Dad is sober'))?.text).toBe('We worry Dad drinks when he has the kids');
		expect(goalsFor(boardOf(a), find(a, 'We worry')).map((c) => c.text)).toEqual(['Dad is sober whenever he has the kids, for six months']);
		expect(goalsFor(boardOf(a), find(a, 'Harm'))).toEqual([]);
		// A goal moved to another column or type reads as unpaired.
		setCardFacts(find(a, 'Dad is sober'), { category: 'NEXT_STEPS' });
		expect(find(b, 'Dad is sober').pairs).toBeNull();
		setCardFacts(find(a, 'Dad is sober'), { category: 'SAFETY_GOALS' });
		expect(pairedStatement(boardOf(b), find(b, 'Dad is sober'))?.text).toMatch(/^We worry/);
		// The statement removed: the goal stays, unpaired; unpairing by hand writes null.
		removeCard(a, find(a, 'We worry'));
		expect(pairedStatement(boardOf(b), find(b, 'Dad is sober'))).toBeNull();
		expect(setPairing(find(b, 'Dad is sober'), null)).toBe(true);
		expect(find(a, 'Dad is sober').pairs).toBeNull();
	});
});
