import { fail } from '@sveltejs/kit';
import { z } from 'zod';
import type { Actions, PageServerLoad } from './$types';
import { lookupInvite } from '$lib/server/services/invites';
import { acceptFromForm } from '$lib/server/invite-route';

export const load: PageServerLoad = ({ setHeaders }) => {
	// `same-origin`, not `no-referrer` (which makes browsers send `Origin: null` on this page's form posts).
	setHeaders({ 'Referrer-Policy': 'same-origin' });
	return {};
};

const schema = z.object({ shortCode: z.string().trim().min(1).max(40) });

export const actions: Actions = {
	/** Someone types the code they were read over the phone. */
	lookup: async (event) => {
		const parsed = schema.safeParse(Object.fromEntries(await event.request.formData()));
		if (!parsed.success) return fail(400, { shortCode: '', problem: 'empty' as const });
		const landing = lookupInvite(event.locals.ctx.db, { shortCode: parsed.data.shortCode }, event.locals.ctx.clientAddress);
		if (landing.status !== 'valid') return fail(landing.status === 'unknown' ? 404 : 410, { shortCode: parsed.data.shortCode, problem: landing.status });
		return { shortCode: parsed.data.shortCode, landing };
	},
	accept: async (event) => {
		const form = await event.request.clone().formData();
		const parsed = schema.safeParse({ shortCode: form.get('shortCode') });
		if (!parsed.success) return fail(400, { shortCode: '', problem: 'empty' as const });
		const result = await acceptFromForm(event, { shortCode: parsed.data.shortCode });
		// On a problem, show the landing again with the message (what they typed is kept).
		const landing = lookupInvite(event.locals.ctx.db, { shortCode: parsed.data.shortCode }, event.locals.ctx.clientAddress);
		return fail(result.status, { shortCode: parsed.data.shortCode, problem: result.data.problem, landing: landing.status === 'valid' ? landing : undefined });
	}
};
