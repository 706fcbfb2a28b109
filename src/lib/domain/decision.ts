import * as Y from 'yjs';
import type { MeetingKind, MeetingType } from './roles.ts';
import { isCalendarDate } from './action-items.ts';

// The meeting's recorded decision in `meeting:<id>` (domain.md §1 "Decision record", §2 for a family group
// conference): for each child, the recommendation from the trigger's list; whether the team reached
// consensus ("consensus is not unanimity"); without it, the agency's decision-maker and why (the agency
// decides when the team cannot agree); disagreement in the family's own words; and a review date, on
// which the caseworker is reminded (services/decision.ts, a job). Only the server writes it (doc-kinds.ts
// refuses any browser): the facilitator records it through the meeting page's form, with the policy, the
// audit trail and the server's clock. Stored as codes, ids and what people typed.

/** The root map of the decision in the meeting's document. */
export const OUTCOME_FIELD = 'outcome';

/** Recommendations by the meeting's trigger (domain.md §1 `recommendation`), and the agency's response to a family's plan (§2). */
export const RECOMMENDATIONS: Readonly<Record<MeetingType | 'FGDM', readonly string[]>> = {
	CONSIDERED_REMOVAL: ['REMAIN_HOME_NO_SERVICES', 'REMAIN_HOME_WITH_SAFETY_PLAN_SERVICES', 'KIN_DIVERSION', 'KIN_PLACEMENT', 'NONRELATIVE_FOSTER', 'CONGREGATE', 'VOLUNTARY_PLACEMENT'],
	PLACEMENT_CHANGE: ['MOVE_LESS_RESTRICTIVE', 'MAINTAIN_PRESENT', 'MOVE_SAME_LEVEL', 'MOVE_MORE_RESTRICTIVE'],
	EXIT_REUNIFICATION: ['REUNIFY', 'REUNIFY_WITH_CONDITIONS', 'CONTINUE_PLACEMENT', 'OTHER_PERMANENCY'],
	// domain.md names no list of its own for a permanency-planning meeting: the exit outcomes fit its goals.
	PERMANENCY_PLANNING: ['REUNIFY', 'REUNIFY_WITH_CONDITIONS', 'CONTINUE_PLACEMENT', 'OTHER_PERMANENCY'],
	FGDM: ['ACCEPTED', 'ACCEPTED_WITH_CHANGES', 'NOT_ACCEPTED']
};

/** The list of recommendations a meeting chooses from. */
export function recommendationsFor(kind: MeetingKind, type: MeetingType): readonly string[] {
	return kind === 'FGDM' ? RECOMMENDATIONS.FGDM : RECOMMENDATIONS[type];
}

export const MAX_REASON_LENGTH = 1000;
export const MAX_DISSENT_LENGTH = 2000;

/**
 * A decision as recorded. `recommendations`: child (case person id) → code. `decisionMakerId`: the staff
 * member (user id) who decided for the agency when there was no consensus, else null. `reviewDate`: a
 * calendar date (YYYY-MM-DD, the meeting's time zone) or null. `recordedAt`: server ms; `recordedBy`: user id.
 */
export type Decision = {
	recommendations: Record<string, string>;
	consensus: boolean;
	decisionMakerId: string | null;
	reason: string | null;
	dissent: string | null;
	reviewDate: string | null;
	recordedAt: number;
	recordedBy: string;
};

/** Why a decision cannot be recorded as given (each the form words for the facilitator). */
export type DecisionProblem = 'recommendation' | 'decision-maker' | 'reason' | 'too-long' | 'review-date';

/**
 * Checks a decision against the meeting: a known recommendation for each of `childIds` (every child, none
 * other); without consensus, a decision-maker among `staffIds` and a reason; typed text within its limits;
 * a review date that exists and is not before `today` (YYYY-MM-DD). Returns the first problem, or null.
 */
export function decisionProblem(d: Omit<Decision, 'recordedAt' | 'recordedBy'>, facts: { allowed: readonly string[]; childIds: readonly string[]; staffIds: readonly string[]; today: string }): DecisionProblem | null {
	const given = Object.keys(d.recommendations);
	if (given.length !== facts.childIds.length || !facts.childIds.every((id) => facts.allowed.includes(d.recommendations[id]))) return 'recommendation';
	if (!d.consensus) {
		if (!d.decisionMakerId || !facts.staffIds.includes(d.decisionMakerId)) return 'decision-maker';
		if (!d.reason?.trim()) return 'reason';
	}
	if ((d.reason?.length ?? 0) > MAX_REASON_LENGTH || (d.dissent?.length ?? 0) > MAX_DISSENT_LENGTH) return 'too-long';
	if (d.reviewDate !== null && (!isCalendarDate(d.reviewDate) || d.reviewDate < facts.today)) return 'review-date';
	return null;
}

/** Writes `decision` as the meeting's decision (a correction replaces it; the audit trail keeps each). */
export function writeDecision(doc: Y.Doc, decision: Decision): void {
	const map = doc.getMap(OUTCOME_FIELD);
	doc.transact(() => {
		for (const [key, value] of Object.entries(decision)) map.set(key, value);
	});
}

/** Marks the meeting closed at `at` (server ms), in the outcome the server alone writes: open screens turn read only and say why. */
export function writeClosed(doc: Y.Doc, at: number): void {
	doc.getMap(OUTCOME_FIELD).set('closedAt', at);
}

/** When the meeting was closed, as its document says (server ms), or null while it is open. */
export function closedAtOf(doc: Y.Doc): number | null {
	const at = doc.getMap(OUTCOME_FIELD).get('closedAt');
	return typeof at === 'number' ? at : null;
}

/** What a family presented to the team after private family time (domain.md §2): when (server ms), and the words of its notes then. */
export type Presented = { at: number; text: string };

/** Adds a copy of what the family presented to the meeting's record (server only; a later presentation is added after it). */
export function writePresented(doc: Y.Doc, presented: Presented): void {
	const map = doc.getMap(OUTCOME_FIELD);
	map.set('presented', [...presentedOf(doc), presented]);
}

/** What the family presented, in order (none when nothing was, or what is stored does not have the shape). */
export function presentedOf(doc: Y.Doc): Presented[] {
	const v = doc.getMap(OUTCOME_FIELD).get('presented');
	return Array.isArray(v) ? v.filter((p): p is Presented => typeof p === 'object' && p !== null && typeof p.at === 'number' && typeof p.text === 'string') : [];
}

/** The recorded decision, or null when none is (or what is stored does not have the shape). */
export function decisionOf(doc: Y.Doc): Decision | null {
	const v = doc.getMap(OUTCOME_FIELD).toJSON() as Record<string, unknown>;
	const recs = v.recommendations;
	const text = (x: unknown) => (typeof x === 'string' ? x : null);
	if (typeof recs !== 'object' || recs === null || Array.isArray(recs) || typeof v.consensus !== 'boolean' || typeof v.recordedAt !== 'number' || typeof v.recordedBy !== 'string') return null;
	if (!Object.values(recs).every((r) => typeof r === 'string')) return null;
	return {
		recommendations: recs as Record<string, string>,
		consensus: v.consensus,
		decisionMakerId: text(v.decisionMakerId),
		reason: text(v.reason),
		dissent: text(v.dissent),
		reviewDate: isCalendarDate(v.reviewDate) ? v.reviewDate : null,
		recordedAt: v.recordedAt,
		recordedBy: v.recordedBy
	};
}
