import type { PageServerLoad } from './$types';
import { compareQuerySchema, comparePlanVersions, listPlanVersions } from '$lib/server/services/plan-versions';
import { error } from '@sveltejs/kit';
import { refuse } from '$lib/server/http';
import { planCompareWords } from '$lib/plan-words';

// Two versions of the plan compared (or a version and the plan now), on the server: blocks and words, each
// change marked with <ins>/<del> and words a screen reader says (plan-version.ts).
export const load: PageServerLoad = async (event) => {
	const parsed = compareQuerySchema.safeParse({ from: event.url.searchParams.get('from') ?? '', to: event.url.searchParams.get('to') ?? '' });
	if (!parsed.success) {
		// A query that names no version still asks the policy first: only who may read the plan is told to pick two.
		const list = await listPlanVersions(event.locals.ctx, event.params.caseId);
		if (!list.ok) refuse(event, list);
		return { caseId: event.params.caseId, problem: true as const, compare: null };
	}
	const result = await comparePlanVersions(event.locals.ctx, event.params.caseId, parsed.data.from, parsed.data.to, planCompareWords());
	if (!result.ok) {
		// Too many compares in a minute (each holds the server's thread): "wait a minute, then try again".
		if (result.reason === 'busy') error(429, { message: 'too many compares' });
		refuse(event, result);
	}
	return { caseId: event.params.caseId, problem: false as const, compare: result.value };
};
