import { fail } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { caseForInvites } from '$lib/server/services/cases';
import { createInvite, createInviteSchema } from '$lib/server/services/invites';
import { refuse } from '$lib/server/http';
import { config } from '$lib/server/config';

export const load: PageServerLoad = async (event) => {
	const result = await caseForInvites(event.locals.ctx, event.params.caseId);
	if (!result.ok) refuse(event, result);
	return { theCase: result.value, personId: event.url.searchParams.get('person') ?? '', ttlHours: config().INVITE_TTL_HOURS };
};

export const actions: Actions = {
	default: async (event) => {
		const form = Object.fromEntries(await event.request.formData());
		const values = {
			personId: String(form.personId ?? ''),
			meetingId: String(form.meetingId ?? ''),
			channel: String(form.channel ?? ''),
			locale: String(form.locale ?? ''),
			requireCode: form.requireCode === 'on' ? 'on' : 'off'
		};
		const parsed = createInviteSchema.safeParse(values);
		if (!parsed.success) return fail(400, { values, problem: 'invalid' as const });
		const origin = config().ORIGIN ?? event.url.origin;
		const result = await createInvite(event.locals.ctx, event.params.caseId, parsed.data, origin);
		if (!result.ok) {
			if (result.reason === 'no-destination') return fail(400, { values, problem: 'no-destination' as const });
			if (result.reason === 'not-found') return fail(404, { values, problem: 'invalid' as const });
			refuse(event, result);
		}
		return { created: result.value };
	}
};
