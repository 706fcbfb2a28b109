import { m } from '$lib/paraglide/messages';
import type { MeetingKind, MeetingStatus, MeetingType, ParticipantRole, StaffRole, AssignmentRole } from '$lib/domain/roles';

// Codes stored in the database and shared documents → words in the viewer's language (or an explicit
// locale, for text sent to someone else).
type Opts = { locale?: 'en' | 'es' };

export function roleLabel(role: StaffRole | AssignmentRole, o: Opts = {}): string {
	switch (role) {
		case 'facilitator':
			return m.role_facilitator({}, o);
		case 'caseworker':
			return m.role_caseworker({}, o);
		case 'supervisor':
			return m.role_supervisor({}, o);
		case 'admin':
			return m.role_admin({}, o);
	}
}

export function participantRoleLabel(role: ParticipantRole, o: Opts = {}): string {
	const labels: Record<ParticipantRole, () => string> = {
		PARENT: () => m.participant_parent({}, o),
		CHILD_YOUTH: () => m.participant_child_youth({}, o),
		RELATIVE_KIN: () => m.participant_relative({}, o),
		FICTIVE_KIN: () => m.participant_fictive_kin({}, o),
		SUPPORT_PERSON: () => m.participant_support_person({}, o),
		CAREGIVER: () => m.participant_caregiver({}, o),
		TRIBE_REP: () => m.participant_tribe_rep({}, o),
		COMMUNITY_REP: () => m.participant_community_rep({}, o),
		SERVICE_PROVIDER: () => m.participant_service_provider({}, o),
		INTERPRETER: () => m.participant_interpreter({}, o),
		ATTORNEY_GAL_CASA: () => m.participant_attorney({}, o),
		DV_ADVOCATE: () => m.participant_dv_advocate({}, o),
		OBSERVER: () => m.participant_observer({}, o)
	};
	return labels[role]();
}

export function meetingKindLabel(kind: MeetingKind, o: Opts = {}): string {
	return kind === 'FTDM' ? m.meeting_kind_ftdm({}, o) : m.meeting_kind_fgdm({}, o);
}

export function meetingTypeLabel(type: MeetingType, o: Opts = {}): string {
	switch (type) {
		case 'CONSIDERED_REMOVAL':
			return m.meeting_type_considered_removal({}, o);
		case 'PLACEMENT_CHANGE':
			return m.meeting_type_placement_change({}, o);
		case 'EXIT_REUNIFICATION':
			return m.meeting_type_exit_reunification({}, o);
		case 'PERMANENCY_PLANNING':
			return m.meeting_type_permanency_planning({}, o);
	}
}

export function meetingStatusLabel(status: MeetingStatus, o: Opts = {}): string {
	switch (status) {
		case 'scheduled':
			return m.meeting_status_scheduled({}, o);
		case 'held':
			return m.meeting_status_held({}, o);
		case 'cancelled':
			return m.meeting_status_cancelled({}, o);
	}
}
