// Which JavaScript a page loads before its editor, and the editor's own chunk, read from the build:
// Vite's manifest (static and dynamic imports of every chunk) and SvelteKit's route table (which layout
// and page nodes a route uses). Sizes are what the built files gzip to.
//
// The meeting page's notes come in two chunks: the live connection (Yjs and the y-websocket provider,
// doc-connection.ts), a chunk of its own that the page loads with its first wave (vite.config.ts), and
// the editor (Tiptap, notes-editor.ts), imported when the notes mount. The connection is counted in
// "before the editor": the page needs it, and downloads it, before it can show anything live, and on a
// slow phone it shares the wire with everything else the page loads first. Counting it with the editor
// would flatter the first figure; leaving it out of both would hide it. It is also listed on its own
// (`connection`) so its weight stays visible, whether it is imported statically or dynamically. The
// editor chunk is what the editor adds on top: Tiptap and ProseMirror, not the Yjs they share.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

type ManifestChunk = { file: string; name?: string; src?: string; isEntry?: boolean; isDynamicEntry?: boolean; imports?: string[]; dynamicImports?: string[] };
type Manifest = Record<string, ManifestChunk>;

export type BundleSplit = {
	/** Files (under the client output) loaded before the editor, with their gzipped sizes: the page, and the live connection. */
	beforeEditor: { file: string; gzip: number }[];
	/** Of those, the live connection's chunk and what it imports that the page itself does not. */
	connection: { file: string; gzip: number }[];
	/** The editor chunk and what it imports that neither the page nor the connection loaded. */
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

/**
 * The layout and page nodes of a route (root layout 0 first), from SvelteKit's server manifest: with
 * `router.resolution: 'server'` (svelte.config.js) the browser has no route table; the server resolves
 * routes, and its manifest names each route's nodes by the same numbers as the client's. Route ids there
 * keep their (groups).
 */
export function routeNodes(routeId: string, dir = kitDir()): number[] {
	const server = readFileSync(join(dir, 'output', 'server', 'manifest.js'), 'utf8');
	for (const m of server.matchAll(/\{id:"([^"]+)",pattern:[\s\S]*?layouts:\[(.*?)\],errors:\[.*?\],leaf:\[(?:true|false),(\d+)\]\}/g)) {
		if (m[1].replace(/\/\([^)]+\)/g, '') !== routeId) continue;
		const layouts = [...m[2].matchAll(/\[(?:true|false),(\d+)\]/g)].map((l) => Number(l[1]));
		return [0, ...layouts.filter((n) => n !== 0), Number(m[3])];
	}
	throw new Error(`route ${routeId} is not in SvelteKit's server manifest: build first`);
}

/** A chunk and everything it imports statically, as manifest keys (not descending into `skip`). */
function closure(manifest: Manifest, keys: string[], skip = new Set<string>(), seen = new Set<string>()): Set<string> {
	for (const key of keys) {
		if (seen.has(key) || skip.has(key)) continue;
		seen.add(key);
		closure(manifest, manifest[key]?.imports ?? [], skip, seen);
	}
	return seen;
}

/**
 * The split for `routeId` whose page dynamically imports `editorSrc` (e.g. src/lib/collab/notes-editor.ts)
 * and, before or beside it, `connectionSrc` (src/lib/collab/doc-connection.ts).
 */
export function splitForRoute(routeId: string, editorSrc: string, opts: { kit?: string; build?: string; connectionSrc?: string } = {}): BundleSplit {
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
	const editorKey = keyOf((k) => k === editorSrc, editorSrc);
	// The connection is its own chunk: a dynamic entry (key: its source), or, imported statically, the
	// chunk vite.config.ts names after it.
	const connectionSrc = opts.connectionSrc ?? CONNECTION_SRC;
	const connectionName = connectionSrc.split('/').pop()!.replace(/\.ts$/, '');
	const connectionKey = keyOf((k, c) => k === connectionSrc || (!c.src && c.name === connectionName), connectionSrc);
	// What the page itself loads, then what the connection adds to it.
	const page = closure(manifest, [start, app, ...nodes], new Set([connectionKey]));
	if (page.has(editorKey)) throw new Error(`${editorSrc} is loaded before the page hydrates: it must be imported dynamically`);
	const connection = [...closure(manifest, [connectionKey])].filter((k) => !page.has(k));
	if (connection.includes(editorKey)) throw new Error(`${connectionSrc} imports the editor: the socket would wait for it`);
	const before = new Set([...page, ...connection]);
	const editor = [...closure(manifest, [editorKey])].filter((k) => !before.has(k));
	const sized = (key: string) => {
		const file = manifest[key].file;
		return { file, gzip: gzipSync(readFileSync(join(clientDir, file)), { level: 9 }).byteLength };
	};
	return { beforeEditor: [...before].map(sized), connection: connection.map(sized), editor: editor.map(sized) };
}

export const MEETING_ROUTE = '/meetings/[meetingId]';
export const EDITOR_SRC = 'src/lib/collab/notes-editor.ts';
export const CONNECTION_SRC = 'src/lib/collab/doc-connection.ts';

export function total(files: { gzip: number }[]): number {
	return files.reduce((n, f) => n + f.gzip, 0);
}
