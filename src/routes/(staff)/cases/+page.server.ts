import type { PageServerLoad } from './$types';
import { listCases } from '$lib/server/services/cases';
import { refuse } from '$lib/server/http';

export const load: PageServerLoad = async (event) => {
	const result = await listCases(event.locals.ctx);
	if (!result.ok) refuse(event, result);
	return { cases: result.value, isAdmin: event.locals.actor.kind === 'staff' && event.locals.actor.role === 'admin' };
};
