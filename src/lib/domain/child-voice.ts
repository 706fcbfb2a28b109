// A child's own words for a meeting: Three Houses (Weld & Greening; domain.md §3). The child's words in the
// house of worries, of good things and of dreams, exactly as said (never paraphrased); the child may rename
// the houses; they are shown to others only once the child agreed, and, for a child who lives with a
// parent, once a parent agreed first. Labelled CHILD_VOICE. Pure: the rule of when they count as shared.

/** The three houses, in the order they are talked through. */
export const HOUSES = ['worries', 'goodThings', 'dreams'] as const;
export type House = (typeof HOUSES)[number];

/** The longest words in one house (characters): a child's words, not a report. */
export const MAX_HOUSE_LENGTH = 4000;
/** The longest name a child gives a house. */
export const MAX_HOUSE_NAME_LENGTH = 60;

/** What staff recorded about agreement: times in server ms, or null; `parentNeeded`: the child lives with a parent. */
export type Agreement = { childAgreedAt: number | null; parentNeeded: boolean; parentAgreedAt: number | null };

/**
 * The child's words may be shown to others: the child agreed, and a parent agreed too when one must
 * (domain.md §3: "with a parent-custody child, get the parent's consent first"). Anything else: not shared.
 */
export function isShared(a: Agreement): boolean {
	return a.childAgreedAt !== null && (!a.parentNeeded || a.parentAgreedAt !== null);
}

/** The child's names for the houses, read from stored JSON defensively (an odd value reads as no name). */
export function houseNamesOf(json: string | null): Partial<Record<House, string>> {
	if (!json) return {};
	try {
		const v = JSON.parse(json) as Record<string, unknown>;
		const names: Partial<Record<House, string>> = {};
		for (const h of HOUSES) if (typeof v?.[h] === 'string' && (v[h] as string).trim()) names[h] = (v[h] as string).slice(0, MAX_HOUSE_NAME_LENGTH);
		return names;
	} catch {
		return {};
	}
}
