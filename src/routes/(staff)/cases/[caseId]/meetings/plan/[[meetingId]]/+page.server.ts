import { fail, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { cancelMeeting, createMeeting, meetingPlanForm, updateMeeting } from '$lib/server/services/meeting-plan';
import { meetingPlanValues } from '$lib/domain/meeting-plan';
import { isRefusal, planFailure } from '$lib/server/plan-route';
import { refuse } from '$lib/server/http';

// One page plans a new meeting (/cases/<id>/meetings/plan) and changes or cancels one (…/plan/<meetingId>):
// one route, so its form and words load with this page alone, never with the meeting page a phone opens.

export const load: PageServerLoad = async (event) => {
	const result = await meetingPlanForm(event.locals.ctx, event.params.caseId, event.params.meetingId);
	if (!result.ok) refuse(event, result);
	return { plan: result.value };
};

export const actions: Actions = {
	save: async (event) => {
		const values = meetingPlanValues(await event.request.formData());
		const { caseId, meetingId } = event.params;
		const result = meetingId === undefined ? await createMeeting(event.locals.ctx, caseId, values) : await updateMeeting(event.locals.ctx, caseId, meetingId, values, event.url.origin);
		if (!result.ok) {
			if (isRefusal(result)) refuse(event, result);
			// What was typed goes back into the form, with what is wrong.
			return fail(planFailure(result), { values, problem: result });
		}
		const said = meetingId === undefined ? 'planned' : 'saved';
		redirect(303, `/cases/${caseId}?meeting=${said}${result.value.facilitatorConflict ? '-warning' : ''}`);
	},
	cancel: async (event) => {
		const form = await event.request.formData();
		const { caseId, meetingId } = event.params;
		// Cancelling names a meeting; without one it is refused like a meeting nobody may see.
		const result = await cancelMeeting(event.locals.ctx, caseId, meetingId ?? '', form.get('confirm') === 'yes', event.url.origin);
		if (!result.ok) {
			if (isRefusal(result)) refuse(event, result);
			return fail(planFailure(result), { cancelProblem: result.reason });
		}
		redirect(303, `/cases/${caseId}?meeting=cancelled`);
	}
};
