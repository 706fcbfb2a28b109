import { describe, expect, it } from 'vitest';
import { checkChange, DOC_KIND_SPECS, type DocKindSpec, type RootItem } from './doc-kinds';
import { DOC_KINDS } from './doc-id';
import { REFUSAL_REASONS } from './collab-protocol';
import * as Y from 'yjs';
import { planOf, PLAN_SCHEMA_VERSION } from './plan-doc';
import { SCALE_SCHEMA } from './scale';

const change = (entries: [string, (string | null)[]][]) => ({ roots: new Map(entries.map(([root, keys]) => [root, new Set(keys)])) });
const facilitator = { kind: 'staff' as const, role: 'facilitator' };

describe('shared-document kinds', () => {
	it('declare every kind a document id may name, with where it belongs and its roots', () => {
		expect(Object.keys(DOC_KIND_SPECS).sort()).toEqual([...DOC_KINDS].sort());
		for (const spec of Object.values(DOC_KIND_SPECS)) {
			expect(Object.keys(spec.roots).length).toBeGreaterThan(0);
			for (const root of spec.richText) expect(spec.roots[root]).toBe('xml');
		}
	});

	it('refuse a change to a root the kind does not declare, and take its own', () => {
		expect(checkChange(DOC_KIND_SPECS.meeting, change([['notes', [null]]]), facilitator)).toBeNull();
		expect(checkChange(DOC_KIND_SPECS.meeting, change([['notes', [null]], ['secret', [null]]]), facilitator)).toBe('shape');
		expect(checkChange(DOC_KIND_SPECS.plan, change([['notes', [null]]]), facilitator)).toBe('shape');
		expect(checkChange(DOC_KIND_SPECS.plan, change([['plan', [null]], ['meta', ['status']]]), facilitator)).toBeNull();
	});

	it('refuse a root written as another type: a key on a root that is not a map, list content in a map, content a root’s type does not hold (issue 16 item 3)', () => {
		const meeting = DOC_KIND_SPECS.meeting;
		const withItems = (roots: [string, (string | null)[]][], items: [string, RootItem[]][]) => ({ ...change(roots), rootItems: new Map(items.map(([r, k]) => [r, new Set(k)])) });
		// What each part's own shape writes.
		expect(checkChange(meeting, withItems([['notes', [null]], ['board', [null]], ['actions', [null]], ['scale', [null]]], [['notes', ['xml', 'deleted']], ['board', ['value']], ['actions', ['value']], ['scale', ['value', 'deleted']]]), facilitator)).toBeNull();
		// A map key under the notes (xml), list content under the agenda (map), a map entry under the board (array).
		expect(checkChange(meeting, change([['notes', ['x']]]), facilitator)).toBe('shape');
		expect(checkChange(meeting, withItems([['agenda', [null]]], [['agenda', ['text']]]), facilitator)).toBe('shape');
		expect(checkChange(meeting, change([['agenda', [null]]]), facilitator)).toBe('shape');
		expect(checkChange(meeting, change([['board', ['k']]]), facilitator)).toBe('shape');
		// Content of another type in a list root.
		expect(checkChange(meeting, withItems([['notes', [null]]], [['notes', ['text']]]), facilitator)).toBe('shape');
		expect(checkChange(meeting, withItems([['decision', [null]]], [['decision', ['xml']]]), facilitator)).toBe('shape');
		expect(checkChange(meeting, withItems([['board', [null]]], [['board', ['text']]]), facilitator)).toBe('shape');
		expect(checkChange(meeting, withItems([['board', [null]]], [['board', ['other']]]), facilitator)).toBe('shape');
		expect(checkChange(meeting, withItems([], [['secret', ['value']]]), facilitator)).toBe('shape');
		// The safety scale (scale.ts) is a list of ratings: no key on it, no text in it; a separate part has none.
		expect(checkChange(meeting, change([['scale', ['rating']]]), facilitator)).toBe('shape');
		expect(checkChange(meeting, withItems([['scale', [null]]], [['scale', ['text']]]), facilitator)).toBe('shape');
		expect(checkChange(DOC_KIND_SPECS.session, change([['scale', [null]]]), facilitator)).toBe('shape');
		expect(meeting.records?.scale).toBe(SCALE_SCHEMA);
		expect(meeting.records?.scale.author).toEqual({ kind: 'author', owns: true, required: true });
	});

	it('refuse the agenda and the recorded decision from any browser, the facilitator’s too: the server writes them (agenda.ts, decision.ts)', () => {
		const meeting = DOC_KIND_SPECS.meeting;
		for (const writer of [facilitator, { kind: 'staff' as const, role: 'caseworker' }, { kind: 'participant' as const, role: 'PARENT' }]) {
			expect(checkChange(meeting, change([['agenda', ['stages', 'current']]]), writer)).toBe('read-only');
			expect(checkChange(meeting, change([['agenda', ['timer']]]), writer)).toBe('read-only');
			expect(checkChange(meeting, change([['outcome', ['consensus']]]), writer)).toBe('read-only');
			// The old decision draft's text root: no page reads it, nobody writes it (doc-kinds.ts DECISION_DRAFT_FIELD).
			expect(checkChange(meeting, { ...change([['decision', [null]]]), rootItems: new Map([['decision', new Set(['text' as const])]]) }, writer)).toBe('read-only');
		}
		expect(checkChange(meeting, change([['notes', [null]]]), { kind: 'participant', role: 'PARENT' })).toBeNull();
	});

	it('run a kind’s own rule after the shared ones (a rule as the meeting room will write them)', () => {
		const agenda: DocKindSpec = {
			kind: 'meeting',
			belongsTo: 'meeting',
			roots: { agenda: 'map' },
			richText: [],
			check: (c, writer) => (c.roots.get('agenda')?.has('stage') && writer.role !== 'facilitator' ? 'read-only' : null)
		};
		expect(checkChange(agenda, change([['agenda', ['stage']]]), facilitator)).toBeNull();
		expect(checkChange(agenda, change([['agenda', ['stage']]]), { kind: 'staff', role: 'caseworker' })).toBe('read-only');
		expect(REFUSAL_REASONS).toContain(checkChange(agenda, change([['agenda', ['stage']]]), { kind: 'participant', role: 'PARENT' }));
	});

	it('seed a new plan with its shape version, which only the server sets', () => {
		const doc = new Y.Doc();
		DOC_KIND_SPECS.plan.seed!(doc, { docId: 'plan:x' });
		expect(planOf(doc).meta.get('schema')).toBe(PLAN_SCHEMA_VERSION);
		expect(checkChange(DOC_KIND_SPECS.plan, change([['meta', ['schema']]]), facilitator)).toBe('shape');
		expect(checkChange(DOC_KIND_SPECS.plan, change([['meta', ['status', 'schema']]]), { kind: 'participant', role: 'PARENT' })).toBe('shape');
	});
});
