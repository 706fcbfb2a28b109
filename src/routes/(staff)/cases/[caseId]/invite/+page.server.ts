import { fail } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { getCase } from '$lib/server/services/cases';
import { createInvite, createInviteSchema } from '$lib/server/services/invites';
import { refuse } from '$lib/server/http';
import { config } from '$lib/server/config';
import { can } from '$lib/domain/policy';

export const load: PageServerLoad = (event) => {
	const result = getCase(event.locals.ctx, event.params.caseId);
	if (!result.ok) refuse(event, result);
	if (!can(event.locals.actor, 'manage', { type: 'invites', caseId: event.params.caseId })) refuse(event, { ok: false, reason: 'forbidden' });
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
