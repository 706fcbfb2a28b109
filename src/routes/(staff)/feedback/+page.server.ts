import type { PageServerLoad } from './$types';
import { feedbackReport } from '$lib/server/services/meeting-feedback';
import { refuse } from '$lib/server/http';
import { AGREE_SCALE, FEEDBACK_ITEMS, MIN_GROUP } from '$lib/domain/feedback';
import { agreeText, statementText } from '$lib/feedback-words';

// What families said in the survey after their meetings, as aggregates for supervisors only (policy
// `feedback` `view`; services/meeting-feedback.ts). Never one answer, never a small group. The survey's
// words come with the data, in the reader's language: the family's form is the only page that loads them,
// so they stay out of the chunk every page loads (bundle-budget.test.ts).

export const load: PageServerLoad = async (event) => {
	const result = await feedbackReport(event.locals.ctx);
	if (!result.ok) refuse(event, result);
	return {
		report: result.value,
		min: MIN_GROUP,
		statements: Object.fromEntries(FEEDBACK_ITEMS.map((item) => [item, statementText(item)])),
		scale: AGREE_SCALE.map((point) => ({ point, text: agreeText(point) }))
	};
};
