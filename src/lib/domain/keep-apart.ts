// Keep-apart pairs (domain.md §6): two people of a case, most often a survivor of domestic violence and the
// other parent, who are never placed in one meeting session and never see each other's presence, address
// or availability. The rules about a pair, decided here once; the services run them inside the
// transaction that changes sessions or pairs, so two requests at once cannot both get past them.

/** A pair as stored: the two person ids in order (`personA < personB`), so a pair has one row. */
export type KeepApartPair = { personA: string; personB: string };

/** The pair of two people as stored: the smaller id first. */
export function orderedPair(one: string, other: string): KeepApartPair {
	return one < other ? { personA: one, personB: other } : { personA: other, personB: one };
}

/** Whether `one` and `other` must be kept apart under `pairs`. */
export function mustKeepApart(pairs: readonly KeepApartPair[], one: string, other: string): boolean {
	const p = orderedPair(one, other);
	return pairs.some((x) => x.personA === p.personA && x.personB === p.personB);
}

/**
 * Whom `personId` would clash with in a session of these `members`: the first member they must be kept
 * apart from, or null when they may join. Adding someone already in the session clashes with nobody.
 */
export function keepApartClash(pairs: readonly KeepApartPair[], personId: string, members: Iterable<string>): string | null {
	for (const member of members) {
		if (member !== personId && mustKeepApart(pairs, personId, member)) return member;
	}
	return null;
}

/** One person's place in one meeting session. */
export type Membership = { sessionId: string; personId: string; meetingId: string };

/**
 * The meetings in which `one` and `other` share a session now (a new pair is refused while they do: move
 * one of them first). Each meeting once, in the order first met.
 */
export function meetingsShared(memberships: readonly Membership[], one: string, other: string): string[] {
	const sessionsOfOne = new Set(memberships.filter((m) => m.personId === one).map((m) => m.sessionId));
	const meetings = memberships.filter((m) => m.personId === other && sessionsOfOne.has(m.sessionId)).map((m) => m.meetingId);
	return [...new Set(meetings)];
}
