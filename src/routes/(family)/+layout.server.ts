import { redirect } from '@sveltejs/kit';
import type { LayoutServerLoad } from './$types';

// Pages for the people a case invited (parents, kin, youth, support people…). Staff have their own.
export const load: LayoutServerLoad = ({ locals }) => {
	if (!locals.session) redirect(303, '/join');
	if (locals.session.kind !== 'participant') redirect(303, '/cases');
	return {};
};
