import { fail, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import type { Actions, PageServerLoad } from './$types';
import { SESSION_COOKIE } from '$lib/server/auth/session';
import { sessionCookieOptions } from '$lib/server/auth/cookie';
import { config } from '$lib/server/config';
import { endMyDevice, myDevices } from '$lib/server/services/devices';

/** A person's own open sessions (phones, computers), each of which they can end. */
export const load: PageServerLoad = async ({ locals, url }) => {
	const result = await myDevices(locals.ctx);
	if (!result.ok) redirect(303, `/sign-in?next=${encodeURIComponent(url.pathname)}`);
	return {
		sessions: result.value.sessions,
		// A family member signing out here is told first how to come back.
		comeBack: result.value.comeBack,
		joinUrl: `${config().ORIGIN ?? url.origin}/join`
	};
};

export const actions: Actions = {
	end: async ({ locals, request, cookies, url }) => {
		if (!locals.session) redirect(303, '/sign-in');
		const parsed = z.object({ ref: z.string().regex(/^[a-z2-7]{8}$/) }).safeParse(Object.fromEntries(await request.formData()));
		if (!parsed.success) return fail(400, { problem: 'invalid' as const });
		const result = await endMyDevice(locals.ctx, parsed.data.ref);
		if (!result.ok) return fail(404, { problem: 'invalid' as const });
		if (result.value.own) {
			cookies.delete(SESSION_COOKIE, sessionCookieOptions(url));
			redirect(303, locals.session.kind === 'staff' ? '/sign-in' : '/join');
		}
		return { ended: true };
	}
};
