import { fail } from '@sveltejs/kit';
import { z } from 'zod';
import type { Actions, PageServerLoad } from './$types';
import { lookupInvite } from '$lib/server/services/invites';
import { CODE_MINUTES, requestSignInCode } from '$lib/server/services/sign-in-codes';
import { acceptFromForm, askerOf, codeAskerSchema, signInWithCodeFromForm } from '$lib/server/invite-route';

export const load: PageServerLoad = ({ setHeaders }) => {
	// `same-origin`, not `no-referrer` (which makes browsers send `Origin: null` on this page's form posts).
	setHeaders({ 'Referrer-Policy': 'same-origin', 'Cache-Control': 'no-store' });
	return { codeMinutes: CODE_MINUTES };
};

const schema = z.object({ shortCode: z.string().trim().min(1).max(40) });

/**
 * A code that is empty says so; one too long to be any code is one nobody was given, and what was typed
 * stays in the field to be corrected (issue 17: it came back empty, as if nothing had been typed).
 */
function refuseTyped(value: FormDataEntryValue | null) {
	const typed = typeof value === 'string' ? value.trim() : '';
	if (typed === '') return fail(400, { shortCode: '', problem: 'empty' as const });
	return fail(404, { shortCode: typed.slice(0, 100), problem: 'unknown' as const });
}

/** The forms that ask for a new code name who asks in one of three fields. */
function askerFields(form: FormData): unknown {
	for (const via of ['token', 'shortCode', 'destination'] as const) {
		const value = form.get(via);
		if (typeof value === 'string' && value.trim() !== '') return { via, value };
	}
	const via = form.get('via');
	return { via, value: form.get('value') };
}

export const actions: Actions = {
	/** Someone types the code they were read over the phone. */
	lookup: async (event) => {
		const form = await event.request.formData();
		const parsed = schema.safeParse(Object.fromEntries(form));
		if (!parsed.success) return refuseTyped(form.get('shortCode'));
		const landing = await lookupInvite(event.locals.ctx, { shortCode: parsed.data.shortCode });
		// A code nobody was given: said beside the field, to try again. One that was used, ended or turned off:
		// the plain page, with the way back for a used one.
		if (landing.status === 'unknown') return fail(404, { shortCode: parsed.data.shortCode, problem: landing.status });
		if (landing.status !== 'valid') return fail(410, { shortCode: parsed.data.shortCode, problem: landing.status, dead: landing });
		return { shortCode: parsed.data.shortCode, landing };
	},
	accept: async (event) => {
		const form = await event.request.clone().formData();
		const parsed = schema.safeParse({ shortCode: form.get('shortCode') });
		if (!parsed.success) return refuseTyped(form.get('shortCode'));
		const result = await acceptFromForm(event, { shortCode: parsed.data.shortCode });
		// On a problem, show the landing again with the message (what they typed is kept).
		const landing = await lookupInvite(event.locals.ctx, { shortCode: parsed.data.shortCode });
		return fail(result.status, { shortCode: parsed.data.shortCode, problem: result.data.problem, landing: landing.status === 'valid' ? landing : undefined });
	},
	/**
	 * Someone who joined before and signed out asks for a new code: with their used link or short code, or
	 * the phone number or email their invitation came to. The code goes there, never to this page.
	 */
	sendCode: async (event) => {
		const parsed = codeAskerSchema.safeParse(askerFields(await event.request.formData()));
		if (!parsed.success) return fail(400, { again: 'empty' as const, via: 'destination' as const, value: '' });
		const result = await requestSignInCode(event.locals.ctx, askerOf(parsed.data));
		if (!result.ok) return fail(429, { again: 'throttled' as const, ...parsed.data });
		return { again: 'sent' as const, sent: result.sent, ...parsed.data };
	},
	/** …and types the code that came. */
	codeSignIn: async (event) => {
		const form = await event.request.formData();
		const parsed = codeAskerSchema.safeParse(askerFields(form));
		const code = String(form.get('code') ?? '').slice(0, 20);
		if (!parsed.success) return fail(400, { again: 'bad-code' as const, via: 'destination' as const, value: '', code });
		return signInWithCodeFromForm(event, parsed.data, code);
	}
};
