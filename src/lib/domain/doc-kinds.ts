import type * as Y from 'yjs';
import type { DocKind } from './doc-id.ts';
import type { RefusalReason } from './collab-protocol.ts';
import { NOTES_FIELD } from './meeting-doc.ts';
import { AGENDA_FIELD } from './agenda.ts';
import { OUTCOME_FIELD } from './decision.ts';
import { BOARD_FIELD, CARD_SCHEMA } from './board.ts';
import { ACTIONS_FIELD, ACTION_ITEM_SCHEMA } from './action-items.ts';
import { SCALE_FIELD, SCALE_SCHEMA } from './scale.ts';
import type { RecordSchema } from './records.ts';
import { PLAN_FIELD, PLAN_META_FIELD, PLAN_SCHEMA_KEY, seedPlan } from './plan-doc.ts';
import { JURISDICTION_DEFAULTS } from './jurisdiction.ts';

// The kinds of shared document, each declared once: where it belongs, which shared types it holds, how a
// new one is filled, and the rules every incoming change must keep. The collab server reads this table
// (src/lib/server/collab): a new kind, or a new rule, is a new entry here, never a change to the server.
// Pure (no database, no I/O), so the browser, the server and the tests read the same table.

/** The Yjs type each root of a document holds. */
export type RootType = 'xml' | 'map' | 'array' | 'text';

/**
 * What a change puts directly in a root's list (not under a key), by its Yjs content: `xml` an element or
 * text of an XML fragment; `text` characters of a text (plain); `value` a value or a shared type (map,
 * array, text) of an array; `deleted` an item whose content is gone (fits any list); `other` anything no
 * kind holds (a subdocument, a fragment inside a document, formatting or an embed in a text root).
 */
export type RootItem = 'xml' | 'text' | 'value' | 'deleted' | 'other';

/**
 * What one incoming update would change, computed by the server before it is applied:
 * - `roots`: for each root it writes or deletes in, the top-level keys it touches: a key set on the root
 *   itself, or anything below that key (`null`: the root's list content and anything below it);
 * - `rootItems`: for each root, what it puts directly in the root's list (absent: nothing).
 */
export type ChangeFacts = {
	roots: ReadonlyMap<string, ReadonlySet<string | null>>;
	rootItems?: ReadonlyMap<string, ReadonlySet<RootItem>>;
};

/** What each root type's own list may hold (a map has no list content). */
const ROOT_ITEMS: Readonly<Record<RootType, ReadonlySet<RootItem>>> = {
	xml: new Set(['xml', 'deleted']),
	text: new Set(['text', 'deleted']),
	array: new Set(['value', 'deleted']),
	map: new Set()
};

/** Who sends the update: a staff role (`facilitator`, `caseworker`, `supervisor`) or a participant role code. */
export type WriterFacts = { kind: 'staff' | 'participant'; role: string };

/** The facts a seed may use (all codes, never words: each reader's page words them). */
export type SeedFacts = { docId: string };

export type DocKindSpec = {
	kind: DocKind;
	/**
	 * What the document's id names, and so where it belongs: the case (the id is the case's), a meeting (its
	 * joint session's document), or one meeting session. The policy decides access from that place.
	 */
	belongsTo: 'case' | 'meeting' | 'meeting-session';
	/** Its root shared types. An update that writes any other root is refused (`shape`). */
	roots: Readonly<Record<string, RootType>>;
	/** Roots bound to a rich-text editor (Tiptap): nesting and element names follow its schema. */
	richText: readonly string[];
	/**
	 * Roots holding lists of records (records.ts: the board's cards, the action items), each with what its
	 * records may hold; the server refuses anything else, and an author who is not the writer.
	 */
	records?: Readonly<Record<string, RecordSchema>>;
	/**
	 * Fills what a new document needs (templates stored as codes), on the server, once, through the same
	 * durable path as a client's edit: never in each browser (two browsers would add the template twice).
	 */
	seed?: (doc: Y.Doc, facts: SeedFacts) => void;
	/** This kind's own rules on an incoming change (e.g. only the facilitator moves the stage): why not, or null. */
	check?: (change: ChangeFacts, writer: WriterFacts) => RefusalReason | null;
};

/**
 * A text root planned for a draft of the decision before the decision became the server's record
 * (`outcome`, decision.ts). No page reads or writes it, and no summary holds it: writable, it let any
 * family member of the joint session put up to the document's whole limit of words there, which every
 * screen then loaded and nobody could see or remove (and past the limit, nobody could change the meeting).
 * Kept declared, so documents that hold it still load; a browser that writes it is refused.
 */
export const DECISION_DRAFT_FIELD = 'decision';

/**
 * A meeting's parts (architecture.md, "Shared documents"): the notes today; the agenda (stages, items, the
 * current stage, the timer), the board, the safety scale (each person's own rating: scale.ts), the decision
 * draft and the action items come with the meeting room,
 * which gives them their rules here. A separate part of a meeting, or family time, has its own notes.
 */
const MEETING_ROOTS: DocKindSpec['roots'] = { [NOTES_FIELD]: 'xml', [AGENDA_FIELD]: 'map', [BOARD_FIELD]: 'array', [DECISION_DRAFT_FIELD]: 'text', [ACTIONS_FIELD]: 'array', [OUTCOME_FIELD]: 'map', [SCALE_FIELD]: 'array' };

/** The table of kinds. `meeting:<meetingId>` is the joint session's; `session:<id>` a separate or family part's. */
export const DOC_KIND_SPECS: Readonly<Record<DocKind, DocKindSpec>> = {
	meeting: {
		kind: 'meeting',
		belongsTo: 'meeting',
		roots: MEETING_ROOTS,
		richText: [NOTES_FIELD],
		records: { [BOARD_FIELD]: CARD_SCHEMA, [ACTIONS_FIELD]: ACTION_ITEM_SCHEMA, [SCALE_FIELD]: SCALE_SCHEMA },
		// The agenda (stages, current stage, timer) is the server's to write (agenda.ts): the facilitator's
		// changes go through the agenda endpoint, with the policy, the audit trail and the server's clock. A
		// browser that writes it itself is refused, whoever it is.
		// So is the recorded decision (decision.ts): the facilitator records it through the meeting page.
		// The old decision draft's text root is nobody's to write (see DECISION_DRAFT_FIELD).
		check: (change) => (change.roots.has(AGENDA_FIELD) || change.roots.has(OUTCOME_FIELD) || change.roots.has(DECISION_DRAFT_FIELD) ? 'read-only' : null)
	},
	// A separate session (for one of a keep-apart pair) and private family time each have their own notes,
	// agenda, board and action items (the meeting-room issue, "Separate and private parts"). The decision is
	// the meeting's, in `meeting:<id>`. The agenda is the server's to write, as in the joint session's.
	session: {
		kind: 'session',
		belongsTo: 'meeting-session',
		roots: { [NOTES_FIELD]: 'xml', [AGENDA_FIELD]: 'map', [BOARD_FIELD]: 'array', [ACTIONS_FIELD]: 'array' },
		richText: [NOTES_FIELD],
		records: { [BOARD_FIELD]: CARD_SCHEMA, [ACTIONS_FIELD]: ACTION_ITEM_SCHEMA },
		check: (change) => (change.roots.has(AGENDA_FIELD) ? 'read-only' : null)
	},
	plan: {
		kind: 'plan',
		belongsTo: 'case',
		roots: { [PLAN_FIELD]: 'xml', [PLAN_META_FIELD]: 'map' },
		richText: [PLAN_FIELD],
		// The jurisdiction's template: its section headings as codes (plan-sections.ts), worded by each page.
		seed: (doc) => seedPlan(doc, JURISDICTION_DEFAULTS.planTemplate),
		// The shape version is the server's to set (seedPlan); a browser that sets or deletes it is refused.
		check: (change) => (change.roots.get(PLAN_META_FIELD)?.has(PLAN_SCHEMA_KEY) ? 'shape' : null)
	}
};

export function kindSpec(kind: DocKind): DocKindSpec {
	return DOC_KIND_SPECS[kind];
}

/**
 * The rules every kind shares, then the kind's own check. Returns why the change is refused, or null.
 * Shared rules (`shape` when broken): only the kind's declared roots are written, each as its type: keys
 * only on a map (`null` in its keys is list content, which a map has none of), no key on any other root,
 * and a root's list holds only what its type holds (ROOT_ITEMS: no map entry under the notes, no text in
 * the agenda, no map entry in the board).
 */
export function checkChange(spec: DocKindSpec, change: ChangeFacts, writer: WriterFacts): RefusalReason | null {
	for (const [root, keys] of change.roots) {
		if (!Object.hasOwn(spec.roots, root)) return 'shape';
		const type = spec.roots[root];
		for (const key of keys) if ((key === null) !== (type !== 'map')) return 'shape';
	}
	for (const [root, items] of change.rootItems ?? []) {
		if (!Object.hasOwn(spec.roots, root)) return 'shape';
		for (const item of items) if (!ROOT_ITEMS[spec.roots[root]].has(item)) return 'shape';
	}
	return spec.check?.(change, writer) ?? null;
}
