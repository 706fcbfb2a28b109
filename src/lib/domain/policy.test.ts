import { describe, expect, it } from 'vitest';
import { can, decide, type Actor, type Resource } from './policy';
import type { AssignmentRole, StaffRole } from './roles';

const staff = (role: StaffRole, assignments: [string, AssignmentRole][] = []): Actor => ({
	kind: 'staff',
	userId: `u-${role}`,
	role,
	assignments: new Map(assignments)
});

const caseA = 'casea';
const resources: Resource[] = [
	{ type: 'case', caseId: caseA },
	{ type: 'meeting', caseId: caseA, meetingId: 'm1' },
	{ type: 'document', caseId: caseA, docKind: 'meeting' },
	{ type: 'document', caseId: caseA, docKind: 'plan' }
];

describe('the one access policy', () => {
	it('refuses everything to someone not signed in', () => {
		for (const r of [...resources, { type: 'case-list' } as const, { type: 'user-admin' } as const]) {
			expect(decide({ kind: 'anonymous' }, 'view', r)).toEqual({ allow: false, reason: 'not-signed-in' });
		}
	});

	it('lets assigned staff see and edit their case, its meetings and documents', () => {
		for (const role of ['caseworker', 'facilitator', 'supervisor'] as const) {
			const actor = staff(role === 'supervisor' ? 'supervisor' : role, [[caseA, role]]);
			for (const r of resources) {
				expect(can(actor, 'view', r)).toBe(true);
				expect(can(actor, 'edit', r)).toBe(true);
			}
		}
	});

	it('refuses staff who are not assigned to the case, whatever their role', () => {
		for (const role of ['caseworker', 'facilitator', 'supervisor'] as const) {
			const outsider = staff(role, [['another-case', 'caseworker']]);
			for (const r of resources) {
				expect(decide(outsider, 'view', r)).toEqual({ allow: false, reason: 'forbidden' });
				expect(can(outsider, 'edit', r)).toBe(false);
			}
		}
	});

	it('keeps administrators out of case data even when assigned', () => {
		const admin = staff('admin', [[caseA, 'caseworker']]);
		for (const r of resources) expect(can(admin, 'view', r)).toBe(false);
		expect(can(admin, 'manage', { type: 'user-admin' })).toBe(true);
		expect(can(staff('supervisor', [[caseA, 'supervisor']]), 'manage', { type: 'user-admin' })).toBe(false);
	});

	it('lets only the caseworker and supervisor of a case manage it', () => {
		expect(can(staff('caseworker', [[caseA, 'caseworker']]), 'manage', { type: 'case', caseId: caseA })).toBe(true);
		expect(can(staff('supervisor', [[caseA, 'supervisor']]), 'manage', { type: 'case', caseId: caseA })).toBe(true);
		expect(can(staff('facilitator', [[caseA, 'facilitator']]), 'manage', { type: 'case', caseId: caseA })).toBe(false);
	});

	it('shows the audit trail to supervisors of the case and to administrators as a whole', () => {
		expect(can(staff('supervisor', [[caseA, 'supervisor']]), 'view', { type: 'audit', caseId: caseA })).toBe(true);
		expect(can(staff('supervisor'), 'view', { type: 'audit', caseId: caseA })).toBe(false);
		expect(can(staff('caseworker', [[caseA, 'caseworker']]), 'view', { type: 'audit', caseId: caseA })).toBe(false);
		expect(can(staff('admin'), 'view', { type: 'audit' })).toBe(true);
		expect(can(staff('admin'), 'view', { type: 'audit', caseId: caseA })).toBe(false);
	});
});

describe('private family time', () => {
	const doc = { type: 'document', caseId: caseA, docKind: 'session', meetingId: 'm1', meetingSessionId: 'ft', meetingSessionKind: 'FAMILY_ALONE' } as const;

	it('closes the family’s own notes to every agency role, even the staff of the case', () => {
		for (const role of ['caseworker', 'facilitator', 'supervisor'] as const) {
			const actor = staff(role, [[caseA, role]]);
			expect(can(actor, 'view', doc)).toBe(false);
			// They still see that the part exists, to set it up.
			expect(can(actor, 'view', { type: 'meeting-session', caseId: caseA, meetingId: 'm1', meetingSessionId: 'ft' })).toBe(true);
		}
	});

	it('opens them to the family members in that session', () => {
		const grandmother: Actor = {
			kind: 'participant',
			participantId: 'p1',
			personId: 'rosa',
			caseId: caseA,
			role: 'RELATIVE_KIN',
			meetingId: 'm1',
			meetingSessionIds: new Set(['ft']),
			keepApartWith: new Set()
		};
		expect(can(grandmother, 'edit', doc)).toBe(true);
		expect(can({ ...grandmother, meetingSessionIds: new Set(['joint']) }, 'view', doc)).toBe(false);
	});
});

describe('the shared case plan', () => {
	const plan: Resource = { type: 'document', caseId: 'case-a', docKind: 'plan' };
	const parent = (keepApartWith: string[], meetingId: string | null = null): Actor => ({
		kind: 'participant',
		participantId: 'p-ana',
		personId: 'ana',
		caseId: 'case-a',
		role: 'PARENT',
		meetingId,
		meetingSessionIds: new Set(),
		keepApartWith: new Set(keepApartWith)
	});

	it('is co-written by a family member invited to the whole case', () => {
		expect(can(parent([]), 'edit', plan)).toBe(true);
	});

	it('is only read by one of a keep-apart pair, so neither ever receives what the other writes (issue 16)', () => {
		expect(can(parent(['daniel']), 'view', plan)).toBe(true);
		expect(can(parent(['daniel']), 'edit', plan)).toBe(false);
	});

	it('is closed to someone invited to one meeting only', () => {
		expect(can(parent([], 'm1'), 'view', plan)).toBe(false);
	});
});
