import { fail, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { cancelMeeting, meetingPlanForm, updateMeeting } from '$lib/server/services/meeting-plan';
import { meetingPlanValues } from '$lib/domain/meeting-plan';
import { isRefusal, planFailure } from '$lib/server/plan-route';
import { refuse } from '$lib/server/http';

export const load: PageServerLoad = async (event) => {
	const result = await meetingPlanForm(event.locals.ctx, event.params.caseId, event.params.meetingId);
	if (!result.ok) refuse(event, result);
	return { plan: result.value };
};

export const actions: Actions = {
	save: async (event) => {
		const values = meetingPlanValues(await event.request.formData());
		const result = await updateMeeting(event.locals.ctx, event.params.caseId, event.params.meetingId, values);
		if (!result.ok) {
			if (isRefusal(result)) refuse(event, result);
			return fail(planFailure(result), { values, problem: result });
		}
		redirect(303, `/cases/${event.params.caseId}?meeting=${result.value.facilitatorConflict ? 'saved-warning' : 'saved'}`);
	},
	cancel: async (event) => {
		const form = await event.request.formData();
		const result = await cancelMeeting(event.locals.ctx, event.params.caseId, event.params.meetingId, form.get('confirm') === 'yes');
		if (!result.ok) {
			if (isRefusal(result)) refuse(event, result);
			return fail(planFailure(result), { cancelProblem: result.reason });
		}
		redirect(303, `/cases/${event.params.caseId}?meeting=cancelled`);
	}
};
