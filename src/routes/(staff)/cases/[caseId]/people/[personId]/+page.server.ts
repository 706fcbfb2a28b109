import { fail } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { personForEdit } from '$lib/server/services/cases';
import { relationshipSchema, setRelationship } from '$lib/server/services/people';
import { refuse } from '$lib/server/http';

export const load: PageServerLoad = async (event) => {
	const result = await personForEdit(event.locals.ctx, event.params.caseId, event.params.personId);
	if (!result.ok) refuse(event, result);
	return result.value;
};

export const actions: Actions = {
	default: async (event) => {
		const form = await event.request.formData();
		// What was typed stays in the form when something is not right.
		const values = {
			code: String(form.get('code') ?? ''),
			side: String(form.get('side') ?? ''),
			noteEn: String(form.get('noteEn') ?? ''),
			noteEs: String(form.get('noteEs') ?? ''),
			birthDate: String(form.get('birthDate') ?? '')
		};
		const parsed = relationshipSchema.safeParse({ ...values, personId: event.params.personId, code: values.code || null, side: values.side || null });
		if (!parsed.success) return fail(400, { values, problems: [...new Set(parsed.error.issues.map((i) => String(i.path[0])))] });
		const result = await setRelationship(event.locals.ctx, event.params.caseId, parsed.data);
		if (!result.ok) refuse(event, result);
		return { saved: true };
	}
};
