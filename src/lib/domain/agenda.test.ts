import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { AGENDA_FIELD, agendaOf, agendaTemplate, applyAgenda, FGDM_STAGES, FTDM_STAGES, remainingMs, type AgendaCommand } from './agenda';
import { addCard, BOARD_FIELD, boardOf, CARD_SCHEMA, CATEGORIES, COLUMNS, FRAMEWORK_COLUMNS, frameworkOf } from './board';

let n = 0;
const newId = () => `s${++n}`;
const MIN = 60_000;

function started(kind: 'FTDM' | 'FGDM' = 'FTDM', now = 0) {
	const doc = new Y.Doc();
	expect(applyAgenda(doc, { do: 'start', kind }, now, newId)).toBeNull();
	return doc;
}
const run = (doc: Y.Doc, command: AgendaCommand, now: number) => applyAgenda(doc, command, now, newId);
const left = (doc: Y.Doc, now: number) => remainingMs(agendaOf(doc).timer!, now);

describe('the agenda', () => {
	it('starts from the template of the meeting kind, as codes, paused at the first stage with its full time', () => {
		const ftdm = agendaOf(started('FTDM'));
		expect(ftdm.stages.map((s) => s.code)).toEqual([...FTDM_STAGES]);
		expect(ftdm.stages.every((s) => s.title === null)).toBe(true);
		expect(ftdm.currentId).toBe(ftdm.stages[0].id);
		expect(ftdm.timer).toEqual({ stageId: ftdm.stages[0].id, endsAt: null, leftMs: 10 * MIN });
		expect(agendaOf(started('FGDM')).stages.map((s) => s.code)).toEqual([...FGDM_STAGES]);
		expect(agendaTemplate('FGDM', newId).find((s) => s.code === 'PRIVATE_FAMILY_TIME')).toBeTruthy();
	});

	it('is set up once: a second start changes nothing', () => {
		const doc = started();
		const before = agendaOf(doc);
		expect(run(doc, { do: 'start', kind: 'FGDM' }, 5)).toBe('already-started');
		expect(agendaOf(doc)).toEqual(before);
	});

	it('moves the current stage and starts its full time in the server clock', () => {
		const doc = started();
		const third = agendaOf(doc).stages[2];
		expect(run(doc, { do: 'move', stageId: third.id }, 1_000)).toBeNull();
		expect(agendaOf(doc).currentId).toBe(third.id);
		expect(left(doc, 1_000)).toBe(third.minutes * MIN);
		expect(left(doc, 61_000)).toBe(third.minutes * MIN - MIN);
		expect(run(doc, { do: 'move', stageId: 'nope' }, 2_000)).toBe('no-such-stage');
	});

	it('keeps what is left through pause, resume and add time (add time never wipes the remainder)', () => {
		const doc = started();
		run(doc, { do: 'resume' }, 0);
		// 4 minutes in: 6 left of 10.
		expect(run(doc, { do: 'pause' }, 4 * MIN)).toBeNull();
		expect(left(doc, 9 * MIN)).toBe(6 * MIN);
		expect(run(doc, { do: 'pause' }, 9 * MIN)).toBe('not-running');
		expect(run(doc, { do: 'add-time', minutes: 5 }, 9 * MIN)).toBeNull();
		expect(left(doc, 9 * MIN)).toBe(11 * MIN);
		expect(run(doc, { do: 'resume' }, 10 * MIN)).toBeNull();
		expect(left(doc, 12 * MIN)).toBe(9 * MIN);
		expect(run(doc, { do: 'add-time', minutes: 2 }, 12 * MIN)).toBeNull();
		expect(left(doc, 12 * MIN)).toBe(11 * MIN);
		// Run out, then add time: from now, not from when it ran out.
		expect(left(doc, 30 * MIN)).toBeLessThan(0);
		run(doc, { do: 'add-time', minutes: 3 }, 30 * MIN);
		expect(left(doc, 30 * MIN)).toBe(3 * MIN);
	});

	it('never leaves the meeting without a current stage when stages are removed or reordered, the current one too', () => {
		const doc = started();
		const [a, b, c] = agendaOf(doc).stages;
		run(doc, { do: 'move', stageId: b.id }, 0);
		run(doc, { do: 'reorder', stageId: b.id, by: -1 }, 0);
		expect(agendaOf(doc).stages.slice(0, 2).map((s) => s.id)).toEqual([b.id, a.id]);
		expect(agendaOf(doc).currentId).toBe(b.id);
		// Removing the current stage makes the one that took its place current, with its full time.
		expect(run(doc, { do: 'remove-stage', stageId: b.id }, 0)).toBeNull();
		expect(agendaOf(doc).currentId).toBe(a.id);
		expect(left(doc, 0)).toBe(a.minutes * MIN);
		for (const s of agendaOf(doc).stages.slice(1)) run(doc, { do: 'remove-stage', stageId: s.id }, 0);
		expect(agendaOf(doc).stages.map((s) => s.id)).toEqual([a.id]);
		expect(run(doc, { do: 'remove-stage', stageId: a.id }, 0)).toBe('last-stage');
		expect(c).toBeTruthy();
	});

	it('adds a stage with the facilitator\'s own title right after the current one', () => {
		const doc = started();
		const first = agendaOf(doc).stages[0];
		expect(run(doc, { do: 'add-stage', title: 'Lunch together', minutes: 30 }, 0)).toBeNull();
		const added = agendaOf(doc).stages[1];
		expect(added).toMatchObject({ code: null, title: 'Lunch together', minutes: 30 });
		expect(agendaOf(doc).currentId).toBe(first.id);
		expect(run(doc, { do: 'set-minutes', stageId: added.id, minutes: 45 }, 0)).toBeNull();
		expect(agendaOf(doc).stages[1].minutes).toBe(45);
	});

	it('reads a stored agenda defensively: a current stage that is gone reads as the first; a malformed stage or timer is left out', () => {
		const doc = started();
		const stages = agendaOf(doc).stages;
		const map = doc.getMap(AGENDA_FIELD);
		map.set('current', 'gone');
		expect(agendaOf(doc).currentId).toBe(stages[0].id);
		map.set('stages', [...stages, { id: 'x', code: 'NOT_A_STAGE', title: null, minutes: 5 }, { id: 'y', code: null, title: '', minutes: 5 }, 'junk']);
		expect(agendaOf(doc).stages).toEqual(stages);
		map.set('timer', { stageId: stages[0].id, endsAt: 5, leftMs: 5 });
		expect(agendaOf(doc).timer).toBeNull();
		expect(agendaOf(new Y.Doc())).toEqual({ stages: [], currentId: null, timer: null });
	});
});

describe('the board’s layout', () => {
	it('is the safety map unless the facilitator chose another, before any card was added', () => {
		const doc = new Y.Doc();
		expect(frameworkOf(doc)).toBe('SOS_3COL');
		expect(applyAgenda(doc, { do: 'framework', framework: 'FTM_STRENGTHS_NEEDS' }, 0, () => 'x')).toBeNull();
		expect(frameworkOf(doc)).toBe('FTM_STRENGTHS_NEEDS');
		expect(FRAMEWORK_COLUMNS[frameworkOf(doc)]).toEqual(['STRENGTHS', 'NEEDS', 'PLAN_OF_ACTION']);
		addCard(doc, { column: 'NEEDS', category: null, text: 'A ride to the clinic', voice: 'FAMILY', ownWords: true, factors: [] }, 'p:aaaaaaaaaaaaaaaa');
		// Cards in one layout's columns would vanish from another's: it stays as it is.
		expect(applyAgenda(doc, { do: 'framework', framework: 'SOS_3COL' }, 0, () => 'x')).toBe('board-not-empty');
		expect(frameworkOf(doc)).toBe('FTM_STRENGTHS_NEEDS');
		expect(applyAgenda(doc, { do: 'framework', framework: 'FTM_STRENGTHS_NEEDS' }, 0, () => 'x')).toBeNull();
		// An unknown value stored reads as the safety map.
		doc.getMap(AGENDA_FIELD).set('framework', 'NOT_A_LAYOUT');
		expect(frameworkOf(doc)).toBe('SOS_3COL');
	});

	it('is chosen over a board that shows no card, whatever entries no page shows it holds', () => {
		const doc = new Y.Doc();
		// What a page can leave on the board (the server takes both): a record with no keys, and a card whose column was deleted.
		doc.getArray(BOARD_FIELD).push([new Y.Map()]);
		addCard(doc, { column: 'WORRIES', category: null, text: 'Gone', voice: 'FAMILY', ownWords: false, factors: [] }, 'p:aaaaaaaaaaaaaaaa');
		doc.getArray<Y.Map<unknown>>(BOARD_FIELD).get(1).delete('column');
		expect(boardOf(doc)).toEqual([]);
		expect(applyAgenda(doc, { do: 'framework', framework: 'TDM_STRENGTHS_CONCERNS' }, 0, () => 'x')).toBeNull();
		expect(frameworkOf(doc)).toBe('TDM_STRENGTHS_CONCERNS');
	});

	it('has columns every card may be in, and categories only on the safety map', () => {
		for (const columns of Object.values(FRAMEWORK_COLUMNS)) for (const c of columns) expect(COLUMNS).toContain(c);
		expect(CATEGORIES.NEEDS).toEqual([]);
		expect(CARD_SCHEMA.column.kind === 'value' && CARD_SCHEMA.column.valid('PLAN_OF_ACTION')).toBe(true);
		expect(CARD_SCHEMA.column.kind === 'value' && CARD_SCHEMA.column.valid('DREAMS')).toBe(false);
	});
});
