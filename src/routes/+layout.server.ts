import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = ({ locals }) => ({
	user: locals.session ? { name: locals.session.user.name, role: locals.session.user.role } : null
});
