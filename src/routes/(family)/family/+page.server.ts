import type { PageServerLoad } from './$types';
import { familyHome } from '$lib/server/services/people';
import { refuse } from '$lib/server/http';

export const load: PageServerLoad = (event) => {
	const result = familyHome(event.locals.ctx);
	if (!result.ok) refuse(event, result);
	return { home: result.value };
};
