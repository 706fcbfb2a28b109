import { redirect } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { signOut } from '$lib/server/services/auth';
import { SESSION_COOKIE } from '$lib/server/auth/session';
import { sessionCookieOptions } from '$lib/server/auth/cookie';

export const POST: RequestHandler = ({ locals, cookies, url }) => {
	if (locals.session) signOut(locals.ctx.db, locals.actor, locals.session.sessionId, locals.ctx.clientAddress ?? '');
	cookies.delete(SESSION_COOKIE, sessionCookieOptions(url));
	redirect(303, '/sign-in');
};
