import type { PageServerLoad } from './$types';
import { openPlan } from '$lib/server/services/plan';
import { refuse } from '$lib/server/http';
import { sessionIdentity } from '$lib/server/auth/session';
import { colourFor } from '$lib/domain/colour';

// The case plan (issue 21): staff on the case and family members invited to the whole case, one page for
// both (the policy decides, services/plan.ts). The plan's text comes live over the collab socket.
export const load: PageServerLoad = async (event) => {
	const result = await openPlan(event.locals.ctx, event.params.caseId);
	if (!result.ok) refuse(event, result);
	const who = sessionIdentity(event.locals.session!);
	return { plan: result.value, me: { name: who.name, color: colourFor(who.id), role: who.role } };
};
