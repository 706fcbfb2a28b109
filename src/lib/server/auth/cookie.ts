/** The session cookie: HttpOnly, SameSite=Lax, Secure behind https. */
export function sessionCookieOptions(url: URL) {
	return { path: '/', httpOnly: true, sameSite: 'lax' as const, secure: url.protocol === 'https:' };
}
