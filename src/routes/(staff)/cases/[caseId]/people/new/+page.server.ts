import { fail, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { addPerson, addPersonForm, addPersonSchema } from '$lib/server/services/people';
import { refuse } from '$lib/server/http';

export const load: PageServerLoad = async (event) => {
	const result = await addPersonForm(event.locals.ctx, event.params.caseId);
	if (!result.ok) refuse(event, result);
	return { caseId: event.params.caseId, caseName: result.value.caseName };
};

const FIELDS = ['role', 'givenName', 'familyName', 'locale'] as const;

export const actions: Actions = {
	/** Adds the person (services/people.ts addPerson) and opens their page; a problem keeps what was typed. */
	default: async (event) => {
		const form = await event.request.formData();
		const values = Object.fromEntries(FIELDS.map((f) => [f, String(form.get(f) ?? '').slice(0, 200)])) as Record<(typeof FIELDS)[number], string>;
		const parsed = addPersonSchema.safeParse(values);
		if (!parsed.success) {
			const allowed = await addPersonForm(event.locals.ctx, event.params.caseId, 'person.add');
			if (!allowed.ok) refuse(event, allowed);
			return fail(400, { values, problems: [...new Set(parsed.error.issues.map((i) => String(i.path[0])))] });
		}
		const result = await addPerson(event.locals.ctx, event.params.caseId, parsed.data);
		if (!result.ok) refuse(event, result);
		redirect(303, `/cases/${event.params.caseId}/people/${result.value.personId}?added=1`);
	}
};
