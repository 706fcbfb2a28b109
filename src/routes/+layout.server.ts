import type { LayoutServerLoad } from './$types';
import { sessionIdentity } from '$lib/server/auth/session';

export const load: LayoutServerLoad = ({ locals }) => {
	const s = locals.session;
	if (!s) return { user: null };
	const who = sessionIdentity(s);
	return { user: { kind: s.kind, name: who.name, role: who.role } };
};
