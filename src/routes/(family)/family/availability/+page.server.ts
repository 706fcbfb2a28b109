import { fail } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { availabilityPage, saveAvailability } from '$lib/server/services/availability';
import { availabilityValues } from '$lib/domain/availability';
import { refuse } from '$lib/server/http';
import type { RequestContext } from '$lib/server/services/access';

/** The signed-in family member's own case and person (anyone else is refused by the service, audited). */
const me = (ctx: RequestContext) => (ctx.actor.kind === 'participant' ? { caseId: ctx.actor.caseId, personId: ctx.actor.personId } : { caseId: '', personId: '' });

export const load: PageServerLoad = async (event) => {
	const { caseId, personId } = me(event.locals.ctx);
	const result = await availabilityPage(event.locals.ctx, caseId, personId);
	if (!result.ok) refuse(event, result);
	return { page: result.value };
};

export const actions: Actions = {
	/** The family member saves when they can meet and how they take part; a wrong answer keeps what was typed. */
	default: async (event) => {
		const { caseId, personId } = me(event.locals.ctx);
		const values = availabilityValues(await event.request.formData());
		const result = await saveAvailability(event.locals.ctx, caseId, personId, values);
		if (!result.ok) {
			if (result.reason === 'invalid') return fail(400, { values, fields: result.fields });
			refuse(event, result);
		}
		return { saved: true as const };
	}
};
