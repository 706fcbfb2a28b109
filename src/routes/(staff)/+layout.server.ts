import { error, redirect } from '@sveltejs/kit';
import type { LayoutServerLoad } from './$types';

// Every staff page needs a signed-in staff member; what each may see is decided by its own load
// (policy.can), which also audits the refusal. Family members have their own pages (/family).
export const load: LayoutServerLoad = ({ locals, url }) => {
	// Back to the very page after signing in, its query too (the invite form's `?person=`).
	if (!locals.session) redirect(303, `/sign-in?next=${encodeURIComponent(url.pathname + url.search)}`);
	if (locals.session.kind !== 'staff') error(403, { message: 'forbidden', code: 'forbidden' });
	return {};
};
