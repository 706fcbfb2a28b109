import { redirect } from '@sveltejs/kit';
import type { LayoutServerLoad } from './$types';

// Every staff page needs a signed-in person; what each may see is decided by its own load (policy.can).
export const load: LayoutServerLoad = ({ locals, url }) => {
	if (!locals.session) redirect(303, `/sign-in?next=${encodeURIComponent(url.pathname)}`);
	return {};
};
