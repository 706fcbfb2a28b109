import { and, eq } from 'drizzle-orm';
import { opaqueId } from '../../domain/doc-id.ts';
import { can } from '../../domain/policy.ts';
import { HOUSES, houseNamesOf, isShared, type House } from '../../domain/child-voice.ts';
import { first, tablesOf, type Db } from '../db/index.ts';
import { authorize, inTransaction, record, refuseUnknown, type RequestContext, type Result } from './access.ts';
import { meetingClosed } from './documents.ts';

// A child's own words for a meeting (Three Houses, domain.md §3; domain/child-voice.ts), through the one
// policy (`child-voice`): staff of the case write them with the child; the child reads them; anyone else of
// the meeting only once the child (and, when needed, a parent) agreed.

/** One child's houses as this reader may see them: `words` null when they may not (not shared with them). */
export type ChildVoiceView = {
	childId: string;
	name: string;
	words: Record<House, string> | null;
	names: Partial<Record<House, string>>;
	shared: boolean;
	agreement: { childAgreed: boolean; parentNeeded: boolean; parentAgreed: boolean };
	canEdit: boolean;
};

export type ChildVoicesPage = { meetingId: string; caseId: string; caseName: string; closed: boolean; children: ChildVoiceView[]; staff: boolean };

/** What staff write down with the child (checked by the route's zod schema). */
export type ChildVoiceInput = { words: Record<House, string>; names: Partial<Record<House, string>>; childAgreed: boolean; parentNeeded: boolean; parentAgreed: boolean };

async function meetingOf(db: Db, meetingId: string) {
	const { meetings, cases } = tablesOf(db);
	return first(db.select({ meeting: meetings, caseName: cases.name }).from(meetings).innerJoin(cases, eq(cases.id, meetings.caseId)).where(eq(meetings.id, meetingId)));
}

/**
 * The Three Houses of each child of meeting `meetingId`'s case, for whoever may see the meeting (policy
 * `view` on it, audited as `child-voice.view`); each child's words only when the policy lets this reader
 * read them (`child-voice` view). A child with nothing written has empty houses.
 */
export async function childVoicesPage(ctx: RequestContext, meetingId: string): Promise<Result<ChildVoicesPage>> {
	const { casePeople, childVoices } = tablesOf(ctx);
	if (!opaqueId.safeParse(meetingId).success) return refuseUnknown(ctx, 'meeting', meetingId, 'child-voice.view');
	const row = await meetingOf(ctx.db, meetingId);
	if (!row) return refuseUnknown(ctx, 'meeting', meetingId, 'child-voice.view');
	const m = row.meeting;
	const closed = meetingClosed(m.status);
	const refused = await authorize(ctx, 'view', { type: 'meeting', caseId: m.caseId, meetingId, closed }, 'child-voice.view');
	if (refused) return refused;
	const children = await ctx.db.select().from(casePeople).where(and(eq(casePeople.caseId, m.caseId), eq(casePeople.role, 'CHILD_YOUTH')));
	const rows = await ctx.db.select().from(childVoices).where(eq(childVoices.meetingId, meetingId));
	const views: ChildVoiceView[] = [];
	for (const child of children) {
		const r = rows.find((x) => x.childId === child.id);
		const agreement = { childAgreedAt: r?.childAgreedAt ?? null, parentNeeded: (r?.parentNeeded ?? 1) === 1, parentAgreedAt: r?.parentAgreedAt ?? null };
		const shared = isShared(agreement);
		const resource = { type: 'child-voice' as const, caseId: m.caseId, meetingId, childId: child.id, shared, closed };
		const readable = can(ctx.actor, 'view', resource);
		// A family member is not told of a child whose words are not theirs to read, beyond the child's name.
		views.push({
			childId: child.id,
			name: `${child.givenName} ${child.familyName}`,
			words: readable ? { worries: r?.worries ?? '', goodThings: r?.goodThings ?? '', dreams: r?.dreams ?? '' } : null,
			names: readable ? houseNamesOf(r?.houseNames ?? null) : {},
			shared,
			agreement: readable ? { childAgreed: agreement.childAgreedAt !== null, parentNeeded: agreement.parentNeeded, parentAgreed: agreement.parentAgreedAt !== null } : { childAgreed: false, parentNeeded: true, parentAgreed: false },
			canEdit: can(ctx.actor, 'edit', resource)
		});
	}
	return { ok: true, value: { meetingId, caseId: m.caseId, caseName: row.caseName, closed, children: views, staff: ctx.actor.kind === 'staff' } };
}

/**
 * Writes child `childId`'s houses for meeting `meetingId` (policy `child-voice` edit: the case's staff, the
 * meeting not closed), with what staff recorded about agreement: an agreement given keeps its first time;
 * one taken back clears it. Audited (`child-voice.save`, whether the words are now shared, never the words).
 * A person who is not a child of the meeting's case is refused like an unknown one.
 */
export function saveChildVoice(ctx: RequestContext, meetingId: string, childId: string, input: ChildVoiceInput): Promise<Result<{ shared: boolean }>> {
	const { casePeople, childVoices } = tablesOf(ctx);
	return inTransaction(ctx, async (tx) => {
		if (!opaqueId.safeParse(meetingId).success || !opaqueId.safeParse(childId).success) return refuseUnknown(tx, 'meeting', meetingId, 'child-voice.save');
		const row = await meetingOf(tx.db, meetingId);
		const child = row ? await first(tx.db.select().from(casePeople).where(and(eq(casePeople.id, childId), eq(casePeople.caseId, row.meeting.caseId), eq(casePeople.role, 'CHILD_YOUTH')))) : undefined;
		if (!row || !child) return refuseUnknown(tx, 'meeting', meetingId, 'child-voice.save');
		const m = row.meeting;
		const existing = await first(tx.db.select().from(childVoices).where(and(eq(childVoices.meetingId, meetingId), eq(childVoices.childId, childId))));
		const agreement = {
			childAgreedAt: input.childAgreed ? (existing?.childAgreedAt ?? tx.now) : null,
			parentNeeded: input.parentNeeded,
			parentAgreedAt: input.parentNeeded && input.parentAgreed ? (existing?.parentAgreedAt ?? tx.now) : null
		};
		const shared = isShared(agreement);
		const refused = await authorize(tx, 'edit', { type: 'child-voice', caseId: m.caseId, meetingId, childId, shared, closed: meetingClosed(m.status) }, 'child-voice.save');
		if (refused) return refused;
		const names = Object.fromEntries(HOUSES.filter((h) => input.names[h]?.trim()).map((h) => [h, input.names[h]!.trim()]));
		const values = {
			worries: input.words.worries,
			goodThings: input.words.goodThings,
			dreams: input.words.dreams,
			houseNames: Object.keys(names).length ? JSON.stringify(names) : null,
			parentNeeded: agreement.parentNeeded ? 1 : 0,
			childAgreedAt: agreement.childAgreedAt,
			parentAgreedAt: agreement.parentAgreedAt,
			updatedBy: tx.actor.kind === 'staff' ? tx.actor.userId : null,
			updatedAt: tx.now
		};
		await tx.db
			.insert(childVoices)
			.values({ meetingId, childId, ...values })
			.onConflictDoUpdate({ target: [childVoices.meetingId, childVoices.childId], set: values });
		await record(tx, { action: 'child-voice.save', resourceType: 'meeting', resourceId: meetingId, caseId: m.caseId, outcome: 'allowed', detail: { shared } });
		return { ok: true, value: { shared } };
	});
}
