import type { PageServerLoad } from './$types';
import { getCase } from '$lib/server/services/cases';
import { refuse } from '$lib/server/http';

export const load: PageServerLoad = (event) => {
	const result = getCase(event.locals.ctx, event.params.caseId);
	if (!result.ok) refuse(event, result);
	return { theCase: result.value };
};
