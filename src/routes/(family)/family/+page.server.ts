import { fail } from '@sveltejs/kit';
import { z } from 'zod';
import type { Actions, PageServerLoad } from './$types';
import { familyHome, shareMyDetail } from '$lib/server/services/people';
import { surveysToAnswer } from '$lib/server/services/meeting-feedback';
import { proposalsToAnswer } from '$lib/server/services/time-proposals';
import { refuse } from '$lib/server/http';
import { SHAREABLE_DETAILS } from '$lib/domain/people';

export const load: PageServerLoad = async (event) => {
	const result = await familyHome(event.locals.ctx);
	if (!result.ok) refuse(event, result);
	// Held meetings whose survey this person has not answered (domain.md §7): a link to each.
	// Times proposed for a meeting of theirs, still open: a link to answer each (issue 22).
	return { home: result.value, surveys: await surveysToAnswer(event.locals.ctx), proposals: await proposalsToAnswer(event.locals.ctx) };
};

const shareSchema = z.object({ detail: z.enum(SHAREABLE_DETAILS), share: z.enum(['yes', 'no']) });

export const actions: Actions = {
	/** The person shares one of their own details with the family members on their team, or stops. */
	share: async (event) => {
		const parsed = shareSchema.safeParse(Object.fromEntries(await event.request.formData()));
		if (!parsed.success) return fail(400, { problem: 'invalid' as const });
		const share = parsed.data.share === 'yes';
		const result = await shareMyDetail(event.locals.ctx, parsed.data.detail, share);
		if (!result.ok) refuse(event, result);
		return { shared: share, detail: parsed.data.detail };
	}
};
