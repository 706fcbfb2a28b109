import * as Y from 'yjs';

// What an incoming update would do, read from its decoded form before it touches the document: which Yjs
// client ids it writes under, which roots (and top-level keys) it writes or deletes in, and how deep it
// nests shared types. The collab room refuses what the document's kind does not allow (doc-kinds.ts), and
// shapes no editor produces (issue 16: 3,000 nested blockquotes in one valid update made the meeting page
// fail for everyone, also after a restart).

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
 * `state`: the document's state vector (client id → next clock).
 */
export function writtenClientIds(update: DecodedUpdate, state: ReadonlyMap<number, number>): Set<number> {
	const ids = new Set<number>();
	for (const s of update.structs) {
		if (s instanceof Y.Skip) continue;
		if (s.id.clock + s.length > (state.get(s.id.client) ?? 0)) ids.add(s.id.client);
	}
	return ids;
}

/** True when the update adds shared types (an element, a map, a text): only those can nest. */
export function addsTypes(update: DecodedUpdate): boolean {
	return update.structs.some((s) => s instanceof Y.Item && s.content instanceof Y.ContentType);
}

/** Where an item sits: the root it is under, the top-level key under that root (null: not a map entry), its depth. */
type Place = { root: string | null; key: string | null; depth: number };
const NOWHERE: Place = { root: null, key: null, depth: 0 };

/**
 * Reads where the new items of an update would land in `doc`. An item's parent is a root name, the id of
 * the item holding its parent type, or (when it has a left or right neighbour) the same as that
 * neighbour's, which may itself be new in this update or already in the document. Followed with loops and
 * memoised, so a hostile chain cannot exhaust the stack; a cycle (which Yjs would never integrate) and
 * anything past `limit` levels count as too deep.
 */
class UpdatePlaces {
	private readonly byClient = new Map<number, Y.Item[]>();
	/** The place of the type each new item sits in (its parent). */
	private readonly memo = new Map<Y.Item, Place>();
	private readonly doc: Y.Doc;
	private readonly limit: number;

	constructor(update: DecodedUpdate, doc: Y.Doc, limit: number) {
		this.doc = doc;
		this.limit = limit;
		const state = Y.decodeStateVector(Y.encodeStateVector(doc));
		for (const s of update.structs) {
			if (!(s instanceof Y.Item) || s.id.clock + s.length <= (state.get(s.id.client) ?? 0)) continue;
			let list = this.byClient.get(s.id.client);
			if (!list) this.byClient.set(s.id.client, (list = []));
			list.push(s);
		}
		for (const list of this.byClient.values()) list.sort((a, b) => a.id.clock - b.id.clock);
	}

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

	/** The integrated item holding `id` in the document, if it has it. */
	private docItemAt(id: Y.ID): Y.Item | null {
		if (id.clock >= Y.getState(this.doc.store, id.client)) return null;
		const struct = Y.getItem(this.doc.store, id);
		return struct instanceof Y.Item ? struct : null;
	}

	/** The place of an integrated type: walk up its holders to the root. */
	placeOfType(type: Y.AbstractType<unknown>): Place {
		let depth = 0;
		let t: Y.AbstractType<unknown> = type;
		let top: Y.Item | null = null;
		while (t._item) {
			depth++;
			if (depth > this.limit) return { root: null, key: null, depth: Infinity };
			top = t._item;
			t = t._item.parent as Y.AbstractType<unknown>;
		}
		return { root: Y.findRootTypeKey(t), key: top?.parentSub ?? null, depth };
	}

	/** Where an integrated item sits (the place of its parent type, and its own key when that is a root). */
	placeOfDocItem(item: Y.Item): Place {
		const parent = item.parent as Y.AbstractType<unknown> | null;
		if (!parent || typeof parent !== 'object') return NOWHERE;
		const p = this.placeOfType(parent);
		return p.depth === 0 ? { ...p, key: item.parentSub ?? null } : p;
	}

	/** Where a new item sits: the place of its parent type, and its own key when the parent is a root. */
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
			if (seen.has(item) || chain.length > 100_000) return { root: null, key: null, depth: Infinity };
			seen.add(item);
			const parent = item.parent as unknown;
			if (typeof parent === 'string') {
				base = { root: parent, key: item.parentSub ?? null, depth: 0 };
				break;
			}
			const inside = parent !== null && typeof parent === 'object' && 'client' in parent;
			const ref: Y.ID | null = inside ? (parent as Y.ID) : (item.origin ?? item.rightOrigin);
			if (!ref) {
				base = NOWHERE; // malformed: Yjs will not integrate it
				break;
			}
			const fresh = this.newItemAt(ref);
			if (fresh) {
				chain.push({ item, inside });
				item = fresh;
				continue;
			}
			const existing = this.docItemAt(ref);
			if (!existing) base = NOWHERE; // neither here nor in the document: Yjs keeps it pending
			else if (inside) {
				base = existing.content instanceof Y.ContentType ? this.placeOfType(existing.content.type as Y.AbstractType<unknown>) : NOWHERE;
			} else {
				base = this.placeOfDocItem(existing);
				// A neighbour in a root map holds the same key (an overwrite's struct does not repeat it).
			}
			break;
		}
		this.memo.set(item, base);
		// Unwind: an item beside the next shares its parent; one inside it sits one level deeper, under
		// the same top-level key.
		let place = base;
		for (let i = chain.length - 1; i >= 0; i--) {
			const { item: it, inside } = chain[i];
			const next = i + 1 < chain.length ? chain[i + 1].item : item;
			if (inside) {
				const holder = this.memo.get(next)!;
				place = { root: holder.root, key: holder.depth === 0 ? (next.parentSub ?? null) : holder.key, depth: holder.depth + 1 > this.limit ? Infinity : holder.depth + 1 };
			} else {
				place = this.memo.get(next)!;
				if (place.depth === 0 && it.parentSub) place = { ...place, key: it.parentSub };
			}
			this.memo.set(it, place);
		}
		return this.memo.get(start)!;
	}
}

/**
 * The deepest nesting of a shared type this update would create in `doc` (root types are depth 0, a
 * paragraph in the notes 1, its text 2), or Infinity as soon as it passes `limit`.
 */
export function deepestNewType(update: DecodedUpdate, doc: Y.Doc, limit = MAX_TYPE_DEPTH): number {
	const places = new UpdatePlaces(update, doc, limit);
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
 * The roots an update writes or deletes in, with the top-level keys it touches under each (null for a
 * change below the top level of a root that is not a map, e.g. any edit of the notes). What the document
 * already holds is not counted, whoever resends it. Items the update refers to that neither it nor the
 * document holds (Yjs keeps them pending) count under the root `null`'s place: not listed.
 */
export function rootsWritten(update: DecodedUpdate, doc: Y.Doc): Map<string, Set<string | null>> {
	const places = new UpdatePlaces(update, doc, MAX_TYPE_DEPTH);
	const roots = new Map<string, Set<string | null>>();
	const add = (p: Place) => {
		if (p.root === null) return;
		let keys = roots.get(p.root);
		if (!keys) roots.set(p.root, (keys = new Set()));
		keys.add(p.key);
	};
	for (const item of places.items) add(places.parentPlace(item));
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
	return roots;
}
