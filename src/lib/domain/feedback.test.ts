import { describe, expect, it } from 'vitest';
import { aggregate, FEEDBACK_ITEMS, MIN_GROUP, respondentCategory, type Answers, type FeedbackRow } from './feedback';
import { FAMILY_ROLES } from './roles';

const allAt = (value: 1 | 2 | 3 | 4 | 5 | null): Answers => Object.fromEntries(FEEDBACK_ITEMS.map((i) => [i, value])) as Answers;

describe('the survey’s statements and roles', () => {
	it('has the eleven statements of domain.md §7', () => {
		expect(FEEDBACK_ITEMS).toHaveLength(11);
		expect(new Set(FEEDBACK_ITEMS).size).toBe(11);
	});

	it('keeps only a coarse role category for each of the family’s roles', () => {
		expect(FAMILY_ROLES.map(respondentCategory)).toEqual(['parent', 'child_youth', 'relative_friend', 'relative_friend', 'other']);
		expect(respondentCategory('OBSERVER')).toBe('other');
	});
});

describe('aggregates for supervisors', () => {
	const row = (value: 1 | 2 | 3 | 4 | 5 | null, comment: string | null = null, respondent: FeedbackRow['respondent'] = 'parent'): FeedbackRow => ({ respondent, answers: allAt(value), comment });

	it('say only how many answered while there are fewer than five', () => {
		const rows = Array.from({ length: MIN_GROUP - 1 }, () => row(5, 'a comment'));
		expect(aggregate(rows)).toEqual({ count: MIN_GROUP - 1, items: null, roles: null, comments: null });
	});

	it('give each statement’s count, mean and spread, the roles, and the comments in alphabetical order from five on', () => {
		const rows = [row(5, 'Zed said thanks'), row(4, null, 'relative_friend'), row(4, 'Another note', 'child_youth'), row(2), row(null, 'Better chairs')];
		const result = aggregate(rows);
		expect(result.count).toBe(5);
		const purpose = result.items!.find((i) => i.item === 'purpose')!;
		expect(purpose.answered).toBe(4);
		expect(purpose.mean).toBe(3.75);
		expect(purpose.counts).toEqual({ 1: 0, 2: 1, 3: 0, 4: 2, 5: 1 });
		expect(result.roles).toEqual({ parent: 3, child_youth: 1, relative_friend: 1, other: 0 });
		expect(result.comments).toEqual(['Another note', 'Better chairs', 'Zed said thanks']);
	});

	it('give no mean for a statement nobody answered', () => {
		const result = aggregate(Array.from({ length: 5 }, () => row(null)));
		expect(result.items!.every((i) => i.mean === null && i.answered === 0)).toBe(true);
	});
});
