import { describe, expect, it } from 'vitest';
import { can, decide, type Actor, type Resource } from './policy';
import { FAMILY_ROLES, type AssignmentRole, type ParticipantRole, type StaffRole } from './roles';

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

	const member = (role: ParticipantRole, sessions = ['ft']): Actor => ({
		kind: 'participant',
		participantId: `p-${role}`,
		personId: `person-${role}`,
		caseId: caseA,
		role,
		meetingId: 'm1',
		meetingSessionIds: new Set(sessions),
		keepApartWith: new Set()
	});

	it('lets a family member in that family time share its notes with the team, and nobody else', () => {
		for (const role of FAMILY_ROLES) expect(can(member(role), 'manage', doc), role).toBe(true);
		// Professionals placed in family time (an interpreter), and observers, do not decide for the family.
		for (const role of ['OBSERVER', 'INTERPRETER', 'SERVICE_PROVIDER', 'CAREGIVER'] as const) expect(can(member(role), 'manage', doc), role).toBe(false);
		// A family member who is not in this family time.
		expect(can(member('PARENT', ['joint']), 'manage', doc)).toBe(false);
		// Staff never do, before or after.
		for (const shared of [false, true]) expect(can(staff('facilitator', [[caseA, 'facilitator']]), 'manage', { ...doc, familyShared: shared })).toBe(false);
		// Only family time's notes are the family's to share.
		const joint = { type: 'document', caseId: caseA, docKind: 'meeting', meetingId: 'm1', meetingSessionId: 'ft', meetingSessionKind: 'JOINT' } as const;
		expect(can(member('PARENT'), 'manage', joint)).toBe(false);
	});

	it('opens shared notes to the staff of the case to read, never to change', () => {
		const shared = { ...doc, familyShared: true };
		for (const role of ['caseworker', 'facilitator', 'supervisor'] as const) {
			const actor = staff(role, [[caseA, role]]);
			expect(can(actor, 'view', shared)).toBe(true);
			expect(can(actor, 'edit', shared)).toBe(false);
		}
		// Staff of other cases and administrators still see nothing.
		expect(can(staff('caseworker', [['another-case', 'caseworker']]), 'view', shared)).toBe(false);
		expect(can(staff('admin', [[caseA, 'caseworker']]), 'view', shared)).toBe(false);
		// The family keeps writing while family time lasts.
		expect(can(member('PARENT'), 'edit', shared)).toBe(true);
	});

	it('keeps family time that has ended as it was: the family reads it, nobody writes', () => {
		const ended = { ...doc, meetingSessionEnded: true };
		expect(can(member('PARENT'), 'view', ended)).toBe(true);
		expect(can(member('PARENT'), 'edit', ended)).toBe(false);
		// The family can still share it after it ended.
		expect(can(member('PARENT'), 'manage', ended)).toBe(true);
		const staffer = staff('facilitator', [[caseA, 'facilitator']]);
		expect(can(staffer, 'view', ended)).toBe(false);
		expect(can(staffer, 'view', { ...ended, familyShared: true })).toBe(true);
		expect(can(staffer, 'edit', { ...ended, familyShared: true })).toBe(false);
	});
});
