import * as Y from 'yjs';
import { isRecordId, type RecordSchema } from '../../domain/records.ts';
import * as decoding from 'lib0/decoding';
import type { ChangeFacts, RootItem } from '../../domain/doc-kinds.ts';
import { formatAllowed, isRichTextNode, nodeAttributeAllowed } from '../../domain/rich-text-schema.ts';

// What an incoming update would do, read from its decoded form before it touches the document: whether
// it would leave anything pending (structs or deletions Yjs parks until a missing piece arrives), which Yjs
// client ids it writes under, which roots (and top-level keys) it writes or deletes in and what it puts in
// each root's list, how deep it nests shared types, and whether what it writes in a rich-text root fits the
// editor's schema (rich-text-schema.ts). The collab room refuses what the document's kind does not allow
// (doc-kinds.ts), and shapes no editor produces (issue 16: 3,000 nested blockquotes in one valid update
// made the meeting page fail for everyone, also after a restart; then the same chain sent in pieces that
// each hung off an item held back; then elements, attributes and links the editor cannot take).

export type DecodedUpdate = ReturnType<typeof Y.decodeUpdate>;

/**
 * The deepest nesting of shared types a document may hold. The notes' deepest real shape is a list nested
 * about ten levels (bulletList > listItem > … > paragraph > text: two levels a step); 64 leaves room for
 * any editor and for the meeting room's maps, and keeps every reader (the saved-notes renderer, the
 * browser's editor) far from stack limits.
 */
export const MAX_TYPE_DEPTH = 64;

/**
 * The client ids under which `update` writes something the document does not hold yet (structs past
 * the document's state for that client). Content the server already has is not a write, whoever resends it.
 * `state`: the document's state vector (client id → next clock), or a function that gives one client's next clock.
 */
export function writtenClientIds(update: DecodedUpdate, state: ReadonlyMap<number, number> | ((client: number) => number)): Set<number> {
	const clockOf = typeof state === 'function' ? state : (client: number) => state.get(client) ?? 0;
	const ids = new Set<number>();
	for (const s of update.structs) {
		if (s instanceof Y.Skip) continue;
		if (s.id.clock + s.length > clockOf(s.id.client)) ids.add(s.id.client);
	}
	return ids;
}

/** True when the update adds shared types (an element, a map, a text): only those can nest. */
export function addsTypes(update: DecodedUpdate): boolean {
	return update.structs.some((s) => s instanceof Y.Item && s.content instanceof Y.ContentType);
}

/**
 * Where a new item sits, described by its parent: the root it is under, the top-level key under that root
 * (null: not under a map entry of the root), the depth of its parent type (0: the root itself), the item
 * holding its parent type (null: the root), and the item's own key in its parent (null: list content).
 */
type Place = { root: string | null; key: string | null; depth: number; holder: Y.Item | null; sub: string | null };
/** Yjs will not integrate the item, or discards it (its neighbour or parent is garbage-collected). */
const NOWHERE: Place = { root: null, key: null, depth: 0, holder: null, sub: null };
const TOO_DEEP: Place = { root: null, key: null, depth: Infinity, holder: null, sub: null };

/** The place of an item inside the type that `holder` holds, where `holderPlace` is the holder's own place. */
function inside(holderPlace: Place, holder: Y.Item, sub: string | null, limit: number): Place {
	// Content that is not a type holds nothing: Yjs garbage-collects what claims to sit in it.
	if (!(holder.content instanceof Y.ContentType) || holderPlace.root === null) return holderPlace.depth === Infinity ? TOO_DEEP : NOWHERE;
	const depth = holderPlace.depth + 1;
	if (depth > limit) return TOO_DEEP;
	return { root: holderPlace.root, key: holderPlace.depth === 0 ? holderPlace.sub : holderPlace.key, depth, holder, sub };
}

/**
 * Reads where the new items of an update would land in `doc`. An item's parent is a root name, the id of
 * the item holding its parent type, or (when it has a left or right neighbour) the same as that
 * neighbour's (key included), which may itself be new in this update or already in the document.
 * Followed with loops and memoised, so a hostile chain cannot exhaust the stack; a cycle (which Yjs would
 * never integrate) and anything past `limit` levels count as too deep. Run leavesPending first: an item
 * whose neighbour or parent is in neither the update nor the document counts as NOWHERE here.
 */
export class UpdatePlaces {
	private readonly byClient = new Map<number, Y.Item[]>();
	/** Each new item's place (see Place). */
	private readonly memo = new Map<Y.Item, Place>();
	private readonly doc: Y.Doc;
	private readonly limit: number;

	constructor(update: DecodedUpdate, doc: Y.Doc, limit = MAX_TYPE_DEPTH) {
		this.doc = doc;
		this.limit = limit;
		for (const s of update.structs) {
			if (!(s instanceof Y.Item) || s.id.clock + s.length <= Y.getState(doc.store, s.id.client)) continue;
			let list = this.byClient.get(s.id.client);
			if (!list) this.byClient.set(s.id.client, (list = []));
			list.push(s);
		}
		for (const list of this.byClient.values()) list.sort((a, b) => a.id.clock - b.id.clock);
	}

	/** The items the update brings that the document does not hold yet. */
	get items(): Iterable<Y.Item> {
		return [...this.byClient.values()].flat();
	}

	/** The new item holding `id`, if this update brings it. */
	private newItemAt(id: Y.ID): Y.Item | null {
		const list = this.byClient.get(id.client);
		if (!list) return null;
		let lo = 0;
		let hi = list.length - 1;
		while (lo <= hi) {
			const mid = (lo + hi) >> 1;
			const it = list[mid];
			if (id.clock < it.id.clock) hi = mid - 1;
			else if (id.clock >= it.id.clock + it.length) lo = mid + 1;
			else return it;
		}
		return null;
	}

	/** The integrated item holding `id` in the document, if it has it (null for a garbage-collected one). */
	private docItemAt(id: Y.ID): Y.Item | null {
		if (id.clock >= Y.getState(this.doc.store, id.client)) return null;
		const struct = Y.getItem(this.doc.store, id);
		return struct instanceof Y.Item ? struct : null;
	}

	/** Where an integrated item sits: walk its parent types up to the root. */
	placeOfDocItem(item: Y.Item): Place {
		const parent = item.parent as Y.AbstractType<unknown> | null;
		if (!parent || typeof parent !== 'object') return NOWHERE;
		let depth = 0;
		let t: Y.AbstractType<unknown> = parent;
		let top: Y.Item | null = null;
		while (t._item) {
			if (++depth > this.limit) return TOO_DEEP;
			top = t._item;
			t = t._item.parent as Y.AbstractType<unknown>;
		}
		const sub = item.parentSub ?? null;
		return { root: Y.findRootTypeKey(t), key: depth === 0 ? sub : (top?.parentSub ?? null), depth, holder: parent._item, sub };
	}

	/** Where a new item sits (see Place). */
	parentPlace(start: Y.Item): Place {
		const chain: { item: Y.Item; inside: boolean }[] = [];
		const seen = new Set<Y.Item>();
		let item = start;
		let base: Place;
		for (;;) {
			const known = this.memo.get(item);
			if (known !== undefined) {
				base = known;
				break;
			}
			if (seen.has(item) || chain.length > 100_000) return TOO_DEEP;
			seen.add(item);
			const parent = item.parent as unknown;
			if (typeof parent === 'string') {
				const sub = item.parentSub ?? null;
				base = { root: parent, key: sub, depth: 0, holder: null, sub };
				break;
			}
			const isInside = parent !== null && typeof parent === 'object' && 'client' in parent;
			const ref: Y.ID | null = isInside ? (parent as Y.ID) : (item.origin ?? item.rightOrigin);
			if (!ref) {
				base = NOWHERE; // malformed: Yjs will not integrate it
				break;
			}
			const fresh = this.newItemAt(ref);
			if (fresh) {
				chain.push({ item, inside: isInside });
				item = fresh;
				continue;
			}
			const existing = this.docItemAt(ref);
			if (!existing) base = NOWHERE; // garbage-collected (or pending: see leavesPending)
			else if (isInside) base = inside(this.placeOfDocItem(existing), existing, item.parentSub ?? null, this.limit);
			// Beside an existing item: same parent and key (an overwrite of a map entry does not repeat its key).
			else base = this.placeOfDocItem(existing);
			break;
		}
		this.memo.set(item, base);
		// Unwind: an item beside the next shares its place; one inside it sits one level deeper.
		for (let i = chain.length - 1; i >= 0; i--) {
			const { item: it, inside: isInside } = chain[i];
			const next = i + 1 < chain.length ? chain[i + 1].item : item;
			const nextPlace = this.memo.get(next)!;
			this.memo.set(it, isInside ? inside(nextPlace, next, it.parentSub ?? null, this.limit) : nextPlace);
		}
		return this.memo.get(start)!;
	}
}

/**
 * The deepest nesting of a shared type this update would create in `doc` (root types are depth 0, a
 * paragraph in the notes 1, its text 2), or Infinity as soon as it passes `limit`. `places`: a reading of
 * the same update and document to share (its limit must be `limit`).
 */
export function deepestNewType(update: DecodedUpdate, doc: Y.Doc, limit = MAX_TYPE_DEPTH, places = new UpdatePlaces(update, doc, limit)): number {
	let deepest = 0;
	for (const item of places.items) {
		if (!(item.content instanceof Y.ContentType)) continue;
		const depth = places.parentPlace(item).depth + 1;
		if (depth > deepest) deepest = depth;
		if (deepest > limit) return Infinity;
	}
	return deepest;
}

/**
 * The deepest nesting of plain values (objects and arrays) an item may hold: an embed or a formatting
 * attribute of a text, a map entry's value, a list's values. No shape module or editor stores more than
 * three levels (a card's factors: a list of codes; a link mark: an object of strings). Yjs writes these
 * values with JSON.stringify and lib0's writeAny, which recurse: a 20,000-deep list in one 40 KB update
 * (an embed in the meeting's `decision` text) was taken into the document, and the next time the server
 * encoded it (a page joining) JSON.stringify ran out of stack and the whole server process exited.
 */
export const MAX_VALUE_DEPTH = 16;

/** How deep `value` nests objects and arrays (a scalar: 0), or Infinity past `limit`, without recursion. */
export function valueDepth(value: unknown, limit = MAX_VALUE_DEPTH): number {
	let deepest = 0;
	const stack: [unknown, number][] = [[value, 0]];
	while (stack.length > 0) {
		const [v, depth] = stack.pop()!;
		if (typeof v !== 'object' || v === null || v instanceof Uint8Array) continue;
		const d = depth + 1;
		if (d > limit) return Infinity;
		if (d > deepest) deepest = d;
		for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, d]);
	}
	return deepest;
}

/** True when an item of the update holds a plain value nested deeper than `limit` (see MAX_VALUE_DEPTH). */
export function valuesTooDeep(items: Iterable<Y.Item>, limit = MAX_VALUE_DEPTH): boolean {
	for (const item of items) {
		const c = item.content;
		const values: unknown[] =
			c instanceof Y.ContentAny || c instanceof Y.ContentJSON ? c.arr : c instanceof Y.ContentEmbed ? [c.embed] : c instanceof Y.ContentFormat ? [c.value] : [];
		for (const v of values) if (valueDepth(v, limit) > limit) return true;
	}
	return false;
}

/** What an item puts directly in a root's list, by its Yjs content (see doc-kinds.ts RootItem). */
function rootItemOf(content: Y.Item['content']): RootItem {
	if (content instanceof Y.ContentType) {
		const type = content.type;
		if (type instanceof Y.XmlElement || type instanceof Y.XmlText) return 'xml';
		// An XmlFragment or XmlHook inside a document is nothing an editor or a shape module makes.
		return type instanceof Y.XmlFragment || type instanceof Y.XmlHook ? 'other' : 'value';
	}
	if (content instanceof Y.ContentString) return 'text';
	// Formatting and embeds: a text root holds what people type, plain (the meeting's decision); taken,
	// any writer put marks and objects of any shape there that no page reads or checks.
	if (content instanceof Y.ContentFormat || content instanceof Y.ContentEmbed) return 'other';
	if (content instanceof Y.ContentAny || content instanceof Y.ContentBinary || content instanceof Y.ContentJSON) return 'value';
	if (content instanceof Y.ContentDeleted) return 'deleted';
	// ContentDoc: a subdocument, which no kind has.
	return 'other';
}

/**
 * What an update would change, for the kind's rules (doc-kinds.ts ChangeFacts): the roots it writes or
 * deletes in, with the top-level keys it touches under each (null for list content of the root and
 * anything below it), and what it puts directly in each root's list. What the document already holds is
 * not counted, whoever resends it; items Yjs would discard (garbage-collected neighbours) are not listed.
 */
export function changeFacts(update: DecodedUpdate, doc: Y.Doc, places = new UpdatePlaces(update, doc)): ChangeFacts {
	const roots = new Map<string, Set<string | null>>();
	const rootItems = new Map<string, Set<RootItem>>();
	const add = (p: Place) => {
		if (p.root === null) return;
		let keys = roots.get(p.root);
		if (!keys) roots.set(p.root, (keys = new Set()));
		keys.add(p.key);
	};
	for (const item of places.items) {
		const p = places.parentPlace(item);
		add(p);
		if (p.root !== null && p.depth === 0 && p.sub === null) {
			let kinds = rootItems.get(p.root);
			if (!kinds) rootItems.set(p.root, (kinds = new Set()));
			kinds.add(rootItemOf(item.content));
		}
	}
	// Deletions: what they delete in the document.
	for (const [client, ranges] of update.ds.clients) {
		const structs = doc.store.clients.get(client);
		if (!structs) continue;
		for (const range of ranges) {
			const end = range.clock + range.len;
			if (range.clock >= Y.getState(doc.store, client)) continue;
			for (let i = Y.findIndexSS(structs, range.clock); i < structs.length && structs[i].id.clock < end; i++) {
				const s = structs[i];
				// Yjs sends the whole delete set with every diff: only what is not deleted yet is a change.
				if (s instanceof Y.Item && !s.deleted) add(places.placeOfDocItem(s));
			}
		}
	}
	return { roots, rootItems };
}

/**
 * The roots an update writes or deletes in, with the top-level keys it touches under each (null for a
 * change below the top level of a root that is not a map, e.g. any edit of the notes). See changeFacts.
 */
export function rootsWritten(update: DecodedUpdate, doc: Y.Doc): Map<string, Set<string | null>> {
	return changeFacts(update, doc).roots as Map<string, Set<string | null>>;
}

/** The one value of a map entry or a formatting attribute, or `undefined` when its content holds none. */
function singleValue(content: Y.Item['content']): { value: unknown } | undefined {
	if (content instanceof Y.ContentAny && content.arr.length === 1) return { value: content.arr[0] };
	return undefined;
}

/**
 * Why the new items of an update do not fit the rich-text editor's schema in `roots` (the kind's
 * `richText` roots), or null when they all do. The rules (rich-text-schema.ts), as y-prosemirror stores
 * a document: the root's list holds elements only; an element is a Y.XmlElement named after a node type,
 * with the attributes that node type declares (RICH_TEXT_NODES) and elements or Y.XmlText in its list;
 * a Y.XmlText holds text and formatting (marks of RICH_TEXT_MARKS) and no attributes. A deleted item
 * (content removed) fits anywhere. Returns a short description of the first misfit, for logs and tests.
 */
export function richTextMisfit(update: DecodedUpdate, doc: Y.Doc, roots: readonly string[], places = new UpdatePlaces(update, doc)): string | null {
	if (roots.length === 0) return null;
	for (const item of places.items) {
		const p = places.parentPlace(item);
		if (p.root === null || !roots.includes(p.root)) continue;
		const content = item.content;
		if (content instanceof Y.ContentDeleted) continue;
		if (content instanceof Y.ContentType) {
			const type = content.type;
			if (type instanceof Y.XmlElement) {
				if (!isRichTextNode(type.nodeName)) return `element ${JSON.stringify(type.nodeName.slice(0, 64))}`;
			} else if (!(type instanceof Y.XmlText) || p.depth === 0) return 'a type that is not an element';
		}
		const holder = p.holder?.content instanceof Y.ContentType ? p.holder.content.type : null;
		if (holder === null) {
			// The root: elements only (checked above), no keys, no text.
			if (p.sub !== null || !(content instanceof Y.ContentType)) return 'content of the root that is not an element';
		} else if (holder instanceof Y.XmlElement) {
			if (p.sub !== null) {
				const v = singleValue(content);
				if (!v || !nodeAttributeAllowed(holder.nodeName, p.sub, v.value)) return `attribute ${JSON.stringify(p.sub.slice(0, 64))} of ${holder.nodeName}`;
			} else if (!(content instanceof Y.ContentType)) return `content of ${holder.nodeName} that is not an element or text`;
		} else if (holder instanceof Y.XmlText) {
			if (p.sub !== null) return 'an attribute of text';
			if (content instanceof Y.ContentFormat) {
				if (!formatAllowed(content.key, content.value)) return `mark ${JSON.stringify(content.key.slice(0, 64))}`;
			} else if (!(content instanceof Y.ContentString)) return 'content of text that is not text or a mark';
		} else return 'content inside a type that is not an element or text';
	}
	return null;
}

/**
 * Why the new items of an update do not fit the records of `schemas` (root name → what each of its records
 * may hold: the kind's `records`, domain/records.ts), or null when they all do. A records root's list holds
 * maps only; a record holds only its schema's keys, each with what its rule allows: `text` a Y.Text of plain
 * text, `value` one plain value its rule accepts, `author` only on a record this same update makes and only
 * `owner`, the writer (so nobody puts words in someone else's name, and an author never changes, nor is
 * deleted but with its record); `id` id-shaped, only on a record this same update makes, never changed nor
 * deleted but with its record. Where the author `owns` the record (records.ts), only `owner` as its author
 * changes anything in it or removes it, and a new one must carry its author. A new record carries every key
 * its schema marks `required`, and keeps them: such a key is set again, never deleted alone. A deleted item fits anywhere. Returns `<root> <what>` for the first misfit, for logs and tests.
 */
export function recordsMisfit(update: DecodedUpdate, doc: Y.Doc, schemas: Readonly<Record<string, RecordSchema>>, owner: string, places = new UpdatePlaces(update, doc)): string | null {
	const roots = Object.keys(schemas);
	if (roots.length === 0) return null;
	const fresh = new Set(places.items);
	/** Each record's words this update writes in: the item holding the Y.Text, its limit, what it adds and deletes. */
	const grows = new Map<Y.Item, { what: string; max: number; added: number; deleted: number }>();
	/** Records this update makes in a root whose records their author owns, until their author is seen. */
	const unauthored = new Map<Y.Item, string>();
	/** Records this update makes, with the keys it gives them (for the schema's required keys). */
	const made = new Map<Y.Item, { root: string; keys: Set<string> }>();
	/** Each record's keys this update writes a value for (a required key deleted as it is set again is a change, not a loss). */
	const written = new Map<Y.Item, Set<string>>();
	for (const item of fresh) {
		const p = places.parentPlace(item);
		if (p.root === null || !Object.hasOwn(schemas, p.root)) continue;
		const schema = schemas[p.root];
		const content = item.content;
		if (content instanceof Y.ContentDeleted) continue;
		if (p.depth === 0) {
			if (p.sub !== null || !(content instanceof Y.ContentType) || !(content.type instanceof Y.Map)) return `${p.root} content that is not a record`;
			if (ownerKey(schema) !== null) unauthored.set(item, p.root);
			made.set(item, { root: p.root, keys: new Set() });
			continue;
		}
		const holder = p.holder?.content instanceof Y.ContentType ? p.holder.content.type : null;
		if (p.depth === 1 && holder instanceof Y.Map) {
			const key = p.sub;
			const rule = key !== null && Object.hasOwn(schema, key) ? schema[key] : null;
			if (!rule) return `${p.root} key ${JSON.stringify(String(key).slice(0, 64))}`;
			const isNew = p.holder !== null && fresh.has(p.holder);
			if (!isNew && notTheirs(schema, p.holder, owner)) return `${p.root} not the writer's`;
			if (isNew) made.get(p.holder!)?.keys.add(key!);
			if (p.holder !== null) written.set(p.holder, (written.get(p.holder) ?? new Set()).add(key!));
			if (rule.kind === 'text') {
				if (!(content instanceof Y.ContentType) || !(content.type instanceof Y.Text)) return `${p.root} ${key} that is not text`;
				continue;
			}
			const v = singleValue(content);
			if (!v) return `${p.root} ${key} that is not one value`;
			// author: the writer's own id, on a record made in this update; id: id-shaped, on a record made in this update.
			const fits = rule.kind === 'author' ? v.value === owner && isNew : rule.kind === 'id' ? isNew && isRecordId(v.value) : rule.valid(v.value);
			if (!fits) return `${p.root} ${key}`;
			if (rule.kind === 'author') unauthored.delete(p.holder!);
			continue;
		}
		const textKey = p.holder?.parentSub ?? null;
		const textRule = textKey !== null && Object.hasOwn(schema, textKey) ? schema[textKey] : null;
		if (p.depth === 2 && holder instanceof Y.Text && textRule?.kind === 'text') {
			if (p.sub !== null || !(content instanceof Y.ContentString)) return `${p.root} ${textKey} that is not plain text`;
			if (!fresh.has(p.holder!) && notTheirs(schema, recordHolding(p.holder!), owner)) return `${p.root} not the writer's`;
			if (content.str.length > textRule.max) return `${p.root} ${textKey} too long`;
			const words = grows.get(p.holder!) ?? { what: `${p.root} ${textKey} too long`, max: textRule.max, added: 0, deleted: 0 };
			words.added += content.str.length;
			grows.set(p.holder!, words);
			continue;
		}
		return `${p.root} content nested where a record has none`;
	}
	// Deletions: an author goes only with its record (removing a card deletes its entries with it); alone,
	// it would leave someone's card or item in nobody's name.
	for (const [client, ranges] of update.ds.clients) {
		const structs = doc.store.clients.get(client);
		if (!structs) continue;
		for (const range of ranges) {
			if (range.clock >= Y.getState(doc.store, client)) continue;
			const end = range.clock + range.len;
			for (let i = Y.findIndexSS(structs, range.clock); i < structs.length && structs[i].id.clock < end; i++) {
				const s = structs[i];
				if (!(s instanceof Y.Item) || s.deleted) continue;
				// A record whose author owns it (records.ts `owns`): only they remove it or anything in it.
				const at = places.placeOfDocItem(s);
				if (at.root !== null && Object.hasOwn(schemas, at.root)) {
					const record = at.depth === 0 ? s : at.depth === 1 ? at.holder : at.holder && recordHolding(at.holder);
					if (notTheirs(schemas[at.root], record, owner)) return `${at.root} not the writer's`;
				}
				// Words deleted in a record's text (only the part of the item this range covers).
				const words = s.content instanceof Y.ContentString ? grows.get((s.parent as Y.AbstractType<unknown>)._item!) : undefined;
				if (words) words.deleted += Math.max(0, Math.min(end, s.id.clock + s.length) - Math.max(range.clock, s.id.clock));
				if (s.parentSub === null) continue;
				const p = places.placeOfDocItem(s);
				if (p.depth !== 1 || p.root === null || !Object.hasOwn(schemas, p.root) || p.holder === null) continue;
				const rule = Object.hasOwn(schemas[p.root], s.parentSub) ? schemas[p.root][s.parentSub] : null;
				if (p.holder.deleted || Y.isDeleted(update.ds, p.holder.id)) continue;
				if (rule?.kind === 'author' || rule?.kind === 'id') return `${p.root} ${s.parentSub} removed`;
				// A key a record is made with (`required`) stays: changed, never taken away (a card left with no
				// column or no words is an entry no page shows, which nobody could read, move or remove).
				if (rule?.required === true && !written.get(p.holder)?.has(s.parentSub)) return `${p.root} ${s.parentSub} removed`;
			}
		}
	}
	// A record its author owns is made with its author (else it would stand in nobody's name, and nobody could change it).
	if (unauthored.size > 0) return `${[...unauthored.values()][0]} author missing`;
	for (const [record, { root, keys }] of made) {
		if (Y.isDeleted(update.ds, record.id)) continue;
		const missing = Object.keys(schemas[root]).find((k) => schemas[root][k].required === true && !keys.has(k));
		if (missing !== undefined) return `${root} ${missing} missing`;
	}
	// A record's words stay within their limit as a whole, not only per insertion: words added in update
	// after update made one card 200,000 characters on every screen. An update that adds nothing (a
	// deletion) is taken whatever the length, so words over the limit from before can always be shortened.
	for (const [holder, words] of grows) {
		if (words.added === 0) continue;
		const type = holder.content instanceof Y.ContentType ? holder.content.type : null;
		const before = fresh.has(holder) || !(type instanceof Y.Text) ? 0 : type.length;
		if (before + words.added - words.deleted > words.max) return words.what;
	}
	return null;
}

/** The key of a schema's `author` that owns its record (records.ts `owns`), or null when records have no owner. */
function ownerKey(schema: RecordSchema): string | null {
	return Object.keys(schema).find((k) => schema[k].kind === 'author' && (schema[k] as { owns?: true }).owns === true) ?? null;
}

/**
 * True when `record` (the item holding a record's Y.Map) is owned by its author (records.ts `owns`) and
 * `writer` is not that author. A record of such a schema with no author, or not found, is nobody's to change.
 */
function notTheirs(schema: RecordSchema, record: Y.Item | null, writer: string): boolean {
	const key = ownerKey(schema);
	if (key === null) return false;
	const map = record?.content instanceof Y.ContentType ? record.content.type : null;
	return !(map instanceof Y.Map) || map.get(key) !== writer;
}

/** The item holding the record that `inner` (an item holding a type inside a record, e.g. its words) is in. */
function recordHolding(inner: Y.Item): Y.Item | null {
	const parent = inner.parent;
	return parent instanceof Y.AbstractType ? parent._item : null;
}

/** A min-heap of waits on one client's clock: who waits, for which clock to be reached. */
class Waits {
	private readonly heap: { clock: number; client: number }[] = [];
	push(clock: number, client: number): void {
		const h = this.heap;
		h.push({ clock, client });
		for (let i = h.length - 1; i > 0; ) {
			const up = (i - 1) >> 1;
			if (h[up].clock <= h[i].clock) break;
			[h[up], h[i]] = [h[i], h[up]];
			i = up;
		}
	}
	/** Removes and returns the clients waiting for a clock below `reached`. */
	takeBelow(reached: number): number[] {
		const h = this.heap;
		const out: number[] = [];
		while (h.length > 0 && h[0].clock < reached) {
			out.push(h[0].client);
			const last = h.pop()!;
			if (h.length === 0) break;
			h[0] = last;
			for (let i = 0; ; ) {
				const l = 2 * i + 1;
				const r = l + 1;
				let min = i;
				if (l < h.length && h[l].clock < h[min].clock) min = l;
				if (r < h.length && h[r].clock < h[min].clock) min = r;
				if (min === i) break;
				[h[min], h[i]] = [h[i], h[min]];
				i = min;
			}
		}
		return out;
	}
}

/**
 * True when applying `update` (`payload`, its bytes) to `doc` would leave anything pending: structs Yjs
 * parks until something they build on arrives, or deletions of items the document does not have (Yjs
 * keeps them too, merged with every later update's, without bound). Either is held in memory, goes out
 * to everyone who joins and into the next compaction, yet was never stored as a change; and a later
 * update that supplies the missing piece would integrate the parked structs unchecked (issue 16: a
 * 3,000-deep chain sent 50 items at a time, each chunk hanging off an item held back, passed the nesting
 * check piece by piece). An honest client never sends one: its sync step 2 answers the server's state
 * vector, and its updates build on what the server sent it. The rule is Yjs's own (integrateStructs,
 * Item.getMissing, readAndApplyDeleteSet), followed without applying anything:
 * - each client's structs are one run (Yjs keeps only the last run of a client given twice) that starts
 *   at or before the document's clock for that client;
 * - every item's left and right origin and parent item is in the document or comes earlier in this
 *   update (across clients, in any order Yjs can integrate; an origin of the item's own client must
 *   come before it);
 * - every deleted range is in the document or in this update.
 */
export function leavesPending(update: DecodedUpdate, payload: Uint8Array, doc: Y.Doc): boolean {
	const byClient = new Map<number, (Y.Item | Y.GC)[]>();
	let previous: number | null = null;
	for (const s of update.structs) {
		const client = s.id.client;
		let list = byClient.get(client);
		if (!list) byClient.set(client, (list = []));
		else if (client !== previous) return true; // a second run of the same client
		previous = client;
		if (!(s instanceof Y.Skip)) list.push(s as Y.Item | Y.GC);
	}
	// The update's count of runs: a run with no structs, or a client's second run right after its first,
	// is invisible in the decoded structs (and Yjs would drop the earlier run).
	try {
		if (decoding.readVarUint(decoding.createDecoder(payload)) !== byClient.size) return true;
	} catch {
		return true;
	}
	const store = doc.store;
	/** The clock each client has reached so far: the document's, then each struct of the update integrated. */
	const reached = new Map<number, number>();
	const clockOf = (client: number) => reached.get(client) ?? Y.getState(store, client);
	const next = new Map<number, number>();
	const waits = new Map<number, Waits>();
	const work = [...byClient.keys()];
	while (work.length > 0) {
		const client = work.pop()!;
		const list = byClient.get(client)!;
		let i = next.get(client) ?? 0;
		let at = clockOf(client);
		for (; i < list.length; i++) {
			const s = list[i];
			// A gap before this struct: Yjs waits for the missing part of this client's history.
			if (s.id.clock > at) return true;
			if (s instanceof Y.Item) {
				let wait: Y.ID | null = null;
				const parent = s.parent instanceof Y.ID ? s.parent : null;
				for (const dep of [s.origin, s.rightOrigin, parent]) {
					if (!dep) continue;
					if (dep.client === client) {
						// Yjs takes these as present: one that is not breaks the integration midway.
						if (dep.clock >= at) return true;
					} else if (dep.clock >= clockOf(dep.client)) {
						wait = dep;
						break;
					}
				}
				if (wait) {
					let w = waits.get(wait.client);
					if (!w) waits.set(wait.client, (w = new Waits()));
					w.push(wait.clock, client);
					break;
				}
			}
			at = Math.max(at, s.id.clock + s.length);
		}
		next.set(client, i);
		reached.set(client, at);
		const woken = waits.get(client)?.takeBelow(at);
		if (woken) work.push(...woken);
	}
	for (const [client, list] of byClient) if ((next.get(client) ?? 0) < list.length) return true;
	for (const [client, ranges] of update.ds.clients) {
		const end = clockOf(client);
		for (const range of ranges) if (range.clock >= end || range.clock + range.len > end) return true;
	}
	return false;
}

/**
 * Drops what `doc` holds pending (structs waiting for a missing piece, deletions of items it lacks). Once
 * every update is checked with leavesPending nothing new becomes pending; this clears what a document
 * stored before that check may hold, so no later update can complete it unchecked. Returns true when it
 * dropped something.
 */
export function dropPending(doc: Y.Doc): boolean {
	const store = doc.store;
	if (store.pendingStructs === null && store.pendingDs === null) return false;
	store.pendingStructs = null;
	store.pendingDs = null;
	return true;
}
