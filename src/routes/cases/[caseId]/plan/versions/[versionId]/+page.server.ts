import type { PageServerLoad } from './$types';
import { openPlanVersion } from '$lib/server/services/plan-versions';
import { refuse } from '$lib/server/http';
import { planSectionWords } from '$lib/plan-words';

// One saved version of the plan, read only, rendered here from the stored copy (no editor on this page).
export const load: PageServerLoad = async (event) => {
	const result = await openPlanVersion(event.locals.ctx, event.params.caseId, event.params.versionId, planSectionWords);
	if (!result.ok) refuse(event, result);
	return { version: result.value };
};
