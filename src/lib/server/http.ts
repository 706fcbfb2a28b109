import { error, redirect, type RequestEvent } from '@sveltejs/kit';
import type { Refusal } from './services/access.ts';

/** Turns a service's refusal into the page a person should see: sign in, or "you can't see this". */
export function refuse(event: Pick<RequestEvent, 'url'>, refusal: Refusal): never {
	if (refusal.reason === 'not-signed-in') redirect(303, `/sign-in?next=${encodeURIComponent(event.url.pathname)}`);
	// Forbidden and unknown look the same from outside: ids are not to be probed.
	error(403, { message: 'forbidden', code: 'forbidden' });
}

/**
 * Where to go after signing in or choosing a language: a path on this site, never anywhere else, however
 * it is written. `value` is read as a browser would read it as a Location (the WHATWG URL parser, which
 * drops tabs and newlines, reads `\\` as `/`, and resolves `.` and `..`) against `origin`; it is kept only
 * when it stays on `origin` and its path does not begin with `//` (which a browser would read as another
 * host). Returns the path, query and fragment as the parser wrote them (percent-encoded ASCII, so it can
 * go into a Location header), or `fallback`.
 */
export function safeNext(value: string | null | undefined, origin: string, fallback = '/cases'): string {
	if (!value || !value.startsWith('/') || value.length > 2000) return fallback;
	let url: URL;
	try {
		url = new URL(value, origin);
	} catch {
		return fallback;
	}
	const next = url.pathname + url.search + url.hash;
	if (url.origin !== new URL(origin).origin || !next.startsWith('/') || next.startsWith('//')) return fallback;
	// The answer must read back as itself: what the browser does with the Location is what we checked.
	const again = new URL(next, origin);
	return again.href === url.href ? next : fallback;
}

/** A short answer in plain text (no page around it): for requests refused before any route runs. */
export function plainAnswer(status: number, message: string, headers: Record<string, string> = {}): Response {
	return new Response(message, { status, headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', ...headers } });
}

const FORM = 'application/x-www-form-urlencoded';
const MULTIPART = 'multipart/form-data';
/** Methods whose body a route may read. */
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export type ReadBody = { ok: true; request: Request } | { ok: false; status: 400 | 413 };

/**
 * Every body Hearth takes is a form (its pages post forms; nothing takes JSON), so a body is read here
 * once, before any action or endpoint runs, and one that cannot be read as a form is refused with 400 (or
 * 413 past the server's BODY_SIZE_LIMIT) instead of failing inside a route with a 500: text/plain, JSON,
 * multipart without a boundary or with broken parts, a body that stops short. Returns a request whose body
 * `formData()` will read: the same bytes, or, for an empty body whatever its type, an empty form (a form
 * with no fields is still a form, and each route's own check then names what is missing). Invalid UTF-8 is
 * read as U+FFFD, as browsers do. A route that one day takes JSON must be let through here by name.
 */
export async function readFormBody(request: Request): Promise<ReadBody> {
	if (!BODY_METHODS.has(request.method)) return { ok: true, request };
	let bytes: Uint8Array<ArrayBuffer>;
	try {
		bytes = new Uint8Array(await request.arrayBuffer());
	} catch (err) {
		// adapter-node errors the body stream with status 413 past BODY_SIZE_LIMIT; anything else is a body cut off.
		return { ok: false, status: (err as { status?: unknown } | null)?.status === 413 ? 413 : 400 };
	}
	const type = (request.headers.get('content-type') ?? '').split(';', 1)[0].trim().toLowerCase();
	const headers = new Headers(request.headers);
	if (bytes.length === 0) {
		headers.set('content-type', FORM);
		headers.delete('content-length');
	} else if (type !== FORM && type !== MULTIPART) {
		return { ok: false, status: 400 };
	}
	const readable = new Request(request.url, { method: request.method, headers, body: bytes, signal: request.signal });
	if (type === MULTIPART && bytes.length > 0) {
		try {
			await readable.clone().formData();
		} catch {
			return { ok: false, status: 400 };
		}
	}
	return { ok: true, request: readable };
}
