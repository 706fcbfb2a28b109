import { m } from '$lib/paraglide/messages';
import { PARTICIPANT_ROLES, STAFF_ROLES, type SensitivityLabel, type MeetingKind, type MeetingStatus, type MeetingType, type ParticipantRole, type StaffRole, type AssignmentRole } from '$lib/domain/roles';

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

/** A role code of either kind (staff or participant), e.g. for presence lists; '' for anything else. */
export function anyRoleLabel(role: string, o: Opts = {}): string {
	if ((STAFF_ROLES as readonly string[]).includes(role)) return roleLabel(role as StaffRole, o);
	if ((PARTICIPANT_ROLES as readonly string[]).includes(role)) return participantRoleLabel(role as ParticipantRole, o);
	return '';
}

export function sensitivityLabelText(label: SensitivityLabel, o: Opts = {}): string {
	const labels: Record<SensitivityLabel, () => string> = {
		ADDRESS_CONFIDENTIAL: () => m.label_address_confidential({}, o),
		CONTACT_CONFIDENTIAL: () => m.label_contact_confidential({}, o),
		AVAILABILITY_CONFIDENTIAL: () => m.label_availability_confidential({}, o),
		DV_DISCLOSURE: () => m.label_dv_disclosure({}, o),
		CHILD_VOICE: () => m.label_child_voice({}, o),
		YOUTH_PRIVATE: () => m.label_youth_private({}, o)
	};
	return labels[label]();
}

export function inviteStatusLabel(status: 'waiting' | 'accepted' | 'expired' | 'revoked', o: Opts = {}): string {
	switch (status) {
		case 'waiting':
			return m.invite_status_waiting({}, o);
		case 'accepted':
			return m.invite_status_accepted({}, o);
		case 'expired':
			return m.invite_status_expired({}, o);
		case 'revoked':
			return m.invite_status_revoked({}, o);
	}
}
