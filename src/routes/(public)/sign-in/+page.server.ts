import { fail, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { EMAIL_MAX, PASSWORD_MAX, signIn, signInProblem, signInSchema } from '$lib/server/services/auth';
import { SESSION_COOKIE } from '$lib/server/auth/session';
import { sessionCookieOptions } from '$lib/server/auth/cookie';
import { config } from '$lib/server/config';
import { safeNext } from '$lib/server/http';
import { cookieName, toLocale } from '$lib/paraglide/runtime';

export const load: PageServerLoad = ({ locals, url }) => {
	if (locals.session) redirect(303, locals.session.kind === 'staff' ? safeNext(url.searchParams.get('next'), url.origin) : '/family');
	return {};
};

export const actions: Actions = {
	default: async (event) => {
		const form = await event.request.formData();
		const field = (name: string) => {
			const value = form.get(name);
			return typeof value === 'string' ? value : '';
		};
		const raw = { email: field('email'), password: field('password') };
		const parsed = signInSchema.safeParse(raw);
		// The email stays in the form; the password is never sent back to the page.
		if (!parsed.success) return fail(400, { email: raw.email, problem: signInProblem(parsed.error), max: { email: EMAIL_MAX, password: PASSWORD_MAX } });
		const result = await signIn(event.locals.ctx, parsed.data, {
			userAgent: event.request.headers.get('user-agent'),
			throttled: config().SIGNIN_THROTTLE
		});
		if (!result.ok) {
			if (result.reason === 'throttled') return fail(429, { email: raw.email, problem: 'throttled' as const, retryAfterSeconds: result.retryAfterSeconds });
			return fail(400, { email: raw.email, problem: 'invalid' as const });
		}
		event.cookies.set(SESSION_COOKIE, result.value.token, sessionCookieOptions(event.url));
		// A saved language follows the person; otherwise what they chose on this page stays.
		const saved = toLocale(result.value.locale ?? '');
		if (saved) event.cookies.set(cookieName, saved, { path: '/', httpOnly: false, sameSite: 'lax', maxAge: 34560000 });
		redirect(303, safeNext(event.url.searchParams.get('next'), event.url.origin));
	}
};
