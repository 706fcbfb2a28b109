import { fail, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import type { Actions, PageServerLoad } from './$types';
import { closeForm, closeMeeting, correctSummary } from '$lib/server/services/meeting-summary';
import { refuse } from '$lib/server/http';
import { PARTICIPATION_MODES } from '$lib/domain/roles';
import { MAX_CORRECTION_LENGTH, type CloseInput } from '$lib/domain/meeting-summary';

// Closing a meeting (its facilitator, or the case's supervisor) and, once closed, correcting its summary:
// its own page, so its form loads with it alone, never with the meeting page a phone opens.

export const load: PageServerLoad = async (event) => {
	const result = await closeForm(event.locals.ctx, event.params.meetingId);
	if (!result.ok) refuse(event, result);
	return { close: result.value };
};

const REF = /^[up]:[a-z2-7]{16,40}$/;
const formSchema = z.object({
	came: z.array(z.string().regex(REF)).max(500),
	modes: z.array(z.tuple([z.string().regex(REF), z.enum(PARTICIPATION_MODES)])).max(500),
	familyTimeOffered: z.boolean(),
	confirm: z.boolean(),
	// Its length is the service's to judge (a plain "say what you corrected" problem, not "attendance").
	note: z.string()
});

/** What the close (or correction) form sent, kept as typed so that a refused form comes back filled in. */
export type CloseTyped = { came: string[]; modes: Record<string, string>; familyTimeOffered: boolean; confirm: boolean; note: string };

function readForm(form: FormData): { typed: CloseTyped; input: CloseInput | null } {
	const came = form.getAll('came').map(String);
	const modes: [string, string][] = [];
	for (const [key, value] of form) if (key.startsWith('mode:')) modes.push([key.slice(5), String(value)]);
	const typed: CloseTyped = {
		came: came.slice(0, 500),
		modes: Object.fromEntries(modes.slice(0, 500)),
		familyTimeOffered: form.get('familyTimeOffered') === 'yes',
		confirm: form.get('confirm') === 'yes',
		note: String(form.get('note') ?? '').slice(0, MAX_CORRECTION_LENGTH * 2)
	};
	const parsed = formSchema.safeParse({ ...typed, modes });
	if (!parsed.success) return { typed, input: null };
	const mode = new Map(parsed.data.modes);
	return { typed, input: { attended: Object.fromEntries(parsed.data.came.map((ref) => [ref, mode.get(ref) ?? null])), familyTimeOffered: parsed.data.familyTimeOffered } };
}

export const actions: Actions = {
	close: async (event) => {
		const { typed, input } = readForm(await event.request.formData());
		if (!input || !typed.confirm) {
			// Someone who may not close it is refused as such, whatever they sent.
			const allowed = await closeForm(event.locals.ctx, event.params.meetingId);
			if (!allowed.ok) refuse(event, allowed);
			return fail(400, { typed, problem: !input ? ('attendance' as const) : ('confirm' as const) });
		}
		const result = await closeMeeting(event.locals.ctx, event.params.meetingId, input, event.url.origin);
		if (!result.ok) {
			if (result.reason !== 'close') refuse(event, result);
			return fail(result.problem === 'unavailable' ? 503 : result.problem === 'cancelled' ? 409 : 400, { typed, problem: result.problem });
		}
		redirect(303, `/meetings/${event.params.meetingId}/summary`);
	},
	correct: async (event) => {
		const { typed, input } = readForm(await event.request.formData());
		if (!input) {
			const allowed = await closeForm(event.locals.ctx, event.params.meetingId);
			if (!allowed.ok) refuse(event, allowed);
			return fail(400, { typed, problem: 'attendance' as const });
		}
		const result = await correctSummary(event.locals.ctx, event.params.meetingId, input, typed.note, event.url.origin);
		if (!result.ok) {
			if (result.reason !== 'close') refuse(event, result);
			return fail(result.problem === 'unavailable' ? 503 : result.problem === 'cancelled' ? 409 : 400, { typed, problem: result.problem });
		}
		redirect(303, `/meetings/${event.params.meetingId}/summary?v=${result.value.version}`);
	}
};
