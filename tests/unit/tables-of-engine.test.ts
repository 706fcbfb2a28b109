// One data layer, two engines (issue 19): code outside src/lib/server/db takes its tables from the handle it
// was given (`const { users } = tablesOf(ctx)`), never from schema.ts, whose tables are SQLite's. A service
// that imported them would build SQLite table objects into its queries and, on PostgreSQL, fail (or, worse,
// half-work). Every source file outside db/ is read with the TypeScript parser: an import of db/schema.ts or
// db/schema.pg.ts is allowed only as `import type` (row types, `typeof users.$inferSelect`). Tests may import
// the tables (they build fixtures on one engine on purpose).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOTS = ['src', 'server', 'scripts'];
const DATA_LAYER = join('src', 'lib', 'server', 'db');
const SCHEMA = /(^|\/)db\/schema(\.pg)?(\.ts)?$/;

function sourceFiles(): string[] {
	const found: string[] = [];
	const walk = (dir: string) => {
		for (const name of readdirSync(dir)) {
			const full = join(dir, name);
			if (statSync(full).isDirectory()) {
				if (full !== DATA_LAYER && name !== 'paraglide' && name !== 'node_modules') walk(full);
			} else if (/\.(ts|svelte)$/.test(name) && !/\.(test|spec)\.ts$/.test(name)) found.push(full);
		}
	};
	for (const root of ROOTS) walk(root);
	return found.sort();
}

/** Each place `text` takes a value from the schema files: `file:line what`. */
export function schemaValueImports(file: string, text: string): string[] {
	const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
	const found: string[] = [];
	const at = (node: ts.Node, what: string) => found.push(`${file}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1} ${what}`);
	const visit = (node: ts.Node) => {
		if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier) && SCHEMA.test(node.moduleSpecifier.text)) {
			if (ts.isImportDeclaration(node)) {
				const clause = node.importClause;
				const typeOnly = clause?.isTypeOnly || (clause && !clause.name && clause.namedBindings && ts.isNamedImports(clause.namedBindings) && clause.namedBindings.elements.every((e) => e.isTypeOnly));
				if (!typeOnly) at(node, `imports tables from ${node.moduleSpecifier.text}`);
			} else if (!node.isTypeOnly) at(node, `re-exports ${node.moduleSpecifier.text}`);
		}
		// import('…/db/schema.ts')
		if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteral(node.arguments[0]) && SCHEMA.test(node.arguments[0].text)) {
			at(node, `imports ${node.arguments[0].text} at run time`);
		}
		ts.forEachChild(node, visit);
	};
	visit(source);
	return found;
}

/** The script of a .svelte file (enough for its imports). */
function scriptOf(file: string, text: string): string {
	if (!file.endsWith('.svelte')) return text;
	return [...text.matchAll(/<script[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]).join('\n');
}

describe('tables come from the handle (tablesOf), not from schema.ts', () => {
	it('no source file outside src/lib/server/db imports the tables of schema.ts or schema.pg.ts', () => {
		const problems = sourceFiles().flatMap((file) => schemaValueImports(file, scriptOf(file, readFileSync(file, 'utf8'))));
		expect(problems).toEqual([]);
	});

	it('catches a service that imports a table, and lets a row type through', () => {
		expect(schemaValueImports('a.ts', `import { users } from '../db/schema.ts';`)).toEqual(['a.ts:1 imports tables from ../db/schema.ts']);
		expect(schemaValueImports('b.ts', `import * as s from './db/schema.pg.ts';`)).toHaveLength(1);
		expect(schemaValueImports('c.ts', `const s = await import('../db/schema');`)).toHaveLength(1);
		expect(schemaValueImports('d.ts', `export { users } from '../db/schema.ts';`)).toHaveLength(1);
		expect(schemaValueImports('e.ts', `import { type users, cases } from '../db/schema.ts';`)).toHaveLength(1);
		expect(schemaValueImports('f.ts', `import type { users } from '../db/schema.ts';\nimport { type cases } from '../db/schema.ts';`)).toEqual([]);
		expect(schemaValueImports('g.ts', `import { tablesOf } from '../db/index.ts';`)).toEqual([]);
	});
});
