import * as Y from 'yjs';
import { isPlanSection, type PlanSection } from './plan-sections.ts';

// The shape of `plan:<caseId>`, the case plan, owned here and used by the browser and the server alike:
// a Tiptap document (the plan's text, bound with `field: PLAN_FIELD`) and a small map of facts about it.
// The collab server refuses anything outside them (doc-kinds.ts, rich-text-schema.ts).
//
// The plan's text is what people type, kept as typed. Its section headings are not text: each is a
// `planSection` element carrying a section code (plan-sections.ts), which each reader's page words in their
// own language. Later parts of the case plan issue (versions, comments, agreement, drafts) keep their facts
// under their own keys of `meta` (codes and ids, never words).

/** Tiptap's Collaboration extension binds to this fragment. */
export const PLAN_FIELD = 'plan';
/** Facts about the plan (codes and ids, never words). */
export const PLAN_META_FIELD = 'meta';
/**
 * The version of this shape a plan document was made with, under `meta.schema`: set once by the server's
 * seed when the document is new, read by whatever later has to move an older plan to a newer shape.
 */
export const PLAN_SCHEMA_KEY = 'schema';
export const PLAN_SCHEMA_VERSION = 1;
/** The element of a section heading (the editor's node of the same name, rich-text-schema.ts). */
export const PLAN_SECTION_NODE = 'planSection';
/** Its one attribute: the section's code. */
export const PLAN_SECTION_ATTRIBUTE = 'section';

export function planOf(doc: Y.Doc): { body: Y.XmlFragment; meta: Y.Map<unknown> } {
	return { body: doc.getXmlFragment(PLAN_FIELD), meta: doc.getMap(PLAN_META_FIELD) };
}

/**
 * Fills a new plan document: `meta.schema` = PLAN_SCHEMA_VERSION, and, when the plan has no text yet, one
 * heading per section of `template` (the jurisdiction's, jurisdiction.ts `planTemplate`), each followed by
 * an empty paragraph for people to write in. Takes the document and the section codes; refuses (throws) a
 * code that is no section, which is a broken configuration. Run by the server only, once, when the document
 * is new (doc-kinds.ts `seed`, through the same durable path as a client's edit): never in a browser, where
 * two people opening a new plan at once would each add the template.
 */
export function seedPlan(doc: Y.Doc, template: readonly PlanSection[]): void {
	for (const code of template) if (!isPlanSection(code)) throw new RangeError(`not a plan section: ${String(code)}`);
	const { body, meta } = planOf(doc);
	doc.transact(() => {
		meta.set(PLAN_SCHEMA_KEY, PLAN_SCHEMA_VERSION);
		if (body.length > 0) return;
		body.insert(
			0,
			template.flatMap((code) => {
				const heading = new Y.XmlElement(PLAN_SECTION_NODE);
				heading.setAttribute(PLAN_SECTION_ATTRIBUTE, code);
				return [heading, new Y.XmlElement('paragraph')];
			})
		);
	});
}

/** The section codes of a plan's headings, in order (what the template seeded, less any deleted since). */
export function planSectionsOf(doc: Y.Doc): string[] {
	return planOf(doc)
		.body.toArray()
		.filter((node): node is Y.XmlElement => node instanceof Y.XmlElement && node.nodeName === PLAN_SECTION_NODE)
		.map((node) => String(node.getAttribute(PLAN_SECTION_ATTRIBUTE)));
}
