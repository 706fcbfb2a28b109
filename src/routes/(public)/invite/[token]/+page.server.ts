import { error } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { lookupInvite } from '$lib/server/services/invites';
import { acceptFromForm } from '$lib/server/invite-route';

export const load: PageServerLoad = async ({ params, locals, setHeaders }) => {
	// The token is in this URL: never send it on to another site. Not `no-referrer`: with it, browsers send
	// `Origin: null` on the page's own form post, and SvelteKit's CSRF check refuses the Join button.
	setHeaders({ 'Referrer-Policy': 'same-origin', 'Cache-Control': 'no-store' });
	const landing = await lookupInvite(locals.ctx, { token: params.token });
	// A link that opens nothing answers as such (404 unknown, 410 used, ended or turned off), with the same
	// plain page (+error.svelte beside this file) saying why and what to do.
	if (landing.status !== 'valid') error(landing.status === 'unknown' ? 404 : landing.status === 'throttled' ? 429 : 410, { message: landing.status, invite: landing });
	return { landing };
};

export const actions: Actions = {
	default: (event) => acceptFromForm(event, { token: event.params.token })
};
