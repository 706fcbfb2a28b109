// Which messages families read. These are held to plain language (plain-language.test.ts: Flesch-Kincaid
// grade 6 or lower), because parents, relatives and youth read them, often on a phone, often under stress,
// sometimes in their second language.
//
// The rule: a message is family-facing when its key starts with one of FAMILY_FACING_PREFIXES or is listed in
// FAMILY_FACING_KEYS, unless it starts with one of STAFF_ONLY_PREFIXES. Everything else is staff-only.
//
// Adding a page families see? Name its keys `family_…` (already covered), or add its prefix or keys below,
// with the page they belong to. Text sent to families (invitations, emails, texts, calendar invites,
// summaries) counts too.

export const FAMILY_FACING_PREFIXES: readonly string[] = [
	'family_', // pages and messages made for families
	'language_', // the language switch, on every page
	'skip_', // the skip link, on every page
	'error_', // error pages, which anyone can meet
	'notes_', // the shared meeting notes: status, label, read-only and failure messages
	'presence_', // who is here now, beside the notes
	'participant_', // the family team's roles: parent, relative, support person, caregiver…
	'relationship_', // what each person is to the children, beside their name on the family's page
	'meeting_kind_', // family team meeting, family group conference
	'meeting_type_', // why the meeting is held
	'meeting_status_', // planned, held, cancelled
	'invite_', // the invitation page, its email and text message, its code (staff's invite form: see below)
	'join_', // joining with a code read over the phone
	'session_', // the parts of a meeting a family member is in (whole team, family time)
	'action_item', // the meeting's action items: who does what by when
	'decision_', // the meeting's recorded decision (the facilitator's form and the caseworker's reminder: below)
	'board_', // the meeting's board: its columns, cards and their words
	'agenda_', // the meeting's agenda, its stages and timer, and how the meeting works (the facilitator's controls: below)
	'sessions_device_', // "Chrome on an Android phone": the devices page, where a family member is signed in
	'meeting_notice_', // the message telling invited people their meeting moved or was cancelled
	'houses_', // a child's own words (Three Houses), which the child reads (staff's form: below)
	'meeting_houses_link',
	'summary_', // a closed meeting's summary, which every participant reads and prints (its staff section: below)
	'feedback_', // the family's survey after a meeting, and its links (the supervisors' aggregates: below)
	'availability_', // when a family member can meet and how they take part (the worker's own lines: below)
	'case_plan_', // the case plan's page, which family members read and write with the team
	'break_' // the quiet "I need a break" on the meeting page (the facilitator's notice too)
];

export const FAMILY_FACING_KEYS: readonly string[] = [
	'sign_in_family_hint', // the one line on the sign-in page addressed to families
	'meeting_heading', // "{kind}: {type}", the meeting page's title
	'meeting_when', // meeting facts: when, how long, where, status
	'meeting_length',
	'meeting_minutes',
	'meeting_where',
	'meeting_status',
	'meeting_no_session_yet',
	'meeting_cancelled_notice', // at the top of a cancelled meeting's page
	'meeting_closed_notice', // at the top of a closed meeting's page
	'meeting_summary_link',
	'meeting_calendar_link', // "add it to my calendar", under the meeting's facts
	'case_removal_date', // a date families are told about
	'case_next_meeting',
	'case_no_meeting',
	'role_facilitator', // staff roles shown to families next to names in the meeting
	'role_facilitator_family', // the facilitator as families read it: "runs the meeting"
	'role_caseworker',
	'role_supervisor',
	'nav_family_home', // a family member's navigation
	'nav_sessions',
	'back_to_family_home',
	'form_problem_generic', // any form, families' included
	'sessions_title', // "Your devices": where a family member is signed in
	'sessions_intro',
	'sessions_this_device',
	'sessions_other_device',
	'sessions_last_used',
	'sessions_end',
	'sessions_ended',
	'sessions_nav_label' // the parts of a meeting, as a family member moves between them
];

/** Staff's side of a family-facing prefix: the invitation form and list that only staff use. */
export const STAFF_ONLY_PREFIXES: readonly string[] = [
	'agenda_run_', // the facilitator's agenda controls
	'feedback_report_', // the survey's aggregates, which supervisors alone read
	'houses_form_', // staff's form to write down a child's words with the child
	'summary_staff_', // the summary's fidelity facts and the link to correct it, shown to staff only
	'decision_form_', // the facilitator's form to record the decision
	'decision_problem_', // and what it says when something is missing
	'decision_review_', // the reminder emailed to the caseworker on the review date
	'invite_form_',
	'invite_channel_',
	'invite_created_',
	'invite_status_',
	'invite_scope_',
	'invite_revoke',
	'invite_sent_',
	'invite_send_failed',
	'invite_until',
	'invite_problem_no_destination'
];

export function isFamilyFacing(key: string): boolean {
	if (STAFF_ONLY_PREFIXES.some((prefix) => key.startsWith(prefix))) return false;
	return FAMILY_FACING_KEYS.includes(key) || FAMILY_FACING_PREFIXES.some((prefix) => key.startsWith(prefix));
}
