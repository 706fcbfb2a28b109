import type { AssignmentRole, MeetingSessionKind, ParticipantRole, SensitivityLabel, StaffRole } from './roles.ts';
import { FAMILY_ROLES, READ_ONLY_PARTICIPANT_ROLES } from './roles.ts';
import type { DocKind } from './doc-id.ts';
import type { ConsentRecorder, ShareableDetail } from './people.ts';

// The one access policy. Every load, action, endpoint and the collab server ask `can()`; nothing else
// decides who sees case data. Pure: the caller loads the facts (who the actor is, which case a resource
// belongs to, which labels a person's details carry) and this function decides.
//
// Shape: ACTIONS lists the actions that exist on each resource type; STAFF_RULES and PARTICIPANT_RULES hold
// one rule per resource type and action (true allows); whatever has no rule is refused. Each rule, each
// refusing condition in it and each entry of these tables is taken out in turn by `npm run
// test:policy-mutations`, and policy.test.ts must fail every time: a rule no test needs is a rule nobody
// has shown to hold.

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
	/**
	 * A meeting. `closed`: it was closed (held, its summary written) or cancelled: its record is final, so
	 * nobody runs it, records its decision or changes its documents any more (`meetings.status` is not
	 * `scheduled`). Required, so that no caller forgets to say it.
	 */
	| { type: 'meeting'; caseId: string; meetingId: string; closed: boolean }
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
			/** The meeting it belongs to was closed or cancelled: its documents are kept as they were. */
			meetingClosed?: boolean;
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
	| { type: 'audit'; caseId?: string }
	/**
	 * The family's anonymous survey after a meeting (domain.md §7). `give`: answering it for meeting
	 * `meetingId` of `caseId`; `held`: the meeting was closed as held (`meetings.status = 'held'`; a meeting
	 * still planned or cancelled has no survey). Whether this person has answered already is the service's
	 * check (meeting_feedback_given), not the policy's. `view`: the answers, as aggregates only, with no
	 * case or meeting named (`{ type: 'feedback' }`): the agency's whole set, grouped per facilitator and
	 * per meeting type (services/meeting-feedback.ts keeps each supervisor to their own agency).
	 */
	| { type: 'feedback'; caseId?: string; meetingId?: string; held?: boolean }
	/**
	 * A child's own words for a meeting (Three Houses, domain.md §3: worries, good things, dreams), labelled
	 * CHILD_VOICE. `shared`: the child agreed to show them to others (and, when the child lives with a parent,
	 * a parent agreed first), as staff recorded. `closed`: the meeting is closed or cancelled.
	 */
	| { type: 'child-voice'; caseId: string; meetingId: string; childId: string; shared: boolean; closed: boolean }
	/**
	 * One person's answers to the times proposed for a meeting (issue 22), as a reader would be shown them:
	 * `shown: 'answer'` the answers themselves (yes, if need be, no, and how they join), `'available'` only
	 * "available" or "not available" for each time. `labels`: the labels on the person whose answers they
	 * are (AVAILABILITY_CONFIDENTIAL: domain.md §6, others see only whether a proposed time works).
	 */
	| { type: 'time-answer'; caseId: string; meetingId: string; personId: string; labels: ReadonlySet<SensitivityLabel>; shown: 'answer' | 'available' };

export type ResourceType = Resource['type'];
/** The resource of one type, e.g. `ResourceOf<'case'>` is `{ type: 'case'; caseId: string }`. */
export type ResourceOf<T extends ResourceType> = Extract<Resource, { type: T }>;

/**
 * The actions that exist on each resource: the one place a verb is added (`sign` on the plan, `decide` on a
 * meeting, `move-stage`, `comment`…). Listing a verb here makes it exist, never allowed: it is refused to
 * everyone until a rule in STAFF_RULES or PARTICIPANT_RULES grants it (and policy.test.ts asks for that rule
 * and its test: a verb nobody may use has no business here). `can(actor, 'sign', { type: 'case', … })` does
 * not compile while `sign` is not listed for `case`, and is refused at run time if it gets through (a
 * widened string, a form field).
 *
 * `schedule` on a case is planning its meetings: creating one, changing when, where and with whom, and
 * cancelling it.
 * `run` on a meeting is running it in the room: the agenda's stages and timer (agenda.ts); `decide` is
 * recording its decision (decision.ts); `close` is ending it for good, with who came, which writes its
 * summary (meeting-summary.ts) and makes its documents read only; `correct` is adding a corrected version
 * of the summary of a closed meeting (the first is kept).
 * `propose-times` on a meeting is sending the family two to five times for it, and changing them;
 * `confirm-time` is choosing one of them, which moves the meeting there; `answer-times` is answering them
 * (a family member for themself; staff for someone after talking with them). `view` on a time-answer is
 * reading one person's answers to them.
 * `give` on feedback is answering the family's survey after a meeting; `view` on it is reading the answers,
 * as aggregates only (supervisors).
 * `open` on the case list is opening a new case (the person opening it is assigned to it).
 * `manage` on a case is closing or reassigning it; on a document, deciding who else may read it (for family
 * time, a family member sharing the family's notes with the team); on invites, safety settings and user
 * accounts, changing them.
 */
export const ACTIONS = {
	'case-list': ['view', 'open'],
	case: ['view', 'edit', 'manage', 'schedule'],
	'family-home': ['view'],
	meeting: ['view', 'edit', 'run', 'decide', 'close', 'correct', 'propose-times', 'confirm-time', 'answer-times'],
	'meeting-session': ['view'],
	document: ['view', 'edit', 'manage'],
	'person-detail': ['view', 'edit'],
	'detail-consent': ['edit'],
	invites: ['manage'],
	'safety-settings': ['manage'],
	'user-admin': ['view', 'manage'],
	audit: ['view'],
	feedback: ['give', 'view'],
	'child-voice': ['view', 'edit'],
	'time-answer': ['view']
} as const satisfies { readonly [T in ResourceType]: readonly string[] };

/** The actions that exist on resources of type `T`. */
export type ActionOn<T extends ResourceType> = (typeof ACTIONS)[T][number];
/** Every action on some resource. */
export type Action = ActionOn<ResourceType>;

export type Decision = { allow: true } | { allow: false; reason: 'not-signed-in' | 'forbidden' };

const ALLOW: Decision = { allow: true };
const NOT_SIGNED_IN: Decision = { allow: false, reason: 'not-signed-in' };
const FORBIDDEN: Decision = { allow: false, reason: 'forbidden' };

/**
 * For each resource type, the rule of each action someone of this kind may ever take on it: true allows.
 * An action with no rule is refused (default-deny by construction, not by a `default:` someone must
 * remember). Every resource type has an entry, so a new one makes the compiler ask what staff and
 * participants may do with it; `{}` answers "nothing".
 */
type Rules<A> = {
	readonly [T in ResourceType]: { readonly [K in ActionOn<T>]?: (actor: A, resource: ResourceOf<T>) => boolean };
};

/** Which label hides which detail from everyone but assigned staff and the person themself. */
export const HIDING_LABEL: Record<PersonDetail, SensitivityLabel> = {
	address: 'ADDRESS_CONFIDENTIAL',
	contact: 'CONTACT_CONFIDENTIAL',
	availability: 'AVAILABILITY_CONFIDENTIAL'
};

/**
 * May `actor` take `action` on `resource`? Someone not signed in is refused as `not-signed-in` (the page
 * sends them to sign in), anyone else as `forbidden`. An action not listed in ACTIONS for the resource's
 * type, or listed but granted by no rule, is refused. Pure: the caller loads every fact the rules read.
 */
export function decide<T extends ResourceType>(actor: Actor, action: ActionOn<T>, resource: Resource & { type: T }): Decision {
	if (actor.kind === 'anonymous') return NOT_SIGNED_IN;
	const allowed = actor.kind === 'staff' ? granted(STAFF_RULES, actor, action, resource) : participantGranted(actor, action, resource);
	return allowed ? ALLOW : FORBIDDEN;
}

/** `decide(…).allow`: the same answer as a boolean, for pages and lists. */
export function can<T extends ResourceType>(actor: Actor, action: ActionOn<T>, resource: Resource & { type: T }): boolean {
	return decide(actor, action, resource).allow;
}

/** The rule of `rules` for this action on this resource, if there is one, applied. */
function granted<A>(rules: Rules<A>, actor: A, action: string, resource: Resource): boolean {
	// Only a listed action has a rule. Checked here, not left to the lookup below, which would find
	// `toString` and the other names every object has.
	if (!(ACTIONS[resource.type] as readonly string[]).includes(action)) return false;
	const rule = (rules[resource.type] as { readonly [action: string]: ((actor: A, resource: Resource) => boolean) | undefined })[action];
	return rule !== undefined && rule(actor, resource);
}

// ---- Staff ----

/** Staff assigned to the case, and not administrators: they manage accounts and never see case data. */
function onCase(actor: StaffActor, caseId: string): boolean {
	return actor.role !== 'admin' && actor.assignments.has(caseId);
}

const caseStaff = (actor: StaffActor, resource: { caseId: string }): boolean => onCase(actor, resource.caseId);
const isFacilitator = (actor: StaffActor, caseId: string): boolean => onCase(actor, caseId) && actor.assignments.get(caseId) === 'facilitator';
/** The case's caseworker or its facilitator: the workers who plan its meetings' times with the family (issue 22). */
const isWorkerOn = (actor: StaffActor, caseId: string): boolean => {
	const assignment = actor.assignments.get(caseId);
	return onCase(actor, caseId) && (assignment === 'caseworker' || assignment === 'facilitator');
};
const isSupervisorOn = (actor: StaffActor, caseId: string): boolean => onCase(actor, caseId) && actor.assignments.get(caseId) === 'supervisor';
const isAdmin = (actor: StaffActor): boolean => actor.role === 'admin';

const STAFF_RULES: Rules<StaffActor> = {
	// Everyone on staff has a home page; what it lists is filtered by `case` below. A case is opened by a
	// caseworker or a supervisor (case-carrying staff, domain.md §1), never a facilitator or an administrator.
	'case-list': { view: () => true, open: (actor) => actor.role === 'caseworker' || actor.role === 'supervisor' },
	case: {
		view: caseStaff,
		edit: caseStaff,
		// Closing or reassigning the case itself is for its caseworker and supervisor, not its facilitator
		// (domain.md §1: the facilitator is not case-carrying).
		manage: (actor, r) => {
			const assignment = actor.assignments.get(r.caseId);
			return onCase(actor, r.caseId) && (assignment === 'caseworker' || assignment === 'supervisor');
		},
		// Planning the case's meetings (create, change, cancel): its facilitator, caseworker and supervisor
		// alike (any staff assigned to the case); never an administrator, staff off the case or a participant.
		schedule: caseStaff
	},
	// A family member's own page.
	'family-home': {},
	meeting: {
		view: caseStaff,
		// Its place and its parts; a closed meeting's record is final.
		edit: (actor, r) => !r.closed && caseStaff(actor, r),
		// The facilitator runs the meeting (domain.md §1: internal, not case-carrying); the caseworker and the
		// supervisor take part in it like everyone else.
		run: (actor, r) => !r.closed && isFacilitator(actor, r.caseId),
		// The facilitator records the decision, the agency's too when the team did not agree (naming who made it).
		decide: (actor, r) => !r.closed && isFacilitator(actor, r.caseId),
		// The facilitator closes it; so may the case's supervisor, when the facilitator has left or is away
		// (a meeting must never go without its summary).
		close: (actor, r) => !r.closed && (isFacilitator(actor, r.caseId) || isSupervisorOn(actor, r.caseId)),
		// The same people correct the summary of a meeting once it is closed (a new version; the first stays).
		correct: (actor, r) => r.closed && (isFacilitator(actor, r.caseId) || isSupervisorOn(actor, r.caseId)),
		// The worker who talks with the family about when to meet, the caseworker or the facilitator, proposes
		// times and confirms one (issue 22). The supervisor oversees; a closed meeting's time is history.
		'propose-times': (actor, r) => !r.closed && isWorkerOn(actor, r.caseId),
		'confirm-time': (actor, r) => !r.closed && isWorkerOn(actor, r.caseId),
		// Staff on the case enter a family member's answer after a phone call (audited as entered by staff).
		'answer-times': (actor, r) => !r.closed && caseStaff(actor, r)
	},
	'meeting-session': { view: caseStaff },
	document: {
		view: (actor, r) => {
			// FGDM private family time (domain.md §2): professionals leave; the family's own notes are closed
			// to every agency role until the family shares them with the team (it presents its plan). From
			// then on the case's staff may read them, never change them (edit below) or decide who else
			// reads them (no `manage`: that is the family's).
			if (r.meetingSessionKind === 'FAMILY_ALONE' && !r.familyShared) return false;
			return onCase(actor, r.caseId);
		},
		edit: (actor, r) => {
			if (r.meetingSessionKind === 'FAMILY_ALONE') return false;
			// A part of a meeting that has ended, or a meeting closed or cancelled, is kept as it was.
			if (r.meetingSessionEnded) return false;
			if (r.meetingClosed) return false;
			return onCase(actor, r.caseId);
		}
	},
	'person-detail': {
		view: caseStaff,
		// A worker enters a family member's availability after talking with them (issue 22); other details
		// are changed on the person's page (`case` edit), never through this.
		edit: (actor, r) => r.detail === 'availability' && caseStaff(actor, r)
	},
	// Staff on the case record a person's answer after asking them (by phone, in person).
	'detail-consent': { edit: caseStaff },
	invites: { manage: caseStaff },
	'safety-settings': { manage: caseStaff },
	// Administrators manage accounts, not cases.
	'user-admin': { view: isAdmin, manage: isAdmin },
	audit: {
		view: (actor, r) => {
			// The agency's security events as a whole: administrators and supervisors. One case's entries:
			// supervisors on that case only (administrators never read case data).
			if (r.caseId === undefined) return actor.role === 'admin' || actor.role === 'supervisor';
			return actor.role === 'supervisor' && actor.assignments.has(r.caseId);
		}
	},
	feedback: {
		// Supervisors read the survey's aggregates, agency-wide (not only for their own cases): a facilitator
		// works across many cases, and fewer answers per group would keep fewer groups anonymous. Never the
		// facilitator or the caseworker (domain.md §7: kept away from the worker of record), never an
		// administrator. Staff never answer it.
		view: (actor) => actor.role === 'supervisor'
	},
	// The staff of the case hear and write down the child's words with the child, and keep them as they were
	// once the meeting is closed.
	'child-voice': { view: caseStaff, edit: (actor, r) => !r.closed && caseStaff(actor, r) },
	// Staff of the case see every answer as given (they weigh who can come).
	'time-answer': { view: caseStaff }
};

// ---- Participants (family members and the people invited with them) ----

/** The case a resource belongs to; none for the case list, accounts and the agency-wide audit trail. */
function caseOf(resource: Resource): string | undefined {
	return 'caseId' in resource ? resource.caseId : undefined;
}

function participantGranted(actor: ParticipantActor, action: string, resource: Resource): boolean {
	// A participant reaches only what belongs to their own case (so nothing that belongs to no case).
	if (caseOf(resource) !== actor.caseId) return false;
	return granted(PARTICIPANT_RULES, actor, action, resource);
}

/** The meeting is the one they were invited to, or they were invited to the whole case. */
function meetingInScope(actor: ParticipantActor, meetingId: string): boolean {
	return actor.meetingId === null || actor.meetingId === meetingId;
}

/**
 * They take part in this part of the meeting, within the meeting they were invited to. A document of no
 * part of a meeting (`meetingSessionId` missing) is in nobody's set of parts.
 */
function inMeetingSession(actor: ParticipantActor, meetingId: string, meetingSessionId: string | undefined): boolean {
	const sessions: ReadonlySet<string | undefined> = actor.meetingSessionIds;
	return meetingInScope(actor, meetingId) && sessions.has(meetingSessionId);
}

/** The shared document is theirs to open: the plan, or the document of a part of a meeting they take part in. */
function opensDocument(actor: ParticipantActor, r: ResourceOf<'document'>): boolean {
	// The case plan is for people invited to the whole case, not to one meeting.
	if (r.docKind === 'plan') return actor.meetingId === null;
	// A meeting's document names its meeting: one that does not is nobody's.
	if (r.meetingId === undefined) return false;
	return inMeetingSession(actor, r.meetingId, r.meetingSessionId);
}

const PARTICIPANT_RULES: Rules<ParticipantActor> = {
	'case-list': {},
	case: {},
	// Their own case's (checked before any rule).
	'family-home': { view: () => true },
	meeting: {
		view: (actor, r) => meetingInScope(actor, r.meetingId),
		// Each family member answers the proposed times for themself (the service holds them to their own
		// person and to the meeting's invited people). Not an observer, interpreter or other professional.
		'answer-times': (actor, r) => !r.closed && FAMILY_ROLES.includes(actor.role) && meetingInScope(actor, r.meetingId)
	},
	'meeting-session': { view: (actor, r) => inMeetingSession(actor, r.meetingId, r.meetingSessionId) },
	document: {
		view: opensDocument,
		edit: (actor, r) => {
			if (READ_ONLY_PARTICIPANT_ROLES.includes(actor.role)) return false;
			// A part of a meeting that has ended, or a meeting closed or cancelled, is kept as it was.
			if (r.meetingSessionEnded) return false;
			if (r.meetingClosed) return false;
			// Domestic violence (domain.md §6): one of a keep-apart pair must never receive what the other
			// writes. Until each of them has a draft of their own (the case plan issue), both only read the
			// shared plan, and the collab server shows neither the other's presence.
			if (r.docKind === 'plan' && actor.keepApartWith.size > 0) return false;
			return opensDocument(actor, r);
		},
		// Sharing family time's notes with the team is the family's own decision: a member of the family
		// (not an observer, an interpreter or another professional placed in it), in that family time. They
		// may share it after it ended, too.
		manage: (actor, r) => r.meetingSessionKind === 'FAMILY_ALONE' && FAMILY_ROLES.includes(actor.role) && opensDocument(actor, r)
	},
	'person-detail': {
		view: (actor, r) => {
			if (r.personId === actor.personId) return true;
			// Domestic violence: never show one of a keep-apart pair anything of the other's details, with
			// or without a label, whatever they agreed to share.
			if (actor.keepApartWith.has(r.personId)) return false;
			if (r.labels.has(HIDING_LABEL[r.detail])) return false;
			// Observers and professionals invited by the agency do not get the family's details.
			if (READ_ONLY_PARTICIPANT_ROLES.includes(actor.role) || actor.role === 'SERVICE_PROVIDER' || actor.role === 'INTERPRETER') return false;
			if (r.detail === 'availability') return true;
			// Phone, email and address reach another family member only when the person agreed (the
			// invitation promises it). A child's agreement counts only when staff recorded it: an adult on
			// the case has then asked the child and weighed who would get the number.
			const consent = r.consents.get(r.detail);
			if (consent === undefined) return false;
			if (r.personRole === 'CHILD_YOUTH' && consent !== 'staff') return false;
			return true;
		},
		// Each person gives their own availability (issue 22), and only their own; nothing else of theirs here.
		edit: (actor, r) => r.detail === 'availability' && r.personId === actor.personId
	},
	'detail-consent': {
		// A person gives or withdraws their own agreement. A child can always withdraw it, but giving it
		// goes through staff (see person-detail above).
		edit: (actor, r) => {
			if (r.personId !== actor.personId) return false;
			if (r.change === 'give' && r.personRole === 'CHILD_YOUTH') return false;
			return true;
		}
	},
	invites: {},
	'safety-settings': {},
	'user-admin': {},
	audit: {},
	feedback: {
		// The family's own people (not observers, interpreters or other professionals) answer the survey of a
		// meeting they were invited to, once it was held (domain.md §7: optional, anonymous). The survey's
		// aggregates are never theirs to read (no `view`).
		give: (actor, r) => {
			if (r.held !== true) return false;
			if (r.meetingId === undefined) return false;
			if (!FAMILY_ROLES.includes(actor.role)) return false;
			return meetingInScope(actor, r.meetingId);
		}
	},
	'child-voice': {
		// The child reads their own words; anyone else of the meeting only once the child agreed to show them
		// (domain.md §3: ask the child's consent before showing it to others). Never written by a participant:
		// staff write the child's words with the child.
		view: (actor, r) => {
			if (!meetingInScope(actor, r.meetingId)) return false;
			if (actor.personId === r.childId) return true;
			return r.shared;
		}
	},
	'time-answer': {
		view: (actor, r) => {
			if (!meetingInScope(actor, r.meetingId)) return false;
			if (r.personId === actor.personId) return true;
			// Domestic violence (domain.md §6): the other parent of a keep-apart pair learns nothing of the
			// other's answers, not even that there are any.
			if (actor.keepApartWith.has(r.personId)) return false;
			// The family's own people see each other's answers, as in any poll of times; not observers or
			// professionals invited with them.
			if (!FAMILY_ROLES.includes(actor.role)) return false;
			// A confidential schedule (AVAILABILITY_CONFIDENTIAL) shows only whether a proposed time works.
			if (r.shown === 'answer' && r.labels.has(HIDING_LABEL.availability)) return false;
			return true;
		}
	}
};
