import type { PageServerLoad } from './$types';
import { auditFilterParams, checkAuditChain, queryAudit, type AuditFilter } from '$lib/server/services/audit-log';
import { refuse } from '$lib/server/http';

/** A link to this page (or the download) with the filter, changed by `extra`. */
function link(path: string, filter: AuditFilter, extra: Parameters<typeof auditFilterParams>[1] = {}, verify = false): string {
	const params = auditFilterParams(filter, extra);
	if (verify) params.set('verify', '1');
	const query = params.toString();
	return query ? `${path}?${query}` : path;
}

// Filters live in the URL (a GET form), so a filtered view survives a reload and can be bookmarked.
export const load: PageServerLoad = async (event) => {
	const params = event.url.searchParams;
	const result = await queryAudit(event.locals.ctx, params);
	if (!result.ok) refuse(event, result);
	const trail = result.value;
	// The tamper check reads every entry: it runs when the reader asks for it (?verify=1), not on each page.
	const chain = params.get('verify') === '1' ? await checkAuditChain(event.locals.ctx) : null;
	const f = trail.filter;
	return {
		trail,
		chain: chain?.ok ? chain.value : null,
		/** Paging holds the pages to the entries that existed at the first one (`upto`); say so, and offer the newest. */
		pinned: params.has('upto'),
		links: f
			? {
					newer: trail.page > 1 ? link('/audit', f, { page: trail.page - 1 }) : null,
					older: trail.page < trail.pages ? link('/audit', f, { page: trail.page + 1 }) : null,
					newest: link('/audit', f, { upto: '', page: 1 }),
					verify: link('/audit', f, { upto: '', page: 1 }, true),
					export: link('/audit/export', f, { page: 1 })
				}
			: null,
		/** What the person typed or chose, shown back in the form as is (also when it could not be used). */
		values: Object.fromEntries(['case', 'person', 'from', 'to', 'outcome', 'action'].map((k) => [k, params.get(k) ?? '']))
	};
};
