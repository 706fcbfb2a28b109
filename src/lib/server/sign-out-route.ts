import { redirect, type RequestEvent } from '@sveltejs/kit';
import { signOut } from './services/auth.ts';
import { SESSION_COOKIE } from './auth/session.ts';
import { sessionCookieOptions } from './auth/cookie.ts';

/**
 * Signs out the session this request came with (form post from the header, the sign-out page, or a
 * script), then goes to where this person signs in again: staff to the sign-in page, family members to
 * the Join page, where they can ask for a new code. Never returns.
 */
export async function signOutAndLeave(event: Pick<RequestEvent, 'locals' | 'cookies' | 'url'>): Promise<never> {
	const { locals, cookies, url } = event;
	const wasParticipant = locals.session?.kind === 'participant';
	if (locals.session) await signOut(locals.ctx);
	cookies.delete(SESSION_COOKIE, sessionCookieOptions(url));
	redirect(303, wasParticipant ? '/join' : '/sign-in');
}
