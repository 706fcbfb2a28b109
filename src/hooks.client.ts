import { defineCustomClientStrategy } from '$lib/paraglide/runtime';

// The server decided the language (saved choice, cookie, Accept-Language) and wrote it on <html lang>.
// Without this the page would switch to English after hydration. Changing language is a form post.
defineCustomClientStrategy('custom-user', {
	getLocale: () => document.documentElement.lang || undefined,
	setLocale: () => {}
});
