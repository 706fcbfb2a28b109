import { fail, redirect, type RequestEvent } from '@sveltejs/kit';
import { z } from 'zod';
import { acceptInvite, type InviteCredential } from './services/invites.ts';
import { SESSION_COOKIE } from './auth/session.ts';
import { sessionCookieOptions } from './auth/cookie.ts';
import { cookieName } from '../paraglide/runtime.js';

// The accept step shared by /invite/<token> and /join (short code): confirm, maybe a 6-digit code,
// then a participant session and a page whose URL carries no secret.

const codeSchema = z.object({ code: z.string().max(20).optional() });

export async function acceptFromForm(event: RequestEvent, credential: InviteCredential) {
	const form = Object.fromEntries(await event.request.formData());
	const parsed = codeSchema.safeParse({ code: typeof form.code === 'string' ? form.code : undefined });
	const code = parsed.success ? (parsed.data.code ?? null) : null;
	let clientAddress: string | null = null;
	try {
		clientAddress = event.getClientAddress();
	} catch {
		clientAddress = null;
	}
	const result = acceptInvite(event.locals.ctx.db, credential, code, { clientAddress, userAgent: event.request.headers.get('user-agent') });
	if (!result.ok) return fail(result.reason === 'bad-code' ? 400 : 410, { problem: result.reason });
	// Whoever was signed in on this device before is signed out: the device is now this person's.
	event.cookies.set(SESSION_COOKIE, result.value.token, sessionCookieOptions(event.url));
	event.cookies.set(cookieName, result.value.locale, { path: '/', httpOnly: false, sameSite: 'lax', maxAge: 34560000 });
	redirect(303, result.value.meetingId ? `/meetings/${result.value.meetingId}` : '/family');
}
