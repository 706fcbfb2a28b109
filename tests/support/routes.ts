// What the app answers, found by walking src/routes and reading each server file's exports with the
// TypeScript parser: every page (GET), every form action (POST ?/name) and every endpoint method. Tests that
// must cover every route use it (bad input, the authorization matrix), so a new route is covered, or named as
// missing, without anyone remembering to list it.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import ts from 'typescript';

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/**
 * One way in: a page (`GET`, +page.svelte), a form action (`POST`, `action` its name, `default` for the
 * unnamed one, in +page.server.ts) or an endpoint method (+server.ts; `fallback` stands for every method
 * it does not name). `route` is SvelteKit's route id without groups, e.g. `/cases/[caseId]`.
 */
export type RouteHandler = { route: string; file: string; method: HttpMethod | 'fallback'; kind: 'page' | 'action' | 'endpoint'; action: string | null };

/** `GET /cases/[caseId]`, `POST /cases/[caseId] ?/revoke`, `POST /sign-out (endpoint)`. */
export function handlerName(h: Pick<RouteHandler, 'method' | 'route' | 'kind' | 'action'>): string {
	return `${h.method} ${h.route}${h.kind === 'action' ? ` ?/${h.action}` : h.kind === 'endpoint' ? ' (endpoint)' : ''}`;
}

function routeId(dir: string, folder: string): string {
	return '/' + relative(dir, folder).split(sep).filter((s) => s && !/^\(.*\)$/.test(s)).join('/');
}

/** The names a module exports (`export const x`, `export function x`, `export { x }`), each with its initializer if it has one. */
function exportsOf(file: string): Map<string, ts.Expression | null> {
	const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
	const found = new Map<string, ts.Expression | null>();
	const exported = (node: ts.Node) => ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
	for (const statement of source.statements) {
		if (ts.isVariableStatement(statement) && exported(statement)) {
			for (const d of statement.declarationList.declarations) if (ts.isIdentifier(d.name)) found.set(d.name.text, d.initializer ?? null);
		} else if (ts.isFunctionDeclaration(statement) && exported(statement) && statement.name) found.set(statement.name.text, null);
		else if (ts.isExportDeclaration(statement) && statement.exportClause && ts.isNamedExports(statement.exportClause)) {
			for (const e of statement.exportClause.elements) found.set(e.name.text, null);
		}
	}
	return found;
}

/** The property names of an object literal, through `satisfies` and `as`. */
function keysOf(node: ts.Expression | null, file: string): string[] {
	let n = node;
	while (n && (ts.isSatisfiesExpression(n) || ts.isAsExpression(n) || ts.isParenthesizedExpression(n))) n = n.expression;
	if (!n || !ts.isObjectLiteralExpression(n)) throw new Error(`${file}: its actions are not an object literal, so they cannot be listed`);
	return n.properties.map((p) => {
		if (!p.name || !(ts.isIdentifier(p.name) || ts.isStringLiteral(p.name))) throw new Error(`${file}: an action without a plain name`);
		return p.name.text;
	});
}

/** Every page, form action and endpoint method under `dir`, in a stable order. */
export function routeHandlers(dir = 'src/routes'): RouteHandler[] {
	const found: RouteHandler[] = [];
	const walk = (folder: string) => {
		for (const name of readdirSync(folder).sort()) {
			const file = join(folder, name);
			if (statSync(file).isDirectory()) {
				walk(file);
				continue;
			}
			const route = routeId(dir, folder);
			if (name === '+page.svelte') found.push({ route, file, method: 'GET', kind: 'page', action: null });
			if (/^\+page\.server\.(ts|js)$/.test(name)) {
				const actions = exportsOf(file);
				if (actions.has('actions')) for (const action of keysOf(actions.get('actions')!, file)) found.push({ route, file, method: 'POST', kind: 'action', action });
			}
			if (/^\+server\.(ts|js)$/.test(name)) {
				const names = [...exportsOf(file).keys()];
				const methods = names.filter((n): n is HttpMethod | 'fallback' => (HTTP_METHODS as readonly string[]).includes(n) || n === 'fallback');
				if (methods.length === 0) throw new Error(`${file}: exports no request method`);
				for (const method of methods) found.push({ route, file, method, kind: 'endpoint', action: null });
			}
		}
	};
	walk(dir);
	return found;
}

/** Every route id that answers GET: a page or an endpoint (+server). */
export function pageRoutes(dir = 'src/routes'): string[] {
	return [...new Set(routeHandlers(dir).filter((h) => h.kind === 'page' || h.kind === 'endpoint').map((h) => h.route))];
}
