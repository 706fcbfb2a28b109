import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { comeBackFor } from '$lib/server/services/sign-in-codes';
import { config } from '$lib/server/config';
import { signOutAndLeave } from '$lib/server/sign-out-route';

/**
 * Before a family member signs out, how they will come back (issue 16.12): a new code to the phone or
 * email of their invitation, from the Join page, until the invitation ends; or ask their caseworker.
 */
export const load: PageServerLoad = async ({ locals, url }) => {
	if (!locals.session) redirect(303, '/');
	return { comeBack: await comeBackFor(locals.ctx), joinUrl: `${config().ORIGIN ?? url.origin}/join` };
};

export const actions: Actions = {
	default: (event) => signOutAndLeave(event)
};
