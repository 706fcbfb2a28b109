import { z } from 'zod';
import { AGREE_SCALE, FEEDBACK_ITEMS, MAX_FEEDBACK_COMMENT, type Agree, type Answers, type FeedbackItem } from './feedback.ts';

// The survey's form and its stored answers, read with zod (server side: the pages import feedback.ts only).

/** One statement's field as a form sends it: `1`…`5`, `skip` ("rather not say"), or nothing. */
const answerField = z.enum(['1', '2', '3', '4', '5', 'skip']).optional();

/**
 * The survey form: `a-<item>` per statement (each optional), and `comment`. Parsed into answers and a
 * trimmed comment (null when empty). Refuses an unknown value or a comment over MAX_FEEDBACK_COMMENT.
 */
export const feedbackFormSchema = z
	.object({
		...(Object.fromEntries(FEEDBACK_ITEMS.map((item) => [`a-${item}`, answerField])) as Record<`a-${FeedbackItem}`, typeof answerField>),
		comment: z.string().max(MAX_FEEDBACK_COMMENT).optional()
	})
	.transform((form) => {
		const answers = Object.fromEntries(
			FEEDBACK_ITEMS.map((item) => {
				const value = form[`a-${item}`];
				return [item, value === undefined || value === 'skip' ? null : (Number(value) as Agree)];
			})
		) as Answers;
		const comment = form.comment?.trim() ?? '';
		return { answers, comment: comment.length > 0 ? comment : null };
	});
export type FeedbackInput = z.output<typeof feedbackFormSchema>;

/** The stored answers (JSON in meeting_feedback.answers), read back: a missing or unknown value is null. */
export const storedAnswersSchema = z.record(z.string(), z.unknown()).transform(
	(raw) => Object.fromEntries(FEEDBACK_ITEMS.map((item) => [item, (AGREE_SCALE as readonly unknown[]).includes(raw[item]) ? (raw[item] as Agree) : null])) as Answers
);

