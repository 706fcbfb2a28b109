import type * as Y from 'yjs';

// The shape of `plan:<caseId>`, the case plan, owned here and used by the browser and the server alike:
// a Tiptap document (the plan's text, bound with `field: PLAN_FIELD`) and a small map of facts about it.
// The case plan issue fills both; the collab server already refuses anything outside them.

/** Tiptap's Collaboration extension binds to this fragment. */
export const PLAN_FIELD = 'plan';
/** Facts about the plan (codes and ids, never words). */
export const PLAN_META_FIELD = 'meta';

export function planOf(doc: Y.Doc): { body: Y.XmlFragment; meta: Y.Map<unknown> } {
	return { body: doc.getXmlFragment(PLAN_FIELD), meta: doc.getMap(PLAN_META_FIELD) };
}
