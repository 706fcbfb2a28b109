import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

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
				'script-src': ['self'],
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
