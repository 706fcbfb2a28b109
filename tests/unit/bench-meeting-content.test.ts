import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { meetingDoc, meetingUpdate } from '../bench/lib/meeting-content.ts';
import { agendaOf } from '../../src/lib/domain/agenda.ts';
import { boardOf, FRAMEWORK_COLUMNS, frameworkOf } from '../../src/lib/domain/board.ts';
import { scaleOf } from '../../src/lib/domain/scale.ts';
import { actionItemsOf } from '../../src/lib/domain/action-items.ts';
import { decisionOf } from '../../src/lib/domain/decision.ts';

// The benchmarks' meeting is built by the app's shape modules: if a shape changes, the bench document
// must still read as a real meeting (else the memory and load figures measure something nobody makes).
describe('the benchmarks’ meeting document', () => {
	it('reads back through the app’s own readers as a meeting near its end', () => {
		const doc = meetingDoc(7);
		const agenda = agendaOf(doc);
		expect(agenda.stages).toHaveLength(7);
		expect(agenda.currentId).toBe(agenda.stages.at(-1)!.id);
		expect(agenda.timer?.stageId).toBe(agenda.currentId);
		const cards = boardOf(doc);
		expect(cards).toHaveLength(60);
		expect(frameworkOf(doc)).toBe('SOS_3COL');
		for (const card of cards) expect(FRAMEWORK_COLUMNS.SOS_3COL).toContain(card.column);
		expect(cards.some((c) => c.pairs !== null)).toBe(true);
		expect(scaleOf(doc)).toHaveLength(8);
		expect(actionItemsOf(doc)).toHaveLength(10);
		expect(decisionOf(doc)).not.toBeNull();
		expect(doc.getXmlFragment('notes').length).toBeGreaterThan(5);
	});

	it('is the same size for the same seed, and its update opens in a fresh document', () => {
		const a = meetingUpdate(3);
		const b = meetingUpdate(3);
		expect(a.byteLength).toBe(b.byteLength);
		expect(a.byteLength).toBeGreaterThan(30_000);
		const copy = new Y.Doc();
		Y.applyUpdate(copy, a);
		expect(boardOf(copy)).toHaveLength(60);
	});
});
