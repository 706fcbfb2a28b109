import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';
import { createHash } from 'node:crypto';
import { EARLY_SOCKET_SCRIPT } from './src/lib/collab/early-socket-script.js';

/** The meeting page's one inline script of our own (it opens the notes' socket early), allowed by its hash. */
const earlySocketScript = `sha256-${createHash('sha256').update(EARLY_SOCKET_SCRIPT, 'utf8').digest('base64')}`;

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		// HEARTH_BUILD_DIR / HEARTH_KIT_DIR let several builds live side by side (parallel test runs).
		adapter: adapter({ out: process.env.HEARTH_BUILD_DIR ?? 'build' }),
		outDir: process.env.HEARTH_KIT_DIR ?? '.svelte-kit',
		// The browser asks the server which page a link is (when it is hovered or tapped: app.html preloads)
		// instead of loading every route of the app with the first page: each new page cost every page's first
		// load about 40 bytes, on a phone's 90 KB budget (tests/unit/bundle-budget.test.ts).
		router: { resolution: 'server' },
		// Cross-site requests are refused by our own hook (src/hooks.server.ts requestOrigin), forms and JSON
		// alike, and put on the audit trail: SvelteKit's check answered before any hook, unrecorded. `'*'` turns
		// only that built-in check off (its documented replacement for `checkOrigin: false`).
		csrf: { trustedOrigins: ['*'] },
		csp: {
			mode: 'hash',
			directives: {
				'default-src': ['self'],
				'script-src': ['self', earlySocketScript],
				'style-src': ['self', 'unsafe-inline'],
				'img-src': ['self', 'data:'],
				'font-src': ['self'],
				'connect-src': ['self'],
				'object-src': ['none'],
				'base-uri': ['self'],
				'form-action': ['self'],
				'frame-ancestors': ['none']
			}
		}
	}
};

export default config;
