import type * as Y from 'yjs';

// The shape of `plan:<caseId>`, the case plan, owned here and used by the browser and the server alike:
// a Tiptap document (the plan's text, bound with `field: PLAN_FIELD`) and a small map of facts about it.
// The case plan issue fills both; the collab server already refuses anything outside them.

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

export function planOf(doc: Y.Doc): { body: Y.XmlFragment; meta: Y.Map<unknown> } {
	return { body: doc.getXmlFragment(PLAN_FIELD), meta: doc.getMap(PLAN_META_FIELD) };
}

/**
 * Fills a new plan document: `meta.schema` = PLAN_SCHEMA_VERSION. Run by the server only, once, when the
 * document is new (doc-kinds.ts `seed`); a map key, so two instances seeding at once agree.
 */
export function seedPlan(doc: Y.Doc): void {
	planOf(doc).meta.set(PLAN_SCHEMA_KEY, PLAN_SCHEMA_VERSION);
}
