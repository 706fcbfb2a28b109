import type { AssignmentRole, MeetingSessionKind, ParticipantRole, SensitivityLabel, StaffRole } from './roles.ts';
import { FAMILY_ROLES, READ_ONLY_PARTICIPANT_ROLES } from './roles.ts';
import type { DocKind } from './doc-id.ts';
import type { ConsentRecorder, ShareableDetail } from './people.ts';

// The one access policy. Every load, action, endpoint and the collab server ask `can()`; nothing else
// decides who sees case data. Pure: the caller loads the facts (who the actor is, which case a resource
// belongs to, which labels a person's details carry) and this function decides.

export type StaffActor = {
	kind: 'staff';
	userId: string;
	role: StaffRole;
	/** The cases this person is assigned to, with how. Staff see only these. */
	assignments: ReadonlyMap<string, AssignmentRole>;
};

/** Someone who accepted an invite: a parent, relative, youth, support person, observer… */
export type ParticipantActor = {
	kind: 'participant';
	participantId: string;
	personId: string;
	caseId: string;
	role: ParticipantRole;
	/** The one meeting they were invited to, or null for the whole case (its meetings and the plan). */
	meetingId: string | null;
	/** The meeting sessions they take part in (joint, or a separate one). */
	meetingSessionIds: ReadonlySet<string>;
	/** People who must never be in a session with them, and whose details they never see. */
	keepApartWith: ReadonlySet<string>;
};

export type Actor = { kind: 'anonymous' } | StaffActor | ParticipantActor;

export type PersonDetail = 'contact' | 'address' | 'availability';

export type Resource =
	| { type: 'case-list' }
	| { type: 'case'; caseId: string }
	/** What a participant sees of their own case: the family home page. */
	| { type: 'family-home'; caseId: string }
	| { type: 'meeting'; caseId: string; meetingId: string }
	/** One part of a meeting (joint, separate for a party, family alone). */
	| { type: 'meeting-session'; caseId: string; meetingId: string; meetingSessionId: string; meetingSessionKind?: MeetingSessionKind }
	/**
	 * A shared document. For `meeting` and `session` documents, the meeting and the meeting session whose
	 * document it is (the joint session's document is `meeting:<id>`), and two recorded facts of that
	 * session: it has ended (`meetingSessionEnded`: read only), and, for family time, the family shared its
	 * notes with the team (`familyShared`: `meeting_sessions.shared_at` is set).
	 */
	| {
			type: 'document';
			caseId: string;
			docKind: DocKind;
			meetingId?: string;
			meetingSessionId?: string;
			meetingSessionKind?: MeetingSessionKind;
			meetingSessionEnded?: boolean;
			familyShared?: boolean;
	  }
	/**
	 * One person's details, with the labels staff put on them, the person's role on the case, and the
	 * consents on record: which of their details they agreed to share with their family team, and who
	 * recorded that agreement.
	 */
	| {
			type: 'person-detail';
			caseId: string;
			personId: string;
			detail: PersonDetail;
			labels: ReadonlySet<SensitivityLabel>;
			personRole: ParticipantRole;
			consents: ReadonlyMap<ShareableDetail, ConsentRecorder>;
	  }
	/**
	 * A person's agreement to share one of their details with their family team: giving it or withdrawing
	 * it (action `edit`). `personRole` is the role of the person whose details these are.
	 */
	| { type: 'detail-consent'; caseId: string; personId: string; personRole: ParticipantRole; change: 'give' | 'withdraw' }
	/** Inviting people to the case, and revoking invites. */
	| { type: 'invites'; caseId: string }
	/** Sensitivity labels, keep-apart pairs and meeting sessions of a case. */
	| { type: 'safety-settings'; caseId: string }
	| { type: 'user-admin' }
	| { type: 'audit'; caseId?: string };

/**
 * `manage` on a document is deciding who else may read it: for family time, a family member sharing the
 * family's notes with the team.
 */
export type Action = 'view' | 'edit' | 'manage';

export type Decision = { allow: true } | { allow: false; reason: 'not-signed-in' | 'forbidden' };

const ALLOW: Decision = { allow: true };
const NOT_SIGNED_IN: Decision = { allow: false, reason: 'not-signed-in' };
const FORBIDDEN: Decision = { allow: false, reason: 'forbidden' };

/** Which label hides which detail from everyone but assigned staff and the person themself. */
export const HIDING_LABEL: Record<PersonDetail, SensitivityLabel> = {
	address: 'ADDRESS_CONFIDENTIAL',
	contact: 'CONTACT_CONFIDENTIAL',
	availability: 'AVAILABILITY_CONFIDENTIAL'
};

export function decide(actor: Actor, action: Action, resource: Resource): Decision {
	if (actor.kind === 'anonymous') return NOT_SIGNED_IN;
	return actor.kind === 'staff' ? decideStaff(actor, action, resource) : decideParticipant(actor, action, resource);
}

function decideStaff(actor: StaffActor, action: Action, resource: Resource): Decision {
	switch (resource.type) {
		case 'case-list':
			// Everyone on staff has a home page; what it lists is filtered by `case` below.
			return action === 'view' ? ALLOW : FORBIDDEN;
		case 'user-admin':
			// Admins manage accounts, not cases.
			return actor.role === 'admin' ? ALLOW : FORBIDDEN;
		case 'audit':
			if (actor.role === 'admin') return action === 'view' && !resource.caseId ? ALLOW : FORBIDDEN;
			if (actor.role !== 'supervisor' || action !== 'view') return FORBIDDEN;
			return !resource.caseId || actor.assignments.has(resource.caseId) ? ALLOW : FORBIDDEN;
		case 'family-home':
			return FORBIDDEN;
		case 'document':
			// FGDM private family time (domain.md §2): professionals leave; the family's own notes are closed
			// to every agency role until the family shares them with the team (it presents its plan). From
			// then on the case's staff may read them, never change them or decide who else reads them.
			if (resource.meetingSessionKind === 'FAMILY_ALONE' && (!resource.familyShared || action !== 'view')) return FORBIDDEN;
			// A part of a meeting that has ended is kept as it was.
			if (resource.meetingSessionEnded && action === 'edit') return FORBIDDEN;
			return decideCaseStaff(actor, action, resource);
		case 'case':
		case 'meeting':
		case 'meeting-session':
		case 'person-detail':
		case 'invites':
		case 'safety-settings':
			return decideCaseStaff(actor, action, resource);
		case 'detail-consent':
			// Staff on the case record a person's answer after asking them (by phone, in person).
			return action === 'edit' ? decideCaseStaff(actor, action, resource) : FORBIDDEN;
	}
}

/** Staff and one case: assigned staff work on it; administrators never see case data. */
function decideCaseStaff(actor: StaffActor, action: Action, resource: Extract<Resource, { caseId: string }>): Decision {
	if (actor.role === 'admin') return FORBIDDEN;
	const assignment = actor.assignments.get(resource.caseId);
	if (!assignment) return FORBIDDEN;
	if (action === 'view' || action === 'edit') return ALLOW;
	// Managing a case (assigning staff, labels, keep-apart pairs, invites) is for all of its staff
	// except that closing or reassigning the case itself is the caseworker's and supervisor's.
	if (resource.type === 'case') return assignment === 'caseworker' || assignment === 'supervisor' ? ALLOW : FORBIDDEN;
	return ALLOW;
}

function decideParticipant(actor: ParticipantActor, action: Action, resource: Resource): Decision {
	// A participant never reaches beyond their own case.
	if ('caseId' in resource && resource.caseId !== actor.caseId) return FORBIDDEN;
	const readOnly = READ_ONLY_PARTICIPANT_ROLES.includes(actor.role);
	const meetingInScope = (meetingId: string) => actor.meetingId === null || actor.meetingId === meetingId;

	switch (resource.type) {
		case 'family-home':
			return action === 'view' ? ALLOW : FORBIDDEN;
		case 'meeting':
			return action === 'view' && meetingInScope(resource.meetingId) ? ALLOW : FORBIDDEN;
		case 'meeting-session':
			return action === 'view' && meetingInScope(resource.meetingId) && actor.meetingSessionIds.has(resource.meetingSessionId) ? ALLOW : FORBIDDEN;
		case 'document': {
			if (action === 'edit' && (readOnly || resource.meetingSessionEnded)) return FORBIDDEN;
			// Sharing family time's notes with the team is the family's own decision: a member of the family
			// (not an observer, an interpreter or another professional placed in it), still in that session.
			if (action === 'manage' && (resource.meetingSessionKind !== 'FAMILY_ALONE' || readOnly || !FAMILY_ROLES.includes(actor.role))) return FORBIDDEN;
			if (resource.docKind === 'plan') {
				if (actor.meetingId !== null) return FORBIDDEN;
				// Domestic violence (domain.md §6): one of a keep-apart pair must never receive what the other
				// writes. Until each of them has a draft of their own (the case plan issue), both only read the
				// shared plan, and the collab server shows neither the other's presence.
				if (action === 'edit' && actor.keepApartWith.size > 0) return FORBIDDEN;
				return ALLOW;
			}
			// Meeting documents belong to one meeting session: only its members open them.
			if (!resource.meetingId || !resource.meetingSessionId) return FORBIDDEN;
			return meetingInScope(resource.meetingId) && actor.meetingSessionIds.has(resource.meetingSessionId) ? ALLOW : FORBIDDEN;
		}
		case 'person-detail': {
			if (action !== 'view') return resource.personId === actor.personId && action === 'edit' ? ALLOW : FORBIDDEN;
			if (resource.personId === actor.personId) return ALLOW;
			// Domestic violence: never show one of a keep-apart pair anything of the other's details.
			if (actor.keepApartWith.has(resource.personId)) return FORBIDDEN;
			if (resource.labels.has(HIDING_LABEL[resource.detail])) return FORBIDDEN;
			// Observers and professionals invited by the agency do not get the family's contact details.
			if (readOnly || actor.role === 'SERVICE_PROVIDER' || actor.role === 'INTERPRETER') return FORBIDDEN;
			if (resource.detail === 'availability') return ALLOW;
			// Phone, email and address reach another family member only when the person agreed (the
			// invitation promises it). A child's agreement counts only when staff recorded it: an adult on
			// the case has then asked the child and weighed who would get the number.
			const consent = resource.consents.get(resource.detail);
			if (!consent) return FORBIDDEN;
			if (resource.personRole === 'CHILD_YOUTH' && consent !== 'staff') return FORBIDDEN;
			return ALLOW;
		}
		case 'detail-consent':
			// A person gives or withdraws their own agreement. A child can always withdraw it, but giving it
			// goes through staff (see person-detail above).
			if (action !== 'edit' || resource.personId !== actor.personId) return FORBIDDEN;
			if (resource.change === 'give' && resource.personRole === 'CHILD_YOUTH') return FORBIDDEN;
			return ALLOW;
		default:
			return FORBIDDEN;
	}
}

export function can(actor: Actor, action: Action, resource: Resource): boolean {
	return decide(actor, action, resource).allow;
}
