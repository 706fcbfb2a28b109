import type { Actions, PageServerLoad } from './$types';
import { lookupInvite } from '$lib/server/services/invites';
import { acceptFromForm } from '$lib/server/invite-route';

export const load: PageServerLoad = ({ params, locals, setHeaders }) => {
	// The token is in this URL: never send it on to another site.
	setHeaders({ 'Referrer-Policy': 'no-referrer', 'Cache-Control': 'no-store' });
	return { landing: lookupInvite(locals.ctx.db, { token: params.token }, locals.ctx.clientAddress) };
};

export const actions: Actions = {
	default: (event) => acceptFromForm(event, { token: event.params.token })
};
