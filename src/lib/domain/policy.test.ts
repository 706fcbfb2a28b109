import { describe, expect, it } from 'vitest';
import { ACTIONS, can, decide, type Action, type Actor, type ParticipantActor, type PersonDetail, type Resource, type ResourceType } from './policy';
import type { AssignmentRole, ParticipantRole, SensitivityLabel, StaffRole } from './roles';

const staff = (role: StaffRole, assignments: [string, AssignmentRole][] = []): Actor => ({
	kind: 'staff',
	userId: `u-${role}`,
	role,
	assignments: new Map(assignments)
});

const caseA = 'casea';
const resources: Resource[] = [
	{ type: 'case', caseId: caseA },
	{ type: 'meeting', caseId: caseA, meetingId: 'm1', closed: false },
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

	it('lets only the facilitator of a case run its meetings (agenda and timer), never a participant', () => {
		const meeting = { type: 'meeting', caseId: caseA, meetingId: 'm1', closed: false } as const;
		expect(can(staff('facilitator', [[caseA, 'facilitator']]), 'run', meeting)).toBe(true);
		expect(can(staff('caseworker', [[caseA, 'caseworker']]), 'run', meeting)).toBe(false);
		expect(can(staff('supervisor', [[caseA, 'supervisor']]), 'run', meeting)).toBe(false);
		expect(can(staff('facilitator', [['another-case', 'facilitator']]), 'run', meeting)).toBe(false);
		expect(can(staff('admin', [[caseA, 'facilitator']]), 'run', meeting)).toBe(false);
		const parent: ParticipantActor = { kind: 'participant', participantId: 'pa1', personId: 'p1', caseId: caseA, role: 'PARENT', keepApartWith: new Set(), meetingId: null, meetingSessionIds: new Set(['joint']) };
		expect(can(parent, 'run', meeting)).toBe(false);
		// Recording the decision: the same people.
		expect(can(staff('facilitator', [[caseA, 'facilitator']]), 'decide', meeting)).toBe(true);
		for (const role of ['caseworker', 'supervisor'] as const) expect(can(staff(role, [[caseA, role]]), 'decide', meeting)).toBe(false);
		expect(can(staff('facilitator', [['another-case', 'facilitator']]), 'decide', meeting)).toBe(false);
		expect(can(staff('admin', [[caseA, 'facilitator']]), 'decide', meeting)).toBe(false);
		expect(can(parent, 'decide', meeting)).toBe(false);
	});

	it('closes a meeting for good: nobody runs it, decides it or changes its place after; its facilitator or the case supervisor close it and correct its summary', () => {
		const open = { type: 'meeting', caseId: caseA, meetingId: 'm1', closed: false } as const;
		const closed = { ...open, closed: true };
		const facilitator = staff('facilitator', [[caseA, 'facilitator']]);
		const supervisor = staff('supervisor', [[caseA, 'supervisor']]);
		const caseworker = staff('caseworker', [[caseA, 'caseworker']]);
		for (const action of ['run', 'decide'] as const) expect(can(facilitator, action, closed), action).toBe(false);
		expect(can(caseworker, 'edit', open)).toBe(true);
		expect(can(caseworker, 'edit', closed)).toBe(false);
		expect(can(caseworker, 'view', closed)).toBe(true);
		for (const who of [facilitator, supervisor]) {
			expect(can(who, 'close', open)).toBe(true);
			expect(can(who, 'close', closed)).toBe(false);
			expect(can(who, 'correct', closed)).toBe(true);
			expect(can(who, 'correct', open)).toBe(false);
		}
		for (const who of [caseworker, staff('facilitator', [['another-case', 'facilitator']]), staff('supervisor', [['another-case', 'supervisor']]), staff('admin', [[caseA, 'facilitator']]), staff('admin', [[caseA, 'supervisor']])]) {
			expect(can(who, 'close', open)).toBe(false);
			expect(can(who, 'correct', closed)).toBe(false);
		}
		const parent: ParticipantActor = { kind: 'participant', participantId: 'pa1', personId: 'p1', caseId: caseA, role: 'PARENT', keepApartWith: new Set(), meetingId: null, meetingSessionIds: new Set(['joint']) };
		expect(can(parent, 'close', open)).toBe(false);
		expect(can(parent, 'correct', closed)).toBe(false);
		expect(can(parent, 'view', closed)).toBe(true);
	});

	it('keeps a child’s own words (Three Houses) for the child and the case’s staff until the child agrees to share them', () => {
		const words = { type: 'child-voice', caseId: caseA, meetingId: 'm1', childId: 'lucia', shared: false, closed: false } as const;
		for (const role of ['caseworker', 'facilitator', 'supervisor'] as const) {
			expect(can(staff(role, [[caseA, role]]), 'view', words)).toBe(true);
			expect(can(staff(role, [[caseA, role]]), 'edit', words)).toBe(true);
			// Kept as they were once the meeting is closed.
			expect(can(staff(role, [[caseA, role]]), 'edit', { ...words, closed: true })).toBe(false);
		}
		for (const who of [staff('caseworker', [['another-case', 'caseworker']]), staff('admin', [[caseA, 'caseworker']])]) {
			expect(can(who, 'view', words)).toBe(false);
			expect(can(who, 'edit', words)).toBe(false);
		}
		const person = (personId: string, meetingId: string | null = null): ParticipantActor => ({ kind: 'participant', participantId: `pa-${personId}`, personId, caseId: caseA, role: personId === 'lucia' ? 'CHILD_YOUTH' : 'PARENT', keepApartWith: new Set(), meetingId, meetingSessionIds: new Set(['joint']) });
		// The child reads her own words; her father only once she agreed; nobody of the family writes them.
		expect(can(person('lucia'), 'view', words)).toBe(true);
		expect(can(person('lucia'), 'edit', words)).toBe(false);
		expect(can(person('daniel'), 'view', words)).toBe(false);
		expect(can(person('daniel'), 'view', { ...words, shared: true })).toBe(true);
		expect(can(person('daniel'), 'edit', { ...words, shared: true })).toBe(false);
		// Someone invited to another meeting reads neither.
		expect(can(person('daniel', 'm2'), 'view', { ...words, shared: true })).toBe(false);
		expect(can(person('lucia', 'm2'), 'view', words)).toBe(false);
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
		for (const role of ['PARENT', 'CHILD_YOUTH', 'RELATIVE_KIN', 'FICTIVE_KIN', 'SUPPORT_PERSON'] as const) expect(can(member(role), 'manage', doc), role).toBe(true);
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

	it('keeps a closed meeting’s documents as they were: the family reads them, nobody writes', () => {
		const jointDoc = { type: 'document', caseId: caseA, docKind: 'meeting', meetingId: 'm1', meetingSessionId: 'joint', meetingSessionKind: 'JOINT' } as const;
		const parent = { ...member('PARENT'), meetingSessionIds: new Set(['joint', 'ft']) };
		for (const d of [jointDoc, doc]) {
			expect(can(parent, 'edit', d)).toBe(true);
			expect(can(parent, 'view', { ...d, meetingClosed: true })).toBe(true);
			expect(can(parent, 'edit', { ...d, meetingClosed: true })).toBe(false);
		}
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

	it('lets a person give their own availability, never anyone else’s nor another detail; staff on the case enter it for them', () => {
		expect(can(relative(), 'edit', detail('rosa', 'availability'))).toBe(true);
		expect(can(relative(), 'edit', detail('daniel', 'availability'))).toBe(false);
		expect(can(relative(), 'edit', detail('rosa', 'contact'))).toBe(false);
		expect(can(relative(), 'edit', { ...detail('rosa', 'availability'), caseId: 'caseb' } as Resource)).toBe(false);
		const worker = staff('caseworker', [[caseA, 'caseworker']]);
		expect(can(worker, 'edit', detail('daniel', 'availability'))).toBe(true);
		expect(can(worker, 'edit', detail('daniel', 'address'))).toBe(false);
		expect(can(staff('caseworker', [['caseb', 'caseworker']]), 'edit', detail('daniel', 'availability'))).toBe(false);
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

// ---- Fixtures for the tests below: the demo case's people, one fact changed per test. ----

const participant = (over: Partial<ParticipantActor> = {}): ParticipantActor => ({
	kind: 'participant',
	participantId: 'p-daniel',
	personId: 'daniel',
	caseId: caseA,
	role: 'PARENT',
	meetingId: null,
	meetingSessionIds: new Set(['joint']),
	keepApartWith: new Set(),
	...over
});
const onCase = (role: AssignmentRole) => staff(role, [[caseA, role]]);
const ASSIGNED = ['caseworker', 'facilitator', 'supervisor'] as const;
const meetingDoc = (over: Partial<Extract<Resource, { type: 'document' }>> = {}): Extract<Resource, { type: 'document' }> => ({
	type: 'document',
	caseId: caseA,
	docKind: 'meeting',
	meetingId: 'm1',
	meetingSessionId: 'joint',
	meetingSessionKind: 'JOINT',
	...over
});

describe('actions: each resource lists its own, and a verb it does not list is refused', () => {
	/** One resource of each type on the demo case, and a few people: enough for every listed action to be allowed to someone. */
	const SAMPLES: { [T in ResourceType]: Extract<Resource, { type: T }> } = {
		'case-list': { type: 'case-list' },
		case: { type: 'case', caseId: caseA },
		'family-home': { type: 'family-home', caseId: caseA },
		meeting: { type: 'meeting', caseId: caseA, meetingId: 'm1', closed: false },
		'meeting-session': { type: 'meeting-session', caseId: caseA, meetingId: 'm1', meetingSessionId: 'joint' },
		document: meetingDoc({ meetingSessionId: 'ft', meetingSessionKind: 'FAMILY_ALONE' }),
		'person-detail': { type: 'person-detail', caseId: caseA, personId: 'daniel', detail: 'contact', labels: new Set(), personRole: 'PARENT', consents: new Map() },
		'detail-consent': { type: 'detail-consent', caseId: caseA, personId: 'daniel', personRole: 'PARENT', change: 'give' },
		invites: { type: 'invites', caseId: caseA },
		'safety-settings': { type: 'safety-settings', caseId: caseA },
		'user-admin': { type: 'user-admin' },
		audit: { type: 'audit', caseId: caseA },
		feedback: { type: 'feedback', caseId: caseA, meetingId: 'm1', held: true },
		'child-voice': { type: 'child-voice', caseId: caseA, meetingId: 'm1', childId: 'lucia', shared: true, closed: false },
		'time-answer': { type: 'time-answer', caseId: caseA, meetingId: 'm1', personId: 'ana', labels: new Set(), shown: 'answer' }
	};
	const everyone: Actor[] = [
		{ kind: 'anonymous' },
		staff('admin'),
		...ASSIGNED.map(onCase),
		participant({ meetingSessionIds: new Set(['joint', 'ft']) })
	];
	const types = Object.keys(SAMPLES) as ResourceType[];

	it('has a sample of every resource type', () => {
		expect(types.sort()).toEqual(Object.keys(ACTIONS).sort());
	});

	it('allows every listed action to someone: no verb is listed that no rule grants', () => {
		for (const type of types) {
			for (const action of ACTIONS[type] as readonly Action[]) {
				// Correcting a meeting's summary exists only once the meeting is closed.
				// Only availability is edited as a person's detail.
				const samples: Resource[] =
					type === 'meeting' ? [SAMPLES.meeting, { ...SAMPLES.meeting, closed: true }] : type === 'person-detail' ? [SAMPLES[type], { ...SAMPLES['person-detail'], detail: 'availability' } as Resource] : [SAMPLES[type]];
				expect(everyone.some((actor) => samples.some((sample) => can(actor, action, sample as Extract<Resource, { type: typeof type }>))), `${action} on ${type}`).toBe(true);
			}
		}
	});

	it('refuses everyone a verb a resource does not list, even one an object has by nature', () => {
		const verbs = ['sign', 'decide', 'move-stage', 'comment', 'delete', '', 'toString', 'constructor', 'hasOwnProperty', 'valueOf', '__proto__', ...new Set(Object.values(ACTIONS).flat())];
		for (const type of types) {
			for (const verb of verbs.filter((v) => !(ACTIONS[type] as readonly string[]).includes(v))) {
				for (const actor of everyone) {
					expect(decide(actor, verb as Action, SAMPLES[type]), `${verb} on ${type}`).toEqual({ allow: false, reason: actor.kind === 'anonymous' ? 'not-signed-in' : 'forbidden' });
				}
			}
		}
	});

	it('does not compile a verb the resource does not list (and refuses it when a widened one gets through)', () => {
		const worker = onCase('caseworker');
		expect(
			// @ts-expect-error `sign` is no action on a case
			can(worker, 'sign', { type: 'case', caseId: caseA })
		).toBe(false);
		expect(
			// @ts-expect-error `manage` is no action on a person's details
			can(worker, 'manage', SAMPLES['person-detail'])
		).toBe(false);
		const typed: Action = 'manage';
		expect(can(worker, typed, SAMPLES['person-detail'] as Resource)).toBe(false);
	});
});

describe('staff', () => {
	it('all have a case list, administrators and staff of no case too; participants have none', () => {
		for (const actor of [staff('admin'), staff('caseworker'), ...ASSIGNED.map(onCase)]) expect(can(actor, 'view', { type: 'case-list' })).toBe(true);
		expect(can(participant(), 'view', { type: 'case-list' })).toBe(false);
	});

	it('open a case when they carry cases (caseworkers and supervisors, assigned anywhere or not); not facilitators, administrators, family members or anyone signed out', () => {
		const list = { type: 'case-list' } as const;
		for (const role of ['caseworker', 'supervisor'] as const) expect(can(staff(role), 'open', list), role).toBe(true);
		expect(can(staff('facilitator'), 'open', list)).toBe(false);
		expect(can(staff('facilitator', [[caseA, 'caseworker']]), 'open', list)).toBe(false);
		expect(can(staff('admin'), 'open', list)).toBe(false);
		expect(can(participant(), 'open', list)).toBe(false);
		expect(can({ kind: 'anonymous' }, 'open', list)).toBe(false);
	});

	it('on the case invite people and set its safety settings; not staff off it, not administrators, not family members', () => {
		for (const type of ['invites', 'safety-settings'] as const) {
			for (const role of ASSIGNED) expect(can(onCase(role), 'manage', { type, caseId: caseA }), `${role}: ${type}`).toBe(true);
			expect(can(staff('caseworker', [['caseb', 'caseworker']]), 'manage', { type, caseId: caseA })).toBe(false);
			expect(can(staff('admin', [[caseA, 'caseworker']]), 'manage', { type, caseId: caseA })).toBe(false);
			expect(can(participant(), 'manage', { type, caseId: caseA })).toBe(false);
		}
	});

	it('on the case plan, change and cancel its meetings; not staff off it, not administrators, not family members', () => {
		const theCase = { type: 'case', caseId: caseA } as const;
		for (const role of ASSIGNED) expect(can(onCase(role), 'schedule', theCase), role).toBe(true);
		expect(can(staff('facilitator', [['caseb', 'facilitator']]), 'schedule', theCase)).toBe(false);
		expect(can(staff('admin', [[caseA, 'facilitator']]), 'schedule', theCase)).toBe(false);
		expect(can(staff('admin'), 'schedule', theCase)).toBe(false);
		expect(can(participant(), 'schedule', theCase)).toBe(false);
		expect(can(participant({ role: 'PARENT', meetingId: null }), 'schedule', theCase)).toBe(false);
		expect(decide({ kind: 'anonymous' }, 'schedule', theCase)).toEqual({ allow: false, reason: 'not-signed-in' });
	});

	it('never let an administrator manage a case, even one assigned to it', () => {
		expect(can(staff('admin', [[caseA, 'caseworker']]), 'manage', { type: 'case', caseId: caseA })).toBe(false);
		expect(can(staff('caseworker', [['caseb', 'caseworker']]), 'manage', { type: 'case', caseId: caseA })).toBe(false);
	});

	it('let only administrators see and change accounts', () => {
		for (const action of ['view', 'manage'] as const) {
			expect(can(staff('admin'), action, { type: 'user-admin' })).toBe(true);
			for (const role of ASSIGNED) expect(can(onCase(role), action, { type: 'user-admin' })).toBe(false);
			expect(can(participant(), action, { type: 'user-admin' })).toBe(false);
		}
	});

	it('read the agency’s audit trail as a whole if supervisor or administrator; caseworkers and facilitators never', () => {
		expect(can(staff('supervisor'), 'view', { type: 'audit' })).toBe(true);
		expect(can(staff('admin'), 'view', { type: 'audit' })).toBe(true);
		expect(can(onCase('caseworker'), 'view', { type: 'audit' })).toBe(false);
		expect(can(onCase('facilitator'), 'view', { type: 'audit' })).toBe(false);
		expect(can(participant(), 'view', { type: 'audit' })).toBe(false);
		expect(can(participant(), 'view', { type: 'audit', caseId: caseA })).toBe(false);
	});

	it('read a part of a meeting that has ended, and never change it', () => {
		for (const role of ASSIGNED) {
			const ended = meetingDoc({ docKind: 'session', meetingSessionId: 'ana', meetingSessionKind: 'SEPARATE', meetingSessionEnded: true });
			expect(can(onCase(role), 'view', ended)).toBe(true);
			expect(can(onCase(role), 'edit', ended)).toBe(false);
			expect(can(onCase(role), 'edit', { ...ended, meetingSessionEnded: false })).toBe(true);
		}
	});

	it('read the documents of a closed or cancelled meeting, and never change them', () => {
		for (const role of ASSIGNED) {
			for (const doc of [meetingDoc({ meetingClosed: true }), meetingDoc({ docKind: 'session', meetingSessionId: 'ana', meetingSessionKind: 'SEPARATE', meetingClosed: true })]) {
				expect(can(onCase(role), 'view', doc)).toBe(true);
				expect(can(onCase(role), 'edit', doc)).toBe(false);
				expect(can(onCase(role), 'edit', { ...doc, meetingClosed: false })).toBe(true);
			}
		}
	});

	it('never decide who reads a document: sharing is the family’s, for family time only', () => {
		for (const role of ASSIGNED) {
			expect(can(onCase(role), 'manage', meetingDoc())).toBe(false);
			expect(can(onCase(role), 'manage', { type: 'document', caseId: caseA, docKind: 'plan' })).toBe(false);
		}
	});
});

describe('participants', () => {
	it('have a family home on their own case only; staff have none', () => {
		expect(can(participant(), 'view', { type: 'family-home', caseId: caseA })).toBe(true);
		expect(can(participant(), 'view', { type: 'family-home', caseId: 'caseb' })).toBe(false);
		expect(can(onCase('caseworker'), 'view', { type: 'family-home', caseId: caseA })).toBe(false);
	});

	it('see every meeting of the case when invited to the whole case, else only the one they were invited to', () => {
		for (const meetingId of ['m1', 'm2']) expect(can(participant(), 'view', { type: 'meeting', caseId: caseA, meetingId, closed: false }), meetingId).toBe(true);
		expect(can(participant({ meetingId: 'm1' }), 'view', { type: 'meeting', caseId: caseA, meetingId: 'm1', closed: false })).toBe(true);
		expect(can(participant({ meetingId: 'm1' }), 'view', { type: 'meeting', caseId: caseA, meetingId: 'm2', closed: false })).toBe(false);
		expect(can(participant(), 'view', { type: 'meeting', caseId: 'caseb', meetingId: 'm1', closed: false })).toBe(false);
		expect(can(participant(), 'edit', { type: 'meeting', caseId: caseA, meetingId: 'm1', closed: false })).toBe(false);
	});

	it('see the parts of a meeting they take part in, within the meeting they were invited to', () => {
		const part = (meetingSessionId: string, meetingId = 'm1'): Resource => ({ type: 'meeting-session', caseId: caseA, meetingId, meetingSessionId });
		expect(can(participant(), 'view', part('joint'))).toBe(true);
		expect(can(participant(), 'view', part('ana'))).toBe(false);
		// A part of another meeting is closed to someone invited to one meeting, even if they were put in it.
		const oneMeeting = participant({ meetingId: 'm1', meetingSessionIds: new Set(['joint', 'm2-joint']) });
		expect(can(oneMeeting, 'view', part('joint'))).toBe(true);
		expect(can(oneMeeting, 'view', part('m2-joint', 'm2'))).toBe(false);
		expect(can(oneMeeting, 'view', meetingDoc({ meetingId: 'm2', meetingSessionId: 'm2-joint' }))).toBe(false);
		expect(can(participant({ meetingSessionIds: new Set(['joint', 'm2-joint']) }), 'view', part('m2-joint', 'm2'))).toBe(true);
	});

	it('open the document of a part they take part in, and of no other part', () => {
		expect(can(participant(), 'edit', meetingDoc())).toBe(true);
		for (const action of ['view', 'edit'] as const) {
			expect(can(participant(), action, meetingDoc({ docKind: 'session', meetingSessionId: 'ana', meetingSessionKind: 'SEPARATE' })), action).toBe(false);
			// A document that names no part of a meeting (a meeting made before parts existed) is for staff only,
			// and one that names no meeting is nobody's.
			expect(can(participant(), action, meetingDoc({ meetingSessionId: undefined, meetingSessionKind: undefined })), action).toBe(false);
			expect(can(participant(), action, meetingDoc({ meetingId: undefined })), action).toBe(false);
		}
	});

	it('who only observe follow the documents of their part and never change them', () => {
		const observer = participant({ personId: 'jordan', role: 'OBSERVER' });
		expect(can(observer, 'view', meetingDoc())).toBe(true);
		expect(can(observer, 'edit', meetingDoc())).toBe(false);
		expect(can(observer, 'edit', { type: 'document', caseId: caseA, docKind: 'plan' })).toBe(false);
	});

	it('kept apart from someone still write in their own separate part of the meeting (only the shared plan is read-only)', () => {
		const ana = participant({ personId: 'ana', meetingSessionIds: new Set(['ana']), keepApartWith: new Set(['daniel']) });
		const hers = meetingDoc({ docKind: 'session', meetingSessionId: 'ana', meetingSessionKind: 'SEPARATE' });
		expect(can(ana, 'edit', hers)).toBe(true);
		expect(can(ana, 'edit', { type: 'document', caseId: caseA, docKind: 'plan' })).toBe(false);
		expect(can(ana, 'edit', meetingDoc())).toBe(false);
	});
});

describe('what a participant may see of another person', () => {
	const DETAILS: PersonDetail[] = ['contact', 'address', 'availability'];
	const LABEL_OF: Record<PersonDetail, SensitivityLabel> = { contact: 'CONTACT_CONFIDENTIAL', address: 'ADDRESS_CONFIDENTIAL', availability: 'AVAILABILITY_CONFIDENTIAL' };
	type Facts = { labels?: SensitivityLabel[]; consent?: 'person' | 'staff' | null; personRole?: ParticipantRole };
	/** Daniel's details, with everything he could agree to share agreed unless said otherwise. */
	const daniels = (detail: PersonDetail, { labels = [], consent = 'person', personRole = 'PARENT' }: Facts = {}): Resource => ({
		type: 'person-detail',
		caseId: caseA,
		personId: 'daniel',
		detail,
		labels: new Set(labels),
		personRole,
		consents: new Map(consent ? [['contact', consent], ['address', consent]] as const : [])
	});
	const rosa = participant({ participantId: 'p-rosa', personId: 'rosa', role: 'RELATIVE_KIN' });
	const seen = (viewer: Actor, facts?: Facts) => DETAILS.filter((d) => can(viewer, 'view', daniels(d, facts)));

	it('a family member sees what he agreed to share, and when he agreed to nothing only when he is free', () => {
		expect(seen(rosa)).toEqual(['contact', 'address', 'availability']);
		expect(seen(rosa, { consent: null })).toEqual(['availability']);
	});

	it('one of a keep-apart pair sees nothing of the other, though no label is on any detail and he agreed to share them all', () => {
		const ana = participant({ personId: 'ana', keepApartWith: new Set(['daniel']) });
		expect(seen(ana)).toEqual([]);
		expect(seen(ana, { consent: 'staff' })).toEqual([]);
		// The pair is what hides them: the same person, not kept apart, sees them all.
		expect(seen({ ...ana, keepApartWith: new Set() })).toEqual(['contact', 'address', 'availability']);
		// Kept apart from someone else: Daniel's details as for anyone.
		expect(seen({ ...ana, keepApartWith: new Set(['tom']) })).toEqual(['contact', 'address', 'availability']);
	});

	it('each label hides its own detail and no other', () => {
		for (const detail of DETAILS) expect(seen(rosa, { labels: [LABEL_OF[detail]] }), LABEL_OF[detail]).toEqual(DETAILS.filter((d) => d !== detail));
		// Labels about what was said, not where he is, hide none of these.
		expect(seen(rosa, { labels: ['DV_DISCLOSURE', 'CHILD_VOICE', 'YOUTH_PRIVATE'] })).toEqual(DETAILS);
	});

	it('observers and professionals see none of a family member’s details, not even when he is free', () => {
		for (const role of ['OBSERVER', 'SERVICE_PROVIDER', 'INTERPRETER'] as const) expect(seen(participant({ personId: 'x', role }), { consent: 'staff' }), role).toEqual([]);
		for (const role of ['CAREGIVER', 'TRIBE_REP', 'COMMUNITY_REP', 'ATTORNEY_GAL_CASA', 'DV_ADVOCATE', 'FICTIVE_KIN', 'SUPPORT_PERSON', 'CHILD_YOUTH'] as const) {
			expect(seen(participant({ personId: 'x', role })), role).toEqual(DETAILS);
		}
	});

	it('a child’s phone, email and address only when staff recorded the child’s agreement; when the child is free, always', () => {
		expect(seen(rosa, { personRole: 'CHILD_YOUTH', consent: 'person' })).toEqual(['availability']);
		expect(seen(rosa, { personRole: 'CHILD_YOUTH', consent: 'staff' })).toEqual(DETAILS);
		expect(seen(rosa, { personRole: 'PARENT', consent: 'staff' })).toEqual(DETAILS);
	});

	it('a person sees all of their own, labelled or not, agreed or not', () => {
		const daniel = participant();
		expect(seen(daniel, { labels: Object.values(LABEL_OF), consent: null })).toEqual(DETAILS);
	});
});

describe('the family’s survey after a meeting (domain.md §7)', () => {
	const held = { type: 'feedback', caseId: caseA, meetingId: 'm1', held: true } as const;
	const report = { type: 'feedback' } as const;

	it('is answered by each of the family’s own people invited to the meeting, once it was held', () => {
		for (const role of ['PARENT', 'CHILD_YOUTH', 'RELATIVE_KIN', 'FICTIVE_KIN', 'SUPPORT_PERSON'] as const) {
			expect(can(participant({ role }), 'give', held), role).toBe(true);
			expect(can(participant({ role, meetingId: 'm1' }), 'give', held), `${role}, invited to this meeting`).toBe(true);
		}
	});

	it('is not answered before the meeting was held (planned or cancelled), nor for no meeting', () => {
		expect(can(participant(), 'give', { ...held, held: false })).toBe(false);
		expect(can(participant(), 'give', { type: 'feedback', caseId: caseA, meetingId: 'm1' })).toBe(false);
		expect(can(participant(), 'give', { type: 'feedback', caseId: caseA, held: true })).toBe(false);
	});

	it('is not for observers, interpreters and other professionals, nor for another meeting or another case', () => {
		for (const role of ['OBSERVER', 'INTERPRETER', 'SERVICE_PROVIDER', 'CAREGIVER', 'ATTORNEY_GAL_CASA', 'DV_ADVOCATE', 'TRIBE_REP', 'COMMUNITY_REP'] as const) {
			expect(can(participant({ role }), 'give', held), role).toBe(false);
		}
		expect(can(participant({ meetingId: 'm2' }), 'give', held)).toBe(false);
		expect(can(participant({ caseId: 'another-case' }), 'give', held)).toBe(false);
	});

	it('is never answered by staff, nor by someone not signed in', () => {
		for (const actor of [staff('admin'), staff('supervisor'), ...ASSIGNED.map(onCase)]) expect(can(actor, 'give', held)).toBe(false);
		expect(decide({ kind: 'anonymous' }, 'give', held)).toEqual({ allow: false, reason: 'not-signed-in' });
	});

	it('is read, as aggregates, by supervisors agency-wide (assigned to the case or not); never by the facilitator, the caseworker, an administrator or the family', () => {
		expect(can(staff('supervisor'), 'view', report)).toBe(true);
		expect(can(onCase('supervisor'), 'view', report)).toBe(true);
		for (const actor of [onCase('facilitator'), onCase('caseworker'), staff('facilitator'), staff('caseworker'), staff('admin')]) expect(can(actor, 'view', report)).toBe(false);
		expect(can(participant(), 'view', report)).toBe(false);
		expect(can(participant(), 'view', held)).toBe(false);
		expect(decide({ kind: 'anonymous' }, 'view', report)).toEqual({ allow: false, reason: 'not-signed-in' });
	});
});

describe('proposing times for a meeting, answering them, confirming one (issue 22)', () => {
	const open = { type: 'meeting', caseId: caseA, meetingId: 'm1', closed: false } as const;
	const closed = { ...open, closed: true } as const;

	it('the case’s caseworker and facilitator propose times and confirm one; not its supervisor, staff off the case, an administrator or a family member', () => {
		for (const action of ['propose-times', 'confirm-time'] as const) {
			for (const role of ['caseworker', 'facilitator'] as const) {
				expect(can(onCase(role), action, open), `${role} ${action}`).toBe(true);
				expect(can(onCase(role), action, closed), `${role} ${action} on a closed meeting`).toBe(false);
			}
			expect(can(onCase('supervisor'), action, open), `supervisor ${action}`).toBe(false);
			expect(can(staff('caseworker', [['another-case', 'caseworker']]), action, open), `caseworker of another case ${action}`).toBe(false);
			expect(can(staff('admin', [[caseA, 'caseworker']]), action, open), `administrator ${action}`).toBe(false);
			expect(can(participant(), action, open), `parent ${action}`).toBe(false);
			expect(decide({ kind: 'anonymous' }, action, open)).toEqual({ allow: false, reason: 'not-signed-in' });
		}
	});

	it('each of the family’s own people answers for the meeting they were invited to, while it is open; never an observer or another professional', () => {
		for (const role of ['PARENT', 'CHILD_YOUTH', 'RELATIVE_KIN', 'FICTIVE_KIN', 'SUPPORT_PERSON'] as const) {
			expect(can(participant({ role }), 'answer-times', open), role).toBe(true);
			expect(can(participant({ role, meetingId: 'm1' }), 'answer-times', open), `${role} invited to this meeting`).toBe(true);
		}
		expect(can(participant(), 'answer-times', closed)).toBe(false);
		expect(can(participant({ meetingId: 'm2' }), 'answer-times', open)).toBe(false);
		expect(can(participant({ caseId: 'another-case' }), 'answer-times', open)).toBe(false);
		for (const role of ['OBSERVER', 'INTERPRETER', 'SERVICE_PROVIDER', 'CAREGIVER'] as const) expect(can(participant({ role }), 'answer-times', open), role).toBe(false);
		expect(decide({ kind: 'anonymous' }, 'answer-times', open)).toEqual({ allow: false, reason: 'not-signed-in' });
	});

	it('staff on the case enter an answer for someone after a call; not on a closed meeting, not off the case, not an administrator', () => {
		for (const role of ASSIGNED) expect(can(onCase(role), 'answer-times', open), role).toBe(true);
		expect(can(onCase('caseworker'), 'answer-times', closed)).toBe(false);
		expect(can(staff('caseworker'), 'answer-times', open)).toBe(false);
		expect(can(staff('admin', [[caseA, 'caseworker']]), 'answer-times', open)).toBe(false);
	});

	describe('whose answers a reader sees', () => {
		const answerOf = (personId: string, over: Partial<Extract<Resource, { type: 'time-answer' }>> = {}): Extract<Resource, { type: 'time-answer' }> => ({
			type: 'time-answer',
			caseId: caseA,
			meetingId: 'm1',
			personId,
			labels: new Set(),
			shown: 'answer',
			...over
		});
		const confidential = new Set<SensitivityLabel>(['AVAILABILITY_CONFIDENTIAL']);

		it('staff on the case see every answer as given, a confidential one too; not staff off the case or an administrator', () => {
			for (const role of ASSIGNED) expect(can(onCase(role), 'view', answerOf('ana', { labels: confidential })), role).toBe(true);
			expect(can(staff('caseworker'), 'view', answerOf('ana'))).toBe(false);
			expect(can(staff('admin', [[caseA, 'caseworker']]), 'view', answerOf('ana'))).toBe(false);
		});

		it('a family member sees their own, and the other family members’ answers of their meeting', () => {
			expect(can(participant({ personId: 'ana', keepApartWith: new Set(['daniel']) }), 'view', answerOf('ana', { labels: confidential }))).toBe(true);
			expect(can(participant(), 'view', answerOf('rosa'))).toBe(true);
			expect(can(participant({ meetingId: 'm1' }), 'view', answerOf('rosa'))).toBe(true);
		});

		it('a confidential schedule shows others only “available” or not; the person themself sees their own answers', () => {
			expect(can(participant(), 'view', answerOf('ana', { labels: confidential }))).toBe(false);
			expect(can(participant(), 'view', answerOf('ana', { labels: confidential, shown: 'available' }))).toBe(true);
			expect(can(participant({ personId: 'ana' }), 'view', answerOf('ana', { labels: confidential }))).toBe(true);
		});

		it('the other parent of a keep-apart pair sees nothing of the other’s answers, not even available or not', () => {
			const daniel = participant({ keepApartWith: new Set(['ana']) });
			expect(can(daniel, 'view', answerOf('ana', { shown: 'available' }))).toBe(false);
			expect(can(daniel, 'view', answerOf('ana'))).toBe(false);
			expect(can(daniel, 'view', answerOf('rosa'))).toBe(true);
		});

		it('observers and professionals see no one else’s; nobody sees answers of another meeting or case', () => {
			for (const role of ['OBSERVER', 'INTERPRETER', 'SERVICE_PROVIDER'] as const) {
				expect(can(participant({ role }), 'view', answerOf('rosa', { shown: 'available' })), role).toBe(false);
				expect(can(participant({ role, personId: 'rosa' }), 'view', answerOf('rosa')), `${role}: their own`).toBe(true);
			}
			expect(can(participant({ meetingId: 'm2' }), 'view', answerOf('rosa'))).toBe(false);
			expect(can(participant({ meetingId: 'm2', personId: 'rosa' }), 'view', answerOf('rosa'))).toBe(false);
			expect(can(participant({ caseId: 'another-case' }), 'view', answerOf('rosa'))).toBe(false);
			expect(decide({ kind: 'anonymous' }, 'view', answerOf('rosa'))).toEqual({ allow: false, reason: 'not-signed-in' });
		});
	});
});
