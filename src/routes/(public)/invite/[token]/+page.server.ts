import type { Actions, PageServerLoad } from './$types';
import { lookupInvite } from '$lib/server/services/invites';
import { acceptFromForm } from '$lib/server/invite-route';

export const load: PageServerLoad = ({ params, locals, setHeaders }) => {
	// The token is in this URL: never send it on to another site. Not `no-referrer`: with it, browsers send
	// `Origin: null` on the page's own form post, and SvelteKit's CSRF check refuses the Join button.
	setHeaders({ 'Referrer-Policy': 'same-origin', 'Cache-Control': 'no-store' });
	return { landing: lookupInvite(locals.ctx.db, { token: params.token }, locals.ctx.clientAddress) };
};

export const actions: Actions = {
	default: (event) => acceptFromForm(event, { token: event.params.token })
};
