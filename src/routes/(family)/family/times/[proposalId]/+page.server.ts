import { fail } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { answerTimes, familyProposal } from '$lib/server/services/time-proposals';
import { answerValues } from '$lib/domain/time-proposals';
import { refuse } from '$lib/server/http';

// A family member answers the times proposed for their meeting (issue 22), for themself only: the person is
// always the session's own, never a field of the form.

export const load: PageServerLoad = async (event) => {
	const result = await familyProposal(event.locals.ctx, event.params.proposalId);
	if (!result.ok) refuse(event, result);
	return { proposal: result.value };
};

export const actions: Actions = {
	/** Saves the family member's answers to every open time; what they chose stays when something is missing. */
	default: async (event) => {
		const ctx = event.locals.ctx;
		const personId = ctx.actor.kind === 'participant' ? ctx.actor.personId : '';
		const shown = await familyProposal(ctx, event.params.proposalId);
		if (!shown.ok) refuse(event, shown);
		const values = answerValues(await event.request.formData(), shown.value.options.map((o) => o.id));
		const result = await answerTimes(ctx, event.params.proposalId, personId, values);
		if (!result.ok) {
			if (result.reason === 'invalid') return fail(400, { values, fields: result.fields });
			if (result.reason === 'confirmed') return fail(409, { values, fields: [] as string[], closed: true });
			refuse(event, result);
		}
		return { saved: true as const };
	}
};
