import { and, eq, inArray } from 'drizzle-orm';
import { opaqueId } from '../../domain/doc-id.ts';
import { valuesOf, type AvailabilityRecord, type AvailabilityValues, type AvailabilityField } from '../../domain/availability.ts';
import { parseAvailability, recordFromRow } from '../../domain/availability-parse.ts';
import type { ParticipantRole, SensitivityLabel } from '../../domain/roles.ts';
import { first, tablesOf } from '../db/index.ts';
import { authorize, inTransaction, record, refuseUnknown, type RequestContext, type Result } from './access.ts';

// A family member's availability for meetings and how they can take part (issue 22; domain.md §6:
// collected privately, intersected on the server). Given by the person themself (their own page) or
// entered by a worker on the case after talking with them; read by the case's staff and, through the policy
// (`person-detail: availability`: the label AVAILABILITY_CONFIDENTIAL, a keep-apart pair), by nobody else
// in full. The ranking of times (find-times.ts) reads it on the server.

/** What the availability page shows: whose it is, when it was last given and by whom, and the form's values. */
export type AvailabilityPage = {
	caseId: string;
	personId: string;
	givenName: string;
	/** Whether the reader is the person themself (the page speaks to them) or staff entering it for them. */
	self: boolean;
	values: AvailabilityValues;
	saved: { at: number; by: 'self' | 'staff' } | null;
};

type Person = { id: string; caseId: string; givenName: string; role: ParticipantRole };

/** The person `personId` on case `caseId` and their labels, or undefined. */
async function personOn(ctx: RequestContext, caseId: string, personId: string): Promise<{ person: Person; labels: Set<SensitivityLabel> } | undefined> {
	const { casePeople, sensitivityLabels } = tablesOf(ctx);
	if (!opaqueId.safeParse(caseId).success || !opaqueId.safeParse(personId).success) return undefined;
	const person = await first(
		ctx.db
			.select({ id: casePeople.id, caseId: casePeople.caseId, givenName: casePeople.givenName, role: casePeople.role })
			.from(casePeople)
			.where(and(eq(casePeople.id, personId), eq(casePeople.caseId, caseId)))
	);
	if (!person) return undefined;
	const labels = new Set((await ctx.db.select({ label: sensitivityLabels.label }).from(sensitivityLabels).where(eq(sensitivityLabels.personId, personId))).map((r) => r.label));
	return { person: person as Person, labels };
}

function detailResource(p: Person, labels: Set<SensitivityLabel>) {
	return { type: 'person-detail' as const, caseId: p.caseId, personId: p.id, detail: 'availability' as const, labels, personRole: p.role, consents: new Map() };
}

/** The stored availability of each of `personIds` (absent: never given). For the server's own reading (find-times). */
export async function availabilityOf(ctx: Pick<RequestContext, 'db'>, personIds: readonly string[]): Promise<Map<string, AvailabilityRecord>> {
	const { availability } = tablesOf(ctx);
	const map = new Map<string, AvailabilityRecord>();
	if (personIds.length === 0) return map;
	for (const row of await ctx.db.select().from(availability).where(inArray(availability.personId, [...personIds]))) map.set(row.personId, recordFromRow(row));
	return map;
}

/**
 * The availability form of person `personId` on case `caseId`, for them (policy `edit` on their
 * `person-detail: availability`: the person themself, or staff on the case). A new form starts in the
 * agency's zone. Unknown ids and refusals are audited as `availability.view`.
 */
export async function availabilityPage(ctx: RequestContext, caseId: string, personId: string): Promise<Result<AvailabilityPage>> {
	const { availability, agencies, cases } = tablesOf(ctx);
	const found = await personOn(ctx, caseId, personId);
	if (!found) return refuseUnknown(ctx, 'person', personId, 'availability.view');
	const refused = await authorize(ctx, 'edit', detailResource(found.person, found.labels), 'availability.view');
	if (refused) return refused;
	const row = await first(ctx.db.select().from(availability).where(eq(availability.personId, personId)));
	const agency = await first(ctx.db.select({ timeZone: agencies.timeZone }).from(cases).innerJoin(agencies, eq(agencies.id, cases.agencyId)).where(eq(cases.id, caseId)));
	return {
		ok: true,
		value: {
			caseId,
			personId,
			givenName: found.person.givenName,
			self: ctx.actor.kind === 'participant',
			values: valuesOf(row ? recordFromRow(row) : null, agency?.timeZone ?? 'UTC'),
			saved: row ? { at: row.updatedAt, by: row.enteredBy } : null
		}
	};
}

/**
 * Saves what person `personId` on case `caseId` said of their time (`values` as typed), for the same
 * people as availabilityPage. Returns the fields that are wrong (nothing saved), or saves the whole answer
 * in one transaction with its audit entry (`availability.save`: who entered it, never the times).
 */
export async function saveAvailability(ctx: RequestContext, caseId: string, personId: string, values: AvailabilityValues): Promise<Result<true> | { ok: false; reason: 'invalid'; fields: AvailabilityField[] }> {
	const { availability } = tablesOf(ctx);
	return inTransaction(ctx, async (tx) => {
		const found = await personOn(tx, caseId, personId);
		if (!found) return refuseUnknown(tx, 'person', personId, 'availability.save');
		const refused = await authorize(tx, 'edit', detailResource(found.person, found.labels), 'availability.save');
		if (refused) return refused;
		const parsed = parseAvailability(values);
		if (!parsed.ok) return { ok: false, reason: 'invalid' as const, fields: parsed.fields };
		const r = parsed.record;
		const enteredBy = tx.actor.kind === 'participant' ? ('self' as const) : ('staff' as const);
		const row = {
			caseId,
			timeZone: r.timeZone,
			weekly: JSON.stringify(r.weekly),
			dates: JSON.stringify(r.dates),
			joinModes: JSON.stringify(r.joinModes),
			inPersonPlace: r.inPersonPlace,
			placeName: r.placeName,
			needs: JSON.stringify(r.needs),
			interpreterLanguage: r.interpreterLanguage,
			enteredBy,
			updatedBy: tx.actor.kind === 'staff' ? tx.actor.userId : null,
			updatedAt: tx.now
		};
		await tx.db
			.insert(availability)
			.values({ personId, ...row })
			.onConflictDoUpdate({ target: availability.personId, set: row });
		await record(tx, { action: 'availability.save', resourceType: 'person', resourceId: personId, caseId, outcome: 'allowed', detail: { enteredBy, blocks: r.weekly.length + r.dates.length } });
		return { ok: true as const, value: true as const };
	});
}
