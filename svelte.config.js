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
		// Forms keep SvelteKit's origin check (CSRF); JSON endpoints check Origin/Sec-Fetch-Site themselves.
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
