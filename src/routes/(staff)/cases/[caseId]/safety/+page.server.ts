import { fail } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { caseForSafety } from '$lib/server/services/cases';
import { addKeepApart, consentSchema, labelsSchema, pairSchema, removeKeepApart, setDetailConsent, setLabels } from '$lib/server/services/people';
import { refuse } from '$lib/server/http';
import { SHAREABLE_DETAILS } from '$lib/domain/people';

export const load: PageServerLoad = async (event) => {
	const result = await caseForSafety(event.locals.ctx, event.params.caseId);
	if (!result.ok) refuse(event, result);
	return { theCase: result.value };
};

export const actions: Actions = {
	labels: async (event) => {
		const form = await event.request.formData();
		const parsed = labelsSchema.safeParse({ personId: form.get('personId'), labels: form.getAll('labels') });
		if (!parsed.success) return fail(400, { problem: 'invalid' as const });
		const result = await setLabels(event.locals.ctx, event.params.caseId, parsed.data);
		if (!result.ok) {
			if (result.reason === 'not-found') return fail(404, { problem: 'invalid' as const });
			if (result.reason === 'not-applicable') return fail(400, { problem: 'not-applicable' as const });
			refuse(event, result);
		}
		return { saved: parsed.data.personId };
	},
	/** Staff record what a person agreed to share with the family members on their team, after asking them. */
	sharing: async (event) => {
		const form = await event.request.formData();
		const ticked = new Set(form.getAll('shares'));
		const parsed = consentSchema.safeParse({ personId: form.get('personId'), shares: Object.fromEntries(SHAREABLE_DETAILS.map((d) => [d, ticked.has(d)])) });
		if (!parsed.success || [...ticked].some((d) => !(SHAREABLE_DETAILS as readonly unknown[]).includes(d))) return fail(400, { problem: 'invalid' as const });
		const result = await setDetailConsent(event.locals.ctx, event.params.caseId, parsed.data);
		if (!result.ok) refuse(event, result);
		return { saved: parsed.data.personId };
	},
	addPair: async (event) => {
		const parsed = pairSchema.safeParse(Object.fromEntries(await event.request.formData()));
		if (!parsed.success) return fail(400, { problem: 'same-person' as const });
		const result = await addKeepApart(event.locals.ctx, event.params.caseId, parsed.data);
		if (!result.ok) {
			if (result.reason === 'share-session') return fail(409, { problem: 'share-session' as const, meetingIds: result.meetingIds });
			if (result.reason === 'not-found') return fail(404, { problem: 'invalid' as const });
			refuse(event, result);
		}
		return { pairAdded: true };
	},
	removePair: async (event) => {
		const parsed = pairSchema.safeParse(Object.fromEntries(await event.request.formData()));
		if (!parsed.success) return fail(400, { problem: 'invalid' as const });
		const result = await removeKeepApart(event.locals.ctx, event.params.caseId, parsed.data);
		if (!result.ok) {
			if (result.reason === 'not-found') return fail(404, { problem: 'pair-not-found' as const });
			refuse(event, result);
		}
		return { pairRemoved: true };
	}
};
