import type { ParticipantRole } from './roles.ts';

// The family's survey after a meeting (domain.md §7, "Post-meeting family survey"): eleven statements on a
// five-point agree scale, a free comment, and the respondent's role. Optional and anonymous: an answer is
// stored with its meeting and a coarse role category only (never who, never when), and supervisors read
// it as aggregates of at least MIN_GROUP answers (services/meeting-feedback.ts). No zod here: the survey's
// pages import this module, and zod would then load with every page (bundle-budget.test.ts); the form's
// schemas are in feedback-form.ts.

/** The eleven statements, in the order domain.md §7 lists them. Stored as these codes, never as text. */
export const FEEDBACK_ITEMS = [
	'purpose', // 1. I understood why the meeting was held and what would be decided.
	'roles', // 2. My role and everyone's role were explained.
	'choice', // 3. I could help choose the time, place and way to join.
	'respect', // 4. I was treated with respect.
	'listened', // 5. People listened to and understood my family's story.
	'strengths', // 6. My family's strengths were recognised.
	'voice', // 7. I had enough chance to speak and to disagree.
	'safe', // 8. I felt safe in the meeting.
	'own_words', // 9. The plan includes our ideas, in our own words.
	'next_steps', // 10. I know who will do what, by when, and when we meet next.
	'helped' // 11. Overall, this meeting helped my child and family.
] as const;
export type FeedbackItem = (typeof FEEDBACK_ITEMS)[number];

/** The agree scale: 1 strongly disagree … 5 strongly agree. */
export const AGREE_SCALE = [1, 2, 3, 4, 5] as const;
export type Agree = (typeof AGREE_SCALE)[number];

/** An answer to one statement: a point of the scale, or null ("rather not say", or left out). */
export type Answers = Record<FeedbackItem, Agree | null>;

/** Coarse enough that it never names one person on its own (domain.md §7 `respondent_role`). */
export const RESPONDENT_CATEGORIES = ['parent', 'child_youth', 'relative_friend', 'other'] as const;
export type RespondentCategory = (typeof RESPONDENT_CATEGORIES)[number];

/** The longest comment kept, in characters. */
export const MAX_FEEDBACK_COMMENT = 2000;

/** Answers are shown only for a group of at least this many (fewer could point at a person). */
export const MIN_GROUP = 5;

/**
 * The role category stored with an answer, from the respondent's participant role: a parent; a child or
 * youth; a relative or family friend (kin and fictive kin); anyone else (a support person, and any role
 * that should ever reach the survey).
 */
export function respondentCategory(role: ParticipantRole): RespondentCategory {
	if (role === 'PARENT') return 'parent';
	if (role === 'CHILD_YOUTH') return 'child_youth';
	if (role === 'RELATIVE_KIN' || role === 'FICTIVE_KIN') return 'relative_friend';
	return 'other';
}

/** One stored answer, as the aggregates read it. */
export type FeedbackRow = { respondent: RespondentCategory; answers: Answers; comment: string | null };

/** One statement across a group: how many answered it, their mean, and how many chose each point. */
export type ItemAggregate = { item: FeedbackItem; answered: number; mean: number | null; counts: Record<Agree, number> };

/**
 * A group's answers: `count` always; the rest only when `count >= MIN_GROUP` (else `items` and `comments`
 * are null): each statement's aggregate, how many answered in each role category, and the comments in
 * alphabetical order (never the order they came in).
 */
export type GroupAggregate = {
	count: number;
	items: ItemAggregate[] | null;
	roles: Record<RespondentCategory, number> | null;
	comments: string[] | null;
};

/**
 * Aggregates `rows` (one group's answers) for a supervisor: nothing but the count when there are fewer
 * than MIN_GROUP of them; a mean rounded to two decimals (null when nobody answered that statement).
 */
export function aggregate(rows: readonly FeedbackRow[]): GroupAggregate {
	if (rows.length < MIN_GROUP) return { count: rows.length, items: null, roles: null, comments: null };
	const items = FEEDBACK_ITEMS.map((item): ItemAggregate => {
		const counts: Record<Agree, number> = { 1: 0, 2: 0, 3: 0, 4: 0, 5: 0 };
		let sum = 0;
		let answered = 0;
		for (const row of rows) {
			const value = row.answers[item];
			if (value === null) continue;
			counts[value] += 1;
			sum += value;
			answered += 1;
		}
		return { item, answered, mean: answered === 0 ? null : Math.round((sum / answered) * 100) / 100, counts };
	});
	const roles = Object.fromEntries(RESPONDENT_CATEGORIES.map((c) => [c, rows.filter((r) => r.respondent === c).length])) as Record<RespondentCategory, number>;
	const comments = rows.flatMap((r) => (r.comment === null ? [] : [r.comment])).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
	return { count: rows.length, items, roles, comments };
}
