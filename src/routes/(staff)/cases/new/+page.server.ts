import { fail, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { mayOpenCase, openCase, openCaseForm, openCaseSchema } from '$lib/server/services/cases';
import { refuse } from '$lib/server/http';

export const load: PageServerLoad = async (event) => {
	const result = await openCaseForm(event.locals.ctx);
	if (!result.ok) refuse(event, result);
	return { form: result.value };
};

const FIELDS = ['name', 'removalDate', 'caseworkerId', 'facilitatorId', 'supervisorId'] as const;

export const actions: Actions = {
	/** Opens the case (services/cases.ts openCase) and goes to its page; a problem keeps what was typed. */
	default: async (event) => {
		const form = await event.request.formData();
		const values = Object.fromEntries(FIELDS.map((f) => [f, String(form.get(f) ?? '').slice(0, 400)])) as Record<(typeof FIELDS)[number], string>;
		const parsed = openCaseSchema.safeParse(values);
		if (!parsed.success) {
			const allowed = await mayOpenCase(event.locals.ctx);
			if (!allowed.ok) refuse(event, allowed);
			return fail(400, { values, problems: [...new Set(parsed.error.issues.map((i) => String(i.path[0])))] });
		}
		const result = await openCase(event.locals.ctx, parsed.data);
		if (!result.ok) {
			if (result.reason === 'staff') return fail(400, { values, problems: [result.field] });
			refuse(event, result);
		}
		redirect(303, `/cases/${result.value.caseId}?opened=1`);
	}
};
