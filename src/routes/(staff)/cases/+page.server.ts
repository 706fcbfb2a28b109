import type { PageServerLoad } from './$types';
import { listCases } from '$lib/server/services/cases';
import { refuse } from '$lib/server/http';
import { can } from '$lib/domain/policy';

export const load: PageServerLoad = async (event) => {
	const result = await listCases(event.locals.ctx);
	if (!result.ok) refuse(event, result);
	// Supervisors find the families' survey aggregates from here (not the header, which has no room on a phone).
	const seesFeedback = can(event.locals.actor, 'view', { type: 'feedback' });
	const mayOpen = can(event.locals.actor, 'open', { type: 'case-list' });
	return { cases: result.value, isAdmin: event.locals.actor.kind === 'staff' && event.locals.actor.role === 'admin', seesFeedback, mayOpen };
};
