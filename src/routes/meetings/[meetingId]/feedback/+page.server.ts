import { fail } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { feedbackForm, giveFeedback } from '$lib/server/services/meeting-feedback';
import { refuse } from '$lib/server/http';
import { FEEDBACK_ITEMS, MAX_FEEDBACK_COMMENT } from '$lib/domain/feedback';
import { feedbackFormSchema } from '$lib/domain/feedback-form';

// The family's survey after a meeting (domain.md §7): optional and anonymous, its own page and chunk.
// Only the family's own people invited to the meeting reach it (services/meeting-feedback.ts).

export const load: PageServerLoad = async (event) => {
	const result = await feedbackForm(event.locals.ctx, event.params.meetingId);
	if (!result.ok) refuse(event, result);
	return { survey: result.value };
};

/** What the form sent, kept as sent (cut to size), so that a refused form comes back filled in. */
export type FeedbackTyped = { answers: Record<string, string>; comment: string };

export const actions: Actions = {
	give: async (event) => {
		const form = await event.request.formData();
		const typed: FeedbackTyped = {
			answers: Object.fromEntries(FEEDBACK_ITEMS.flatMap((item) => {
				const value = form.get(`a-${item}`);
				return typeof value === 'string' ? [[item, value.slice(0, 8)]] : [];
			})),
			comment: String(form.get('comment') ?? '').slice(0, MAX_FEEDBACK_COMMENT * 2)
		};
		const parsed = feedbackFormSchema.safeParse({ ...Object.fromEntries(Object.entries(typed.answers).map(([item, value]) => [`a-${item}`, value])), comment: typed.comment });
		if (!parsed.success) {
			// Someone who may not answer it is refused as such, whatever they sent.
			const allowed = await feedbackForm(event.locals.ctx, event.params.meetingId);
			if (!allowed.ok) refuse(event, allowed);
			return fail(400, { typed, problem: 'invalid' as const });
		}
		const result = await giveFeedback(event.locals.ctx, event.params.meetingId, parsed.data);
		if (!result.ok) {
			if (result.reason === 'answered') return fail(409, { typed, problem: 'answered' as const });
			refuse(event, result);
		}
		return { thanks: true };
	}
};
