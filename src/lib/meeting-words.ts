import { m } from '$lib/paraglide/messages';
import type { Column, ProtectiveFactor, Voice } from '$lib/domain/board';
import type { ParticipationMode } from '$lib/domain/roles';

// The words of the meeting room's codes (board columns and card types, voices, protective factors, the
// decision's recommendations, how someone takes part), in the reader's language: one place for the board,
// the decision, the plan form, the close form and the summary. Not in labels.ts, which every page loads:
// these load with the parts of the meeting that use them.

/** A board column's question. */
export const columnName = (c: Column): string =>
	({
		WORRIES: m.board_column_WORRIES,
		WORKING_WELL: m.board_column_WORKING_WELL,
		NEEDS_TO_HAPPEN: m.board_column_NEEDS_TO_HAPPEN,
		STRENGTHS: m.board_column_STRENGTHS,
		CONCERNS: m.board_column_CONCERNS,
		IDEAS: m.board_column_IDEAS,
		NEEDS: m.board_column_NEEDS,
		PLAN_OF_ACTION: m.board_column_PLAN_OF_ACTION
	})[c]();


const CATEGORY: Record<string, () => string> = {
	HARM: m.board_category_HARM,
	DANGER_STATEMENT: m.board_category_DANGER_STATEMENT,
	COMPLICATING_FACTORS: m.board_category_COMPLICATING_FACTORS,
	EXISTING_STRENGTHS: m.board_category_EXISTING_STRENGTHS,
	EXISTING_SAFETY: m.board_category_EXISTING_SAFETY,
	SAFETY_GOALS: m.board_category_SAFETY_GOALS,
	NEXT_STEPS: m.board_category_NEXT_STEPS
};
/** A card type's name (an unknown code reads as itself). */
export const categoryName = (c: string): string => CATEGORY[c]?.() ?? c;

/** Whose voice a card is. */
export const voiceName = (v: Voice): string => ({ FAMILY: m.board_voice_FAMILY, CHILD: m.board_voice_CHILD, KIN: m.board_voice_KIN, PROFESSIONAL: m.board_voice_PROFESSIONAL })[v]();

/** A protective factor (Strengthening Families), in plain words. */
export const factorName = (f: ProtectiveFactor): string =>
	({
		PARENTAL_RESILIENCE: m.board_factor_PARENTAL_RESILIENCE,
		SOCIAL_CONNECTIONS: m.board_factor_SOCIAL_CONNECTIONS,
		KNOWLEDGE_OF_PARENTING_AND_CHILD_DEVELOPMENT: m.board_factor_KNOWLEDGE_OF_PARENTING_AND_CHILD_DEVELOPMENT,
		CONCRETE_SUPPORT_IN_TIMES_OF_NEED: m.board_factor_CONCRETE_SUPPORT_IN_TIMES_OF_NEED,
		SOCIAL_AND_EMOTIONAL_COMPETENCE_OF_CHILDREN: m.board_factor_SOCIAL_AND_EMOTIONAL_COMPETENCE_OF_CHILDREN
	})[f]();

const RECOMMENDATION: Record<string, () => string> = {
	REMAIN_HOME_NO_SERVICES: m.decision_rec_REMAIN_HOME_NO_SERVICES,
	REMAIN_HOME_WITH_SAFETY_PLAN_SERVICES: m.decision_rec_REMAIN_HOME_WITH_SAFETY_PLAN_SERVICES,
	KIN_DIVERSION: m.decision_rec_KIN_DIVERSION,
	KIN_PLACEMENT: m.decision_rec_KIN_PLACEMENT,
	NONRELATIVE_FOSTER: m.decision_rec_NONRELATIVE_FOSTER,
	CONGREGATE: m.decision_rec_CONGREGATE,
	VOLUNTARY_PLACEMENT: m.decision_rec_VOLUNTARY_PLACEMENT,
	MOVE_LESS_RESTRICTIVE: m.decision_rec_MOVE_LESS_RESTRICTIVE,
	MAINTAIN_PRESENT: m.decision_rec_MAINTAIN_PRESENT,
	MOVE_SAME_LEVEL: m.decision_rec_MOVE_SAME_LEVEL,
	MOVE_MORE_RESTRICTIVE: m.decision_rec_MOVE_MORE_RESTRICTIVE,
	REUNIFY: m.decision_rec_REUNIFY,
	REUNIFY_WITH_CONDITIONS: m.decision_rec_REUNIFY_WITH_CONDITIONS,
	CONTINUE_PLACEMENT: m.decision_rec_CONTINUE_PLACEMENT,
	OTHER_PERMANENCY: m.decision_rec_OTHER_PERMANENCY,
	ACCEPTED: m.decision_rec_ACCEPTED,
	ACCEPTED_WITH_CHANGES: m.decision_rec_ACCEPTED_WITH_CHANGES,
	NOT_ACCEPTED: m.decision_rec_NOT_ACCEPTED
};
/** A decision's recommendation for a child (decision.ts RECOMMENDATIONS), in plain words. */
export const recommendationName = (code: string): string => RECOMMENDATION[code]?.() ?? code;

/** How someone takes part in a meeting. */
export const modeName = (mode: ParticipationMode): string =>
	({
		IN_PERSON: m.plan_meeting_mode_in_person,
		VIDEO: m.plan_meeting_mode_video,
		PHONE: m.plan_meeting_mode_phone,
		WRITTEN_INPUT: m.plan_meeting_mode_written,
		SEPARATE_SESSION: m.plan_meeting_mode_separate
	})[mode]();
