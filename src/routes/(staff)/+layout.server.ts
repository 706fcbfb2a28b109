import { error, redirect } from '@sveltejs/kit';
import type { LayoutServerLoad } from './$types';

// Every staff page needs a signed-in staff member; what each may see is decided by its own load
// (policy.can), which also audits the refusal. Family members have their own pages (/family).
export const load: LayoutServerLoad = ({ locals, url }) => {
	if (!locals.session) redirect(303, `/sign-in?next=${encodeURIComponent(url.pathname)}`);
	if (locals.session.kind !== 'staff') error(403, { message: 'forbidden', code: 'forbidden' });
	return {};
};
