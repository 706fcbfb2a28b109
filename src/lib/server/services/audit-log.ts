import { and, asc, count, desc, eq, gte, inArray, isNull, like, lt, lte, max, ne, or, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { auditEvents } from '../db/schema.ts';
import { verifyAuditChain } from '../audit.ts';
import { first, tablesOf, type Db } from '../db/index.ts';
import { m } from '../../paraglide/messages.js';
import { can, type Actor, type Resource } from '../../domain/policy.ts';
import { opaqueId } from '../../domain/doc-id.ts';
import { isCalendarDay, isoDay, startOfLocalDay, zonedDate } from '../../domain/time.ts';
import type { ParticipantRole, StaffRole } from '../../domain/roles.ts';
import { authorize, record, type Refusal, type RequestContext, type Result } from './access.ts';
import { timeZoneOf } from './profile.ts';

// The audit trail as supervisors and administrators read it (domain.md §6: who viewed or exported what,
// denied attempts included, when, in which role). Reading the trail is itself recorded: `audit.view` for
// each page, `audit.export` for each download, with the number of rows that left the system.

export const AUDIT_PAGE_SIZE = 50;
export const AUDIT_OUTCOMES = ['allowed', 'denied', 'failed'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/** The filter fields, as they stand in the page's URL. */
export const AUDIT_FILTER_FIELDS = ['case', 'person', 'from', 'to', 'outcome', 'action', 'page', 'upto'] as const;
export type AuditFilterField = (typeof AUDIT_FILTER_FIELDS)[number];

/** A calendar day written YYYY-MM-DD that exists (no 2026-02-30). */
const day = z.string().refine(isCalendarDay);

export const auditFilterSchema = z
	.object({
		case: opaqueId.optional(),
		/** The actor: a staff user's id or the id of a person on a case. */
		person: opaqueId.optional(),
		from: day.optional(),
		to: day.optional(),
		outcome: z.enum(AUDIT_OUTCOMES).optional(),
		/** The start of an action code, e.g. `case.` or `auth.sign-in`. Codes only: never a LIKE pattern. */
		action: z
			.string()
			.max(64)
			.regex(/^[a-z0-9.-]+$/)
			.optional(),
		page: z.coerce.number().int().min(1).max(1_000_000).default(1),
		/** The newest entry the pages show, so that paging does not shift while new entries arrive. */
		upto: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional()
	})
	// Dates as YYYY-MM-DD compare as strings.
	.refine((f) => !f.from || !f.to || f.from <= f.to, { path: ['to'], message: 'range' });

export type AuditFilter = z.infer<typeof auditFilterSchema>;
export type AuditFilterProblem = { field: AuditFilterField; kind: 'invalid' | 'range' };
export type ParsedAuditFilter = { ok: true; filter: AuditFilter } | { ok: false; problems: AuditFilterProblem[] };

/** Raw query parameters → a filter. Empty fields mean "any"; an action prefix is compared in lower case. */
export function parseAuditFilter(params: URLSearchParams | Record<string, string | undefined>): ParsedAuditFilter {
	const get = (key: string) => (params instanceof URLSearchParams ? params.get(key) : params[key]) ?? undefined;
	const raw: Record<string, string> = {};
	for (const field of AUDIT_FILTER_FIELDS) {
		const value = get(field)?.trim();
		if (value) raw[field] = field === 'action' ? value.toLowerCase() : value;
	}
	const parsed = auditFilterSchema.safeParse(raw);
	if (parsed.success) return { ok: true, filter: parsed.data };
	const problems = new Map<AuditFilterField, AuditFilterProblem>();
	for (const issue of parsed.error.issues) {
		const field = issue.path[0] as AuditFilterField;
		if (!problems.has(field)) problems.set(field, { field, kind: issue.message === 'range' ? 'range' : 'invalid' });
	}
	return { ok: false, problems: [...problems.values()] };
}

/** The filter back as query parameters (for links to other pages and to the download). */
export function auditFilterParams(filter: Partial<AuditFilter>, extra: Partial<Record<AuditFilterField, string | number>> = {}): URLSearchParams {
	const params = new URLSearchParams();
	for (const field of AUDIT_FILTER_FIELDS) {
		const value = field in extra ? extra[field] : filter[field];
		if (value !== undefined && value !== null && value !== '' && !(field === 'page' && value === 1)) params.set(field, String(value));
	}
	return params;
}

/**
 * Which entries this viewer reads. An entry that belongs to a case (and every entry of a family member) is
 * case data: it is read by the supervisors of that case, never by administrators, whom the policy refuses
 * every case. Administrators read the agency's security events: the entries of no case made by staff or
 * by callers who were not signed in (sign-ins, staff accounts, refused requests, readings of this trail),
 * with staff names and no family member's. Supervisors read the entries of the cases whose audit the policy
 * opens to them (with the family members' entries that predate entries carrying their case), plus their own
 * entries that belong to no case.
 */
type Scope = { kind: 'agency' } | { kind: 'cases'; caseIds: string[]; personIds: string[]; userId: string };

async function scopeOf(ctx: RequestContext): Promise<Scope | null> {
	const { casePeople } = tablesOf(ctx);
	const actor = ctx.actor;
	if (actor.kind !== 'staff') return null;
	if (actor.role === 'admin') return { kind: 'agency' };
	const caseIds = [...actor.assignments.keys()].filter((caseId) => can(actor, 'view', { type: 'audit', caseId }));
	const personIds = caseIds.length ? (await ctx.db.select({ id: casePeople.id }).from(casePeople).where(inArray(casePeople.caseId, caseIds))).map((p) => p.id) : [];
	return { kind: 'cases', caseIds, personIds, userId: actor.userId };
}

function scopeCondition(db: Db, scope: Scope): SQL | undefined {
	const { auditEvents } = tablesOf(db);
	if (scope.kind === 'agency') return and(isNull(auditEvents.caseId), ne(auditEvents.actorKind, 'participant'));
	const own = and(isNull(auditEvents.caseId), eq(auditEvents.actorId, scope.userId));
	if (scope.caseIds.length === 0) return own;
	const familyWithoutCase = scope.personIds.length ? and(isNull(auditEvents.caseId), eq(auditEvents.actorKind, 'participant'), inArray(auditEvents.actorId, scope.personIds)) : undefined;
	return or(inArray(auditEvents.caseId, scope.caseIds), own, familyWithoutCase);
}

/**
 * The first instant of a YYYY-MM-DD day in the zone (not always its 00:00: see domain/time.ts); `plusDays`
 * moves to a later day first, so `startOfDay(to, zone, 1)` ends the day `to`.
 */
export function startOfDay(isoDay: string, timeZone: string, plusDays = 0): number {
	return startOfLocalDay(isoDay, timeZone, plusDays);
}

function filterConditions(db: Db, filter: AuditFilter, scope: Scope, timeZone: string, upto: number): SQL[] {
	const { auditEvents } = tablesOf(db);
	const conditions: (SQL | undefined)[] = [
		scopeCondition(db, scope),
		lte(auditEvents.seq, upto),
		filter.case ? eq(auditEvents.caseId, filter.case) : undefined,
		filter.person ? eq(auditEvents.actorId, filter.person) : undefined,
		filter.from ? gte(auditEvents.at, startOfDay(filter.from, timeZone)) : undefined,
		// "To" includes the whole of that day.
		filter.to ? lt(auditEvents.at, startOfDay(filter.to, timeZone, 1)) : undefined,
		filter.outcome ? eq(auditEvents.outcome, filter.outcome) : undefined,
		// The schema allows only [a-z0-9.-]: nothing in the prefix can act as a LIKE wildcard.
		filter.action ? like(auditEvents.action, `${filter.action}%`) : undefined
	];
	return conditions.filter((c): c is SQL => c !== undefined);
}

/** The policy's resource for this reading: the case's audit when it narrows to one case (never an administrator's). */
function resourceFor(caseId: string | undefined): Resource {
	return caseId ? { type: 'audit', caseId } : { type: 'audit' };
}

export type AuditActorView =
	| { kind: 'staff'; id: string | null; name: string | null }
	| { kind: 'participant'; id: string | null; name: string | null }
	| { kind: 'anonymous' };

export type AuditRowView = {
	seq: number;
	at: number;
	who: AuditActorView;
	/** A staff role or a participant role code, when the entry has one. */
	role: StaffRole | ParticipantRole | null;
	action: string;
	resourceType: string;
	resourceId: string | null;
	/** The name of the person or account the entry is about, when it is one. */
	resourceName: string | null;
	caseId: string | null;
	caseName: string | null;
	outcome: AuditOutcome;
	clientAddress: string | null;
	sessionRef: string | null;
	/** The entry's small facts (a count, a reason), as key and value. Never what people typed. */
	detail: [string, string][];
};

type EventRow = typeof auditEvents.$inferSelect;

function personName(p: { givenName: string; familyName: string }): string {
	return `${p.givenName} ${p.familyName}`;
}

/**
 * Names for the ids on a batch of entries: staff accounts, people on cases, cases. Never a family member's
 * name or a case's in the administrators' view, whatever an entry holds.
 */
async function namesFor(ctx: RequestContext, scope: Scope, rows: EventRow[]) {
	const { casePeople, cases, users } = tablesOf(ctx);
	const caseData = scope.kind === 'cases';
	const ids = new Set<string>();
	const caseIds = new Set<string>();
	for (const r of rows) {
		if (r.actorId) ids.add(r.actorId);
		if (r.resourceId && (r.resourceType === 'person' || r.resourceType === 'user')) ids.add(r.resourceId);
		if (r.caseId) caseIds.add(r.caseId);
	}
	const list = [...ids];
	const staff = new Map(list.length ? (await ctx.db.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, list))).map((u) => [u.id, u.name]) : []);
	const people = new Map(
		list.length && caseData
			? (await ctx.db.select({ id: casePeople.id, givenName: casePeople.givenName, familyName: casePeople.familyName }).from(casePeople).where(inArray(casePeople.id, list))).map((p) => [p.id, personName(p)])
			: []
	);
	const caseNames = new Map(caseIds.size && caseData ? (await ctx.db.select({ id: cases.id, name: cases.name }).from(cases).where(inArray(cases.id, [...caseIds]))).map((c) => [c.id, c.name]) : []);
	return { staff, people, caseNames };
}

function detailPairs(detail: string | null): [string, string][] {
	if (!detail) return [];
	try {
		const parsed: unknown = JSON.parse(detail);
		if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return [['detail', detail]];
		return Object.entries(parsed).map(([key, value]) => [key, value === null ? '' : String(value)]);
	} catch {
		return [['detail', detail]];
	}
}

async function rowViews(ctx: RequestContext, scope: Scope, rows: EventRow[]): Promise<AuditRowView[]> {
	const { staff, people, caseNames } = await namesFor(ctx, scope, rows);
	return rows.map((r) => {
		const who: AuditActorView =
			r.actorKind === 'staff'
				? { kind: 'staff', id: r.actorId, name: r.actorId ? (staff.get(r.actorId) ?? null) : null }
				: r.actorKind === 'participant'
					? { kind: 'participant', id: r.actorId, name: r.actorId ? (people.get(r.actorId) ?? null) : null }
					: { kind: 'anonymous' };
		const resourceName = !r.resourceId ? null : r.resourceType === 'person' ? (people.get(r.resourceId) ?? null) : r.resourceType === 'user' ? (staff.get(r.resourceId) ?? null) : null;
		return {
			seq: r.seq,
			at: r.at,
			who,
			role: (r.actorRole as AuditRowView['role']) ?? null,
			action: r.action,
			resourceType: r.resourceType,
			resourceId: r.resourceId,
			resourceName,
			caseId: r.caseId,
			caseName: r.caseId ? (caseNames.get(r.caseId) ?? null) : null,
			outcome: r.outcome,
			clientAddress: r.clientAddress,
			sessionRef: r.sessionRef,
			detail: detailPairs(r.detail)
		};
	});
}

export type AuditFilterOptions = {
	cases: { id: string; name: string }[];
	staff: { id: string; name: string; role: StaffRole }[];
	/** People on the cases in reach, grouped by case. */
	people: { caseId: string; caseName: string; people: { id: string; name: string; role: ParticipantRole }[] }[];
};

/**
 * What the filter form offers. Administrators: staff accounts only (no case, no family member: their view
 * holds neither). Supervisors: their cases, the people on them, and the staff who are on them or appear in
 * their entries (a refused outsider, too).
 */
async function filterOptions(ctx: RequestContext, scope: Scope): Promise<AuditFilterOptions> {
	const { auditEvents, caseAssignments, casePeople, cases, users } = tablesOf(ctx);
	if (scope.kind === 'agency') {
		return { cases: [], staff: await ctx.db.select({ id: users.id, name: users.name, role: users.role }).from(users).orderBy(asc(users.name)), people: [] };
	}
	const caseRows = scope.caseIds.length ? await ctx.db.select({ id: cases.id, name: cases.name }).from(cases).where(inArray(cases.id, scope.caseIds)).orderBy(asc(cases.name)) : [];
	const ids = new Set<string>([scope.userId]);
	if (scope.caseIds.length) {
		for (const a of await ctx.db.select({ userId: caseAssignments.userId }).from(caseAssignments).where(inArray(caseAssignments.caseId, scope.caseIds))) ids.add(a.userId);
		const actors = await ctx.db
			.selectDistinct({ actorId: auditEvents.actorId })
			.from(auditEvents)
			.where(and(eq(auditEvents.actorKind, 'staff'), inArray(auditEvents.caseId, scope.caseIds)));
		for (const a of actors) if (a.actorId) ids.add(a.actorId);
	}
	const staffRows = await ctx.db.select({ id: users.id, name: users.name, role: users.role }).from(users).where(inArray(users.id, [...ids])).orderBy(asc(users.name));
	const peopleCaseIds = scope.caseIds;
	const peopleRows = peopleCaseIds.length
		? await ctx.db
				.select({ id: casePeople.id, caseId: casePeople.caseId, givenName: casePeople.givenName, familyName: casePeople.familyName, role: casePeople.role })
				.from(casePeople)
				.where(inArray(casePeople.caseId, peopleCaseIds))
				.orderBy(asc(casePeople.givenName), asc(casePeople.familyName))
		: [];
	const people = caseRows
		.filter((c) => peopleCaseIds.includes(c.id))
		.map((c) => ({ caseId: c.id, caseName: c.name, people: peopleRows.filter((p) => p.caseId === c.id).map((p) => ({ id: p.id, name: personName(p), role: p.role })) }));
	return { cases: caseRows, staff: staffRows, people };
}

export type AuditPage = {
	/** The filter as understood, or null when a field could not be read (then `problems` says which). */
	filter: AuditFilter | null;
	problems: AuditFilterProblem[];
	/** The agency's security events (administrators) or the viewer's cases (supervisors). */
	reach: Scope['kind'];
	timeZone: string;
	options: AuditFilterOptions;
	rows: AuditRowView[];
	total: number;
	page: number;
	pages: number;
	/** The newest entry these pages include, and when it was written. */
	upto: number;
	uptoAt: number | null;
};

async function newestSeq(ctx: RequestContext): Promise<number> {
	const { auditEvents } = tablesOf(ctx);
	return (await first(ctx.db.select({ seq: max(auditEvents.seq) }).from(auditEvents)))?.seq ?? 0;
}

/**
 * The case a reading names, even when another field of the filter cannot be read: access is decided (and
 * recorded) for the case that was asked for.
 */
function requestedCase(input: URLSearchParams | Record<string, string | undefined>): string | undefined {
	const raw = (input instanceof URLSearchParams ? input.get('case') : input.case)?.trim();
	return raw && opaqueId.safeParse(raw).success ? raw : undefined;
}

/** Authorizes (and so records) one reading of the trail; returns what the reader may read. */
async function openTrail(ctx: RequestContext, caseId: string | undefined, auditAction: string): Promise<{ scope: Scope } | { refused: Refusal }> {
	const scope = await scopeOf(ctx);
	const refused = await authorize(ctx, 'view', resourceFor(caseId), auditAction);
	if (refused || !scope) return { refused: refused ?? { ok: false, reason: 'forbidden' } };
	return { scope };
}

/**
 * One page of the trail, newest first, with what the filter form offers. A filter that cannot be read
 * still opens the page (with no entries and the problems named), so the person can correct it.
 */
export async function queryAudit(ctx: RequestContext, input: URLSearchParams | Record<string, string | undefined>): Promise<Result<AuditPage>> {
	const { auditEvents } = tablesOf(ctx);
	const parsed = parseAuditFilter(input);
	const filter = parsed.ok ? parsed.filter : null;
	const opened = await openTrail(ctx, requestedCase(input), 'audit.view');
	if ('refused' in opened) return opened.refused;
	const { scope } = opened;
	const timeZone = await timeZoneOf(ctx);
	const base = { reach: scope.kind, timeZone, options: await filterOptions(ctx, scope) };
	if (!filter) return { ok: true, value: { ...base, filter: null, problems: parsed.ok ? [] : parsed.problems, rows: [], total: 0, page: 1, pages: 1, upto: 0, uptoAt: null } };

	const newest = await newestSeq(ctx);
	const upto = filter.upto !== undefined ? Math.min(filter.upto, newest) : newest;
	const where = and(...filterConditions(ctx.db, filter, scope, timeZone, upto));
	const total = (await first(ctx.db.select({ n: count() }).from(auditEvents).where(where)))?.n ?? 0;
	const pages = Math.max(1, Math.ceil(total / AUDIT_PAGE_SIZE));
	const page = Math.min(filter.page, pages);
	const rows = await ctx.db
		.select()
		.from(auditEvents)
		.where(where)
		.orderBy(desc(auditEvents.seq))
		.limit(AUDIT_PAGE_SIZE)
		.offset((page - 1) * AUDIT_PAGE_SIZE);
	const uptoAt = (await first(ctx.db.select({ at: auditEvents.at }).from(auditEvents).where(eq(auditEvents.seq, upto))))?.at ?? null;
	return { ok: true, value: { ...base, filter: { ...filter, page, upto }, problems: [], rows: await rowViews(ctx, scope, rows), total, page, pages, upto, uptoAt } };
}

/**
 * Whether the hash chain still holds: null when every entry matches the one before it, otherwise the
 * number of the first entry that does not. It reads the whole trail, so it runs when a reader asks.
 */
export async function checkAuditChain(ctx: RequestContext): Promise<Result<{ brokenAt: number | null; entries: number }>> {
	const { auditEvents } = tablesOf(ctx);
	const opened = await openTrail(ctx, undefined, 'audit.verify');
	if ('refused' in opened) return opened.refused;
	const entries = (await first(ctx.db.select({ n: count() }).from(auditEvents)))?.n ?? 0;
	return { ok: true, value: { brokenAt: await verifyAuditChain(ctx.db), entries } };
}

// ---- CSV (RFC 4180) --------------------------------------------------------------------------------

/**
 * A spreadsheet runs a cell that starts with = + - @ (or a tab or carriage return) as a formula. A name
 * typed as `=HYPERLINK(…)` must reach the reader as text: an apostrophe in front keeps it text.
 * (OWASP, CSV injection.)
 */
export function csvCell(value: string | number | null | undefined): string {
	let text = value === null || value === undefined ? '' : String(value);
	if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
	// RFC 4180 §2.6–2.7: quote a field holding a comma, a quote or a line break; double its quotes.
	return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(cells: (string | number | null | undefined)[]): string {
	return cells.map(csvCell).join(',') + '\r\n';
}

type Locale = 'en' | 'es';

function csvHeader(locale: Locale): string[] {
	const o = { locale };
	return [
		m.audit_col_number({}, o),
		m.audit_col_when_utc({}, o),
		m.audit_col_who({}, o),
		m.audit_col_who_id({}, o),
		m.audit_col_actor_kind({}, o),
		m.audit_col_role({}, o),
		m.audit_col_action({}, o),
		m.audit_col_resource_type({}, o),
		m.audit_col_resource_id({}, o),
		m.audit_col_case({}, o),
		m.audit_col_case_id({}, o),
		m.audit_col_outcome({}, o),
		m.audit_col_from_where({}, o),
		m.audit_col_session({}, o),
		m.audit_col_detail({}, o),
		m.audit_col_prev_hash({}, o),
		m.audit_col_hash({}, o)
	];
}

/**
 * One entry as a CSV line. The stored fields go out as stored (codes, ids, the detail's JSON and both
 * hashes), so each line can be checked against its hash away from Hearth; names are added for reading.
 */
function csvRow(r: EventRow, names: Awaited<ReturnType<typeof namesFor>>, locale: Locale): string {
	const who =
		r.actorKind === 'anonymous' ? m.audit_who_anonymous({}, { locale }) : r.actorId ? (names.staff.get(r.actorId) ?? names.people.get(r.actorId) ?? '') : '';
	return csvLine([
		r.seq,
		new Date(r.at).toISOString(),
		who,
		r.actorId,
		r.actorKind,
		r.actorRole,
		r.action,
		r.resourceType,
		r.resourceId,
		r.caseId ? (names.caseNames.get(r.caseId) ?? '') : '',
		r.caseId,
		r.outcome,
		r.clientAddress,
		r.sessionRef,
		r.detail,
		r.prevHash,
		r.hash
	]);
}

export type AuditExport = { filename: string; rowCount: number; body: ReadableStream<Uint8Array> };

const EXPORT_BATCH = 1000;

/**
 * Every entry the filter matches (all pages), as CSV, under the same access rules as the page. The number
 * of rows is fixed before the first byte leaves (entries up to `upto`), and recorded as `audit.export`.
 */
export async function exportAudit(
	ctx: RequestContext,
	input: URLSearchParams | Record<string, string | undefined>,
	locale: Locale
): Promise<Result<AuditExport> | { ok: false; reason: 'invalid'; problems: AuditFilterProblem[] }> {
	const { auditEvents } = tablesOf(ctx);
	const parsed = parseAuditFilter(input);
	const opened = await openTrail(ctx, requestedCase(input), 'audit.export');
	if ('refused' in opened) return opened.refused;
	if (!parsed.ok) return { ok: false, reason: 'invalid', problems: parsed.problems };
	const { filter } = parsed;
	const timeZone = await timeZoneOf(ctx);
	const newest = await newestSeq(ctx);
	const upto = filter.upto !== undefined ? Math.min(filter.upto, newest) : newest;
	const conditions = filterConditions(ctx.db, filter, opened.scope, timeZone, upto);
	const rowCount = (await first(ctx.db.select({ n: count() }).from(auditEvents).where(and(...conditions))))?.n ?? 0;
	// What left the system, and how much of it: an accounting of this disclosure.
	await record(ctx, {
		action: 'audit.export',
		resourceType: 'audit',
		caseId: filter.case ?? null,
		outcome: 'allowed',
		detail: {
			rows: rowCount,
			upto,
			...Object.fromEntries((['person', 'from', 'to', 'outcome', 'action'] as const).flatMap((k) => (filter[k] ? [[k, filter[k]]] : [])))
		}
	});

	const encoder = new TextEncoder();
	let before = upto + 1;
	let headerSent = false;
	const body = new ReadableStream<Uint8Array>({
		async pull(controller) {
			if (!headerSent) {
				headerSent = true;
				// A byte-order mark, so that spreadsheets read the accents in names as UTF-8.
				controller.enqueue(encoder.encode('\uFEFF' + csvLine(csvHeader(locale))));
				return;
			}
			const batch = await ctx.db
				.select()
				.from(auditEvents)
				.where(and(...conditions, lt(auditEvents.seq, before)))
				.orderBy(desc(auditEvents.seq))
				.limit(EXPORT_BATCH);
			if (batch.length === 0) {
				controller.close();
				return;
			}
			before = batch[batch.length - 1].seq;
			const names = await namesFor(ctx, opened.scope, batch);
			controller.enqueue(encoder.encode(batch.map((r) => csvRow(r, names, locale)).join('')));
		}
	});
	return { ok: true, value: { filename: `hearth-audit-${isoDay(zonedDate(ctx.now, timeZone))}.csv`, rowCount, body } };
}
