import { fail } from '@sveltejs/kit';
import { z } from 'zod';
import type { Actions, PageServerLoad } from './$types';
import { casePage } from '$lib/server/services/cases';
import { revokeInvite } from '$lib/server/services/invites';
import { refuse } from '$lib/server/http';
import { opaqueId } from '$lib/domain/doc-id';

const MEETING_NOTICES = ['planned', 'planned-warning', 'saved', 'saved-warning', 'cancelled'] as const;

export const load: PageServerLoad = async (event) => {
	const result = await casePage(event.locals.ctx, event.params.caseId);
	if (!result.ok) refuse(event, result);
	// After planning, changing or cancelling a meeting: which words to say (only these; anything else says nothing).
	const said = event.url.searchParams.get('meeting');
	const meetingNotice = MEETING_NOTICES.find((n) => n === said) ?? null;
	return { ...result.value, meetingNotice };
};

export const actions: Actions = {
	revoke: async (event) => {
		const parsed = z.object({ inviteId: opaqueId }).safeParse(Object.fromEntries(await event.request.formData()));
		if (!parsed.success) return fail(400, { problem: 'invalid' as const });
		const result = await revokeInvite(event.locals.ctx, event.params.caseId, parsed.data.inviteId);
		if (!result.ok) {
			if (result.reason === 'not-found') return fail(404, { problem: 'invalid' as const });
			refuse(event, result);
		}
		return { revoked: parsed.data.inviteId };
	}
};
