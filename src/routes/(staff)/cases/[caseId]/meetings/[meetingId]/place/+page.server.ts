import { fail } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { meetingPlace, placeSchema, setMeetingPlace } from '$lib/server/services/cases';
import { refuse } from '$lib/server/http';

export const load: PageServerLoad = async (event) => {
	const result = await meetingPlace(event.locals.ctx, event.params.caseId, event.params.meetingId);
	if (!result.ok) refuse(event, result);
	return { caseId: event.params.caseId, place: result.value };
};

export const actions: Actions = {
	default: async (event) => {
		const form = await event.request.formData();
		const values = { en: String(form.get('en') ?? ''), es: String(form.get('es') ?? '') };
		const parsed = placeSchema.safeParse(values);
		// What was typed stays in the form.
		if (!parsed.success) return fail(400, { values, problems: [...new Set(parsed.error.issues.map((i) => String(i.path[0])))] });
		const result = await setMeetingPlace(event.locals.ctx, event.params.caseId, event.params.meetingId, parsed.data);
		if (!result.ok) refuse(event, result);
		return { saved: true };
	}
};
