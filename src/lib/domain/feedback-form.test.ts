import { describe, expect, it } from 'vitest';
import { feedbackFormSchema, storedAnswersSchema } from './feedback-form';
import { FEEDBACK_ITEMS, MAX_FEEDBACK_COMMENT } from './feedback';

describe('the survey form', () => {
	it('reads each statement’s point, "rather not say" and a left-out statement as no answer, and trims the comment', () => {
		const parsed = feedbackFormSchema.parse({ 'a-purpose': '5', 'a-roles': '1', 'a-safe': 'skip', comment: '  Thank you  ' });
		expect(parsed.answers.purpose).toBe(5);
		expect(parsed.answers.roles).toBe(1);
		expect(parsed.answers.safe).toBeNull();
		expect(parsed.answers.helped).toBeNull();
		expect(parsed.comment).toBe('Thank you');
		expect(feedbackFormSchema.parse({ comment: '   ' }).comment).toBeNull();
	});

	it('refuses a value off the scale and a comment that is too long', () => {
		expect(feedbackFormSchema.safeParse({ 'a-purpose': '6' }).success).toBe(false);
		expect(feedbackFormSchema.safeParse({ 'a-purpose': '0' }).success).toBe(false);
		expect(feedbackFormSchema.safeParse({ comment: 'x'.repeat(MAX_FEEDBACK_COMMENT + 1) }).success).toBe(false);
	});

	it('reads stored answers back, a value off the scale as none', () => {
		const answers = storedAnswersSchema.parse({ purpose: 4, roles: 9, safe: '5' });
		expect(answers.purpose).toBe(4);
		expect(answers.roles).toBeNull();
		expect(answers.safe).toBeNull();
		expect(Object.keys(answers)).toEqual([...FEEDBACK_ITEMS]);
	});
});
