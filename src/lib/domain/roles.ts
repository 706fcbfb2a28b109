// Roles from the practice model (shared/domain.md §1). Stored as codes, never as English text:
// every label a person reads comes from the messages (messages/en.json, messages/es.json).

export const STAFF_ROLES = ['facilitator', 'caseworker', 'supervisor', 'admin'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

/** participant.role (domain.md §1). One record per parent: never a merged "parents" record. */
export const PARTICIPANT_ROLES = [
	'PARENT',
	'CHILD_YOUTH',
	'RELATIVE_KIN',
	'FICTIVE_KIN',
	'SUPPORT_PERSON',
	'CAREGIVER',
	'TRIBE_REP',
	'COMMUNITY_REP',
	'SERVICE_PROVIDER',
	'INTERPRETER',
	'ATTORNEY_GAL_CASA',
	'DV_ADVOCATE',
	'OBSERVER'
] as const;
export type ParticipantRole = (typeof PARTICIPANT_ROLES)[number];

/** The family's own people: those who stay for private family time when professionals leave (domain.md §2). */
export const FAMILY_ROLES: readonly ParticipantRole[] = ['PARENT', 'CHILD_YOUTH', 'RELATIVE_KIN', 'FICTIVE_KIN', 'SUPPORT_PERSON'];

/**
 * Who staff may place in private family time: the family's own people, and an interpreter the family needs
 * to talk among themselves (who reads its notes, and never shares them: policy.ts). No other professional,
 * observer or caregiver: they would read what the family has not shared (domain.md §2).
 */
export const FAMILY_TIME_ROLES: readonly ParticipantRole[] = [...FAMILY_ROLES, 'INTERPRETER'];

/** How a staff member is attached to one case. */
export const ASSIGNMENT_ROLES = ['caseworker', 'facilitator', 'supervisor'] as const;
export type AssignmentRole = (typeof ASSIGNMENT_ROLES)[number];

export const MEETING_KINDS = ['FTDM', 'FGDM'] as const;
export type MeetingKind = (typeof MEETING_KINDS)[number];

/** tdm.meeting_type (domain.md §1). */
export const MEETING_TYPES = [
	'CONSIDERED_REMOVAL',
	'PLACEMENT_CHANGE',
	'EXIT_REUNIFICATION',
	'PERMANENCY_PLANNING'
] as const;
export type MeetingType = (typeof MEETING_TYPES)[number];

export const MEETING_STATUSES = ['scheduled', 'held', 'cancelled'] as const;
export type MeetingStatus = (typeof MEETING_STATUSES)[number];

/**
 * Sensitivity labels on a person's details, set by staff (domain.md §6). A labelled detail reaches only
 * the staff assigned to the case and the person themself: never another participant, a shared
 * document, a notification or a calendar invitation.
 */
export const SENSITIVITY_LABELS = [
	'ADDRESS_CONFIDENTIAL',
	'CONTACT_CONFIDENTIAL',
	'AVAILABILITY_CONFIDENTIAL',
	'DV_DISCLOSURE',
	'CHILD_VOICE',
	'YOUTH_PRIVATE'
] as const;
export type SensitivityLabel = (typeof SENSITIVITY_LABELS)[number];

/** Separate parts of one meeting (domain.md §6: MeetingSession sub-sessions). */
export const MEETING_SESSION_KINDS = ['JOINT', 'SEPARATE', 'FAMILY_ALONE'] as const;
export type MeetingSessionKind = (typeof MEETING_SESSION_KINDS)[number];

export const INVITE_CHANNELS = ['email', 'sms', 'in_person'] as const;
export type InviteChannel = (typeof INVITE_CHANNELS)[number];

/** Participants who may follow live documents but never change them. */
export const READ_ONLY_PARTICIPANT_ROLES: readonly ParticipantRole[] = ['OBSERVER'];

/** How a participant joins a meeting (domain.md §1 participation_mode). */
export const PARTICIPATION_MODES = ['IN_PERSON', 'VIDEO', 'PHONE', 'WRITTEN_INPUT', 'SEPARATE_SESSION'] as const;
export type ParticipationMode = (typeof PARTICIPATION_MODES)[number];
