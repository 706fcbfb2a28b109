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

/**
 * Libraries only the live notes use (the connection and the editor): never in the chunk of what pages share,
 * which every page loads.
 */
const NOTES_LIBRARIES = /[\\/]node_modules[\\/](yjs|lib0|y-protocols|y-websocket|@tiptap|prosemirror-[\w-]+|@floating-ui|linkifyjs|orderedmap|rope-sequence|w3c-keyname)[\\/]/;

/** Modules only the availability pages use, their words too (each message is a module of its own at build): kept out of the chunk every page loads. */
const ONLY_AVAILABILITY = /[\\/]src[\\/]lib[\\/](components[\\/]AvailabilityForm\.svelte|domain[\\/]availability\.ts|paraglide[\\/]messages[\\/]availability_\w+\.js)$/;

export default defineConfig(({ isSsrBuild }) => ({
	// Browser chunks. Left alone, the bundler makes a chunk for every set of pages that share a module, so
	// the meeting page asked for 17 files, some of 100 bytes (one message shared by two pages). A phone on
	// a slow network (issue 8: 562 ms latency, 6 connections at a time) pays a round trip per wave of six:
	// the page hydrated 3 s after navigation, 2.2 s after its HTML. So what pages share is one chunk (a few
	// KB more for some pages, two waves fewer for all: 6 files). The live connection (Yjs and the provider,
	// doc-connection.ts, imported by the notes component) is a chunk of its own, which the editor's chunk
	// imports in turn: it comes with the page's first wave, and takes over the socket the page's first
	// script opened (early-socket-script.js) as soon as the page hydrates. tests/bench/lib/bundle.ts finds
	// it by this name.
	build: isSsrBuild
		? {}
		: {
				rollupOptions: {
					output: {
						codeSplitting: {
							groups: [
								{ name: 'doc-connection', test: /[\\/]src[\\/]lib[\\/]collab[\\/]doc-connection\.ts$/, priority: 2 },
								// Not the availability form (issue 22): its two pages (the family member's, the worker's for them)
								// share it with no other, and every page would load it from here.
								{ name: 'shared', test: (id: string) => !NOTES_LIBRARIES.test(id) && !ONLY_AVAILABILITY.test(id), minShareCount: 2, priority: 1 }
							]
						}
					}
				}
			},
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
		// Whether PostgreSQL (TEST_DATABASE_URL) and Redis (TEST_REDIS_URL, else 127.0.0.1:6379) answer, asked
		// once: their suites skip with one line each when not.
		globalSetup: ['tests/support/postgres-setup.ts', 'tests/support/redis-setup.ts'],
		testTimeout: 20_000,
		hookTimeout: 60_000,
		// A test that never reaches an assertion fails (an `expect` in a `catch` that is never entered, a loop
		// over nothing): as if every test began with expect.hasAssertions().
		expect: { requireAssertions: true }
	}
}));
