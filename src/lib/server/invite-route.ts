import { fail, redirect, type RequestEvent } from '@sveltejs/kit';
import { z } from 'zod';
import { acceptInvite, type InviteCredential } from './services/invites.ts';
import { signInWithCode, type CodeAsker } from './services/sign-in-codes.ts';
import { SESSION_COOKIE } from './auth/session.ts';
import { sessionCookieOptions } from './auth/cookie.ts';
import { cookieName } from '../paraglide/runtime.js';

// The accept step shared by /invite/<token> and /join (short code): confirm, maybe a 6-digit code,
// then a participant session and a page whose URL carries no secret. And signing in again with a new
// code (/join), which ends the same way.

const codeSchema = z.object({ code: z.string().max(20).optional() });

/** The participant's new session on this device, then their meeting (or home page): never returns. */
function enter(event: RequestEvent, signedIn: { token: string; locale: 'en' | 'es'; meetingId: string | null }): never {
	// Whoever was signed in on this device before is signed out: the device is now this person's.
	event.cookies.set(SESSION_COOKIE, signedIn.token, sessionCookieOptions(event.url));
	event.cookies.set(cookieName, signedIn.locale, { path: '/', httpOnly: false, sameSite: 'lax', maxAge: 34560000 });
	redirect(303, signedIn.meetingId ? `/meetings/${signedIn.meetingId}` : '/family');
}

export async function acceptFromForm(event: RequestEvent, credential: InviteCredential) {
	const form = Object.fromEntries(await event.request.formData());
	const parsed = codeSchema.safeParse({ code: typeof form.code === 'string' ? form.code : undefined });
	const code = parsed.success ? (parsed.data.code ?? null) : null;
	const result = await acceptInvite(event.locals.ctx, credential, code, { userAgent: event.request.headers.get('user-agent') });
	if (!result.ok) return fail(result.reason === 'bad-code' ? 400 : 410, { problem: result.reason });
	enter(event, result.value);
}

/** Who asks for a new sign-in code, as the Join page's forms carry it: a used link, a short code, or a phone number or email. */
export const codeAskerSchema = z.union([
	z.object({ via: z.literal('token'), value: z.string().regex(/^[a-z2-7]{32}$/) }),
	z.object({ via: z.literal('shortCode'), value: z.string().trim().min(1).max(40) }),
	z.object({ via: z.literal('destination'), value: z.string().trim().min(1).max(254) })
]);
export type CodeAskerForm = z.infer<typeof codeAskerSchema>;

export function askerOf(form: CodeAskerForm): CodeAsker {
	return form.via === 'token' ? { token: form.value } : form.via === 'shortCode' ? { shortCode: form.value } : { destination: form.value };
}

/** Signs in with a new code from the Join page; on a wrong code, the page again with what was typed. */
export async function signInWithCodeFromForm(event: RequestEvent, asker: CodeAskerForm, code: string) {
	const result = await signInWithCode(event.locals.ctx, askerOf(asker), code, { userAgent: event.request.headers.get('user-agent') });
	if (!result.ok) return fail(result.reason === 'throttled' ? 429 : 400, { again: result.reason, ...asker, code });
	enter(event, result.value);
}
