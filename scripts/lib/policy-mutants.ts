// The mutants of the access policy: each one the policy with a single rule removed or inverted, found in the
// source with the TypeScript compiler (its syntax tree and its types), never by matching text. Used by
// scripts/policy-mutations.ts, which runs the policy's unit tests against each and names the mutants no test
// killed: a rule whose deletion no test notices is a rule nobody has shown to matter.
import ts from 'typescript';

export type Mutant = {
	/** 1-based; 0 is the policy as written. */
	id: number;
	/** The file changed: policy.ts, or a module whose constants it reads (roles.ts: who is family, who only observes). */
	file: string;
	/** 1-based line of the change in the original source. */
	line: number;
	/** What was changed, for a person reading the report: `refusal removed: if (…) return false`. */
	description: string;
	/** The whole of `file` with this one change. */
	source: string;
};

/**
 * The operators, each named in the description:
 * - `entry removed`: one property of a table (an action's rule in STAFF_RULES or PARTICIPANT_RULES, a label
 *   of HIDING_LABEL) or one element of a list (an action of ACTIONS) taken out.
 * - `refusal removed`: an `if (…) return false` (or a refusing Decision) deleted.
 * - `allowance removed`: an `if (…) return true` deleted, or a `return true` / returned condition made false.
 * - `branch removed`: an `if (…) return <condition>` deleted (the next rule decides instead).
 * - `restriction dropped`: one operand of an `&&` made true (in a condition that allows or refuses).
 * - `alternative dropped`: one operand of an `||` made false.
 * - `condition always true`: the condition of an allowance, or a returned condition with no `&&`, made true.
 * The lists and tables the policy imports as values (FAMILY_ROLES, READ_ONLY_PARTICIPANT_ROLES from roles.ts)
 * are rules too: each of their entries is removed in turn.
 */
export function policyMutants(fileName: string, options: ts.CompilerOptions = defaultOptions): Mutant[] {
	const program = ts.createProgram([fileName], options);
	const file = program.getSourceFile(fileName);
	if (!file) throw new Error(`cannot read ${fileName}`);
	const checker = program.getTypeChecker();
	const edits: { file: ts.SourceFile; start: number; end: number; replacement: string; description: string }[] = [];
	const snippet = (node: ts.Node) => node.getText().replace(/\s+/g, ' ').slice(0, 90);
	const replace = (node: ts.Node, replacement: string, description: string) =>
		edits.push({ file: node.getSourceFile(), start: node.getStart(), end: node.getEnd(), replacement, description: `${description}: ${snippet(node)}` });

	/** Removes one member of a comma-separated list (object properties, array elements) with its comma. */
	const removeFromList = (node: ts.Node, list: ts.NodeArray<ts.Node>, description: string) => {
		const i = list.indexOf(node);
		const start = i > 0 ? list[i - 1].getEnd() : node.getStart();
		const end = i > 0 ? node.getEnd() : i + 1 < list.length ? list[i + 1].getStart() : node.getEnd();
		edits.push({ file: node.getSourceFile(), start, end, replacement: '', description: `${description}: ${snippet(node)}` });
	};

	const isBoolean = (node: ts.Expression) => (checker.getTypeAtLocation(node).flags & ts.TypeFlags.BooleanLike) !== 0;
	/** `true`, `false`, or the Decision constant an identifier names (`{ allow: true }` / `{ allow: false, … }`). */
	const verdict = (node: ts.Expression): boolean | null => {
		if (node.kind === ts.SyntaxKind.TrueKeyword) return true;
		if (node.kind === ts.SyntaxKind.FalseKeyword) return false;
		if (!ts.isIdentifier(node)) return null;
		const declaration = checker.getSymbolAtLocation(node)?.valueDeclaration;
		if (!declaration || !ts.isVariableDeclaration(declaration) || !declaration.initializer || !ts.isObjectLiteralExpression(declaration.initializer)) return null;
		for (const p of declaration.initializer.properties) {
			if (ts.isPropertyAssignment(p) && p.name.getText() === 'allow') return verdict(p.initializer);
		}
		return null;
	};
	const unwrap = (node: ts.Expression): ts.Expression => (ts.isParenthesizedExpression(node) ? unwrap(node.expression) : node);
	/** The operands of a chain of one logical operator, `a && b && c` → [a, b, c]. */
	const chain = (node: ts.Expression, operator: ts.SyntaxKind): ts.Expression[] => {
		const n = unwrap(node);
		return ts.isBinaryExpression(n) && n.operatorToken.kind === operator ? [...chain(n.left, operator), ...chain(n.right, operator)] : [node];
	};

	/**
	 * Mutants inside a condition: each `&&` operand made true (a restriction dropped), each `||` operand made
	 * false (an alternative dropped), recursively, through `!` as well.
	 */
	const operands = (condition: ts.Expression) => {
		const n = unwrap(condition);
		if (ts.isPrefixUnaryExpression(n) && n.operator === ts.SyntaxKind.ExclamationToken) return operands(n.operand);
		for (const [operator, value, name] of [
			[ts.SyntaxKind.AmpersandAmpersandToken, 'true', 'restriction dropped'],
			[ts.SyntaxKind.BarBarToken, 'false', 'alternative dropped']
		] as const) {
			const parts = chain(n, operator);
			if (parts.length < 2) continue;
			for (const part of parts) {
				replace(part, value, name);
				operands(part);
			}
		}
	};
	const isChain = (node: ts.Expression) => chain(node, ts.SyntaxKind.AmpersandAmpersandToken).length > 1 || chain(node, ts.SyntaxKind.BarBarToken).length > 1;

	/** A condition the function returns as its answer (true allows). */
	const returnedCondition = (expression: ts.Expression, removable: boolean) => {
		const v = verdict(expression);
		if (v === true) return removable ? replace(expression, 'false', 'allowance removed') : undefined;
		if (v === false || !isBoolean(expression)) return;
		if (removable) replace(expression, 'false', 'allowance removed');
		if (chain(expression, ts.SyntaxKind.AmpersandAmpersandToken).length < 2) replace(expression, 'true', 'condition always true');
		operands(expression);
	};

	const returnOf = (statement: ts.Statement): ts.ReturnStatement | null => {
		if (ts.isReturnStatement(statement)) return statement;
		if (ts.isBlock(statement) && statement.statements.length === 1 && ts.isReturnStatement(statement.statements[0])) return statement.statements[0];
		return null;
	};

	const visitStatement = (statement: ts.Statement) => {
		if (ts.isIfStatement(statement) && !statement.elseStatement) {
			const ret = returnOf(statement.thenStatement);
			if (ret?.expression) {
				const v = verdict(ret.expression);
				if (v === false) {
					replace(statement, '', 'refusal removed');
					operands(statement.expression);
				} else if (v === true) {
					replace(statement, '', 'allowance removed');
					if (!isChain(statement.expression)) replace(statement.expression, 'true', 'condition always true');
					operands(statement.expression);
				} else if (isBoolean(ret.expression)) {
					replace(statement, '', 'branch removed');
					returnedCondition(ret.expression, true);
				}
				visitFunctionsIn(statement.expression);
				return;
			}
		}
		if (ts.isReturnStatement(statement) && statement.expression) {
			returnedCondition(statement.expression, true);
			visitFunctionsIn(statement.expression);
			return;
		}
		visitFunctionsIn(statement);
	};

	/** A function: its statements, or its expression body (an arrow). `isTableEntry`: its removal is already a mutant. */
	const visitFunction = (fn: ts.SignatureDeclaration & { body?: ts.ConciseBody }, isTableEntry: boolean) => {
		if (!fn.body) return;
		if (ts.isBlock(fn.body)) for (const s of fn.body.statements) visitStatement(s);
		else {
			returnedCondition(fn.body, !isTableEntry);
			visitFunctionsIn(fn.body);
		}
	};
	const isFunction = (node: ts.Node): node is ts.ArrowFunction | ts.FunctionExpression | ts.FunctionDeclaration =>
		ts.isArrowFunction(node) || ts.isFunctionExpression(node) || ts.isFunctionDeclaration(node);
	const visitFunctionsIn = (node: ts.Node) => {
		if (isFunction(node)) return visitFunction(node, false);
		ts.forEachChild(node, visitFunctionsIn);
	};

	/** A table (a top-level `const` object literal): each entry removable; nested tables and functions visited. */
	const visitTable = (table: ts.ObjectLiteralExpression | ts.ArrayLiteralExpression) => {
		if (ts.isArrayLiteralExpression(table)) {
			for (const element of table.elements) removeFromList(element, table.elements, 'entry removed');
			return;
		}
		for (const property of table.properties) {
			if (!ts.isPropertyAssignment(property)) continue;
			const value = unwrap(property.initializer);
			if (ts.isObjectLiteralExpression(value) || ts.isArrayLiteralExpression(value)) {
				visitTable(value);
				continue;
			}
			removeFromList(property, table.properties, 'entry removed');
			if (isFunction(value)) visitFunction(value, true);
		}
	};
	const tableOf = (node: ts.Expression | undefined): ts.ObjectLiteralExpression | ts.ArrayLiteralExpression | null => {
		if (!node) return null;
		const n = unwrap(node);
		if (ts.isObjectLiteralExpression(n) || ts.isArrayLiteralExpression(n)) return n;
		if (ts.isSatisfiesExpression(n) || ts.isAsExpression(n)) return tableOf(n.expression);
		return null;
	};
	/** A Decision constant (`const FORBIDDEN = { allow: false, … }`) is not a table. */
	const isDecision = (table: ts.ObjectLiteralExpression | ts.ArrayLiteralExpression) => ts.isObjectLiteralExpression(table) && table.properties.some((p) => p.name?.getText() === 'allow');

	for (const statement of file.statements) {
		if (ts.isFunctionDeclaration(statement)) visitFunction(statement, false);
		else if (ts.isVariableStatement(statement)) {
			for (const declaration of statement.declarationList.declarations) {
				const table = tableOf(declaration.initializer);
				if (table && !isDecision(table)) visitTable(table);
				else if (declaration.initializer) visitFunctionsIn(declaration.initializer);
			}
		} else if (ts.isImportDeclaration(statement) && !statement.importClause?.isTypeOnly) {
			// The constants the policy reads from another module of ours: their entries are rules as well.
			const bindings = statement.importClause?.namedBindings;
			if (!bindings || !ts.isNamedImports(bindings) || !ts.isStringLiteral(statement.moduleSpecifier) || !statement.moduleSpecifier.text.startsWith('.')) continue;
			for (const element of bindings.elements) {
				if (element.isTypeOnly) continue;
				const symbol = checker.getSymbolAtLocation(element.name);
				const declaration = symbol && checker.getAliasedSymbol(symbol).valueDeclaration;
				const table = declaration && ts.isVariableDeclaration(declaration) ? tableOf(declaration.initializer) : null;
				if (table && !isDecision(table)) visitTable(table);
			}
		}
	}

	edits.sort((a, b) => a.file.fileName.localeCompare(b.file.fileName) || a.start - b.start || b.end - a.end);
	return edits.map((edit, i) => {
		const text = edit.file.getFullText();
		return {
			id: i + 1,
			file: edit.file.fileName,
			line: edit.file.getLineAndCharacterOfPosition(edit.start).line + 1,
			description: edit.description,
			source: text.slice(0, edit.start) + edit.replacement + text.slice(edit.end)
		};
	});
}

const defaultOptions: ts.CompilerOptions = {
	target: ts.ScriptTarget.ES2022,
	module: ts.ModuleKind.ESNext,
	moduleResolution: ts.ModuleResolutionKind.Bundler,
	allowImportingTsExtensions: true,
	strict: true,
	noEmit: true,
	skipLibCheck: true,
	types: []
};
