import { redirect } from '@sveltejs/kit';
import { z } from 'zod';
import type { RequestHandler } from './$types';
import { cookieName } from '$lib/paraglide/runtime';
import { safeNext } from '$lib/server/http';
import { saveOwnLocale } from '$lib/server/services/profile';

const schema = z.object({ locale: z.enum(['en', 'es']), next: z.string().max(2000).optional() });

/** The "English | Español" switch: remembered in a cookie, and on the profile of a signed-in person. */
export const POST: RequestHandler = async ({ request, cookies, locals, url }) => {
	const form = await request.formData();
	const parsed = schema.safeParse({ locale: form.get('locale'), next: form.get('next') ?? undefined });
	const next = safeNext(parsed.success ? parsed.data.next : String(form.get('next') ?? ''), url.origin, '/');
	if (!parsed.success) redirect(303, next);
	cookies.set(cookieName, parsed.data.locale, { path: '/', httpOnly: false, sameSite: 'lax', maxAge: 34560000 });
	if (locals.session) await saveOwnLocale(locals.ctx, parsed.data.locale);
	redirect(303, next);
};
