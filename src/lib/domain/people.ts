import type { ParticipantRole, SensitivityLabel } from './roles.ts';

// What a person on a case is to the children, as a code the app renders in each reader's language
// (architecture.md: codes, never English text), with what the family or staff typed kept beside it.

/**
 * What the person is to the children of the case. The children themselves are the family's `DAUGHTER`,
 * `SON` or `CHILD`. Gendered codes exist because Spanish needs them (abuela/abuelo, tía/tío); the neutral
 * ones (`PARENT`, `GRANDPARENT`, `SIBLING`, `CHILD`) are for when gender is unknown or not the point.
 */
export const RELATIONSHIPS = [
	'MOTHER',
	'FATHER',
	'PARENT',
	'LEGAL_GUARDIAN',
	'GRANDMOTHER',
	'GRANDFATHER',
	'GRANDPARENT',
	'AUNT',
	'UNCLE',
	'COUSIN',
	'SISTER',
	'BROTHER',
	'SIBLING',
	'DAUGHTER',
	'SON',
	'CHILD',
	'GODMOTHER',
	'GODFATHER',
	'FOSTER_CAREGIVER',
	'FAMILY_FRIEND',
	'NEIGHBOR'
] as const;
export type Relationship = (typeof RELATIONSHIPS)[number];

/**
 * Which side of the family a relative is on. 42 U.S.C. 671(a)(29) relative notice names "maternal and
 * paternal grandparents, aunts, uncles" (practice guide 003), so those relatives carry a side.
 */
export const FAMILY_SIDES = ['MATERNAL', 'PATERNAL'] as const;
export type FamilySide = (typeof FAMILY_SIDES)[number];

/** The relationships that have a maternal or paternal side. */
export const SIDED_RELATIONSHIPS: readonly Relationship[] = ['GRANDMOTHER', 'GRANDFATHER', 'GRANDPARENT', 'AUNT', 'UNCLE'];

export function hasSide(relationship: Relationship | null): boolean {
	return relationship !== null && SIDED_RELATIONSHIPS.includes(relationship);
}

const FEMALE: readonly Relationship[] = ['MOTHER', 'GRANDMOTHER', 'AUNT', 'SISTER', 'DAUGHTER', 'GODMOTHER'];
const MALE: readonly Relationship[] = ['FATHER', 'GRANDFATHER', 'UNCLE', 'BROTHER', 'SON', 'GODFATHER'];

/**
 * The grammatical gender a relationship code implies, for words that Spanish genders (a father is
 * "Padre", not "Madre o padre"). Null when the code says nothing about it. Hearth stores no gender of
 * its own: only what the relationship already says.
 */
export function relationshipGender(relationship: Relationship | null): 'female' | 'male' | null {
	if (relationship === null) return null;
	if (FEMALE.includes(relationship)) return 'female';
	if (MALE.includes(relationship)) return 'male';
	return null;
}

/**
 * Text staff (or the family) typed, in up to two languages: `en` is what they typed in the agency's base
 * language (English), `es` the same thing in Spanish when they wrote it. Never machine-translated.
 */
export type TypedText = { en: string | null; es: string | null };

/** A reader's text: their own language when someone wrote it, else the other (a place is a place). */
export function typedTextFor(text: TypedText | null, locale: 'en' | 'es'): { text: string; lang: 'en' | 'es' } | null {
	if (!text) return null;
	const other = locale === 'en' ? 'es' : 'en';
	const own = text[locale]?.trim();
	if (own) return { text: own, lang: locale };
	const fallback = text[other]?.trim();
	return fallback ? { text: fallback, lang: other } : null;
}

/** Two nullable columns as a TypedText, or null when neither holds anything. */
export function typedText(en: string | null, es: string | null): TypedText | null {
	const clean = (s: string | null) => (s && s.trim() ? s.trim() : null);
	const value = { en: clean(en), es: clean(es) };
	return value.en === null && value.es === null ? null : value;
}

/**
 * Whole years between a birth date ('YYYY-MM-DD') and a day ({year, month, day}, the agency's calendar
 * date today). Null for a missing or malformed date, or one after `today`.
 */
export function ageOn(birthDate: string | null, today: { year: number; month: number; day: number }): number | null {
	const match = birthDate ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(birthDate) : null;
	if (!match) return null;
	const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
	let age = today.year - y;
	if (today.month < m || (today.month === m && today.day < d)) age -= 1;
	return age < 0 ? null : age;
}

/** A calendar date 'YYYY-MM-DD' that exists (no 2023-02-30). */
export function isCalendarDate(value: string): boolean {
	const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
	if (!match) return false;
	const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
	return date.toISOString().slice(0, 10) === value;
}

/**
 * Details a person can agree to share with the other family members on their team (their consent, recorded
 * with who recorded it and when). Without it, nobody but the person and the staff on the case sees them.
 */
export const SHAREABLE_DETAILS = ['contact', 'address'] as const;
export type ShareableDetail = (typeof SHAREABLE_DETAILS)[number];

/** Who recorded a consent: the person themself (on their page) or staff on the case (after asking them). */
export const CONSENT_RECORDERS = ['person', 'staff'] as const;
export type ConsentRecorder = (typeof CONSENT_RECORDERS)[number];

/** The age from which a youth's private section applies (domain.md §6: `YOUTH_PRIVATE`, youth-only section, 14+). */
export const YOUTH_PRIVATE_FROM_AGE = 14;

/**
 * The sensitivity labels that can apply to this person. The child's own words (Three Houses) and the
 * youth's private section are about children: offering them for a grandmother would be untrue. A youth's
 * private section is for 14 and over; with no birth date on record it is offered to every child (staff know).
 */
export function labelsThatApply(person: { role: ParticipantRole; age: number | null }, all: readonly SensitivityLabel[]): SensitivityLabel[] {
	return all.filter((label) => {
		if (label === 'CHILD_VOICE') return person.role === 'CHILD_YOUTH';
		if (label === 'YOUTH_PRIVATE') return person.role === 'CHILD_YOUTH' && (person.age === null || person.age >= YOUTH_PRIVATE_FROM_AGE);
		return true;
	});
}
