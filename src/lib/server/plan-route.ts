import type { PlanProblem } from './services/meeting-plan.ts';
import type { Refusal } from './services/access.ts';

/** A refusal of the policy (or an unknown id), as opposed to a problem with the form. */
export function isRefusal(result: Refusal | PlanProblem | { ok: false; reason: string }): result is Refusal {
	return result.reason === 'not-signed-in' || result.reason === 'forbidden' || result.reason === 'not-found';
}

/** The status a refused meeting plan answers with: 409 when it clashes with what is on record, else 400 (fix the form). */
export function planFailure(problem: PlanProblem): 400 | 409 {
	switch (problem.reason) {
		case 'keep-apart':
		case 'facilitator-conflict':
		case 'not-scheduled':
			return 409;
		default:
			return 400;
	}
}
