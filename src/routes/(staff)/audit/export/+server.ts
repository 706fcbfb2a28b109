import { text, type RequestHandler } from '@sveltejs/kit';
import { exportAudit } from '$lib/server/services/audit-log';
import { refuse } from '$lib/server/http';
import { m } from '$lib/paraglide/messages';
import { getLocale } from '$lib/paraglide/runtime';

// The audit trail as CSV, with the page's filters (the same query parameters) and the same access rules.
export const GET: RequestHandler = async (event) => {
	const locale = getLocale();
	const result = await exportAudit(event.locals.ctx, event.url.searchParams, locale);
	if (!result.ok) {
		if (result.reason === 'invalid') return text(m.audit_export_invalid(), { status: 400, headers: { 'cache-control': 'no-store' } });
		refuse(event, result);
	}
	return new Response(result.value.body, {
		headers: {
			'content-type': 'text/csv; charset=utf-8; header=present',
			'content-disposition': `attachment; filename="${result.value.filename}"`,
			// Case records: never kept by a browser or a proxy.
			'cache-control': 'no-store',
			'x-audit-rows': String(result.value.rowCount)
		}
	});
};
