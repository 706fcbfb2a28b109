// Which messages families read. These are held to plain language (plain-language.test.ts: Flesch-Kincaid
// grade 6 or lower), because parents, relatives and youth read them, often on a phone, often under stress,
// sometimes in their second language.
//
// The rule: a message is family-facing when its key starts with one of FAMILY_FACING_PREFIXES or is listed in
// FAMILY_FACING_KEYS. Everything else is staff-only (case lists, sign-in for staff, staff roles' admin words).
//
// Adding a page families see? Name its keys `family_…` (already covered), or add its prefix or keys below,
// with the page they belong to. Text sent to families (invitations, emails, calendar invites, summaries)
// counts too.

export const FAMILY_FACING_PREFIXES: readonly string[] = [
	'family_', // pages and messages made for families (invitations, family views, emails): issue 3 and on
	'language_', // the language switch, on every page
	'skip_', // the skip link, on every page
	'error_', // error pages, which anyone can meet
	'notes_', // the shared meeting notes: status, label, read-only and failure messages
	'presence_', // who is here now, beside the notes
	'participant_', // the family team's roles: parent, relative, support person, caregiver…
	'meeting_kind_', // family team meeting, family group conference
	'meeting_type_', // why the meeting is held
	'meeting_status_' // planned, held, cancelled
];

export const FAMILY_FACING_KEYS: readonly string[] = [
	'sign_in_family_hint', // the one line on the sign-in page addressed to families
	'meeting_heading', // "{kind}: {type}", the meeting page's title
	'meeting_when', // meeting facts: when, how long, where, status
	'meeting_length',
	'meeting_minutes',
	'meeting_where',
	'meeting_status',
	'case_removal_date', // a date families are told about
	'case_next_meeting',
	'case_no_meeting',
	'role_facilitator', // staff roles shown to families next to names in the meeting
	'role_caseworker',
	'role_supervisor'
];

export function isFamilyFacing(key: string): boolean {
	return FAMILY_FACING_KEYS.includes(key) || FAMILY_FACING_PREFIXES.some((prefix) => key.startsWith(prefix));
}
