// Which JavaScript a page loads before its editor, and the editor's own chunk, read from the build:
// Vite's manifest (static and dynamic imports of every chunk) and SvelteKit's route table (which layout
// and page nodes a route uses). Sizes are what the built files gzip to.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

type ManifestChunk = { file: string; src?: string; isEntry?: boolean; isDynamicEntry?: boolean; imports?: string[]; dynamicImports?: string[] };
type Manifest = Record<string, ManifestChunk>;

export type BundleSplit = {
	/** Files (under the client output) loaded before the editor, with their gzipped sizes. */
	beforeEditor: { file: string; gzip: number }[];
	/** The editor chunk and what it imports that the page had not loaded yet. */
	editor: { file: string; gzip: number }[];
};

export function kitDir(): string {
	return process.env.HEARTH_KIT_DIR ?? '.svelte-kit';
}

export function buildDir(): string {
	return process.env.HEARTH_BUILD_DIR ?? 'build';
}

export function readManifest(dir = kitDir()): Manifest {
	const path = join(dir, 'output', 'client', '.vite', 'manifest.json');
	if (!existsSync(path)) throw new Error(`no Vite manifest at ${path}: build first`);
	return JSON.parse(readFileSync(path, 'utf8')) as Manifest;
}

/** The layout and page nodes of a route, from SvelteKit's generated route table (root layout 0 first). */
export function routeNodes(routeId: string, dir = kitDir()): number[] {
	const app = readFileSync(join(dir, 'generated', 'client-optimized', 'app.js'), 'utf8');
	const escaped = routeId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
	const match = new RegExp(`"${escaped}":\\s*\\[~?(\\d+)(?:,\\s*\\[([^\\]]*)\\])?`).exec(app);
	if (!match) throw new Error(`route ${routeId} is not in SvelteKit's route table`);
	const page = Number(match[1]);
	const layouts = (match[2] ?? '').split(',').filter((s) => s.trim() !== '').map((s) => Number(s.replace(/[^\d]/g, '')));
	return [0, ...layouts.filter((n) => n !== 0), page];
}

/** A chunk and everything it imports statically, as manifest keys. */
function closure(manifest: Manifest, keys: string[], seen = new Set<string>()): Set<string> {
	for (const key of keys) {
		if (seen.has(key)) continue;
		seen.add(key);
		closure(manifest, manifest[key]?.imports ?? [], seen);
	}
	return seen;
}

/** The split for `routeId` whose page dynamically imports `editorSrc` (e.g. src/lib/collab/notes-editor.ts). */
export function splitForRoute(routeId: string, editorSrc: string, opts: { kit?: string; build?: string } = {}): BundleSplit {
	const manifest = readManifest(opts.kit);
	const clientDir = join(opts.build ?? buildDir(), 'client');
	const keyOf = (predicate: (key: string, chunk: ManifestChunk) => boolean, what: string) => {
		const key = Object.keys(manifest).find((k) => predicate(k, manifest[k]));
		if (!key) throw new Error(`no ${what} in the Vite manifest`);
		return key;
	};
	const start = keyOf((k) => k.endsWith('@sveltejs/kit/src/runtime/client/entry.js'), 'client entry');
	const app = keyOf((k) => /generated\/client-optimized\/app\.js$/.test(k), 'app entry');
	const nodes = routeNodes(routeId, opts.kit).map((n) => keyOf((k) => k.endsWith(`generated/client-optimized/nodes/${n}.js`), `node ${n}`));
	const before = closure(manifest, [start, app, ...nodes]);
	const editorKey = keyOf((k) => k === editorSrc, editorSrc);
	if (before.has(editorKey)) throw new Error(`${editorSrc} is loaded before the page hydrates: it must be imported dynamically`);
	const editor = [...closure(manifest, [editorKey])].filter((k) => !before.has(k));
	const sized = (key: string) => {
		const file = manifest[key].file;
		return { file, gzip: gzipSync(readFileSync(join(clientDir, file)), { level: 9 }).byteLength };
	};
	return { beforeEditor: [...before].map(sized), editor: editor.map(sized) };
}

export const MEETING_ROUTE = '/meetings/[meetingId]';
export const EDITOR_SRC = 'src/lib/collab/notes-editor.ts';

export function total(files: { gzip: number }[]): number {
	return files.reduce((n, f) => n + f.gzip, 0);
}
