import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { PLAN_SCHEMA_VERSION, PLAN_SECTION_NODE, planOf, planSectionsOf, seedPlan } from './plan-doc';
import { PLAN_SECTIONS } from './plan-sections';
import { JURISDICTION_DEFAULTS } from './jurisdiction';
import { DOC_KIND_SPECS } from './doc-kinds';
import { richTextMisfit } from '../server/collab/update-check';

/** What `seed` writes into an empty document, as the update the server stores and sends. */
function seeded(template = JURISDICTION_DEFAULTS.planTemplate): { doc: Y.Doc; update: Uint8Array } {
	const doc = new Y.Doc();
	let update: Uint8Array = new Uint8Array();
	doc.on('update', (u: Uint8Array) => (update = u));
	seedPlan(doc, template);
	return { doc, update };
}

describe('a new case plan, seeded on the server from the jurisdiction’s template', () => {
	it('holds every section of the issue in order, each heading a code followed by an empty paragraph to write in', () => {
		const { doc } = seeded();
		expect(planSectionsOf(doc)).toEqual(['VISION', 'STRENGTHS', 'WORRIES', 'GOALS', 'SERVICES', 'VISITATION', 'PERMANENCY', 'YOUTH']);
		const body = planOf(doc).body.toArray() as Y.XmlElement[];
		expect(body.map((n) => n.nodeName)).toEqual(PLAN_SECTIONS.flatMap(() => [PLAN_SECTION_NODE, 'paragraph']));
		// No words are stored: each reader's page words the codes in their own language.
		expect(body.every((n) => n instanceof Y.XmlElement && n.length === 0)).toBe(true);
		expect(planOf(doc).meta.get('schema')).toBe(PLAN_SCHEMA_VERSION);
	});

	it('follows another jurisdiction’s template (data, not code)', () => {
		expect(planSectionsOf(seeded(['GOALS', 'VISION']).doc)).toEqual(['GOALS', 'VISION']);
	});

	it('adds nothing to a plan that already has text: a second seed leaves it as it was', () => {
		const { doc } = seeded();
		const before = planOf(doc).body.toString();
		seedPlan(doc, JURISDICTION_DEFAULTS.planTemplate);
		expect(planOf(doc).body.toString()).toBe(before);
	});

	it('refuses a template code that is no section (a broken configuration), writing nothing', () => {
		const doc = new Y.Doc();
		expect(() => seedPlan(doc, ['VISION', 'Our vision' as never])).toThrow(RangeError);
		expect(planOf(doc).body.length).toBe(0);
	});

	it('is the kind’s seed, and what it writes keeps the shape the collab server enforces on the plan', () => {
		const doc = new Y.Doc();
		DOC_KIND_SPECS.plan.seed!(doc, { docId: 'plan:x' });
		expect(planSectionsOf(doc)).toEqual([...JURISDICTION_DEFAULTS.planTemplate]);
		const { update } = seeded();
		expect(richTextMisfit(Y.decodeUpdate(update), new Y.Doc(), DOC_KIND_SPECS.plan.richText)).toBeNull();
	});

	it('a section heading with a code that is no section, or words instead of a code, is refused by the server', () => {
		const base = seeded().doc;
		for (const value of ['Our vision', 'vision', 7]) {
			const copy = new Y.Doc();
			Y.applyUpdate(copy, Y.encodeStateAsUpdate(base));
			const sv = Y.encodeStateVector(copy);
			const heading = new Y.XmlElement(PLAN_SECTION_NODE);
			heading.setAttribute('section', value as string);
			planOf(copy).body.insert(0, [heading]);
			const change = Y.encodeStateAsUpdate(copy, sv);
			expect(richTextMisfit(Y.decodeUpdate(change), base, DOC_KIND_SPECS.plan.richText), String(value)).not.toBeNull();
		}
	});
});
