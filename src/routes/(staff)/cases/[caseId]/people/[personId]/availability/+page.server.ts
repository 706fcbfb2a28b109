import { fail } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { availabilityPage, saveAvailability } from '$lib/server/services/availability';
import { availabilityValues } from '$lib/domain/availability';
import { refuse } from '$lib/server/http';

export const load: PageServerLoad = async (event) => {
	const result = await availabilityPage(event.locals.ctx, event.params.caseId, event.params.personId);
	if (!result.ok) refuse(event, result);
	return { page: result.value };
};

export const actions: Actions = {
	/** A worker on the case enters what the person said of their time (after a phone call); what was typed stays when something is wrong. */
	default: async (event) => {
		const values = availabilityValues(await event.request.formData());
		const result = await saveAvailability(event.locals.ctx, event.params.caseId, event.params.personId, values);
		if (!result.ok) {
			if (result.reason === 'invalid') return fail(400, { values, fields: result.fields });
			refuse(event, result);
		}
		return { saved: true as const };
	}
};
