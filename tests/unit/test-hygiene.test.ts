// Tests a newcomer can trust (issue 18): an assertion that may never run is not an assertion, and a fixed
// pause is a guess about a machine's speed. Every test file is read with the TypeScript parser:
// - no `expect` inside a `catch` block or a `.catch(…)` callback: when nothing throws, the assertion is skipped
//   and the test passes. Write `await expect(promise).rejects…` or `expect(() => …).toThrow(…)` instead.
// - no fixed pause (`await new Promise((r) => setTimeout(r, ms))`, a helper that returns one, Playwright's
//   `waitForTimeout`): wait on the condition (`waitFor`, `expect.poll`, a locator) or move a test clock.
//   A pause between the checks of a loop that polls a condition is waiting on it; a pause that measures time
//   on purpose says so in a comment containing "on purpose" on its line or the line above.
// (Every test asserting at all is vitest's `expect.requireAssertions`, in vite.config.ts.)
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOTS = ['src', 'tests/integration', 'tests/unit', 'tests/e2e', 'tests/support'];

function testFiles(): string[] {
	const found: string[] = [];
	const walk = (dir: string) => {
		for (const name of readdirSync(dir)) {
			const full = join(dir, name);
			if (statSync(full).isDirectory()) walk(full);
			else if (/\.(test|spec)\.ts$/.test(name) || (dir.startsWith('tests/') && name.endsWith('.ts'))) found.push(full);
		}
	};
	for (const root of ROOTS) walk(root);
	return found.sort();
}

type Problem = { file: string; line: number; what: string };

/** `expect(…)` calls anywhere inside `node`. */
function expectsIn(node: ts.Node): ts.CallExpression[] {
	const found: ts.CallExpression[] = [];
	const visit = (n: ts.Node) => {
		// `expect(x)`, `expect.soft(x)`, `expect.poll(f)`: the matcher chained on it is part of the same assertion.
		const callee = ts.isCallExpression(n) ? n.expression : null;
		const name = callee && (ts.isPropertyAccessExpression(callee) ? callee.expression : callee);
		if (ts.isCallExpression(n) && name && ts.isIdentifier(name) && name.text === 'expect') found.push(n);
		ts.forEachChild(n, visit);
	};
	visit(node);
	return found;
}

/** `new Promise((r) => setTimeout(r, ms))` and `new Promise((r) => { setTimeout(() => r(), ms); })`: a promise that only waits. */
function isSleep(node: ts.Node): boolean {
	if (!ts.isNewExpression(node) || !ts.isIdentifier(node.expression) || node.expression.text !== 'Promise') return false;
	const executor = node.arguments?.[0];
	if (!executor || !(ts.isArrowFunction(executor) || ts.isFunctionExpression(executor))) return false;
	const resolve = executor.parameters[0]?.name;
	if (!resolve || !ts.isIdentifier(resolve)) return false;
	const body = ts.isBlock(executor.body) ? executor.body.statements : [executor.body];
	if (body.length !== 1) return false;
	const only = ts.isExpressionStatement(body[0] as ts.Node) ? (body[0] as ts.ExpressionStatement).expression : body[0];
	if (!ts.isCallExpression(only as ts.Node)) return false;
	const call = only as ts.CallExpression;
	if (!ts.isIdentifier(call.expression) || call.expression.text !== 'setTimeout') return false;
	const callback = call.arguments[0];
	if (!callback) return false;
	if (ts.isIdentifier(callback)) return callback.text === resolve.text;
	// `() => r()` / `() => r(value)`: still only resolves when the time is up.
	if (ts.isArrowFunction(callback) && ts.isCallExpression(callback.body) && ts.isIdentifier(callback.body.expression)) return callback.body.expression.text === resolve.text;
	return false;
}

/** Awaited, or what a function returns (a `pause(ms)` helper): not a timeout raced against something else. */
function usedAsPause(node: ts.Node): boolean {
	let p = node.parent;
	while (ts.isParenthesizedExpression(p)) p = p.parent;
	return ts.isAwaitExpression(p) || ts.isReturnStatement(p) || (ts.isArrowFunction(p) && p.body === node);
}

function problemsIn(file: string, text = readFileSync(file, 'utf8')): Problem[] {
	const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
	const lines = text.split('\n');
	const lineOf = (n: ts.Node) => source.getLineAndCharacterOfPosition(n.getStart(source)).line + 1;
	const onPurpose = (n: ts.Node) => {
		const line = lineOf(n);
		return /on purpose/i.test(lines[line - 1]) || /on purpose/i.test(lines[line - 2] ?? '');
	};
	const inLoop = (n: ts.Node): boolean => {
		for (let p = n.parent; p && !ts.isFunctionLike(p); p = p.parent) if (ts.isIterationStatement(p, false)) return true;
		return false;
	};
	const problems: Problem[] = [];
	const visit = (n: ts.Node) => {
		if (ts.isCatchClause(n)) for (const e of expectsIn(n.block)) problems.push({ file, line: lineOf(e), what: 'expect inside a catch block' });
		if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression) && n.expression.name.text === 'catch') {
			for (const arg of n.arguments) for (const e of expectsIn(arg)) problems.push({ file, line: lineOf(e), what: 'expect inside a .catch() callback' });
		}
		if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression) && n.expression.name.text === 'waitForTimeout' && !onPurpose(n)) {
			problems.push({ file, line: lineOf(n), what: 'waitForTimeout: wait for the condition instead' });
		}
		if (isSleep(n) && usedAsPause(n) && !inLoop(n) && !onPurpose(n)) problems.push({ file, line: lineOf(n), what: 'a fixed pause: wait for the condition (or say why the pause is on purpose)' });
		ts.forEachChild(n, visit);
	};
	visit(source);
	return problems;
}

describe('test hygiene', () => {
	it('finds the test files', () => {
		const files = testFiles();
		expect(files).toContain('src/lib/domain/policy.test.ts');
		expect(files).toContain('tests/integration/authorization-matrix.test.ts');
		expect(files).toContain('tests/support/clients.ts');
		expect(files.some((f) => f.startsWith('tests/e2e/'))).toBe(true);
	});

	it('no test asserts inside a catch, and none waits a fixed time', () => {
		const problems = testFiles().flatMap((file) => problemsIn(file));
		expect(problems.map((p) => `${p.file}:${p.line}: ${p.what}`)).toEqual([]);
	});

	it('recognises what it forbids (and what it allows)', () => {
		const sample = (code: string) => problemsIn('sample.test.ts', code).map((p) => p.what);
		expect(sample(`try { f(); } catch (e) { expect(e).toBe(1); }`)).toEqual(['expect inside a catch block']);
		expect(sample(`p.catch((e) => expect(e.code).toBe(1));`)).toEqual(['expect inside a .catch() callback']);
		expect(sample(`await new Promise((r) => setTimeout(r, 3000));`)).toHaveLength(1);
		expect(sample(`const pause = (ms) => new Promise((resolve) => { setTimeout(() => resolve(), ms); });`)).toHaveLength(1);
		expect(sample(`await page.waitForTimeout(500);`)).toHaveLength(1);
		// Allowed: polling a condition, a timeout raced against an event, a pause that says why.
		expect(sample(`while (!done()) await new Promise((r) => setTimeout(r, 10));`)).toEqual([]);
		expect(sample(`await Promise.race([closed, new Promise((r) => setTimeout(() => r(null), 500))]);`)).toEqual([]);
		expect(sample(`// On purpose: the idle limit must pass.\nawait new Promise((r) => setTimeout(r, 4000));`)).toEqual([]);
		expect(sample(`await expect(p).rejects.toThrow(); expect(() => f()).toThrow();`)).toEqual([]);
	});
});

