import * as Y from 'yjs';

// Checks on an incoming update, made on its decoded form before it touches the document: which Yjs client
// ids it writes under, and whether it nests shared types deeper than any editor produces. A shape outside
// what the editor can make is refused at the door (issue 16: 3,000 nested blockquotes in one valid update
// made the meeting page fail for everyone, also after a restart).

export type DecodedUpdate = ReturnType<typeof Y.decodeUpdate>;

/**
 * The deepest nesting of shared types a document may hold. The notes' deepest real shape is a list nested
 * about ten levels (bulletList > listItem > … > paragraph > text: two levels a step); 64 leaves room for
 * any editor and for the meeting room's maps, and keeps every reader (the saved-notes renderer, the
 * browser's editor) far from stack limits.
 */
export const MAX_TYPE_DEPTH = 64;

type NewItem = Y.Item;

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

/**
 * The deepest nesting of a shared type this update would create in `doc` (root types are depth 0, a
 * paragraph in the notes 1, its text 2), or Infinity as soon as it passes `limit`. Works on the decoded,
 * not yet integrated structs: an item's parent is a root name, the id of the item holding its parent
 * type, or (when the item has a left or right neighbour) the parent of that neighbour, which may itself
 * be new in this update or already in `doc`. Iterative, so a hostile chain cannot exhaust the stack.
 */
export function deepestNewType(update: DecodedUpdate, doc: Y.Doc, limit = MAX_TYPE_DEPTH): number {
	const byClient = new Map<number, NewItem[]>();
	for (const s of update.structs) {
		if (!(s instanceof Y.Item)) continue;
		let list = byClient.get(s.id.client);
		if (!list) byClient.set(s.id.client, (list = []));
		list.push(s);
	}
	for (const list of byClient.values()) list.sort((a, b) => a.id.clock - b.id.clock);

	/** The new item holding `id`, if this update brings it. */
	const newItemAt = (id: Y.ID): NewItem | null => {
		const list = byClient.get(id.client);
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
	};
	/** The integrated item holding `id` in the document, if it has it. */
	const docItemAt = (id: Y.ID): Y.Item | null => {
		if (id.clock >= Y.getState(doc.store, id.client)) return null;
		const struct = Y.getItem(doc.store, id);
		return struct instanceof Y.Item ? struct : null;
	};
	/** Depth of an integrated type (the number of items that hold it and its ancestors). */
	const depthOfDocType = (type: Y.AbstractType<unknown>): number => {
		let depth = 0;
		let t: Y.AbstractType<unknown> | null = type;
		while (t && t._item) {
			depth++;
			if (depth > limit) return Infinity;
			t = t._item.parent as Y.AbstractType<unknown> | null;
		}
		return depth;
	};

	// parentDepth(X): the depth of the type X sits in. X's parent is a root (0), or the type held by item H
	// (depth(H's type) = parentDepth(H) + 1), or the same as its neighbour N's (parentDepth(N)). Followed
	// along that chain with a loop and memoised; a cycle (which Yjs would never integrate) counts as too deep.
	const memo = new Map<NewItem, number>();
	const parentDepth = (start: NewItem): number => {
		const chain: NewItem[] = [];
		const adds: number[] = [];
		const seen = new Set<NewItem>();
		let item = start;
		let base: number;
		for (;;) {
			const known = memo.get(item);
			if (known !== undefined) {
				base = known;
				break;
			}
			if (seen.has(item)) return Infinity;
			seen.add(item);
			const parent = item.parent as unknown;
			if (typeof parent === 'string') {
				base = 0;
				break;
			}
			const inside = parent !== null && typeof parent === 'object' && 'client' in parent;
			const ref: Y.ID | null = inside ? (parent as Y.ID) : (item.origin ?? item.rightOrigin);
			if (!ref) {
				base = 0; // malformed: Yjs will not integrate it, and it nests nothing
				break;
			}
			const fresh = newItemAt(ref);
			if (fresh) {
				chain.push(item);
				adds.push(inside ? 1 : 0);
				item = fresh;
				continue;
			}
			const existing = docItemAt(ref);
			if (!existing) base = 0; // neither here nor in the document: Yjs keeps it pending
			else if (inside) base = existing.content instanceof Y.ContentType ? depthOfDocType(existing.content.type as Y.AbstractType<unknown>) : 0;
			else base = existing.parent && typeof existing.parent === 'object' ? depthOfDocType(existing.parent as Y.AbstractType<unknown>) : 0;
			break;
		}
		memo.set(item, base);
		let depth = base;
		for (let i = chain.length - 1; i >= 0; i--) {
			depth = depth + adds[i];
			if (depth > limit) depth = Infinity;
			memo.set(chain[i], depth);
		}
		return memo.get(start)!;
	};

	let deepest = 0;
	for (const list of byClient.values()) {
		for (const item of list) {
			if (!(item.content instanceof Y.ContentType)) continue;
			const depth = parentDepth(item) + 1;
			if (depth > deepest) deepest = depth;
			if (deepest > limit) return Infinity;
		}
	}
	return deepest;
}
