import { fail } from '@sveltejs/kit';
import { z } from 'zod';
import type { Actions, PageServerLoad } from './$types';
import { getCase } from '$lib/server/services/cases';
import { listInvites, revokeInvite } from '$lib/server/services/invites';
import { refuse } from '$lib/server/http';
import { can } from '$lib/domain/policy';
import { opaqueId } from '$lib/domain/doc-id';

export const load: PageServerLoad = (event) => {
	const result = getCase(event.locals.ctx, event.params.caseId);
	if (!result.ok) refuse(event, result);
	const invites = can(event.locals.actor, 'manage', { type: 'invites', caseId: event.params.caseId }) ? listInvites(event.locals.ctx, event.params.caseId) : null;
	return {
		theCase: result.value,
		invites: invites?.ok ? invites.value : null,
		/** Meetings whose place this person may change (the policy's `edit` on the meeting). */
		placeEditable: result.value.meetings.filter((mt) => can(event.locals.actor, 'edit', { type: 'meeting', caseId: event.params.caseId, meetingId: mt.id })).map((mt) => mt.id)
	};
};

export const actions: Actions = {
	revoke: async (event) => {
		const parsed = z.object({ inviteId: opaqueId }).safeParse(Object.fromEntries(await event.request.formData()));
		if (!parsed.success) return fail(400, { problem: 'invalid' as const });
		const result = revokeInvite(event.locals.ctx, event.params.caseId, parsed.data.inviteId);
		if (!result.ok) {
			if (result.reason === 'not-found') return fail(404, { problem: 'invalid' as const });
			refuse(event, result);
		}
		return { revoked: parsed.data.inviteId };
	}
};
