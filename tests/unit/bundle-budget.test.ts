// A parent opens a meeting on a phone (issue 8): the JavaScript the page needs before the editor must
// stay ≤ 90 KB gzipped, and the editor's own chunk (Tiptap) ≤ 180 KB gzipped. The live connection (Yjs
// and the provider, which open the socket before the editor arrives) counts in the first figure: the page
// fetches it first, and a phone pays for it before anything is live (tests/bench/lib/bundle.ts says why).
// Sizes are deterministic, so this is a test on the build that `npm test` makes just before vitest.
import { describe, expect, it } from 'vitest';
import { EDITOR_SRC, MEETING_ROUTE, splitForRoute, total } from '../bench/lib/bundle.ts';

const KB = 1024;

describe('JavaScript budget of the meeting page', () => {
	const split = splitForRoute(MEETING_ROUTE, EDITOR_SRC);
	const list = (files: { file: string; gzip: number }[]) => files.map((f) => `${f.file} ${(f.gzip / KB).toFixed(1)} KB`).join('\n');

	it('loads ≤ 90 KB gzipped before the editor', () => {
		expect(split.beforeEditor.length).toBeGreaterThan(0);
		expect(total(split.beforeEditor), `before the editor:\n${list(split.beforeEditor)}`).toBeLessThanOrEqual(90 * KB);
	});

	it('opens the socket from a chunk of its own that does not wait for the editor', () => {
		expect(split.connection.length).toBeGreaterThan(0);
		const editorFiles = new Set(split.editor.map((f) => f.file));
		expect(split.connection.filter((f) => editorFiles.has(f.file))).toEqual([]);
		// Counted before the editor.
		for (const f of split.connection) expect(split.beforeEditor).toContainEqual(f);
	});

	it('keeps the editor in its own chunk of ≤ 180 KB gzipped, loaded only when the page asks for it', () => {
		expect(split.editor.length).toBeGreaterThan(0);
		expect(total(split.editor), `the editor:\n${list(split.editor)}`).toBeLessThanOrEqual(180 * KB);
	});
});
