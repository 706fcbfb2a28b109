import { m } from '$lib/paraglide/messages';
import { getLocale } from '$lib/paraglide/runtime';
import { PARTICIPANT_ROLES, STAFF_ROLES, type SensitivityLabel, type MeetingKind, type MeetingStatus, type MeetingType, type ParticipantRole, type StaffRole, type AssignmentRole } from '$lib/domain/roles';
import { relationshipGender, typedTextFor, type FamilySide, type Relationship, type ShareableDetail, type TypedText } from '$lib/domain/people';

// Codes stored in the database and shared documents → words in the viewer's language (or an explicit
// locale, for text sent to someone else).
type Opts = { locale?: 'en' | 'es' };

function localeOf(o: Opts): 'en' | 'es' {
	return o.locale ?? (getLocale() === 'es' ? 'es' : 'en');
}

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

/**
 * A participant's role in the reader's language. Spanish genders the parent and child roles: when the
 * person's relationship says a father, the role reads "Padre", a mother "Madre", otherwise "Madre o padre".
 */
export function participantRoleLabel(role: ParticipantRole, o: Opts = {}, relationship: Relationship | null = null): string {
	const gender = relationshipGender(relationship);
	const labels: Record<ParticipantRole, () => string> = {
		PARENT: () => (gender === 'female' ? m.participant_parent_female({}, o) : gender === 'male' ? m.participant_parent_male({}, o) : m.participant_parent({}, o)),
		CHILD_YOUTH: () => (gender === 'female' ? m.participant_child_youth_female({}, o) : gender === 'male' ? m.participant_child_youth_male({}, o) : m.participant_child_youth({}, o)),
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
/**
 * A role as a family member reads it beside a name (their page's team, who is here now, the summary): the
 * facilitator as what they do ("runs the meeting"), not the field's word for it; any other role as anyRoleLabel.
 */
export const familyRoleLabel = (role: string): string => (role === 'facilitator' ? m.role_facilitator_family() : anyRoleLabel(role));

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

/** What a person is to the children, in the reader's language: "Maternal grandmother" / "Abuela materna". */
export function relationshipLabel(code: Relationship, side: FamilySide | null = null, o: Opts = {}): string {
	const sided = (plain: () => string, maternal: () => string, paternal: () => string) => (side === 'MATERNAL' ? maternal() : side === 'PATERNAL' ? paternal() : plain());
	const labels: Record<Relationship, () => string> = {
		MOTHER: () => m.relationship_mother({}, o),
		FATHER: () => m.relationship_father({}, o),
		PARENT: () => m.relationship_parent({}, o),
		LEGAL_GUARDIAN: () => m.relationship_legal_guardian({}, o),
		GRANDMOTHER: () => sided(() => m.relationship_grandmother({}, o), () => m.relationship_grandmother_maternal({}, o), () => m.relationship_grandmother_paternal({}, o)),
		GRANDFATHER: () => sided(() => m.relationship_grandfather({}, o), () => m.relationship_grandfather_maternal({}, o), () => m.relationship_grandfather_paternal({}, o)),
		GRANDPARENT: () => sided(() => m.relationship_grandparent({}, o), () => m.relationship_grandparent_maternal({}, o), () => m.relationship_grandparent_paternal({}, o)),
		AUNT: () => sided(() => m.relationship_aunt({}, o), () => m.relationship_aunt_maternal({}, o), () => m.relationship_aunt_paternal({}, o)),
		UNCLE: () => sided(() => m.relationship_uncle({}, o), () => m.relationship_uncle_maternal({}, o), () => m.relationship_uncle_paternal({}, o)),
		COUSIN: () => m.relationship_cousin({}, o),
		SISTER: () => m.relationship_sister({}, o),
		BROTHER: () => m.relationship_brother({}, o),
		SIBLING: () => m.relationship_sibling({}, o),
		DAUGHTER: () => m.relationship_daughter({}, o),
		SON: () => m.relationship_son({}, o),
		CHILD: () => m.relationship_child({}, o),
		GODMOTHER: () => m.relationship_godmother({}, o),
		GODFATHER: () => m.relationship_godfather({}, o),
		FOSTER_CAREGIVER: () => m.relationship_foster_caregiver({}, o),
		FAMILY_FRIEND: () => m.relationship_family_friend({}, o),
		NEIGHBOR: () => m.relationship_neighbor({}, o)
	};
	return labels[code]();
}

/** Text staff typed in English and Spanish, as this reader gets it: their language if written, else the other (with its `lang`). */
export function typedTextIn(text: TypedText | null, o: Opts = {}): { text: string; lang: 'en' | 'es' } | null {
	return typedTextFor(text, localeOf(o));
}

/**
 * How a person is described next to their name, in the reader's language: what they are to the children
 * (or their role when no relationship is on record), the note staff typed, and a child's age.
 * "Hija, 14 años"; "Abuela materna"; "Pariente (madrina de Sofía)"; "Observador(a)".
 */
export function describePerson(
	person: { role: ParticipantRole; relationship: { code: Relationship | null; side: FamilySide | null; note: TypedText | null }; age: number | null },
	o: Opts = {}
): string {
	const { code, side, note } = person.relationship;
	const typed = typedTextIn(note, o)?.text ?? null;
	let text = code ? relationshipLabel(code, side, o) : (typed ?? participantRoleLabel(person.role, o));
	if (code && typed) text = m.relationship_with_note({ relationship: text, note: typed }, o);
	if (person.age === null) return text;
	if (person.age === 0) return m.relationship_with_age_baby({ relationship: text }, o);
	if (person.age === 1) return m.relationship_with_age_one({ relationship: text }, o);
	return m.relationship_with_age({ relationship: text, age: person.age }, o);
}

/** Which of a person's details a consent is about: "Phone and email", "Address". */
export function shareableDetailLabel(detail: ShareableDetail, o: Opts = {}): string {
	return detail === 'contact' ? m.sharing_detail_contact({}, o) : m.sharing_detail_address({}, o);
}
