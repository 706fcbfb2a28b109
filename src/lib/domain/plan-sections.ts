// The sections of a case plan (domain.md §4, the case plan issue), as codes: a plan stores the code of each
// section heading (plan-doc.ts, the `planSection` node), never its words; each reader's page words it from
// the messages (`case_plan_section_<CODE>` and its hint), in their own language. Which sections a new plan
// starts with, and in which order, is the jurisdiction's choice (jurisdiction.ts `planTemplate`). Pure.

/**
 * Every section a plan may hold:
 * - VISION: the family's vision for a safe future, in their own words (Maine's "Long Term Vision" [ME-FTM]);
 * - STRENGTHS: strengths and protective factors;
 * - WORRIES: worries (danger statements) and safety goals;
 * - GOALS: goals → objectives → tasks, each task with who does it and by when;
 * - SERVICES: services to parents, child and caregivers (42 U.S.C. 675(1)(B));
 * - VISITATION: who visits whom, how often, with what supervision;
 * - PERMANENCY: the permanency goal and the concurrent plan;
 * - YOUTH: for a youth of 14 or older, their part of the plan and up to two team members they choose
 *   (42 U.S.C. 675(1)(B), 675(5)(C)(iv)).
 */
export const PLAN_SECTIONS = ['VISION', 'STRENGTHS', 'WORRIES', 'GOALS', 'SERVICES', 'VISITATION', 'PERMANENCY', 'YOUTH'] as const;
export type PlanSection = (typeof PLAN_SECTIONS)[number];

/** True when `code` is a section code (PLAN_SECTIONS). */
export function isPlanSection(code: unknown): code is PlanSection {
	return typeof code === 'string' && (PLAN_SECTIONS as readonly string[]).includes(code);
}
