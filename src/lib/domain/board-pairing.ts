import type { Card } from './board.ts';

// Pairing a safety goal with the danger statement it answers (board.ts holds the `id` and `pairs` keys and
// reads them). In a module of its own because board.ts is in the chunk every page loads (vite.config.ts: what
// two pages share) and only the board's own chunk needs these (tests/unit/bundle-budget.test.ts).

/** True for a danger statement (a worry of category DANGER_STATEMENT). */
export const isDangerStatement = (card: Card): boolean => card.column === 'WORRIES' && card.category === 'DANGER_STATEMENT';

/** True for a safety goal (what needs to happen, of category SAFETY_GOALS). */
export const isSafetyGoal = (card: Card): boolean => card.column === 'NEEDS_TO_HAPPEN' && card.category === 'SAFETY_GOALS';

/**
 * The danger statement that `goal` answers among `cards` (the board as read), or null: when it is not a safety
 * goal, names none, or names a card that was removed or is no longer a danger statement (it then reads as
 * unpaired; nothing breaks).
 */
export function pairedStatement(cards: readonly Card[], goal: Card): Card | null {
	if (!isSafetyGoal(goal) || goal.pairs === null) return null;
	return cards.find((c) => c.id === goal.pairs && isDangerStatement(c)) ?? null;
}

/** The safety goals among `cards` that answer `statement` (none when it has no id, or is not a danger statement). */
export function goalsFor(cards: readonly Card[], statement: Card): Card[] {
	if (statement.id === null || !isDangerStatement(statement)) return [];
	return cards.filter((c) => isSafetyGoal(c) && c.pairs === statement.id);
}

/**
 * Pairs the safety goal `goal` with the danger statement `statement` (by its id), or unpairs it (null).
 * Refuses (false) when `goal` is not a safety goal, or `statement` is not a danger statement with an id.
 */
export function setPairing(goal: Card, statement: Card | null): boolean {
	if (!isSafetyGoal(goal)) return false;
	if (statement !== null && (statement.id === null || !isDangerStatement(statement))) return false;
	goal.map.set('pairs', statement?.id ?? null);
	return true;
}
