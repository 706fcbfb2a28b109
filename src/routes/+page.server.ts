import { redirect } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals }) => {
	if (!locals.session) redirect(303, '/sign-in');
	redirect(303, locals.session.kind === 'staff' ? '/cases' : '/family');
};
