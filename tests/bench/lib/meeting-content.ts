// A meeting's shared document as the meeting room leaves it near its end, built by the app's own shape
// modules (src/lib/domain: agenda.ts, board.ts, board-pairing.ts, scale.ts, decision.ts, action-items.ts),
// so the benchmarks measure the document people really make: the facilitator's agenda walked stage by
// stage (with the timer paused, resumed and given more time), a board of cards in the safety map's three
// columns (reworded, recategorised and moved as the talk goes; safety goals paired with their danger
// statements), everyone's rating on the safety scale, notes typed by several people, the decision and the
// action items. Edits run as one of several people (their own Yjs client ids), so the document carries the
// items and tombstones that real editing leaves behind.
//
// Built with the app's Yjs (these modules import it). A benchmark whose client library has its own Yjs
// (Hocuspocus) takes the encoded update (`meetingUpdate`), which every Yjs of the same format reads.
import * as Y from 'yjs';
import { applyAgenda, agendaOf } from '../../../src/lib/domain/agenda.ts';
import { addCard, boardOf, CATEGORIES, FRAMEWORK_COLUMNS, moveCard, setCardFacts, setCardText, type Column } from '../../../src/lib/domain/board.ts';
import { newRecordId } from '../../../src/lib/domain/records.ts';
import { setPairing } from '../../../src/lib/domain/board-pairing.ts';
import { setRating } from '../../../src/lib/domain/scale.ts';
import { writeDecision } from '../../../src/lib/domain/decision.ts';
import { addActionItem } from '../../../src/lib/domain/action-items.ts';
import { docBuilders, rng, sentence } from './docs.ts';

const { writeRichText, typist } = docBuilders(Y);

/** The people of a bench meeting, as `u:`/`p:` ids (the shape modules' authors). */
const PEOPLE = ['u:facilitator', 'u:caseworker', 'p:mother', 'p:father', 'p:grandmother', 'p:aunt', 'p:youth', 'u:supervisor'].map((id) => id.padEnd(18, 'a'));

/**
 * A meeting's document (`meeting:<id>`, FTDM) of about `cards` board cards (default 60) and `notesChars`
 * characters of notes (default 8,000), the same for the same `seed`. The agenda is written as the server
 * writes it (applyAgenda with a server clock); everything else as the browsers write it.
 */
export function meetingDoc(seed: number, opts: { cards?: number; notesChars?: number } = {}): Y.Doc {
	const random = rng(seed);
	const doc = new Y.Doc();
	const clientIds = PEOPLE.map((_, i) => 200_000 + seed * 16 + i);
	let who = 0;
	/** Runs `fn` as one of the people (their own client id), in one transaction. */
	const as = <T>(fn: () => T, person = Math.floor(random() * PEOPLE.length)): T => {
		who = person;
		doc.clientID = clientIds[person];
		let result!: T;
		doc.transact(() => (result = fn()));
		return result;
	};
	/** A stage id as the server makes one (server/ids.ts: 24 base32 letters). */
	const stageId = () => (newRecordId() + newRecordId() + newRecordId()).slice(0, 24);
	let now = Date.UTC(2026, 10, 3, 23, 30);

	// The facilitator (person 0) starts the agenda and walks it; a stage added on the way.
	as(() => applyAgenda(doc, { do: 'start', kind: 'FTDM' }, now, stageId), 0);
	as(() => applyAgenda(doc, { do: 'add-stage', title: 'Transport and school', minutes: 10 }, now, stageId), 0);
	const columns = FRAMEWORK_COLUMNS.SOS_3COL;
	const cardCount = opts.cards ?? 60;
	const stages = agendaOf(doc).stages;
	const perStage = Math.ceil(cardCount / stages.length);
	let made = 0;
	for (const stage of stages) {
		now += 60_000;
		as(() => applyAgenda(doc, { do: 'move', stageId: stage.id }, now, stageId), 0);
		if (random() < 0.5) as(() => applyAgenda(doc, { do: 'pause' }, now + 120_000, stageId), 0);
		if (random() < 0.5) as(() => applyAgenda(doc, { do: 'resume' }, now + 180_000, stageId), 0);
		if (random() < 0.3) as(() => applyAgenda(doc, { do: 'add-time', minutes: 5 }, now + 240_000, stageId), 0);
		// Cards go up while the stage runs.
		for (let i = 0; i < perStage && made < cardCount; i++, made++) {
			const column: Column = columns[made % columns.length];
			const categories = CATEGORIES[column];
			as(() =>
				addCard(
					doc,
					{
						column,
						category: random() < 0.6 ? categories[Math.floor(random() * categories.length)] : null,
						text: sentence(random, 8, 30).trim(),
						voice: (['FAMILY', 'CHILD', 'KIN', 'PROFESSIONAL'] as const)[Math.floor(random() * 4)],
						ownWords: random() < 0.4,
						factors: random() < 0.3 ? ['SOCIAL_CONNECTIONS'] : []
					},
					PEOPLE[who]
				)
			);
		}
	}
	// Cards get reworded, recategorised and moved as the conversation goes.
	for (let i = 0; i < cardCount / 2; i++) {
		const cards = boardOf(doc);
		const card = cards[Math.floor(random() * cards.length)];
		as(() => {
			if (random() < 0.5) setCardText(card, `${card.text} ${sentence(random, 3, 8).trim()}`);
			else setCardText(card, card.text.slice(0, Math.max(20, card.text.length - 15)));
		});
		if (random() < 0.4) as(() => moveCard(card, columns[Math.floor(random() * columns.length)]));
		if (random() < 0.3) as(() => setCardFacts(card, { ownWords: !card.ownWords }));
	}
	// Safety goals answer danger statements.
	const cards = boardOf(doc);
	const statements = cards.filter((c) => c.column === 'WORRIES' && c.category === 'DANGER_STATEMENT');
	const goals = cards.filter((c) => c.column === 'NEEDS_TO_HAPPEN' && c.category === 'SAFETY_GOALS');
	goals.forEach((goal, i) => statements.length > 0 && as(() => setPairing(goal, statements[i % statements.length])));
	// Everyone rates safety, some twice.
	PEOPLE.forEach((author, i) => as(() => setRating(doc, author, Math.floor(random() * 11)), i));
	PEOPLE.slice(2, 5).forEach((author, i) => as(() => setRating(doc, author, Math.floor(random() * 11)), i + 2));

	writeRichText(typist(seed, 4, doc), doc.getXmlFragment('notes'), opts.notesChars ?? 8000, 1500);

	now += 60_000;
	as(
		() =>
			writeDecision(doc, {
				recommendations: { childaaaaaaaaaaab: 'MAINTAIN_PRESENT', childaaaaaaaaaaac: 'MOVE_LESS_RESTRICTIVE' },
				consensus: random() < 0.7,
				decisionMakerId: PEOPLE[0].slice(2),
				reason: sentence(random, 10, 30).trim(),
				dissent: random() < 0.5 ? sentence(random, 10, 30).trim() : null,
				reviewDate: '2026-12-15',
				recordedAt: now,
				recordedBy: PEOPLE[0].slice(2)
			}),
		0
	);
	for (let i = 0; i < 10; i++) {
		as(() => addActionItem(doc, { text: sentence(random, 5, 14).trim(), owner: PEOPLE[i % PEOPLE.length], due: '2026-11-20' }, PEOPLE[who]));
	}
	return doc;
}

/** `meetingDoc(seed, opts)` as one Yjs update (v1 encoding), for a client library with its own Yjs. */
export function meetingUpdate(seed: number, opts: { cards?: number; notesChars?: number } = {}): Uint8Array {
	const doc = meetingDoc(seed, opts);
	const update = Y.encodeStateAsUpdate(doc);
	doc.destroy();
	return update;
}
