import type { LayoutServerLoad } from './$types';
import { sessionIdentity } from '$lib/server/auth/session';
import { timeZoneOf } from '$lib/server/services/profile';

export const load: LayoutServerLoad = async ({ locals }) => {
	const s = locals.session;
	const timeZone = await timeZoneOf(locals.ctx);
	if (!s) return { user: null, timeZone };
	const who = sessionIdentity(s);
	return { user: { kind: s.kind, name: who.name, role: who.role }, timeZone };
};
