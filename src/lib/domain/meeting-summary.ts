import type * as Y from 'yjs';
import { agendaOf } from './agenda.ts';
import { actionItemsOf } from './action-items.ts';
import { boardOf, frameworkOf, type Column, type Framework, type ProtectiveFactor, type Voice } from './board.ts';
import { scaleOf } from './scale.ts';
import { decisionOf, presentedOf, type Presented } from './decision.ts';
import type { TypedText } from './people.ts';
import type { House } from './child-voice.ts';
import type { MeetingKind, MeetingSessionKind, MeetingType, ParticipationMode } from './roles.ts';

// The summary of a closed meeting (the meeting-room issue, "Close"; domain.md §7 fidelity items): built once
// from the meeting's final stored state and what the facilitator recorded at close, stored as facts (codes,
// what people typed, names as they were then), and never changed: a correction is a new version. Each
// reader's page words the facts in their own language (`summaryFor` first leaves out what their access
// excludes). Pure: the server loads the documents and rows, this decides what the summary holds.

/** How the stored facts are laid out: a later layout gets a new number, and old summaries still read. */
export const SUMMARY_FORMAT = 1;

/** The longest correction note (characters). */
export const MAX_CORRECTION_LENGTH = 2000;

/**
 * Someone who was expected at the meeting. `ref`: `u:<userId>` staff, `p:<personId>` a person of the case.
 * `role`: a staff assignment (`facilitator`, `caseworker`, `supervisor`) or a participant role code.
 * `attended` and `mode` (how they took part) as the facilitator recorded them at close. `session`: the part
 * of the meeting they were in (a separate session for one of a keep-apart pair; never shown to a family
 * member), and `sessionId` that separate session's id (absent in summaries stored before it was kept).
 */
export type Attendee = { ref: string; name: string; role: string; staff: boolean; attended: boolean; mode: ParticipationMode | null; session: MeetingSessionKind; sessionId?: string };

/**
 * A card as it was at close. `id`: its own id; `pairs`: on a safety goal, the id of the danger statement it
 * answers (board.ts; both absent in summaries stored before pairing, and null on cards made before ids).
 */
export type SummaryCard = { column: Column; category: string | null; text: string; voice: Voice; ownWords: boolean; factors: ProtectiveFactor[]; author: string | null; id?: string | null; pairs?: string | null };
/** One person's answer on the safety scale (scale.ts): the value 0–10 and who gave it (`u:`/`p:`; null when not for this reader). */
export type SummaryRating = { rating: number; author: string | null };
export type SummaryAction = { text: string; owner: string | null; due: string | null; done: boolean };
/** The decision as recorded: one recommendation (a code) per child, named as they were; the agency's decision-maker by name. */
export type SummaryDecision = {
	recommendations: { childId: string; childName: string; code: string }[];
	consensus: boolean;
	decisionMakerName: string | null;
	reason: string | null;
	dissent: string | null;
	reviewDate: string | null;
};

/**
 * A separate session's own board and action items at close (for one of a keep-apart pair): `forName` whom
 * it was held for; shown to staff and to the people who were in it, never to anyone else.
 */
export type SummaryPart = { sessionId: string; forName: string | null; board: SummaryCard[]; actions: SummaryAction[] };

/** A child's Three Houses as they were at close (child-voice.ts): shown to others only when `shared`. */
export type SummaryChildVoice = { childId: string; childName: string; words: Record<House, string>; names: Partial<Record<House, string>>; shared: boolean };

export type SummaryFacts = {
	format: typeof SUMMARY_FORMAT;
	kind: MeetingKind;
	meetingType: MeetingType;
	emergency: boolean;
	/** When it was planned to start (server ms) and in which IANA time zone every time of it is shown. */
	startsAt: number;
	durationMinutes: number;
	timeZone: string;
	location: TypedText | null;
	closedAt: number;
	closedByName: string | null;
	facilitatorName: string | null;
	attendance: Attendee[];
	board: SummaryCard[];
	/** The board's layout (board.ts FRAMEWORKS; absent in older summaries: the safety map). */
	framework?: Framework;
	actions: SummaryAction[];
	/** Each person's answer on the safety scale (absent in summaries stored before the scale). */
	scale?: SummaryRating[];
	/** Names of card authors and action owners by ref (`u:`/`p:`), as they were at close. */
	names: Record<string, string>;
	decision: SummaryDecision | null;
	/** Each child's own words (Three Houses) at close, with whether the child agreed to show them (absent in older summaries). */
	childVoices?: SummaryChildVoice[];
	/** The separate sessions' own boards and action items (absent in older summaries). */
	parts?: SummaryPart[];
	/** FGDM: what the family presented after private family time, as it was then (absent in summaries written before it was kept). */
	presented?: Presented[];
	/** Fidelity (domain.md §7): stages on the agenda, and how many were reached (0: it was never started). */
	stages: { planned: number; reached: number };
	/** FGDM private family time: offered (the facilitator says so at close) and held (a family time was started). */
	familyTime: { offered: boolean; held: boolean };
	/** How many separate sessions were held for a keep-apart party (staff only). */
	separateSessions: number;
	/** The case's next scheduled meeting after this one, if any. */
	nextMeeting: { startsAt: number; timeZone: string } | null;
};

/** What the facilitator records at close: who came and how (by ref), and whether family time was offered. */
export type CloseInput = { attended: Record<string, ParticipationMode | null>; familyTimeOffered: boolean };


/** What `buildSummary` reads besides the meeting's document: rows, as loaded by the server at close. */
export type SummarySources = {
	meeting: { kind: MeetingKind; meetingType: MeetingType; emergency: boolean; startsAt: number; durationMinutes: number; timeZone: string; location: TypedText | null };
	closedAt: number;
	closedByName: string | null;
	facilitatorName: string | null;
	/** Everyone expected: the case's staff and the people in the meeting's sessions. */
	expected: Omit<Attendee, 'attended' | 'mode'>[];
	/** What the facilitator recorded at close. */
	input: CloseInput;
	/** Names of everyone on the case by ref (staff and people), for card authors, owners and children. */
	names: Record<string, string>;
	familyTimeHeld: boolean;
	separateSessions: number;
	nextMeeting: { startsAt: number; timeZone: string } | null;
	/** Each child's Three Houses for this meeting, as stored (child_voices). */
	childVoices: SummaryChildVoice[];
	/** Each separate session's document (its board and action items are read from it), with whom it was held for. */
	parts: { sessionId: string; forName: string | null; doc: Y.Doc }[];
};

/**
 * The summary's facts from the joint document's final stored state (`meeting:<id>`: board, action items,
 * decision, agenda) and `sources`. Attendance: each expected person, attended when the facilitator ticked
 * them, with the mode recorded (null when they did not come). Names are copied in, so a person renamed or a
 * facilitator who left later does not change or blank the summary.
 */
export function buildSummary(doc: Y.Doc, sources: SummarySources): SummaryFacts {
	const agenda = agendaOf(doc);
	const currentIndex = agenda.currentId === null ? -1 : agenda.stages.findIndex((s) => s.id === agenda.currentId);
	const board = boardOf(doc).map(({ column, category, text, voice, ownWords, factors, author, id, pairs }) => ({ column, category, text, voice, ownWords, factors, author, id, pairs }));
	const scale = scaleOf(doc).map(({ rating, author }) => ({ rating, author }));
	const actions = actionItemsOf(doc).map(({ text, owner, due, done }) => ({ text, owner, due, done }));
	const recorded = decisionOf(doc);
	const named = (ref: string | null) => (ref !== null && Object.hasOwn(sources.names, ref) ? sources.names[ref] : null);
	const names: Record<string, string> = {};
	for (const ref of [...board.map((c) => c.author), ...actions.map((a) => a.owner), ...scale.map((r) => r.author)]) {
		const name = named(ref);
		if (ref !== null && name !== null) names[ref] = name;
	}
	return {
		format: SUMMARY_FORMAT,
		...sources.meeting,
		closedAt: sources.closedAt,
		closedByName: sources.closedByName,
		facilitatorName: sources.facilitatorName,
		attendance: sources.expected.map((e) => {
			const attended = Object.hasOwn(sources.input.attended, e.ref);
			return { ...e, attended, mode: attended ? sources.input.attended[e.ref] : null };
		}),
		board,
		framework: frameworkOf(doc),
		actions,
		scale,
		names,
		decision: recorded && {
			recommendations: Object.entries(recorded.recommendations).map(([childId, code]) => ({ childId, childName: named(`p:${childId}`) ?? '', code })),
			consensus: recorded.consensus,
			decisionMakerName: recorded.decisionMakerId ? named(`u:${recorded.decisionMakerId}`) : null,
			reason: recorded.reason,
			dissent: recorded.dissent,
			reviewDate: recorded.reviewDate
		},
		presented: presentedOf(doc),
		// The agenda has stages once the facilitator started the meeting; how far it went is the current stage.
		stages: { planned: agenda.stages.length, reached: currentIndex + 1 },
		familyTime: { offered: sources.input.familyTimeOffered || sources.familyTimeHeld, held: sources.familyTimeHeld },
		separateSessions: sources.separateSessions,
		nextMeeting: sources.nextMeeting,
		childVoices: sources.childVoices,
		parts: sources.parts.map((part) => ({
			sessionId: part.sessionId,
			forName: part.forName,
			board: boardOf(part.doc).map(({ id, column, category, text, voice, ownWords, factors, author, pairs }) => ({ id, column, category, text, voice, ownWords, factors, author, pairs })),
			actions: actionItemsOf(part.doc).map(({ text, owner, due, done }) => ({ text, owner, due, done }))
		}))
	};
}

/**
 * Who reads the summary, as the page's policy answers found them: staff on the case see it whole. A
 * participant: `keepApartWith` (people never to be shown to them: no line of attendance, no name as an
 * action's owner), `seesTeamRecord` (they may open the joint session's document: else no board and no
 * action items, which were written there), `personId` (a child reads their own Three Houses), `sessionIds`
 * (the parts of the meeting they were in: a separate session's board and action items are theirs).
 */
export type SummaryReader = { staff: true } | { staff: false; personId?: string; keepApartWith: ReadonlySet<string>; seesTeamRecord: boolean; sessionIds?: ReadonlySet<string> };

/** The facts as this reader may read them: `board` and `actions` null when they are not theirs to read. */
export type SummaryView = Omit<SummaryFacts, 'board' | 'actions' | 'separateSessions' | 'presented'> & {
	board: SummaryCard[] | null;
	actions: SummaryAction[] | null;
	presented: Presented[] | null;
	separateSessions: number | null;
};

/**
 * Leaves out of `facts` what `reader` may not see (domain.md §6): for a family member, anyone they must be
 * kept apart from (their attendance line, their name on an action item: the item stays, with no owner
 * named), the part of the meeting each person was in and the separate sessions' count (which would tell
 * that a keep-apart party took part); family members' attendance only of the parts the reader was in
 * (the joint session for a reader of its document, their own separate session; staff and the reader
 * always; nor named on an action item): a relative of one parent never learns that the other parent
 * came to a session held apart, and card authors who are not staff (a card shows whose voice it is), the
 * same for who gave each answer on the safety scale. The board, action items, scale and the family's
 * presented plan only for a reader of the joint session's document. A child's Three Houses only when the
 * child agreed to show them, or to the child.
 */
export function summaryFor(facts: SummaryFacts, reader: SummaryReader): SummaryView {
	if (reader.staff) return { ...facts, presented: facts.presented ?? [] };
	// Family members who were not where this reader was are not named to them, as those kept apart are not.
	const elsewhere = new Set(facts.attendance.filter((a) => !a.staff && !metThere(a, reader)).map((a) => a.ref));
	const hidden = (ref: string | null) => ref !== null && ref.startsWith('p:') && (reader.keepApartWith.has(ref.slice(2)) || elsewhere.has(ref));
	const names = Object.fromEntries(Object.entries(facts.names).filter(([ref]) => ref.startsWith('u:')));
	return {
		...facts,
		// Where each took part, and "in a separate session" as how, would tell that a keep-apart party took part.
		attendance: facts.attendance
			.filter((a) => !hidden(a.ref))
			.map(({ sessionId: _part, ...a }) => ({ ...a, session: 'JOINT' as const, mode: a.mode === 'SEPARATE_SESSION' ? null : a.mode })),
		board: reader.seesTeamRecord ? facts.board.map((c) => ({ ...c, author: c.author?.startsWith('u:') ? c.author : null })) : null,
		actions: reader.seesTeamRecord ? facts.actions.map((a) => ({ ...a, owner: hidden(a.owner) ? null : a.owner })) : null,
		presented: reader.seesTeamRecord ? (facts.presented ?? []) : null,
		// The scale's answers like the board's cards: the values for a reader of the joint document, staff names only.
		scale: reader.seesTeamRecord ? facts.scale?.map((r) => ({ ...r, author: r.author?.startsWith('u:') ? r.author : null })) : undefined,
		names: { ...names, ...Object.fromEntries(Object.entries(facts.names).filter(([ref]) => ref.startsWith('p:') && !hidden(ref))) },
		separateSessions: null,
		// A child's own words: shown to others only when the child agreed (child-voice.ts), and to the child.
		childVoices: facts.childVoices?.filter((v) => v.shared || v.childId === reader.personId),
		// A separate session's own record only for the people who were in it, with no staff-only names.
		parts: facts.parts
			?.filter((part) => reader.sessionIds?.has(part.sessionId))
			.map((part) => ({ ...part, board: part.board.map((c) => ({ ...c, author: c.author?.startsWith('u:') ? c.author : null })), actions: part.actions.map((a) => ({ ...a, owner: hidden(a.owner) ? null : a.owner })) }))
	};
}

/**
 * Whether a family reader was in the part of the meeting where `a` took part: staff and the reader always;
 * the joint session's people for a reader of its document; a separate session's people for the people
 * in that session (by id; a summary stored before ids were kept: none but the reader).
 */
function metThere(a: Attendee, reader: Extract<SummaryReader, { staff: false }>): boolean {
	if (a.staff || (reader.personId !== undefined && a.ref === `p:${reader.personId}`)) return true;
	if (a.session === 'SEPARATE') return a.sessionId !== undefined && (reader.sessionIds?.has(a.sessionId) ?? false);
	return reader.seesTeamRecord;
}

/** Reads stored facts back (JSON from `meeting_summaries.facts`), or null when they are not a summary this code knows. */
export function parseSummaryFacts(json: string): SummaryFacts | null {
	try {
		const v = JSON.parse(json) as SummaryFacts;
		return v && v.format === SUMMARY_FORMAT && Array.isArray(v.attendance) && Array.isArray(v.board) && Array.isArray(v.actions) ? v : null;
	} catch {
		return null;
	}
}
