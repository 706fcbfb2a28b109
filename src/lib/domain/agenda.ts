import * as Y from 'yjs';
import { boardOf, frameworkOf, type Framework } from './board.ts';
import type { MeetingKind } from './roles.ts';

// The meeting's agenda in `meeting:<id>` (architecture.md, "Shared documents"): its stages, the current
// stage, and the stage timer. Owned here and used by the browser (to show it) and the server (to change
// it). Only the server writes the agenda (doc-kinds.ts refuses a browser that does): the facilitator asks
// for each change through the agenda endpoint, which asks the policy, records it on the audit trail, and
// writes it here with the server's clock. So the timer's end is the server's time, never a phone's.
//
// Stored as codes and numbers, never words: each reader's page names a stage in their language
// (messages `stage_<code>`); only a stage the facilitator added with a title of their own keeps that title.

/** The root map of the agenda in the meeting's document. */
export const AGENDA_FIELD = 'agenda';

/** FTDM's six stages (domain.md §1, "Six-stage agenda"): most of the time goes to stages 2 to 5. */
export const FTDM_STAGES = ['INTRODUCTION', 'IDENTIFY_SITUATION', 'ASSESS_SITUATION', 'DEVELOP_IDEAS', 'REACH_CONSENSUS_DECISION', 'RECAP_CLOSE'] as const;
/**
 * The parts of a Family Group Conference held on the day (domain.md §2, phases 3 to 6; referral and
 * preparation come before the conference), opened with introductions.
 */
export const FGDM_STAGES = ['INTRODUCTION', 'INFORMATION_SHARING', 'PRIVATE_FAMILY_TIME', 'PLAN_PRESENTATION_AGREEMENT', 'FOLLOW_UP'] as const;
/** Every stage code the app names. */
export const STAGE_CODES = [...new Set([...FTDM_STAGES, ...FGDM_STAGES])] as const;
export type StageCode = (typeof FTDM_STAGES)[number] | (typeof FGDM_STAGES)[number];

/** Minutes each stage starts with (the facilitator changes them). */
const DEFAULT_MINUTES: Record<StageCode, number> = {
	INTRODUCTION: 10,
	IDENTIFY_SITUATION: 15,
	ASSESS_SITUATION: 30,
	DEVELOP_IDEAS: 25,
	REACH_CONSENSUS_DECISION: 20,
	RECAP_CLOSE: 10,
	INFORMATION_SHARING: 30,
	PRIVATE_FAMILY_TIME: 60,
	PLAN_PRESENTATION_AGREEMENT: 30,
	FOLLOW_UP: 10
};

/** One stage: a code the app names, or a title the facilitator typed; and its length in minutes. */
export type Stage = { id: string; code: StageCode | null; title: string | null; minutes: number };

/**
 * The stage timer, in the server's clock (ms since the epoch, UTC). Running: `endsAt` is when the stage's
 * time runs out. Paused: `leftMs` is what was left when it was paused. Exactly one of the two is set.
 */
export type StageTimer = { stageId: string; endsAt: number | null; leftMs: number | null };

export type Agenda = { stages: Stage[]; currentId: string | null; timer: StageTimer | null };

export const MIN_STAGE_MINUTES = 1;
export const MAX_STAGE_MINUTES = 240;
export const MAX_STAGES = 20;
export const MAX_TITLE_LENGTH = 80;

/** The stages a meeting of `kind` starts with, with ids from `newId`. */
export function agendaTemplate(kind: MeetingKind, newId: () => string): Stage[] {
	const codes: readonly StageCode[] = kind === 'FGDM' ? FGDM_STAGES : FTDM_STAGES;
	return codes.map((code) => ({ id: newId(), code, title: null, minutes: DEFAULT_MINUTES[code] }));
}

function agendaMap(doc: Y.Doc): Y.Map<unknown> {
	return doc.getMap(AGENDA_FIELD);
}

function isStage(value: unknown): value is Stage {
	if (typeof value !== 'object' || value === null) return false;
	const v = value as Record<string, unknown>;
	return (
		typeof v.id === 'string' &&
		(v.code === null || (STAGE_CODES as readonly unknown[]).includes(v.code)) &&
		(v.title === null || typeof v.title === 'string') &&
		(v.code !== null || (typeof v.title === 'string' && v.title.length > 0)) &&
		Number.isInteger(v.minutes) &&
		(v.minutes as number) >= MIN_STAGE_MINUTES &&
		(v.minutes as number) <= MAX_STAGE_MINUTES
	);
}

function isTimer(value: unknown): value is StageTimer {
	if (typeof value !== 'object' || value === null) return false;
	const v = value as Record<string, unknown>;
	const running = typeof v.endsAt === 'number' && v.leftMs === null;
	const paused = v.endsAt === null && typeof v.leftMs === 'number' && v.leftMs >= 0;
	return typeof v.stageId === 'string' && (running || paused);
}

/**
 * The agenda as stored, read defensively: what does not have the shape is left out (a stage), or read as
 * absent (the timer). The current stage is always one of the stages, or null when there are none: a
 * current stage that was removed reads as the first stage, so a meeting can always be opened.
 */
export function agendaOf(doc: Y.Doc): Agenda {
	const map = agendaMap(doc);
	const raw = map.get('stages');
	const stages = Array.isArray(raw) ? raw.filter(isStage) : [];
	const wanted = map.get('current');
	const currentId = stages.find((s) => s.id === wanted)?.id ?? stages[0]?.id ?? null;
	const timer = map.get('timer');
	return { stages, currentId, timer: isTimer(timer) && timer.stageId === currentId ? timer : null };
}

/** What is left of the stage's time at `now` (server ms), in ms; negative once the time has run out. */
export function remainingMs(timer: StageTimer, now: number): number {
	return timer.endsAt !== null ? timer.endsAt - now : (timer.leftMs ?? 0);
}

/** A change the facilitator asks for (validated by the endpoint's zod schema, checked again here). */
export type AgendaCommand =
	| { do: 'start'; kind: MeetingKind }
	| { do: 'move'; stageId: string }
	| { do: 'pause' }
	| { do: 'resume' }
	| { do: 'add-time'; minutes: number }
	| { do: 'add-stage'; title: string; minutes: number }
	| { do: 'remove-stage'; stageId: string }
	| { do: 'reorder'; stageId: string; by: -1 | 1 }
	| { do: 'set-minutes'; stageId: string; minutes: number }
	| { do: 'framework'; framework: Framework };

/** Why a command does nothing to this agenda: it refers to a stage that is not there, or cannot apply now. */
export type AgendaProblem = 'no-such-stage' | 'not-started' | 'already-started' | 'too-many-stages' | 'not-running' | 'not-paused' | 'last-stage' | 'board-not-empty';

/**
 * Applies `command` to the agenda in `doc` at `now` (the server's clock, ms UTC), in one Yjs transaction.
 * Returns null when applied, or why not (nothing is changed then). `newId` names a new stage.
 *
 * The timer keeps what is left through every change (Parabol's users saw "add time" wipe the remainder):
 * - moving to a stage starts its full time; pause keeps what is left, resume continues from it;
 * - add time adds to what is left (from now, if the time had already run out);
 * - changing the current stage's minutes restarts nothing; removing or reordering stages keeps the timer
 *   unless its stage is removed, when the next stage becomes current with its full time.
 */
export function applyAgenda(doc: Y.Doc, command: AgendaCommand, now: number, newId: () => string): AgendaProblem | null {
	const map = agendaMap(doc);
	const agenda = agendaOf(doc);
	const { stages, currentId, timer } = agenda;
	const index = (id: string) => stages.findIndex((s) => s.id === id);
	const startTimer = (stage: Stage | undefined): StageTimer | null => (stage ? { stageId: stage.id, endsAt: now + stage.minutes * 60_000, leftMs: null } : null);
	let problem: AgendaProblem | null = null;
	doc.transact(() => {
		switch (command.do) {
			case 'start': {
				if (stages.length > 0) return void (problem = 'already-started');
				const template = agendaTemplate(command.kind, newId);
				map.set('stages', template);
				map.set('current', template[0].id);
				map.set('timer', { stageId: template[0].id, endsAt: null, leftMs: template[0].minutes * 60_000 });
				return;
			}
			case 'move': {
				const i = index(command.stageId);
				if (i < 0) return void (problem = 'no-such-stage');
				map.set('current', stages[i].id);
				map.set('timer', startTimer(stages[i]));
				return;
			}
			case 'pause': {
				if (!timer || timer.endsAt === null) return void (problem = 'not-running');
				map.set('timer', { stageId: timer.stageId, endsAt: null, leftMs: Math.max(0, remainingMs(timer, now)) });
				return;
			}
			case 'resume': {
				if (!timer || timer.leftMs === null) return void (problem = 'not-paused');
				map.set('timer', { stageId: timer.stageId, endsAt: now + timer.leftMs, leftMs: null });
				return;
			}
			case 'add-time': {
				if (!timer) return void (problem = 'not-started');
				const ms = command.minutes * 60_000;
				if (timer.endsAt !== null) map.set('timer', { ...timer, endsAt: Math.max(timer.endsAt, now) + ms });
				else map.set('timer', { ...timer, leftMs: (timer.leftMs ?? 0) + ms });
				return;
			}
			case 'add-stage': {
				if (stages.length >= MAX_STAGES) return void (problem = 'too-many-stages');
				const stage: Stage = { id: newId(), code: null, title: command.title, minutes: command.minutes };
				// After the current stage: what the facilitator adds during the meeting comes next.
				const at = currentId ? index(currentId) + 1 : stages.length;
				map.set('stages', [...stages.slice(0, at), stage, ...stages.slice(at)]);
				if (!currentId) {
					map.set('current', stage.id);
					map.set('timer', { stageId: stage.id, endsAt: null, leftMs: stage.minutes * 60_000 });
				}
				return;
			}
			case 'remove-stage': {
				const i = index(command.stageId);
				if (i < 0) return void (problem = 'no-such-stage');
				if (stages.length === 1) return void (problem = 'last-stage');
				const rest = stages.filter((s) => s.id !== command.stageId);
				map.set('stages', rest);
				if (command.stageId === currentId) {
					const next = rest[Math.min(i, rest.length - 1)];
					map.set('current', next.id);
					map.set('timer', startTimer(next));
				}
				return;
			}
			case 'reorder': {
				const i = index(command.stageId);
				const j = i + command.by;
				if (i < 0) return void (problem = 'no-such-stage');
				if (j < 0 || j >= stages.length) return;
				const moved = [...stages];
				[moved[i], moved[j]] = [moved[j], moved[i]];
				map.set('stages', moved);
				return;
			}
			case 'framework': {
				// Chosen before the first card: cards already in one framework's columns would vanish from another's.
				// Cards, as every page reads them: an entry no page shows (a record with no column, which a page
				// may leave: the server takes a record without its keys) does not keep the facilitator from
				// choosing over a board that everyone sees empty.
				if (boardOf(doc).length > 0 && command.framework !== frameworkOf(doc)) return void (problem = 'board-not-empty');
				map.set('framework', command.framework);
				return;
			}
			case 'set-minutes': {
				const i = index(command.stageId);
				if (i < 0) return void (problem = 'no-such-stage');
				map.set('stages', stages.map((s) => (s.id === command.stageId ? { ...s, minutes: command.minutes } : s)));
				return;
			}
		}
	});
	return problem;
}
