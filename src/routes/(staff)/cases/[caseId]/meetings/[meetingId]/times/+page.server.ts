import { fail } from '@sveltejs/kit';
import { z } from 'zod';
import type { Actions, PageServerLoad } from './$types';
import { meetingTimes } from '$lib/server/services/meeting-times';
import { answerTimes, confirmTime, meetingProposal, proposeTimes } from '$lib/server/services/time-proposals';
import { answerValues, type ProposalValues } from '$lib/domain/time-proposals';
import { opaqueId } from '$lib/domain/doc-id';
import { refuse } from '$lib/server/http';
import { isRefusal } from '$lib/server/plan-route';

export const load: PageServerLoad = async (event) => {
	const result = await meetingTimes(event.locals.ctx, event.params.meetingId);
	// A meeting of another case than the address says is refused like one that does not exist.
	if (!result.ok) refuse(event, result);
	if (result.value.caseId !== event.params.caseId) refuse(event, { ok: false, reason: 'forbidden' });
	const proposal = await meetingProposal(event.locals.ctx, event.params.caseId, event.params.meetingId);
	if (!proposal.ok) refuse(event, proposal);
	return { times: result.value, proposal: proposal.value.proposal, canPropose: proposal.value.canPropose };
};

const text = (form: FormData, name: string) => {
	const v = form.get(name);
	return typeof v === 'string' ? v : '';
};
const confirmSchema = z.object({ optionId: opaqueId, reason: z.string() });
const answerForSchema = z.object({ proposalId: opaqueId, personId: opaqueId });

export const actions: Actions = {
	/** The worker sends (or changes) the times proposed to the family; what was typed stays when something is wrong. */
	propose: async (event) => {
		const form = await event.request.formData();
		const values: ProposalValues = {
			picked: form.getAll('picked').filter((v): v is string => typeof v === 'string'),
			date: text(form, 'date'),
			time: text(form, 'time'),
			timeZone: text(form, 'timeZone'),
			durationMinutes: text(form, 'durationMinutes')
		};
		const result = await proposeTimes(event.locals.ctx, event.params.caseId, event.params.meetingId, values);
		if (!result.ok) {
			if (result.reason === 'invalid') return fail(400, { proposeValues: values, proposeFields: result.fields });
			refuse(event, result);
		}
		return { proposed: true as const };
	},
	/** The worker confirms one proposed time: the meeting moves there (an override of a parent's "no" needs a reason). */
	confirm: async (event) => {
		const form = await event.request.formData();
		const typed = { optionId: text(form, 'optionId'), reason: text(form, 'reason') };
		const parsed = confirmSchema.safeParse(typed);
		const result = await confirmTime(event.locals.ctx, event.params.caseId, event.params.meetingId, parsed.success ? parsed.data.optionId : '', typed.reason, event.url.origin);
		if (!result.ok) {
			if (isRefusal(result)) refuse(event, result);
			// What was typed (the reason) comes back with what is wrong.
			return fail(result.reason === 'not-scheduled' || result.reason === 'keep-apart' || result.reason === 'facilitator-conflict' ? 409 : 400, { confirmProblem: result, confirmValues: typed });
		}
		return { confirmed: true as const };
	},
	/** A worker enters what a family member answered on the phone (audited as entered by staff). */
	answerFor: async (event) => {
		const form = await event.request.formData();
		const ids = answerForSchema.safeParse({ proposalId: text(form, 'proposalId'), personId: text(form, 'personId') });
		if (!ids.success) return fail(400, { answerForProblem: 'invalid' as const, answerForFields: [] as string[], answerForPerson: '' });
		const optionIds = form.getAll('optionId').filter((v): v is string => typeof v === 'string');
		const values = answerValues(form, optionIds);
		const result = await answerTimes(event.locals.ctx, ids.data.proposalId, ids.data.personId, values);
		if (!result.ok) {
			if (result.reason === 'invalid') return fail(400, { answerForProblem: 'invalid' as const, answerForFields: result.fields, answerForPerson: ids.data.personId, answerForValues: values });
			if (result.reason === 'confirmed') return fail(409, { answerForProblem: 'confirmed' as const, answerForFields: [] as string[], answerForPerson: ids.data.personId });
			refuse(event, result);
		}
		return { answeredFor: ids.data.personId };
	}
};
