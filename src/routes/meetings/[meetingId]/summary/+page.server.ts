import type { PageServerLoad } from './$types';
import { summaryPage } from '$lib/server/services/meeting-summary';
import { refuse } from '$lib/server/http';
import { surveysToAnswer } from '$lib/server/services/meeting-feedback';

// A closed meeting's summary: every participant reads and prints it in their own language, with only what
// their access allows (services/meeting-summary.ts). `?v=<n>` opens an earlier version.

export const load: PageServerLoad = async (event) => {
	const v = event.url.searchParams.get('v');
	const version = v !== null && /^[1-9]\d{0,5}$/.test(v) ? Number(v) : null;
	const result = await summaryPage(event.locals.ctx, event.params.meetingId, version);
	if (!result.ok) refuse(event, result);
	return { page: result.value, survey: (await surveysToAnswer(event.locals.ctx, [event.params.meetingId])).length > 0 };
};
