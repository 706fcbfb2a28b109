import { fail } from '@sveltejs/kit';
import { z } from 'zod';
import type { Actions, PageServerLoad } from './$types';
import { childVoicesPage, saveChildVoice } from '$lib/server/services/child-voice';
import { refuse } from '$lib/server/http';
import { opaqueId } from '$lib/domain/doc-id';
import { MAX_HOUSE_LENGTH, MAX_HOUSE_NAME_LENGTH } from '$lib/domain/child-voice';

// A child's own words for a meeting (Three Houses): staff write them down with the child; the child reads
// them; the rest of the meeting only once the child agreed (services/child-voice.ts).

export const load: PageServerLoad = async (event) => {
	const result = await childVoicesPage(event.locals.ctx, event.params.meetingId);
	if (!result.ok) refuse(event, result);
	return { houses: result.value };
};

const words = z.string().max(MAX_HOUSE_LENGTH);
const name = z.string().max(MAX_HOUSE_NAME_LENGTH);
const formSchema = z.object({
	childId: opaqueId,
	worries: words,
	goodThings: words,
	dreams: words,
	nameWorries: name,
	nameGoodThings: name,
	nameDreams: name,
	childAgreed: z.boolean(),
	parentNeeded: z.boolean(),
	parentAgreed: z.boolean()
});

export const actions: Actions = {
	save: async (event) => {
		const form = await event.request.formData();
		const text = (key: string) => String(form.get(key) ?? '');
		const typed = {
			childId: text('childId'),
			worries: text('worries'),
			goodThings: text('goodThings'),
			dreams: text('dreams'),
			nameWorries: text('nameWorries'),
			nameGoodThings: text('nameGoodThings'),
			nameDreams: text('nameDreams'),
			childAgreed: form.get('childAgreed') === 'yes',
			parentNeeded: form.get('parentNeeded') === 'yes',
			parentAgreed: form.get('parentAgreed') === 'yes'
		};
		const parsed = formSchema.safeParse(typed);
		if (!parsed.success) {
			// Whoever may not write them is refused as such, whatever they sent.
			const allowed = await childVoicesPage(event.locals.ctx, event.params.meetingId);
			if (!allowed.ok) refuse(event, allowed);
			if (!allowed.value.children.some((c) => c.canEdit)) refuse(event, { ok: false, reason: 'forbidden' });
			// What was typed comes back, cut to what the page can hold.
			return fail(400, { problem: 'too-long' as const, typed: { ...typed, worries: typed.worries.slice(0, MAX_HOUSE_LENGTH * 2), goodThings: typed.goodThings.slice(0, MAX_HOUSE_LENGTH * 2), dreams: typed.dreams.slice(0, MAX_HOUSE_LENGTH * 2) } });
		}
		const d = parsed.data;
		const result = await saveChildVoice(event.locals.ctx, event.params.meetingId, d.childId, {
			words: { worries: d.worries, goodThings: d.goodThings, dreams: d.dreams },
			names: { worries: d.nameWorries, goodThings: d.nameGoodThings, dreams: d.nameDreams },
			childAgreed: d.childAgreed,
			parentNeeded: d.parentNeeded,
			parentAgreed: d.parentAgreed
		});
		if (!result.ok) refuse(event, result);
		return { saved: d.childId, shared: result.value.shared };
	}
};
