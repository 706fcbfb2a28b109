import { m } from '$lib/paraglide/messages';
import type { Agree, FeedbackItem } from '$lib/domain/feedback';

// The words of the family's survey (domain/feedback.ts codes), in the reader's language: one place for the
// family's form and the supervisors' aggregates. Not in labels.ts, which every page loads.

const STATEMENT: Record<FeedbackItem, () => string> = {
	purpose: m.feedback_item_purpose,
	roles: m.feedback_item_roles,
	choice: m.feedback_item_choice,
	respect: m.feedback_item_respect,
	listened: m.feedback_item_listened,
	strengths: m.feedback_item_strengths,
	voice: m.feedback_item_voice,
	safe: m.feedback_item_safe,
	own_words: m.feedback_item_own_words,
	next_steps: m.feedback_item_next_steps,
	helped: m.feedback_item_helped
};

/** A survey statement, e.g. "I was treated with respect." */
export const statementText = (item: FeedbackItem): string => STATEMENT[item]();

/** A point of the agree scale, e.g. "Strongly agree". */
export const agreeText = (point: Agree): string => ({ 1: m.feedback_scale_1, 2: m.feedback_scale_2, 3: m.feedback_scale_3, 4: m.feedback_scale_4, 5: m.feedback_scale_5 })[point]();
