import { z } from 'zod';
import { JOIN_MODES, type JoinMode } from './availability.ts';
import { isTimeZone } from './meeting-plan.ts';
import { isCalendarDay, zonedWallTimeToInstant } from './time.ts';

// Proposing times for a meeting and the family's answers (issue 22, "propose and choose"). Pure: what the
// worker's and the family's forms take, how a changed set of times keeps every answer (answers name an
// option by id, and an option is never changed, only withdrawn), who said what of each time, and which
// "no"s a confirmation must override. The service (services/time-proposals.ts) adds the database and the
// policy; who may see whose answer is the policy's (`time-answer` in policy.ts).

/** A person's answer to one proposed time. */
export const TIME_ANSWERS = ['YES', 'IF_NEED_BE', 'NO'] as const;
export type TimeAnswer = (typeof TIME_ANSWERS)[number];

/** How they will join at that time: the same choices as in their availability (availability.ts JOIN_MODES). */
export const ANSWER_JOIN_MODES = JOIN_MODES;
export type AnswerJoinMode = JoinMode;

/** A proposal holds two to five times (issue 22: "the worker picks two to five times"). */
export const OPTIONS_MIN = 2;
export const OPTIONS_MAX = 5;
/** The longest override reason kept, in characters. */
export const REASON_MAX = 500;

/** One time as proposed: its start (ms since the epoch, UTC) and its length in minutes. */
export type ProposedOption = { startsAt: number; durationMinutes: number };

/** The worker's proposal form as typed: the ranked times ticked (their start, ms as text) and one typed time. */
export type ProposalValues = { picked: string[]; date: string; time: string; timeZone: string; durationMinutes: string };
export type ProposalField = 'picked' | 'date' | 'time' | 'durationMinutes' | 'timeZone';

const instant = z.string().regex(/^\d{1,15}$/).transform(Number);
const duration = z.coerce.number().int().min(15).max(480);

/**
 * The proposal's times, or what is wrong with the form. Takes the form's values (`picked`: starts of ranked
 * times, ms since the epoch as text; `date` YYYY-MM-DD and `time` HH:MM in `timeZone`, both empty when no
 * time was typed; `durationMinutes`) and `now` (ms, UTC). Refuses a time already past, a typed time with a
 * day but no hour (or the other way round), and fewer than two or more than five different times. A typed
 * time in the spring gap moves forward by the gap (time.ts). Returns the times in order, each once.
 */
export function parseProposal(values: ProposalValues, now: number): { ok: true; options: ProposedOption[] } | { ok: false; fields: ProposalField[] } {
	const fields: ProposalField[] = [];
	const minutes = duration.safeParse(values.durationMinutes);
	if (!minutes.success) fields.push('durationMinutes');
	const starts: number[] = [];
	for (const p of values.picked) {
		const parsed = instant.safeParse(p);
		if (!parsed.success || parsed.data <= now) {
			if (!fields.includes('picked')) fields.push('picked');
		} else starts.push(parsed.data);
	}
	const typed = values.date !== '' || values.time !== '';
	if (typed) {
		const dayOk = isCalendarDay(values.date);
		const timeOk = /^([01]\d|2[0-3]):[0-5]\d$/.test(values.time);
		const zoneOk = isTimeZone(values.timeZone);
		if (!zoneOk) fields.push('timeZone');
		if (!dayOk) fields.push('date');
		if (!timeOk) fields.push('time');
		if (dayOk && timeOk && zoneOk) {
			const [year, month, day] = values.date.split('-').map(Number);
			const [hour, minute] = values.time.split(':').map(Number);
			const at = zonedWallTimeToInstant({ year, month, day, hour, minute }, values.timeZone);
			if (at <= now) fields.push('date');
			else starts.push(at);
		}
	}
	const distinct = [...new Set(starts)].sort((a, b) => a - b);
	if (fields.length === 0 && (distinct.length < OPTIONS_MIN || distinct.length > OPTIONS_MAX)) fields.push('picked');
	if (fields.length > 0 || !minutes.success) return { ok: false, fields };
	return { ok: true, options: distinct.map((startsAt) => ({ startsAt, durationMinutes: minutes.data })) };
}

/** An option as stored: its id, time and whether it was taken out of the proposal. */
export type StoredOption = ProposedOption & { id: string; withdrawn: boolean };

/**
 * How to go from the stored options to the `wanted` times without losing or moving an answer: an option
 * at a wanted time (same start and length) is kept (`revive` when it had been withdrawn); every other one
 * still open is withdrawn (its answers stay with it); a wanted time no option has is added. Nothing is
 * ever changed in place or deleted.
 */
export function reconcileOptions(stored: readonly StoredOption[], wanted: readonly ProposedOption[]): { add: ProposedOption[]; withdraw: string[]; revive: string[] } {
	const same = (a: ProposedOption, b: ProposedOption) => a.startsAt === b.startsAt && a.durationMinutes === b.durationMinutes;
	const add = wanted.filter((w) => !stored.some((s) => same(s, w)));
	const withdraw = stored.filter((s) => !s.withdrawn && !wanted.some((w) => same(s, w))).map((s) => s.id);
	const revive = stored.filter((s) => s.withdrawn && wanted.some((w) => same(s, w))).map((s) => s.id);
	return { add, withdraw, revive };
}

/** A family member's answers as typed: per option id, the answer and how they will join. */
export type AnswerValues = Record<string, { answer: string; joinMode: string }>;
export type ParsedAnswer = { optionId: string; answer: TimeAnswer; joinMode: AnswerJoinMode };

/** Reads `a-<optionId>` and `j-<optionId>` for each of `optionIds` from a form. Missing fields are ''. */
export function answerValues(form: FormData, optionIds: readonly string[]): AnswerValues {
	const text = (name: string) => {
		const v = form.get(name);
		return typeof v === 'string' ? v : '';
	};
	return Object.fromEntries(optionIds.map((id) => [id, { answer: text(`a-${id}`), joinMode: text(`j-${id}`) }]));
}

/**
 * The answers, or the option ids whose answer is missing or not one of the choices. Every open option
 * must be answered; how they join is needed with "yes" and "if need be" (with "no" it is kept as given,
 * or "in writing" when none was chosen: someone who cannot come may still send their thoughts).
 */
export function parseAnswers(values: AnswerValues, optionIds: readonly string[]): { ok: true; answers: ParsedAnswer[] } | { ok: false; fields: string[] } {
	const answers: ParsedAnswer[] = [];
	const fields: string[] = [];
	for (const id of optionIds) {
		const v = values[id] ?? { answer: '', joinMode: '' };
		const answer = z.enum(TIME_ANSWERS).safeParse(v.answer);
		const mode = z.enum(ANSWER_JOIN_MODES).safeParse(v.joinMode);
		if (!answer.success || (!mode.success && (answer.data !== 'NO' || v.joinMode !== ''))) {
			fields.push(id);
			continue;
		}
		answers.push({ optionId: id, answer: answer.data, joinMode: mode.success ? mode.data : 'WRITTEN' });
	}
	return fields.length ? { ok: false, fields } : { ok: true, answers };
}

/** What a reader is shown of one person's answer: the answer itself, only "available" or not, or nothing. */
export type AnswerShown = 'answer' | 'available' | 'nothing';

/** "Available" for a yes or an if-need-be; "not available" for a no. */
export const isAvailable = (answer: TimeAnswer): boolean => answer !== 'NO';

export type StoredAnswer = { optionId: string; personId: string; answer: TimeAnswer; joinMode: AnswerJoinMode };

/** One person's answer to one time, as a reader may see it. */
export type ShownAnswer = { personId: string; answer: TimeAnswer; joinMode: AnswerJoinMode } | { personId: string; available: boolean };

export type OptionTally = { optionId: string; answers: ShownAnswer[] };

/**
 * Who said what of each option, as this reader may see it (`shown(personId)`: the policy's answer for
 * that person), and who of `invitees` (person ids) has not answered every open option yet. A person shown
 * `nothing` is in no list at all, not even "not answered" (the other parent of a keep-apart pair never learns
 * that the other answered). `everyoneAnswered` only when every invitee the reader may see has answered and
 * there is someone. `openOptionIds`: the options not withdrawn.
 */
export function tallyAnswers(
	optionIds: readonly string[],
	openOptionIds: readonly string[],
	invitees: readonly string[],
	answers: readonly StoredAnswer[],
	shown: (personId: string) => AnswerShown
): { options: OptionTally[]; notAnswered: string[]; everyoneAnswered: boolean } {
	const options = optionIds.map((optionId) => ({
		optionId,
		answers: answers
			.filter((a) => a.optionId === optionId)
			.flatMap((a): ShownAnswer[] => {
				const how = shown(a.personId);
				if (how === 'nothing') return [];
				return how === 'answer' ? [{ personId: a.personId, answer: a.answer, joinMode: a.joinMode }] : [{ personId: a.personId, available: isAvailable(a.answer) }];
			})
	}));
	const visible = invitees.filter((p) => shown(p) !== 'nothing');
	const notAnswered = visible.filter((p) => openOptionIds.some((o) => !answers.some((a) => a.optionId === o && a.personId === p)));
	return { options, notAnswered, everyoneAnswered: visible.length > 0 && openOptionIds.length > 0 && notAnswered.length === 0 };
}

/** The required people (person ids) who answered "no" to option `optionId`: confirming it then needs an override with a reason. */
export function requiredNos(optionId: string, required: readonly string[], answers: readonly StoredAnswer[]): string[] {
	return required.filter((p) => answers.some((a) => a.optionId === optionId && a.personId === p && a.answer === 'NO'));
}

/** The override reason as typed, trimmed; empty when none. Longer than REASON_MAX is refused by the caller. */
export const overrideReason = z.string().trim().max(REASON_MAX);
