import { error, redirect, type RequestEvent } from '@sveltejs/kit';
import type { Refusal } from './services/access.ts';

/** Turns a service's refusal into the page a person should see: sign in, or "you can't see this". */
export function refuse(event: Pick<RequestEvent, 'url'>, refusal: Refusal): never {
	if (refusal.reason === 'not-signed-in') redirect(303, `/sign-in?next=${encodeURIComponent(event.url.pathname)}`);
	// Forbidden and unknown look the same from outside: ids are not to be probed.
	error(403, { message: 'forbidden', code: 'forbidden' });
}

/** Only same-site relative paths: never an open redirect. */
export function safeNext(value: string | null | undefined, fallback = '/cases'): string {
	if (!value || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return fallback;
	return value;
}
