// The mutants npm run test:policy-mutations runs the policy's tests against: found in the source, each a
// valid module with one rule taken out. (Whether the tests kill them is that script's question.)
import { readFileSync } from 'node:fs';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { policyMutants } from '../../scripts/lib/policy-mutants.ts';
import { ACTIONS, HIDING_LABEL } from '../../src/lib/domain/policy.ts';
import { FAMILY_ROLES, READ_ONLY_PARTICIPANT_ROLES } from '../../src/lib/domain/roles.ts';

const POLICY = 'src/lib/domain/policy.ts';
const mutants = policyMutants(POLICY);
const described = (file: string, description: string) => mutants.filter((m) => m.file.endsWith(file) && m.description === description);

describe('the mutants of the policy', () => {
	it('are each a module that still parses, with exactly one change', () => {
		expect(mutants.length).toBeGreaterThan(100);
		for (const m of mutants) {
			const original = readFileSync(m.file, 'utf8');
			expect(m.source, `#${m.id}`).not.toBe(original);
			const parsed = ts.createSourceFile(m.file, m.source, ts.ScriptTarget.Latest, true) as ts.SourceFile & { parseDiagnostics: ts.Diagnostic[] };
			expect(parsed.parseDiagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')), `#${m.id} ${m.description}`).toEqual([]);
		}
		expect(new Set(mutants.map((m) => m.source)).size).toBe(mutants.length);
	});

	it('take out each action of each resource, each label’s detail, and each role the policy reads from roles.ts', () => {
		const actions = Object.values(ACTIONS).flat();
		for (const action of new Set(actions)) {
			expect(described(POLICY, `entry removed: '${action}'`), action).toHaveLength(actions.filter((a) => a === action).length);
		}
		for (const [detail, label] of Object.entries(HIDING_LABEL)) expect(described(POLICY, `entry removed: ${detail}: '${label}'`)).toHaveLength(1);
		for (const role of [...FAMILY_ROLES, ...READ_ONLY_PARTICIPANT_ROLES]) expect(described('roles.ts', `entry removed: '${role}'`), role).toHaveLength(1);
	});

	it('take out the rules that keep people safe, one at a time', () => {
		const descriptions = mutants.map((m) => m.description);
		for (const rule of [
			"refusal removed: if (actor.kind === 'anonymous') return NOT_SIGNED_IN;",
			'refusal removed: if (actor.keepApartWith.has(r.personId)) return false;',
			'refusal removed: if (r.labels.has(HIDING_LABEL[r.detail])) return false;',
			"refusal removed: if (r.meetingSessionKind === 'FAMILY_ALONE' && !r.familyShared) return false;",
			"restriction dropped: actor.role !== 'admin'",
			'refusal removed: if (caseOf(resource) !== actor.caseId) return false;'
		]) {
			expect(descriptions).toContain(rule);
		}
		// Every rule of the tables, e.g. the participant's own edit of a document.
		expect(descriptions.some((d) => d.startsWith('entry removed: edit: (actor, r) => { if (READ_ONLY_PARTICIPANT_ROLES.includes(actor.role)) return false;'))).toBe(true);
	});
});
