import * as Y from 'yjs';
import { z } from 'zod';
import { and, desc, eq } from 'drizzle-orm';
import { first, tablesOf } from '../db/index.ts';
import { opaqueId, docName } from '../../domain/doc-id.ts';
import { can } from '../../domain/policy.ts';
import { planOf } from '../../domain/plan-doc.ts';
import { notesToHtml, type SectionWords } from '../../domain/notes-html.ts';
import { comparePlans, comparisonCounts, comparisonToHtml, planBlocks, planContentHash, type CompareWords } from '../../domain/plan-version.ts';
import { loadStoredDocument } from '../collab/stored.ts';
import { newId } from '../ids.ts';
import { RateLimiter } from '../auth/rate-limit.ts';
import { authorize, authorizeThenRecord, inTransaction, record, refuseUnknown, type RequestContext, type Result } from './access.ts';

// Saved versions of the case plan (issue 21, domain.md §4): part of the plan, so the plan's own rule decides
// (policy.ts, the `document` resource of kind `plan`): whoever may edit the plan saves a version, whoever
// may read it lists, opens and compares versions. A version is taken on the server from the committed state
// (collab/stored.ts, never a room's memory or a browser's copy) and stored unchangeable (plan_versions:
// triggers refuse UPDATE and DELETE); its content hash is what an agreement will bind to.

/**
 * Versions one person may save in an hour. Each is a whole copy of the plan (up to the document limit,
 * COLLAB_MAX_DOCUMENT_BYTES, 4 MB by default) that nobody can ever remove (triggers refuse DELETE): a save
 * in a loop would fill the agency's database for good. A team saves one after a meeting, a few in a day.
 */
export const VERSION_SAVES_PER_HOUR = 12;

/** Per person, on this instance. */
const saves = new RateLimiter(VERSION_SAVES_PER_HOUR, 60 * 60_000);

/** A version not saved because this person saved VERSION_SAVES_PER_HOUR in the last hour (the form says to wait). */
export type SaveBusy = { ok: false; reason: 'busy' };

/** The longest name a version may have (characters). */
export const PLAN_VERSION_NAME_MAX = 120;

/** The form that saves a version: its name as typed, trimmed, 1 to PLAN_VERSION_NAME_MAX characters. */
export const planVersionSchema = z.object({ name: z.string().trim().min(1).max(PLAN_VERSION_NAME_MAX) });

const compareSide = z.union([z.literal('current'), opaqueId]);
/**
 * The compare page's query: `from` and `to`, each a version's id or `current` (the plan now). Takes the
 * query's strings; refuses anything else.
 */
export const compareQuerySchema = z.object({ from: compareSide, to: compareSide }).transform(({ from, to }) => ({
	from: from === 'current' ? ('current' as const) : { versionId: from },
	to: to === 'current' ? ('current' as const) : { versionId: to }
}));

/** One saved version as a list shows it. `createdAt`: milliseconds since the epoch (UTC). */
export type PlanVersionSummary = { id: string; name: string; savedByName: string; createdAt: number; contentHash: string };

export type PlanVersionsPage = {
	caseId: string;
	caseName: string;
	/** Newest first. */
	versions: PlanVersionSummary[];
	/** The policy lets this person save a version (they may edit the plan). */
	canSave: boolean;
};

const planResource = (caseId: string) => ({ type: 'document', caseId, docKind: 'plan' }) as const;

async function caseOf(ctx: RequestContext, caseId: string): Promise<{ id: string; name: string } | undefined> {
	const { cases } = tablesOf(ctx);
	if (!opaqueId.safeParse(caseId).success) return undefined;
	return first(ctx.db.select({ id: cases.id, name: cases.name }).from(cases).where(eq(cases.id, caseId)));
}

/**
 * The saved versions of case `caseId`'s plan, newest first, with whether this person may save one. Refuses
 * (and audits, `plan.versions.view`) anyone the policy does not let read the plan, and an unknown case alike.
 */
export async function listPlanVersions(ctx: RequestContext, caseId: string): Promise<Result<PlanVersionsPage>> {
	const row = await caseOf(ctx, caseId);
	if (!row) return refuseUnknown(ctx, 'case', caseId, 'plan.versions.view');
	const refused = await authorize(ctx, 'view', planResource(caseId), 'plan.versions.view');
	if (refused) return refused;
	return { ok: true, value: { caseId, caseName: row.name, versions: await versionsOf(ctx, caseId), canSave: can(ctx.actor, 'edit', planResource(caseId)) } };
}

async function versionsOf(ctx: RequestContext, caseId: string): Promise<PlanVersionSummary[]> {
	const { planVersions } = tablesOf(ctx);
	const versions = await ctx.db
		.select({ id: planVersions.id, name: planVersions.name, savedByName: planVersions.savedByName, createdAt: planVersions.createdAt, contentHash: planVersions.contentHash })
		.from(planVersions)
		.where(eq(planVersions.caseId, caseId))
		.orderBy(desc(planVersions.createdAt), desc(planVersions.id));
	return versions.map((v) => ({ ...v, createdAt: Number(v.createdAt) }));
}

async function nameOfActor(ctx: RequestContext): Promise<string> {
	const { users, casePeople } = tablesOf(ctx);
	if (ctx.actor.kind === 'staff') return (await first(ctx.db.select({ name: users.name }).from(users).where(eq(users.id, ctx.actor.userId))))?.name ?? '';
	if (ctx.actor.kind === 'participant') {
		const person = await first(ctx.db.select({ given: casePeople.givenName, family: casePeople.familyName }).from(casePeople).where(eq(casePeople.id, ctx.actor.personId)));
		return person ? `${person.given} ${person.family}` : '';
	}
	return '';
}

/**
 * Saves the plan of case `caseId` as it is committed now as a version named `name` (already checked:
 * plan-version-form.ts, 1–120 characters), by this person, at `ctx.now`. Takes the committed state
 * (collab/stored.ts), stores its encoded Yjs state and its content hash (plan-version.ts `planContentHash`),
 * with an audit entry (`plan.version.save`, the hash, never the words) in the same transaction. Refuses
 * (and audits) anyone the policy does not let edit the plan: observers, one of a keep-apart pair, other
 * cases' staff, and an unknown case alike; past VERSION_SAVES_PER_HOUR in an hour for this person, `busy`
 * (nothing stored). Resolves to the new version's id and hash.
 */
export async function savePlanVersion(ctx: RequestContext, caseId: string, name: string): Promise<Result<{ id: string; contentHash: string }> | SaveBusy> {
	const row = await caseOf(ctx, caseId);
	if (!row) return refuseUnknown(ctx, 'case', caseId, 'plan.version.save');
	// Refused at once and audited; allowed, the entry is written with the version, in its transaction.
	const decision = await authorizeThenRecord(ctx, 'edit', planResource(caseId), 'plan.version.save');
	if ('refused' in decision) return decision.refused;
	if (!saves.take(personKey(ctx), ctx.now)) return { ok: false, reason: 'busy' };
	const doc = await loadStoredDocument(ctx.db, docName({ kind: 'plan', id: caseId }));
	try {
		const state = Buffer.from(Y.encodeStateAsUpdate(doc));
		const contentHash = planContentHash(planOf(doc).body);
		const savedByName = await nameOfActor(ctx);
		const id = newId();
		const { planVersions } = tablesOf(ctx);
		await inTransaction(ctx, async (tx) => {
			await tx.db.insert(planVersions).values({
				id,
				caseId,
				name,
				state,
				contentHash,
				savedByUser: tx.actor.kind === 'staff' ? tx.actor.userId : null,
				savedByPerson: tx.actor.kind === 'participant' ? tx.actor.personId : null,
				savedByName,
				createdAt: tx.now
			});
			await record(tx, { ...decision.allowed, resourceId: id, detail: { contentHash } });
		});
		return { ok: true, value: { id, contentHash } };
	} finally {
		doc.destroy();
	}
}

/**
 * For a save whose name did not parse: whoever may not save a version of case `caseId`'s plan (policy `edit`
 * on it) is refused as such (audited as `plan.version.save`; an unknown case like a forbidden one), whatever
 * they sent; only who may save learns what was wrong with the name.
 */
export async function maySavePlanVersion(ctx: RequestContext, caseId: string): Promise<Result<null>> {
	if (!(await caseOf(ctx, caseId))) return refuseUnknown(ctx, 'case', caseId, 'plan.version.save');
	return (await authorize(ctx, 'edit', planResource(caseId), 'plan.version.save')) ?? { ok: true, value: null };
}

/** A version as stored, opened into a Y.Doc (the caller destroys it), or null when case `caseId` has no such version. */
async function versionDoc(ctx: RequestContext, caseId: string, versionId: string): Promise<{ summary: PlanVersionSummary; doc: Y.Doc } | null> {
	if (!opaqueId.safeParse(versionId).success) return null;
	const { planVersions } = tablesOf(ctx);
	const v = await first(ctx.db.select().from(planVersions).where(and(eq(planVersions.id, versionId), eq(planVersions.caseId, caseId))));
	if (!v) return null;
	const doc = new Y.Doc();
	Y.applyUpdate(doc, new Uint8Array(v.state));
	return { summary: { id: v.id, name: v.name, savedByName: v.savedByName, createdAt: Number(v.createdAt), contentHash: v.contentHash }, doc };
}

export type PlanVersionPage = { caseId: string; caseName: string; version: PlanVersionSummary; html: string };

/**
 * Version `versionId` of case `caseId`'s plan, read only: its name, who saved it and when, its hash, and its
 * text as HTML (notes-html.ts, the same renderer as the saved notes; section headings worded by `sections`
 * in the reader's language). Refuses (and audits, `plan.version.view`) anyone the policy does not let read
 * the plan; an unknown case or a version of another case is refused like a forbidden one.
 */
export async function openPlanVersion(ctx: RequestContext, caseId: string, versionId: string, sections: SectionWords): Promise<Result<PlanVersionPage>> {
	const row = await caseOf(ctx, caseId);
	if (!row) return refuseUnknown(ctx, 'case', caseId, 'plan.version.view');
	const refused = await authorize(ctx, 'view', planResource(caseId), 'plan.version.view');
	if (refused) return refused;
	const found = await versionDoc(ctx, caseId, versionId);
	if (!found) return refuseUnknown(ctx, 'plan-version', versionId, 'plan.version.view');
	try {
		return { ok: true, value: { caseId, caseName: row.name, version: found.summary, html: notesToHtml(planOf(found.doc).body, sections) } };
	} finally {
		found.doc.destroy();
	}
}

/**
 * Compares one person may ask for in a minute. A compare is server work that holds the one thread every
 * meeting's socket runs on (two 30-page plans: about 100 to 200 ms, tests/bench README), so it is counted
 * per person (staff by user, family by person: a second session is the same person); far above what
 * someone reading changes asks for, far below a loop that would stall every open meeting.
 */
export const COMPARES_PER_MINUTE = 20;

/** Per person, on this instance: what it protects is this instance's thread. */
const compares = new RateLimiter(COMPARES_PER_MINUTE, 60_000);

/** Who is counted for the limits here: staff by user, a family member by person (each session of theirs alike). */
function personKey(ctx: RequestContext): string {
	if (ctx.actor.kind === 'staff') return `u:${ctx.actor.userId}`;
	if (ctx.actor.kind === 'participant') return `p:${ctx.actor.personId}`;
	return `s:${ctx.sessionId ?? ''}`;
}

/** A compare not made because this person asked for too many in a minute (the page answers 429: wait a minute). */
export type CompareBusy = { ok: false; reason: 'busy' };

/** What a compare names on either side: a saved version, or `current`, the plan as committed now. */
export type CompareSide = { versionId: string } | 'current';

export type PlanComparePage = {
	caseId: string;
	caseName: string;
	/** The earlier side and the later one: a version, or null for the plan now. */
	from: PlanVersionSummary | null;
	to: PlanVersionSummary | null;
	html: string;
	counts: { added: number; removed: number; changed: number };
	/** Every version, for choosing another pair (newest first). */
	versions: PlanVersionSummary[];
};

/**
 * Compares two versions of case `caseId`'s plan, or a version and the plan as committed now (`from`, then
 * `to`): blocks and words (plan-version.ts `comparePlans`), as HTML with <ins>/<del> and hidden words
 * (`words`, in the reader's language). Refuses (and audits, `plan.versions.compare`) anyone the policy does
 * not let read the plan; an unknown case or version, or another case's, is refused like a forbidden one.
 * Past COMPARES_PER_MINUTE in a minute for this person, `busy` (nothing compared).
 */
export async function comparePlanVersions(ctx: RequestContext, caseId: string, from: CompareSide, to: CompareSide, words: CompareWords): Promise<Result<PlanComparePage> | CompareBusy> {
	const row = await caseOf(ctx, caseId);
	if (!row) return refuseUnknown(ctx, 'case', caseId, 'plan.versions.compare');
	const refused = await authorize(ctx, 'view', planResource(caseId), 'plan.versions.compare');
	if (refused) return refused;
	if (!compares.take(personKey(ctx), ctx.now)) return { ok: false, reason: 'busy' };
	const docs: Y.Doc[] = [];
	try {
		const open = async (side: CompareSide): Promise<{ summary: PlanVersionSummary | null; doc: Y.Doc } | null> => {
			if (side === 'current') {
				const doc = await loadStoredDocument(ctx.db, docName({ kind: 'plan', id: caseId }));
				docs.push(doc);
				return { summary: null, doc };
			}
			const found = await versionDoc(ctx, caseId, side.versionId);
			if (found) docs.push(found.doc);
			return found;
		};
		const before = await open(from);
		const after = await open(to);
		if (!before || !after) return refuseUnknown(ctx, 'plan-version', from === 'current' ? (to === 'current' ? '' : to.versionId) : from.versionId, 'plan.versions.compare');
		const compared = comparePlans(planBlocks(planOf(before.doc).body), planBlocks(planOf(after.doc).body));
		return {
			ok: true,
			value: { caseId, caseName: row.name, from: before.summary, to: after.summary, html: comparisonToHtml(compared, words), counts: comparisonCounts(compared), versions: await versionsOf(ctx, caseId) }
		};
	} finally {
		for (const doc of docs) doc.destroy();
	}
}
