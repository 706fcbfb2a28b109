// Deleting any single rule from the access policy must fail at least one test (issue 18). For each rule of
// src/lib/domain/policy.ts (scripts/lib/policy-mutants.ts finds them with the TypeScript compiler), this runs
// the policy's unit tests against the policy with that one rule removed or inverted, all in one vitest run,
// and fails naming every mutant no test killed. `npm run test:policy-mutations`; `-- --list` lists the
// mutants without running them.
//
// How one run tests every mutant: each mutant gets a small test file (in tests/.tmp, not type-checked, not
// in the normal test run) that imports the policy's test file with `?mutant=<id>` on the end. The plugin
// below gives every module that file imports from src/ the same suffix, and answers the policy module's
// own id with that mutant's source. So each mutant's tests see their own policy, and the runs share
// workers (no module is shared between two mutants).
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Plugin } from 'vite';
import { createVitest } from 'vitest/node';
import { policyMutants, type Mutant } from './lib/policy-mutants.ts';

const root = resolve(import.meta.dirname, '..');
const src = join(root, 'src') + '/';
const policy = join(root, 'src/lib/domain/policy.ts');
/** The fast tests that decide whether a mutant is caught: the policy's own. */
const TESTS = ['src/lib/domain/policy.test.ts'].map((f) => join(root, f));
const dir = join(root, 'tests/.tmp/policy-mutants');

const started = performance.now();
const mutants: Mutant[] = policyMutants(policy);
/** What mutant `id` has in `file` (0: every file as written). */
const sourceOf = (id: number, file: string) => (id > 0 && mutants[id - 1].file === file ? mutants[id - 1].source : readFileSync(file, 'utf8'));
const where = (m: Mutant) => `${relative(root, m.file)}:${m.line}`;
if (process.argv.includes('--list')) {
	for (const m of mutants) console.log(`#${m.id} ${where(m)} ${m.description}`);
	process.exit(0);
}

const MUTANT = /\?mutant=(\d+)$/;
const mutantPlugin: Plugin = {
	name: 'policy-mutant',
	enforce: 'pre',
	async resolveId(source, importer) {
		const id = importer && MUTANT.exec(importer)?.[1];
		if (!id) return null;
		const resolved = await this.resolve(source, importer.replace(MUTANT, ''), { skipSelf: true });
		if (!resolved || resolved.external || !resolved.id.startsWith(src)) return resolved;
		return `${resolved.id.replace(/\?.*$/, '')}?mutant=${id}`;
	},
	load(id) {
		const match = /^(.*)\?mutant=(\d+)$/.exec(id);
		if (!match) return null;
		return sourceOf(Number(match[2]), match[1]);
	}
};

rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
const fileOf = (id: number) => join(dir, `mutant-${id}.test.js`);
for (const id of [0, ...mutants.map((m) => m.id)]) {
	writeFileSync(fileOf(id), TESTS.map((t) => `import ${JSON.stringify(`${t}?mutant=${id}`)};\n`).join(''));
}

const vitest = await createVitest(
	{
		config: false,
		root,
		include: ['tests/.tmp/policy-mutants/*.test.js'],
		watch: false,
		reporters: [{}],
		pool: 'threads',
		isolate: false,
		testTimeout: 5_000,
		expect: { requireAssertions: true }
	},
	{ plugins: [mutantPlugin], logLevel: 'error' }
);
let failed = false;
try {
	const result = await vitest.start();
	const survived = new Set<number>();
	const seen = new Set<number>();
	for (const module of result.testModules) {
		const id = Number(/mutant-(\d+)\.test\.js$/.exec(module.moduleId)?.[1]);
		seen.add(id);
		// A mutant whose tests all pass (or that has none) survived.
		if (module.ok() && [...module.children.allTests()].length > 0) survived.add(id);
		else if (id === 0) {
			console.error('The policy’s tests fail on the policy as written: fix them first.');
			for (const test of module.children.allTests()) for (const e of test.result().errors ?? []) console.error(`  ${test.fullName}: ${e.message}`);
			failed = true;
		}
	}
	if (!seen.has(0) || seen.size !== mutants.length + 1) {
		console.error(`Only ${seen.size} of ${mutants.length + 1} mutant test files ran.`);
		failed = true;
	}
	survived.delete(0);
	const seconds = ((performance.now() - started) / 1000).toFixed(1);
	if (survived.size > 0) {
		console.error(`${survived.size} of ${mutants.length} mutants of the policy survived: no test fails when this rule is removed.`);
		for (const id of [...survived].sort((a, b) => a - b)) {
			const m = mutants[id - 1];
			console.error(`  #${id} ${where(m)} ${m.description}`);
		}
		failed = true;
	} else if (!failed) console.log(`All ${mutants.length} mutants of the policy were killed by its tests (${seconds} s).`);
	if (result.unhandledErrors.length) {
		console.error('Unhandled errors:', result.unhandledErrors);
		failed = true;
	}
} finally {
	await vitest.close();
	rmSync(dir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
