import * as Y from 'yjs';
import { isRecordId, newRecordId, oneOf, replaceText, type RecordSchema } from './records.ts';

// The meeting's board in `meeting:<id>` (domain.md §3, architecture.md "Shared documents"): the three-column
// safety map: what we are worried about, what is working well, what needs to happen; each card with its
// category, whose voice it is, an "in their own words" mark, and tags for the five Strengthening Families
// protective factors. Owned here and used by the browser (to show and change it) and the server (to check
// every incoming change: collab/board-check.ts, and for the summary).
//
// Shape: the root array `board` holds one Y.Map per card. A card's keys (CARD_KEYS) hold codes, a flag, a
// list of codes and the card's words in a Y.Text, so that several people typing in one card merge, and a
// card removed while someone types in it stays removed (their typing lands in a deleted card, never a half
// card). Moving a card sets its column: it is never deleted and added again (two people moving one card at
// once leave one card, in one of the two columns). Stored as codes; only what people type is stored as typed.
//
// Pairing (domain.md §3, [YORK], [DANGER]): each danger statement is answered by one or more safety goals. A
// card made now has a stable `id` (set once, when it is made: records.ts RECORD_ID); a safety goal names the
// danger statement it answers by that id in `pairs`. The goal holds the link, so a goal and its statement are
// never written by two people as one change, and a statement removed leaves its goals unpaired, never broken.
// Cards made before ids existed still read (id null); they cannot be named by a goal.

/** The root array of cards in the meeting's document. */
export const BOARD_FIELD = 'board';

/**
 * The board's frameworks (domain.md §3, `Board.framework`): the three-column safety map (`SOS_3COL`, the
 * default; "Signs of Safety" is a registered name: the app names the columns, not the brand), a team
 * decision-making board of strengths and concerns, and a family team meeting's strengths and needs. Three
 * Houses, the child's voice, has its own page (child-voice.ts). The facilitator chooses before any card is
 * added (agenda.ts, command `framework`).
 */
export const FRAMEWORKS = ['SOS_3COL', 'TDM_STRENGTHS_CONCERNS', 'FTM_STRENGTHS_NEEDS'] as const;
export type Framework = (typeof FRAMEWORKS)[number];

/**
 * Where the framework is kept: in the agenda's map (agenda.ts AGENDA_FIELD), which only the server writes
 * (agenda.ts applies the facilitator's `framework` command). Named here, not imported, so that the board's
 * chunk does not pull in the agenda's code (anything two chunks share loads with every page: vite.config.ts).
 */
export const FRAMEWORK_MAP = 'agenda';

/** The board's framework: the safety map unless the facilitator chose another (an unknown value reads as it). */
export function frameworkOf(doc: Y.Doc): Framework {
	const v = doc.getMap(FRAMEWORK_MAP).get('framework');
	return (FRAMEWORKS as readonly unknown[]).includes(v) ? (v as Framework) : 'SOS_3COL';
}

/** Every column of every framework: what a card's `column` may hold. */
export const COLUMNS = ['WORRIES', 'WORKING_WELL', 'NEEDS_TO_HAPPEN', 'STRENGTHS', 'CONCERNS', 'IDEAS', 'NEEDS', 'PLAN_OF_ACTION'] as const;
export type Column = (typeof COLUMNS)[number];

/** Each framework's columns, in the order they are shown. */
export const FRAMEWORK_COLUMNS: Readonly<Record<Framework, readonly Column[]>> = {
	SOS_3COL: ['WORRIES', 'WORKING_WELL', 'NEEDS_TO_HAPPEN'],
	TDM_STRENGTHS_CONCERNS: ['STRENGTHS', 'CONCERNS', 'IDEAS'],
	FTM_STRENGTHS_NEEDS: ['STRENGTHS', 'NEEDS', 'PLAN_OF_ACTION']
};

/** The analysis categories of each column (domain.md §3: the safety map's; the other frameworks have none). */
export const CATEGORIES: Readonly<Record<Column, readonly string[]>> = {
	WORRIES: ['HARM', 'DANGER_STATEMENT', 'COMPLICATING_FACTORS'],
	WORKING_WELL: ['EXISTING_STRENGTHS', 'EXISTING_SAFETY'],
	NEEDS_TO_HAPPEN: ['SAFETY_GOALS', 'NEXT_STEPS'],
	STRENGTHS: [],
	CONCERNS: [],
	IDEAS: [],
	NEEDS: [],
	PLAN_OF_ACTION: []
};
export const ALL_CATEGORIES: readonly string[] = Object.values(CATEGORIES).flat();

/** Whose voice a card is (domain.md §3, Card.voice). */
export const VOICES = ['FAMILY', 'CHILD', 'KIN', 'PROFESSIONAL'] as const;
export type Voice = (typeof VOICES)[number];

/** The five Strengthening Families protective factors (CSSP; exact names, domain.md §3). */
export const PROTECTIVE_FACTORS = [
	'PARENTAL_RESILIENCE',
	'SOCIAL_CONNECTIONS',
	'KNOWLEDGE_OF_PARENTING_AND_CHILD_DEVELOPMENT',
	'CONCRETE_SUPPORT_IN_TIMES_OF_NEED',
	'SOCIAL_AND_EMOTIONAL_COMPETENCE_OF_CHILDREN'
] as const;
export type ProtectiveFactor = (typeof PROTECTIVE_FACTORS)[number];

/** The longest card (characters): a board card is a few sentences, not a document. */
export const MAX_CARD_LENGTH = 2000;

/** What a card may hold (records.ts), checked by the server on every change; `author` is set once, to its maker. */
export const CARD_SCHEMA: RecordSchema = {
	column: { kind: 'value', valid: oneOf(COLUMNS), required: true },
	category: { kind: 'value', valid: (v) => v === null || ALL_CATEGORIES.includes(v as string) },
	text: { kind: 'text', max: MAX_CARD_LENGTH, required: true },
	author: { kind: 'author', required: true },
	id: { kind: 'id', required: true },
	pairs: { kind: 'value', valid: (v) => v === null || isRecordId(v) },
	voice: { kind: 'value', valid: oneOf(VOICES), required: true },
	ownWords: { kind: 'value', valid: (v) => typeof v === 'boolean' },
	factors: { kind: 'value', valid: (v) => Array.isArray(v) && v.length <= PROTECTIVE_FACTORS.length && v.every(oneOf(PROTECTIVE_FACTORS)) }
};

/** A card as read from the document. `author`: who made it (`u:<userId>` staff, `p:<personId>` a participant). */
export type Card = {
	map: Y.Map<unknown>;
	column: Column;
	category: string | null;
	text: string;
	author: string | null;
	voice: Voice;
	ownWords: boolean;
	factors: ProtectiveFactor[];
	/** The card's own id (null on a card made before cards had one). */
	id: string | null;
	/** On a safety goal: the id of the danger statement it answers, as stored (see pairedStatement); else null. */
	pairs: string | null;
};

export function boardArray(doc: Y.Doc): Y.Array<Y.Map<unknown>> {
	return doc.getArray(BOARD_FIELD);
}

function isColumn(v: unknown): v is Column {
	return (COLUMNS as readonly unknown[]).includes(v);
}

/**
 * The cards on the board, in order, read defensively: an entry that is not a card map, or whose column is
 * not a known one, is left out; a category that does not belong to the card's column reads as none; an
 * unknown voice reads as the family's (the server refuses both; this keeps an old or odd document readable).
 */
export function boardOf(doc: Y.Doc): Card[] {
	const cards: Card[] = [];
	for (const entry of boardArray(doc).toArray()) {
		if (!(entry instanceof Y.Map)) continue;
		const column = entry.get('column');
		if (!isColumn(column)) continue;
		const category = entry.get('category');
		const text = entry.get('text');
		const voice = entry.get('voice');
		const factors = entry.get('factors');
		const author = entry.get('author');
		const id = entry.get('id');
		const pairs = entry.get('pairs');
		cards.push({
			map: entry,
			column,
			category: typeof category === 'string' && CATEGORIES[column].includes(category) ? category : null,
			text: text instanceof Y.Text ? text.toString() : '',
			author: typeof author === 'string' ? author : null,
			voice: (VOICES as readonly unknown[]).includes(voice) ? (voice as Voice) : 'FAMILY',
			ownWords: entry.get('ownWords') === true,
			factors: Array.isArray(factors) ? factors.filter((f): f is ProtectiveFactor => (PROTECTIVE_FACTORS as readonly unknown[]).includes(f)) : [],
			id: isRecordId(id) ? id : null,
			pairs: isRecordId(pairs) && column === 'NEEDS_TO_HAPPEN' && category === 'SAFETY_GOALS' ? pairs : null
		});
	}
	return cards;
}

export type NewCard = { column: Column; category: string | null; text: string; voice: Voice; ownWords: boolean; factors: ProtectiveFactor[] };

/**
 * Adds a card at the end of the board, made by `author` (the writer's own `u:`/`p:` id: the server refuses
 * any other). Refuses (returns false) text over MAX_CARD_LENGTH or empty after trimming, or a category of
 * another column.
 */
export function addCard(doc: Y.Doc, card: NewCard, author: string): boolean {
	const text = card.text.trim();
	if (text.length === 0 || text.length > MAX_CARD_LENGTH) return false;
	if (card.category !== null && !CATEGORIES[card.column].includes(card.category)) return false;
	doc.transact(() => {
		const map = new Y.Map<unknown>();
		map.set('column', card.column);
		map.set('category', card.category);
		map.set('text', new Y.Text(text));
		map.set('author', author);
		map.set('id', newRecordId());
		map.set('voice', card.voice);
		map.set('ownWords', card.ownWords);
		map.set('factors', [...new Set(card.factors)]);
		boardArray(doc).push([map]);
	});
	return true;
}

/** Moves a card to another column; its category goes (each column has its own). */
export function moveCard(card: Card, column: Column): void {
	if (card.column === column) return;
	card.map.doc!.transact(() => {
		card.map.set('column', column);
		card.map.set('category', null);
	});
}

/** Removes a card from the board (found by identity: indexes move while others add and remove). */
export function removeCard(doc: Y.Doc, card: Card): void {
	const cards = boardArray(doc);
	const at = cards.toArray().indexOf(card.map);
	if (at >= 0) cards.delete(at, 1);
}

/**
 * Changes a card's words to `next` by replacing only the part that changed (common start and end kept), so
 * that someone typing elsewhere in the same card keeps what they typed. Refuses (false) over MAX_CARD_LENGTH.
 */
export function setCardText(card: Card, next: string): boolean {
	if (next.length > MAX_CARD_LENGTH) return false;
	const text = card.map.get('text');
	if (!(text instanceof Y.Text)) return false;
	replaceText(text, next);
	return true;
}

/** Sets what the card says of itself: its category (of its column), voice, own-words mark and protective factors. */
export function setCardFacts(card: Card, facts: Partial<Pick<NewCard, 'category' | 'voice' | 'ownWords' | 'factors'>>): void {
	card.map.doc!.transact(() => {
		if (facts.category !== undefined && (facts.category === null || CATEGORIES[card.column].includes(facts.category))) card.map.set('category', facts.category);
		if (facts.voice !== undefined) card.map.set('voice', facts.voice);
		if (facts.ownWords !== undefined) card.map.set('ownWords', facts.ownWords);
		if (facts.factors !== undefined) card.map.set('factors', [...new Set(facts.factors)]);
	});
}

