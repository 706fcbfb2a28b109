import { m } from '$lib/paraglide/messages';
import type { SectionWords } from '$lib/domain/notes-html';
import type { CompareWords } from '$lib/domain/plan-version';

// The case plan's words that come from the app, never from the document (plan-sections.ts: a plan stores
// section codes): each section heading's title and hint, and what a comparison says of a change, in this
// reader's language. One place for the live plan (CasePlan.svelte) and the saved versions' pages (server).

const SECTION_WORDS: Record<string, [() => string, () => string]> = {
	VISION: [m.case_plan_section_VISION, m.case_plan_hint_VISION],
	STRENGTHS: [m.case_plan_section_STRENGTHS, m.case_plan_hint_STRENGTHS],
	WORRIES: [m.case_plan_section_WORRIES, m.case_plan_hint_WORRIES],
	GOALS: [m.case_plan_section_GOALS, m.case_plan_hint_GOALS],
	SERVICES: [m.case_plan_section_SERVICES, m.case_plan_hint_SERVICES],
	VISITATION: [m.case_plan_section_VISITATION, m.case_plan_hint_VISITATION],
	PERMANENCY: [m.case_plan_section_PERMANENCY, m.case_plan_hint_PERMANENCY],
	YOUTH: [m.case_plan_section_YOUTH, m.case_plan_hint_YOUTH]
};

/** A section heading's title and hint (plan-sections.ts code) in this reader's language; null for an unknown code. */
export const planSectionWords: SectionWords = (code) => {
	const words = Object.hasOwn(SECTION_WORDS, code) ? SECTION_WORDS[code] : null;
	return words ? { title: words[0](), hint: words[1]() } : null;
};

/** What a comparison of two versions says, in this reader's language (plan-version.ts comparisonToHtml). */
export function planCompareWords(): CompareWords {
	return {
		section: (code) => planSectionWords(code)?.title ?? null,
		added: m.case_plan_compare_added(),
		removed: m.case_plan_compare_removed(),
		rule: m.case_plan_compare_rule()
	};
}
