import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addCard, boardOf } from './board';
import { setPairing } from './board-pairing';
import { setRating } from './scale';
import { RECORD_ID } from './records';
import { addActionItem } from './action-items';
import { writeDecision, writePresented } from './decision';
import { applyAgenda } from './agenda';
import { buildSummary, parseSummaryFacts, summaryFor, type SummarySources } from './meeting-summary';

const ID = (n: number) => `${'a'.repeat(15)}${'bcdefghijklmnopq'[n]}`;
const staffId = ID(0);
const anaSession = 'anasessionaaaaaaaa';
const mother = ID(1);
const father = ID(2);
const grandma = ID(3);
const child = ID(4);

function meetingDoc(): Y.Doc {
	const doc = new Y.Doc();
	let n = 0;
	applyAgenda(doc, { do: 'start', kind: 'FTDM' }, 1_000, () => `stage${n++}`);
	applyAgenda(doc, { do: 'move', stageId: 'stage2' }, 2_000, () => `stage${n++}`);
	addCard(doc, { column: 'WORKING_WELL', category: 'EXISTING_STRENGTHS', text: 'Grandma walks the kids to school', voice: 'KIN', ownWords: true, factors: ['SOCIAL_CONNECTIONS'] }, `p:${grandma}`);
	addCard(doc, { column: 'WORRIES', category: null, text: 'Nobody checks the stove', voice: 'PROFESSIONAL', ownWords: false, factors: [] }, `u:${staffId}`);
	addActionItem(doc, { text: 'Call the school', owner: `p:${mother}`, due: '2026-12-10' }, `u:${staffId}`);
	addActionItem(doc, { text: 'Book the clinic', owner: `p:${grandma}`, due: null }, `u:${staffId}`);
	writeDecision(doc, { recommendations: { [child]: 'REMAIN_HOME_WITH_SAFETY_PLAN_SERVICES' }, consensus: false, decisionMakerId: staffId, reason: 'The stove', dissent: 'Mom: "I can do it"', reviewDate: '2027-01-05', recordedAt: 3_000, recordedBy: staffId });
	return doc;
}

const sources = (over: Partial<SummarySources> = {}): SummarySources => ({
	meeting: { kind: 'FTDM', meetingType: 'CONSIDERED_REMOVAL', emergency: false, startsAt: 1_000, durationMinutes: 90, timeZone: 'America/Chicago', location: { en: 'Office', es: null } },
	closedAt: 9_000,
	closedByName: 'Fran Facilitator',
	facilitatorName: 'Fran Facilitator',
	expected: [
		{ ref: `u:${staffId}`, name: 'Fran Facilitator', role: 'facilitator', staff: true, session: 'JOINT' },
		{ ref: `p:${mother}`, name: 'Ana Rivera', role: 'PARENT', staff: false, session: 'SEPARATE', sessionId: anaSession },
		{ ref: `p:${father}`, name: 'Daniel Ortiz', role: 'PARENT', staff: false, session: 'JOINT' },
		{ ref: `p:${grandma}`, name: 'Rosa Rivera', role: 'RELATIVE_KIN', staff: false, session: 'JOINT' }
	],
	input: { attended: { [`u:${staffId}`]: null, [`p:${mother}`]: 'PHONE', [`p:${grandma}`]: 'IN_PERSON' }, familyTimeOffered: false },
	names: { [`u:${staffId}`]: 'Fran Facilitator', [`p:${mother}`]: 'Ana Rivera', [`p:${father}`]: 'Daniel Ortiz', [`p:${grandma}`]: 'Rosa Rivera', [`p:${child}`]: 'Lucia Rivera' },
	familyTimeHeld: false,
	separateSessions: 1,
	nextMeeting: null,
	parts: [],
	childVoices: [
		{ childId: child, childName: 'Lucia Rivera', words: { worries: 'When Dad shouts', goodThings: 'My cat', dreams: 'A big garden' }, names: { worries: 'Grumpy house' }, shared: false }
	],
	...over
});

describe('a meeting’s summary', () => {
	it('holds the final state: who came and how, the board, the decision with names as they were, the action items, how far the agenda went', () => {
		const facts = buildSummary(meetingDoc(), sources());
		expect(facts.attendance.map((a) => [a.name, a.attended, a.mode])).toEqual([
			['Fran Facilitator', true, null],
			['Ana Rivera', true, 'PHONE'],
			['Daniel Ortiz', false, null],
			['Rosa Rivera', true, 'IN_PERSON']
		]);
		expect(facts.board.map((c) => [c.column, c.text, c.author])).toEqual([
			['WORKING_WELL', 'Grandma walks the kids to school', `p:${grandma}`],
			['WORRIES', 'Nobody checks the stove', `u:${staffId}`]
		]);
		expect(facts.decision).toEqual({
			recommendations: [{ childId: child, childName: 'Lucia Rivera', code: 'REMAIN_HOME_WITH_SAFETY_PLAN_SERVICES' }],
			consensus: false,
			decisionMakerName: 'Fran Facilitator',
			reason: 'The stove',
			dissent: 'Mom: "I can do it"',
			reviewDate: '2027-01-05'
		});
		expect(facts.actions).toEqual([
			{ text: 'Call the school', owner: `p:${mother}`, due: '2026-12-10', done: false },
			{ text: 'Book the clinic', owner: `p:${grandma}`, due: null, done: false }
		]);
		expect(facts.stages).toEqual({ planned: 6, reached: 3 });
		expect(facts.names[`p:${mother}`]).toBe('Ana Rivera');
		// Stored as JSON and read back as the same facts.
		expect(parseSummaryFacts(JSON.stringify(facts))).toEqual(facts);
	});

	it('is complete for a meeting that was never started or ended early: no stages reached, no decision', () => {
		const facts = buildSummary(new Y.Doc(), sources({ facilitatorName: null }));
		expect(facts.stages).toEqual({ planned: 0, reached: 0 });
		expect(facts.decision).toBeNull();
		expect(facts.board).toEqual([]);
		expect(facts.attendance).toHaveLength(4);
	});

	it('keeps what the family presented after family time, in their words', () => {
		const doc = new Y.Doc();
		writePresented(doc, { at: 5_000, text: 'Grandma takes the kids after school.\n• Dad calls every night' });
		const facts = buildSummary(doc, sources({ meeting: { ...sources().meeting, kind: 'FGDM' }, familyTimeHeld: true }));
		expect(facts.presented).toEqual([{ at: 5_000, text: 'Grandma takes the kids after school.\n• Dad calls every night' }]);
		expect(summaryFor(facts, { staff: false, keepApartWith: new Set(), seesTeamRecord: true }).presented).toHaveLength(1);
	});

	it('counts family time as offered when it was held, whatever the form said', () => {
		expect(buildSummary(new Y.Doc(), sources({ familyTimeHeld: true })).familyTime).toEqual({ offered: true, held: true });
		expect(buildSummary(new Y.Doc(), sources()).familyTime).toEqual({ offered: false, held: false });
	});

	it('shows staff everything', () => {
		const facts = buildSummary(meetingDoc(), sources());
		expect(summaryFor(facts, { staff: true })).toEqual({ ...facts, presented: [] });
	});

	it('never shows a family member anything of someone they are kept apart from, nor where anyone took part', () => {
		const facts = buildSummary(meetingDoc(), sources());
		const view = summaryFor(facts, { staff: false, keepApartWith: new Set([mother]), seesTeamRecord: true });
		const text = JSON.stringify(view);
		expect(text).not.toContain('Ana Rivera');
		expect(text).not.toContain(mother);
		expect(view.attendance.map((a) => a.name)).toEqual(['Fran Facilitator', 'Daniel Ortiz', 'Rosa Rivera']);
		expect(view.attendance.every((a) => a.session === 'JOINT')).toBe(true);
		expect(view.separateSessions).toBeNull();
		// Her action item stays, with no owner named.
		expect(view.actions).toEqual([
			{ text: 'Call the school', owner: null, due: '2026-12-10', done: false },
			{ text: 'Book the clinic', owner: `p:${grandma}`, due: null, done: false }
		]);
		// Cards show whose voice they are; only staff authors are named.
		expect(view.board?.map((c) => c.author)).toEqual([null, `u:${staffId}`]);
		// Someone of the family with no keep-apart pair, in the joint session: the people they met, not who
		// came to a session held apart (a relative of one parent must not learn that the other came).
		const relative = summaryFor(facts, { staff: false, personId: grandma, keepApartWith: new Set(), seesTeamRecord: true, sessionIds: new Set(['jointsessionaaaaaa']) });
		expect(relative.attendance.map((a) => a.name)).toEqual(['Fran Facilitator', 'Daniel Ortiz', 'Rosa Rivera']);
		// Nor named as an action's owner (the item stays), as on the live board, where family members read staff names only.
		expect(relative.actions?.map((a) => a.owner)).toEqual([null, `p:${grandma}`]);
		expect(JSON.stringify(relative)).not.toContain('Ana Rivera');
		// Someone who was in her session reads her line; and she reads her own, staff's, and not the joint session's family.
		const supporter = summaryFor(facts, { staff: false, keepApartWith: new Set(), seesTeamRecord: false, sessionIds: new Set([anaSession]) });
		expect(supporter.attendance.map((a) => a.name)).toEqual(['Fran Facilitator', 'Ana Rivera']);
		const ana = summaryFor(facts, { staff: false, personId: mother, keepApartWith: new Set([father]), seesTeamRecord: false, sessionIds: new Set([anaSession]) });
		expect(ana.attendance.map((a) => a.name)).toEqual(['Fran Facilitator', 'Ana Rivera']);
		expect(JSON.stringify(ana.attendance)).not.toContain(anaSession);
	});

	it('leaves out the board and action items for a family member who may not open the joint session’s document', () => {
		const view = summaryFor(buildSummary(meetingDoc(), sources()), { staff: false, keepApartWith: new Set([father]), seesTeamRecord: false });
		expect(view.board).toBeNull();
		expect(view.actions).toBeNull();
		expect(view.presented).toBeNull();
		expect(JSON.stringify(view)).not.toContain('Grandma walks');
		expect(JSON.stringify(view)).not.toContain('Daniel Ortiz');
		// The decision is the meeting's, for everyone who may see the meeting.
		expect(view.decision?.recommendations).toHaveLength(1);
	});

	it('shows a child’s Three Houses to others only once the child agreed, and always to the child', () => {
		const facts = buildSummary(new Y.Doc(), sources());
		expect(summaryFor(facts, { staff: true }).childVoices).toHaveLength(1);
		expect(summaryFor(facts, { staff: false, personId: father, keepApartWith: new Set(), seesTeamRecord: true }).childVoices).toEqual([]);
		expect(JSON.stringify(summaryFor(facts, { staff: false, personId: father, keepApartWith: new Set(), seesTeamRecord: true }))).not.toContain('When Dad shouts');
		expect(summaryFor(facts, { staff: false, personId: child, keepApartWith: new Set(), seesTeamRecord: true }).childVoices).toHaveLength(1);
		const agreed = buildSummary(new Y.Doc(), sources({ childVoices: [{ ...sources().childVoices[0], shared: true }] }));
		expect(summaryFor(agreed, { staff: false, personId: father, keepApartWith: new Set(), seesTeamRecord: false }).childVoices).toHaveLength(1);
	});

	it('reads nothing that is not a summary of this format', () => {
		expect(parseSummaryFacts('not json')).toBeNull();
		expect(parseSummaryFacts('{"format":2,"attendance":[],"board":[],"actions":[]}')).toBeNull();
		expect(parseSummaryFacts('null')).toBeNull();
	});

	it('holds each danger statement with the goal that answers it, and each answer on the safety scale; a family member sees the values, with staff names only', () => {
		const doc = meetingDoc();
		addCard(doc, { column: 'WORRIES', category: 'DANGER_STATEMENT', text: 'We worry the kids are alone at night', voice: 'PROFESSIONAL', ownWords: false, factors: [] }, `u:${staffId}`);
		addCard(doc, { column: 'NEEDS_TO_HAPPEN', category: 'SAFETY_GOALS', text: 'An adult is home every night', voice: 'FAMILY', ownWords: true, factors: [] }, `p:${grandma}`);
		const cards = boardOf(doc);
		setPairing(cards[3], cards[2]);
		setRating(doc, `u:${staffId}`, 4);
		setRating(doc, `p:${grandma}`, 7);
		const facts = buildSummary(doc, sources());
		const statement = facts.board.find((c) => c.category === 'DANGER_STATEMENT')!;
		expect(facts.board.find((c) => c.category === 'SAFETY_GOALS')?.pairs).toBe(statement.id);
		expect(statement.id).toMatch(RECORD_ID);
		expect(facts.scale).toEqual([{ rating: 4, author: `u:${staffId}` }, { rating: 7, author: `p:${grandma}` }]);
		expect(parseSummaryFacts(JSON.stringify(facts))).toEqual(facts);
		const family = summaryFor(facts, { staff: false, keepApartWith: new Set(), seesTeamRecord: true });
		expect(family.scale).toEqual([{ rating: 4, author: `u:${staffId}` }, { rating: 7, author: null }]);
		expect(summaryFor(facts, { staff: false, keepApartWith: new Set(), seesTeamRecord: false }).scale).toBeUndefined();
	});
});
