import { sveltekit } from '@sveltejs/kit/vite';
import { paraglideVitePlugin } from '@inlang/paraglide-js';
import { defineConfig } from 'vitest/config';
import type { Plugin } from 'vite';

/** Dev mode: the same collab upgrade handler as production, attached to Vite's own server. */
function hearthCollab(): Plugin {
	return {
		name: 'hearth-collab',
		async configureServer(server) {
			if (process.env.VITEST) return; // vitest starts a Vite server too
			const { bootHearth } = await import('./src/lib/server/boot.ts');
			const hearth = await bootHearth();
			server.httpServer?.on('upgrade', (req, socket, head) => {
				if (req.headers['sec-websocket-protocol'] === 'vite-hmr') return;
				hearth.collab.handleUpgrade(req, socket, head);
			});
			server.httpServer?.on('close', () => void hearth.close());
		}
	};
}

export default defineConfig({
	plugins: [
		paraglideVitePlugin({
			project: './project.inlang',
			outdir: './src/lib/paraglide',
			strategy: ['custom-user', 'cookie', 'preferredLanguage', 'baseLocale']
		}),
		sveltekit(),
		hearthCollab()
	],
	test: {
		include: ['src/**/*.test.ts', 'tests/integration/**/*.test.ts', 'tests/unit/**/*.test.ts'],
		testTimeout: 20_000,
		hookTimeout: 60_000
	}
});
