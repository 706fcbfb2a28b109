import { fail, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { createMeeting, meetingPlanForm } from '$lib/server/services/meeting-plan';
import { meetingPlanValues } from '$lib/domain/meeting-plan';
import { isRefusal, planFailure } from '$lib/server/plan-route';
import { refuse } from '$lib/server/http';

export const load: PageServerLoad = async (event) => {
	const result = await meetingPlanForm(event.locals.ctx, event.params.caseId);
	if (!result.ok) refuse(event, result);
	return { plan: result.value };
};

export const actions: Actions = {
	save: async (event) => {
		const values = meetingPlanValues(await event.request.formData());
		const result = await createMeeting(event.locals.ctx, event.params.caseId, values);
		if (!result.ok) {
			if (isRefusal(result)) refuse(event, result);
			// What was typed goes back into the form, with what is wrong.
			return fail(planFailure(result), { values, problem: result });
		}
		redirect(303, `/cases/${event.params.caseId}?meeting=${result.value.facilitatorConflict ? 'planned-warning' : 'planned'}`);
	}
};
