import type { Handle, HandleServerError } from '@sveltejs/kit';
import { sequence } from '@sveltejs/kit/hooks';
import { paraglideMiddleware } from '$lib/paraglide/server';
import { defineCustomServerStrategy, toLocale } from '$lib/paraglide/runtime';
import { getDatabase } from '$lib/server/db';
import { now as clockNow } from '$lib/server/clock';
import { config, sessionPolicy } from '$lib/server/config';
import { SESSION_COOKIE, actorFor, sessionFromCookies } from '$lib/server/auth/session';
import { sessionCookieOptions } from '$lib/server/auth/cookie';
import { inviteLocale } from '$lib/server/services/invites';
import { cookieName } from '$lib/paraglide/runtime';
import { fillSavedNotesSlot, withEarlySocket } from '$lib/server/services/saved-notes';
import { admitAnonymous, answerAnonymous, writeAudit } from '$lib/server/audit';
import { plainAnswer, readFormBody } from '$lib/server/http';
import { m } from '$lib/paraglide/messages';

// The saved language of the signed-in person comes first (then the cookie, Accept-Language, English).
// paraglideMiddleware hands the same Request to strategies, so a WeakMap keyed by it carries the choice.
const savedLocale = new WeakMap<Request, string>();
defineCustomServerStrategy('custom-user', { getLocale: (request) => (request ? savedLocale.get(request) : undefined) });

/** Headers every response carries. CSP itself comes from kit.csp (svelte.config.js). */
const securityHeaders: Handle = async ({ event, resolve }) => {
	const response = await resolve(event);
	response.headers.set('X-Content-Type-Options', 'nosniff');
	// A page may ask for another policy (it keeps the header it set).
	if (!response.headers.has('Referrer-Policy')) response.headers.set('Referrer-Policy', 'same-origin');
	response.headers.set('X-Frame-Options', 'DENY');
	response.headers.set('Permissions-Policy', 'camera=(), microphone=(), geolocation=()');
	response.headers.set('Cross-Origin-Opener-Policy', 'same-origin');
	// Signed-in pages hold case data: never cache them (shared family computers, back button after sign-out).
	if (event.locals.session) response.headers.set('Cache-Control', 'no-store');
	return response;
};

/**
 * Every request that can change something (forms and JSON alike) must come from our own pages: same Origin,
 * or Sec-Fetch-Site: same-origin. SvelteKit's own check (forms only) is off (svelte.config.js): it answered
 * before any hook ran, so a cross-site attempt on someone's session left no trace. Refused here, before the
 * session is read (an attempt never keeps a session alive), and on the audit trail as `http.cross-site`
 * (counted per address when they come in numbers: audit.ts), with whether it carried a session cookie.
 */
const requestOrigin: Handle = async ({ event, resolve }) => {
	const method = event.request.method;
	if (method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS') {
		const origin = event.request.headers.get('origin');
		const site = event.request.headers.get('sec-fetch-site');
		const ok = origin ? origin === event.url.origin : site === 'same-origin';
		if (!ok) {
			let clientAddress: string | null = null;
			try {
				clientAddress = event.getClientAddress();
			} catch {
				clientAddress = null;
			}
			await writeAudit(getDatabase(), {
				actor: { kind: 'anonymous' },
				action: 'http.cross-site',
				resourceType: 'request',
				resourceId: event.url.pathname.slice(0, 64),
				outcome: 'denied',
				clientAddress,
				detail: { why: 'cross-site', method: method.slice(0, 10), withSession: event.cookies.get(SESSION_COOKIE) !== undefined }
			});
			return new Response('Cross-site request refused', { status: 403, headers: { 'content-type': 'text/plain' } });
		}
	}
	return resolve(event);
};

const authenticate: Handle = async ({ event, resolve }) => {
	const db = getDatabase();
	// One time for the whole request (services use ctx.now, never the clock).
	const now = clockNow();
	const found = await sessionFromCookies(db, event.request.headers.get('cookie'), sessionPolicy(), now);
	const session = found?.session ?? null;
	if (!found && event.cookies.get(SESSION_COOKIE)) event.cookies.delete(SESSION_COOKIE, sessionCookieOptions(event.url));
	if (found) {
		event.cookies.set(SESSION_COOKIE, found.token, { ...sessionCookieOptions(event.url), expires: new Date(found.session.expiresAt) });
		const saved = found.session.kind === 'staff' ? found.session.user.locale : found.session.participant.locale;
		if (saved) savedLocale.set(event.request, saved);
	}
	const actor = session ? await actorFor(db, session) : ({ kind: 'anonymous' } as const);
	let clientAddress: string | null = null;
	try {
		clientAddress = event.getClientAddress();
	} catch {
		clientAddress = null;
	}
	const ctx = { db, actor, sessionId: session?.sessionId ?? null, clientAddress, now };
	// An invite's landing page opens in the language the worker chose for that person, until they pick one.
	const invitePath = /^\/invite\/([a-z2-7]{32})$/.exec(event.url.pathname);
	if (invitePath && !event.cookies.get(cookieName)) {
		const locale = await inviteLocale(ctx, invitePath[1]);
		if (locale) savedLocale.set(event.request, locale);
	}
	event.locals.session = session;
	event.locals.actor = actor;
	event.locals.ctx = ctx;
	return resolve(event);
};

const handleParaglide: Handle = ({ event, resolve }) =>
	paraglideMiddleware(event.request, ({ request, locale }) => {
		event.request = request;
		return resolve(event, {
			transformPageChunk: ({ html }) => html.replace('%paraglide.lang%', toLocale(locale) ?? 'en')
		});
	});

/**
 * A caller who is not signed in and keeps being refused (made-up ids, dead links: audit.ts counts them per
 * address) is answered 429 for the rest of the minute, before any route runs or writes. The answer is
 * counted too, so the trail says how many there were. Its requests still being answered count toward the
 * limit, so that sending them all at once gets no more through (anonymous-refusals.ts).
 */
const anonymousLimit: Handle = async ({ event, resolve }) => {
	const { actor, clientAddress, db, now } = event.locals.ctx;
	if (actor.kind !== 'anonymous') return resolve(event);
	if (!(await admitAnonymous(clientAddress, now))) {
		await writeAudit(db, { actor, action: 'http.too-many', resourceType: 'request', outcome: 'denied', clientAddress, at: now });
		return plainAnswer(429, m.error_too_many(), { 'retry-after': '60' });
	}
	// Until refused (routes await their audit entries) or answered, this request counts toward the limit: a
	// burst sent at once is held to it as one sent one by one.
	return answerAnonymous(clientAddress, now, () => resolve(event));
};

/** A body that cannot be read as a form is refused here with a plain 400, never a 500 in a route (http.ts). */
const readableBody: Handle = async ({ event, resolve }) => {
	const body = await readFormBody(event.request);
	if (!body.ok) return plainAnswer(body.status, body.status === 413 ? m.error_too_large() : m.error_bad_request());
	event.request = body.request;
	return resolve(event);
};

/**
 * The saved notes a page's load chose go into its HTML here, once (see saved-notes.ts: not into its data
 * too), with the inline script that opens their live socket before the page's JavaScript arrives.
 */
const savedNotes: Handle = ({ event, resolve }) =>
	resolve(event, {
		transformPageChunk: ({ html }) => {
			const saved = event.locals.savedNotes;
			return saved ? withEarlySocket(fillSavedNotesSlot(html, saved), saved.docId) : html;
		}
	});

export const handle = sequence(securityHeaders, requestOrigin, authenticate, handleParaglide, anonymousLimit, readableBody, savedNotes);

/**
 * Errors nobody handled. A 4xx here is the request's fault (an address SvelteKit cannot decode, a method a
 * route does not take): the person is told so, and the log keeps only our own failures (5xx).
 */
export const handleError: HandleServerError = ({ error, status }) => {
	if (status >= 500) console.error(error);
	return { message: 'error', code: status === 404 ? 'not-found' : status < 500 ? 'bad-request' : 'server' };
};

// Validate configuration at startup, not at the first request.
config();
