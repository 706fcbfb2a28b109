import type { PageServerLoad } from './$types';
import { meetingTimes } from '$lib/server/services/meeting-times';
import { refuse } from '$lib/server/http';

export const load: PageServerLoad = async (event) => {
	const result = await meetingTimes(event.locals.ctx, event.params.meetingId);
	// A meeting of another case than the address says is refused like one that does not exist.
	if (!result.ok) refuse(event, result);
	if (result.value.caseId !== event.params.caseId) refuse(event, { ok: false, reason: 'forbidden' });
	return { times: result.value };
};
