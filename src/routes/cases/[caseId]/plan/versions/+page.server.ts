import { fail } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { listPlanVersions, maySavePlanVersion, planVersionSchema, savePlanVersion } from '$lib/server/services/plan-versions';
import { refuse } from '$lib/server/http';

// The plan's saved versions (issue 21): who may read the plan lists them and picks two to compare; who may
// edit it saves one (services/plan-versions.ts asks the policy).
export const load: PageServerLoad = async (event) => {
	const result = await listPlanVersions(event.locals.ctx, event.params.caseId);
	if (!result.ok) refuse(event, result);
	return { list: result.value };
};

export const actions: Actions = {
	default: async (event) => {
		const form = await event.request.formData();
		const values = { name: String(form.get('name') ?? '') };
		const parsed = planVersionSchema.safeParse(values);
		if (!parsed.success) {
			// Who may not save one is refused as such; who may is told, with what was typed kept in the form.
			const allowed = await maySavePlanVersion(event.locals.ctx, event.params.caseId);
			if (!allowed.ok) refuse(event, allowed);
			return fail(400, { values, problem: true });
		}
		const result = await savePlanVersion(event.locals.ctx, event.params.caseId, parsed.data.name);
		if (!result.ok) {
			// Many saved in the last hour (each is a whole copy, kept for good): wait, with what was typed kept.
			if (result.reason === 'busy') return fail(429, { values, busy: true });
			refuse(event, result);
		}
		return { saved: { id: result.value.id, name: parsed.data.name } };
	}
};
