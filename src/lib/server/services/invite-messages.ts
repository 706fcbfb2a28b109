import { m } from '../../paraglide/messages.js';
import { formatDateTime, formatShortDateTime } from '../../format.ts';
import type { MeetingKind } from '../../domain/roles.ts';

// The words of what Hearth sends about an invitation, in the reader's language: the invitation itself by
// email or text message, and a new sign-in code. Each sentence is a message; this module only puts them in
// order and fills in dates (Intl, in the meeting's time zone) and addresses.

export type InviteMessageFacts = {
	locale: 'en' | 'es';
	/** The invited person's given name. */
	name: string;
	/** Who made the invitation (a caseworker or a facilitator): the person named as inviting. */
	inviter: string;
	link: string;
	/** The Join page of the configured origin, where the short code is typed. */
	joinUrl: string;
	shortCode: string;
	/** Null for an invitation to the whole case. */
	meeting: { kind: MeetingKind; startsAt: number; timeZone: string; location: string | null } | null;
	/** When the link stops working (ms since the epoch). */
	expiresAt: number;
	/** The zone `expiresAt` is shown in: the meeting's, else the agency's (IANA name). */
	timeZone: string;
};

function toMeeting(f: InviteMessageFacts, kind: MeetingKind): string {
	const o = { locale: f.locale };
	return kind === 'FTDM' ? m.invite_to_meeting_ftdm({ inviter: f.inviter }, o) : m.invite_to_meeting_fgdm({ inviter: f.inviter }, o);
}

/**
 * The invitation email: who invites the person to what, when and where the meeting is, the link, the
 * Join page and short code, and until when the link works. Plain text (no HTML part).
 */
export function inviteEmail(f: InviteMessageFacts): { subject: string; text: string } {
	const o = { locale: f.locale };
	const lines: string[] = [m.invite_message_hello({ name: f.name }, o), ''];
	if (f.meeting) {
		lines.push(toMeeting(f, f.meeting.kind));
		lines.push(m.invite_message_when({ when: formatDateTime(f.meeting.startsAt, f.locale, f.meeting.timeZone) }, o));
		lines.push(f.meeting.location ? m.invite_message_where({ place: f.meeting.location }, o) : m.invite_message_where_unknown({ inviter: f.inviter }, o));
	} else {
		lines.push(m.invite_message_to_case({ inviter: f.inviter }, o));
	}
	lines.push('', m.invite_message_link({ link: f.link }, o), m.invite_message_code({ join: f.joinUrl, code: f.shortCode }, o), '');
	lines.push(m.invite_message_until({ until: formatDateTime(f.expiresAt, f.locale, f.timeZone) }, o), m.invite_message_ignore({}, o));
	return { subject: m.invite_message_subject({ inviter: f.inviter }, o), text: lines.join('\n') };
}

/**
 * The invitation by text message: short (two SMS segments for a usual meeting), with what, when and
 * where, the link, and the Join page's address with the short code.
 */
export function inviteSms(f: InviteMessageFacts): string {
	const o = { locale: f.locale };
	const what = f.meeting
		? f.meeting.location
			? m.invite_sms_meeting({ inviter: f.inviter, meeting: meetingKindWords(f.meeting.kind, f.locale), when: formatShortDateTime(f.meeting.startsAt, f.locale, f.meeting.timeZone), place: f.meeting.location }, o)
			: m.invite_sms_meeting_no_place({ inviter: f.inviter, meeting: meetingKindWords(f.meeting.kind, f.locale), when: formatShortDateTime(f.meeting.startsAt, f.locale, f.meeting.timeZone) }, o)
		: m.invite_sms_case({ inviter: f.inviter }, o);
	return `${what} ${m.invite_sms_join({ link: f.link, code: f.shortCode, join: f.joinUrl }, o)}`;
}

function meetingKindWords(kind: MeetingKind, locale: 'en' | 'es'): string {
	return kind === 'FTDM' ? m.invite_sms_kind_ftdm({}, { locale }) : m.invite_sms_kind_fgdm({}, { locale });
}

/** The message that carries a new sign-in code (the same words by email and by text message). */
export function signInCodeMessage(locale: 'en' | 'es', code: string, minutes: number): { subject: string; text: string } {
	return { subject: m.join_code_message_subject({}, { locale }), text: m.join_code_message_text({ code, minutes }, { locale }) };
}
