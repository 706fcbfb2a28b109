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
