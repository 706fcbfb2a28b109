import type { PageServerLoad } from './$types';
import { getMeeting } from '$lib/server/services/meetings';
import { refuse } from '$lib/server/http';
import { colourFor } from '$lib/domain/colour';

export const load: PageServerLoad = (event) => {
	const result = getMeeting(event.locals.ctx, event.params.meetingId);
	if (!result.ok) refuse(event, result);
	const user = event.locals.session!.user;
	return { meeting: result.value, me: { name: user.name, color: colourFor(user.id) } };
};
