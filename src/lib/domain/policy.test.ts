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

describe('a person’s phone, email and address, and their consent to share them', () => {
	const relative = (over: Partial<Extract<Actor, { kind: 'participant' }>> = {}): Actor => ({
		kind: 'participant',
		participantId: 'p-rosa',
		personId: 'rosa',
		caseId: caseA,
		role: 'RELATIVE_KIN',
		meetingId: null,
		meetingSessionIds: new Set(['joint']),
		keepApartWith: new Set(),
		...over
	});
	type Consents = Extract<Resource, { type: 'person-detail' }>['consents'];
	const detail = (
		personId: string,
		detail: 'contact' | 'address' | 'availability',
		{ consents = new Map(), labels = [], personRole = 'PARENT' }: { consents?: Consents; labels?: ('ADDRESS_CONFIDENTIAL' | 'CONTACT_CONFIDENTIAL')[]; personRole?: ParticipantRole } = {}
	): Resource => ({ type: 'person-detail', caseId: caseA, personId, detail, labels: new Set(labels), personRole, consents });
	const agreed = (recorder: 'person' | 'staff', ...details: ('contact' | 'address')[]): Consents => new Map(details.map((d) => [d, recorder]));

	it('hides another family member’s phone, email and address when they did not agree', () => {
		for (const d of ['contact', 'address'] as const) expect(decide(relative(), 'view', detail('daniel', d))).toEqual({ allow: false, reason: 'forbidden' });
	});

	it('shows exactly the details the person agreed to share, each on its own', () => {
		expect(can(relative(), 'view', detail('daniel', 'contact', { consents: agreed('person', 'contact') }))).toBe(true);
		expect(can(relative(), 'view', detail('daniel', 'address', { consents: agreed('person', 'contact') }))).toBe(false);
		expect(can(relative(), 'view', detail('daniel', 'address', { consents: agreed('staff', 'address') }))).toBe(true);
	});

	it('never shows a child’s details on the child’s own say-so: only when staff recorded the agreement', () => {
		expect(can(relative(), 'view', detail('sofia', 'contact', { personRole: 'CHILD_YOUTH' }))).toBe(false);
		expect(can(relative(), 'view', detail('sofia', 'contact', { personRole: 'CHILD_YOUTH', consents: agreed('person', 'contact') }))).toBe(false);
		expect(can(relative(), 'view', detail('sofia', 'contact', { personRole: 'CHILD_YOUTH', consents: agreed('staff', 'contact') }))).toBe(true);
	});

	it('lets a sensitivity label win over consent', () => {
		const both = agreed('staff', 'contact', 'address');
		expect(can(relative(), 'view', detail('ana', 'contact', { consents: both, labels: ['CONTACT_CONFIDENTIAL'] }))).toBe(false);
		expect(can(relative(), 'view', detail('ana', 'address', { consents: both, labels: ['ADDRESS_CONFIDENTIAL'] }))).toBe(false);
		expect(can(relative(), 'view', detail('ana', 'contact', { consents: both, labels: ['ADDRESS_CONFIDENTIAL'] }))).toBe(true);
	});

	it('lets a keep-apart pair win over consent', () => {
		const daniel = relative({ personId: 'daniel', role: 'PARENT', keepApartWith: new Set(['ana']) });
		expect(can(daniel, 'view', detail('ana', 'contact', { consents: agreed('person', 'contact', 'address') }))).toBe(false);
		expect(can(daniel, 'view', detail('ana', 'address', { consents: agreed('staff', 'contact', 'address') }))).toBe(false);
	});

	it('never gives observers and professionals the family’s details, consent or not', () => {
		for (const role of ['OBSERVER', 'SERVICE_PROVIDER', 'INTERPRETER'] as const) {
			expect(can(relative({ personId: 'x', role }), 'view', detail('daniel', 'contact', { consents: agreed('person', 'contact') }))).toBe(false);
		}
	});

	it('always shows a person their own details, and never another case’s', () => {
		expect(can(relative(), 'view', detail('rosa', 'contact'))).toBe(true);
		expect(can(relative(), 'view', detail('rosa', 'address'))).toBe(true);
		expect(can(relative(), 'view', { ...detail('daniel', 'contact', { consents: agreed('person', 'contact') }), caseId: 'caseb' } as Resource)).toBe(false);
	});

	it('shows the staff on the case every detail, consent or not; staff off the case none', () => {
		const worker = staff('caseworker', [[caseA, 'caseworker']]);
		for (const d of ['contact', 'address'] as const) {
			expect(can(worker, 'view', detail('sofia', d, { personRole: 'CHILD_YOUTH' }))).toBe(true);
			expect(can(staff('caseworker', [['caseb', 'caseworker']]), 'view', detail('daniel', d, { consents: agreed('person', d) }))).toBe(false);
		}
	});

	describe('giving and withdrawing consent', () => {
		const change = (personId: string, what: 'give' | 'withdraw', personRole: ParticipantRole = 'RELATIVE_KIN'): Resource => ({ type: 'detail-consent', caseId: caseA, personId, personRole, change: what });

		it('lets a person give and withdraw their own, and nobody else’s', () => {
			expect(can(relative(), 'edit', change('rosa', 'give'))).toBe(true);
			expect(can(relative(), 'edit', change('rosa', 'withdraw'))).toBe(true);
			expect(can(relative(), 'edit', change('daniel', 'give'))).toBe(false);
			expect(can(relative(), 'edit', change('daniel', 'withdraw'))).toBe(false);
			expect(can(relative(), 'view', change('rosa', 'give'))).toBe(false);
		});

		it('lets a child withdraw, but not give, their own: staff record a child’s agreement', () => {
			const sofia = relative({ personId: 'sofia', role: 'CHILD_YOUTH' });
			expect(can(sofia, 'edit', change('sofia', 'withdraw', 'CHILD_YOUTH'))).toBe(true);
			expect(can(sofia, 'edit', change('sofia', 'give', 'CHILD_YOUTH'))).toBe(false);
		});

		it('lets the staff on the case record either, for anyone on it; not staff off the case, not administrators', () => {
			for (const role of ['caseworker', 'facilitator', 'supervisor'] as const) {
				expect(can(staff(role, [[caseA, role]]), 'edit', change('sofia', 'give', 'CHILD_YOUTH'))).toBe(true);
				expect(can(staff(role, [[caseA, role]]), 'edit', change('daniel', 'withdraw'))).toBe(true);
				expect(can(staff(role, [['caseb', role]]), 'edit', change('daniel', 'give'))).toBe(false);
			}
			expect(can(staff('admin', [[caseA, 'caseworker']]), 'edit', change('daniel', 'give'))).toBe(false);
			expect(can({ kind: 'anonymous' }, 'edit', change('daniel', 'give'))).toBe(false);
		});
	});
});
