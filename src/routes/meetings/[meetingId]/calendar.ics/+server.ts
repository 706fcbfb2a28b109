import type { RequestHandler } from '@sveltejs/kit';
import { meetingCalendarFile } from '$lib/server/services/meeting-calendar';
import { refuse } from '$lib/server/http';
import { getLocale } from '$lib/paraglide/runtime';

// "Add to my calendar": the meeting as an iCalendar file (RFC 5545), for anyone who may open the meeting.
export const GET: RequestHandler = async (event) => {
	const result = await meetingCalendarFile(event.locals.ctx, event.params.meetingId ?? '', event.url.origin, getLocale() === 'es' ? 'es' : 'en');
	if (!result.ok) refuse(event, result);
	return new Response(result.value.ics, {
		headers: {
			'content-type': `text/calendar; charset=utf-8; method=${result.value.method}`,
			'content-disposition': `attachment; filename="${result.value.filename}"`,
			// Case facts (when and where the family meets): never kept by a browser or a proxy.
			'cache-control': 'no-store'
		}
	});
};
