import { redirect } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { signOut } from '$lib/server/services/auth';
import { SESSION_COOKIE } from '$lib/server/auth/session';
import { sessionCookieOptions } from '$lib/server/auth/cookie';

export const POST: RequestHandler = ({ locals, cookies, url }) => {
	const wasParticipant = locals.session?.kind === 'participant';
	if (locals.session) signOut(locals.ctx.db, locals.actor, locals.session.sessionId, locals.ctx.clientAddress ?? '');
	cookies.delete(SESSION_COOKIE, sessionCookieOptions(url));
	// Family members come back with a link or a code, not a password.
	redirect(303, wasParticipant ? '/join' : '/sign-in');
};
