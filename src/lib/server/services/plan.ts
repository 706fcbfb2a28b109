import { eq } from 'drizzle-orm';
import { first, tablesOf } from '../db/index.ts';
import { opaqueId, docName } from '../../domain/doc-id.ts';
import { can } from '../../domain/policy.ts';
import { READ_ONLY_PARTICIPANT_ROLES } from '../../domain/roles.ts';
import { authorize, refuseUnknown, type RequestContext, type Result } from './access.ts';

// The case plan's page (domain.md §4, issue 21): who may open `plan:<caseId>` and whether they may change it,
// both from the one policy (the `document` resource of kind `plan`), as the collab server decides at the
// socket. The plan's text itself lives in the shared document (plan-doc.ts), never here.

/**
 * Why someone who may read the plan may not change it, for the sentence the page shows them: an observer
 * follows without writing; one of a keep-apart pair reads the shared plan until they have a draft of their
 * own (policy.ts, domain.md §6); `other` for any other reason the policy gives.
 */
export type PlanReadOnlyReason = 'observer' | 'keep-apart' | 'other';

export type PlanPage = {
	caseId: string;
	caseName: string;
	/** The shared document's name, `plan:<caseId>` (doc-id.ts). */
	docId: string;
	/** The policy lets this person change the plan (the socket decides again, and may narrow it later). */
	canEdit: boolean;
	/** Set when `canEdit` is false. */
	readOnlyReason: PlanReadOnlyReason | null;
};

/**
 * The plan of case `caseId` as this person may open it: staff on the case, and family members invited to
 * the whole case. Takes the request context and the case id; returns the case's name, the document's name
 * and whether this person may change it (and why not). Refuses (and audits) anyone the policy does not let
 * view the plan, and an id that is no case, alike.
 */
export async function openPlan(ctx: RequestContext, caseId: string): Promise<Result<PlanPage>> {
	const { cases } = tablesOf(ctx);
	if (!opaqueId.safeParse(caseId).success) return refuseUnknown(ctx, 'case', caseId, 'plan.view');
	const row = await first(ctx.db.select({ id: cases.id, name: cases.name }).from(cases).where(eq(cases.id, caseId)));
	if (!row) return refuseUnknown(ctx, 'case', caseId, 'plan.view');
	const resource = { type: 'document', caseId, docKind: 'plan' } as const;
	const refused = await authorize(ctx, 'view', resource, 'plan.view');
	if (refused) return refused;
	const canEdit = can(ctx.actor, 'edit', resource);
	return { ok: true, value: { caseId, caseName: row.name, docId: docName({ kind: 'plan', id: caseId }), canEdit, readOnlyReason: canEdit ? null : readOnlyReason(ctx) } };
}

function readOnlyReason(ctx: RequestContext): PlanReadOnlyReason {
	const actor = ctx.actor;
	if (actor.kind !== 'participant') return 'other';
	if (READ_ONLY_PARTICIPANT_ROLES.includes(actor.role)) return 'observer';
	return actor.keepApartWith.size > 0 ? 'keep-apart' : 'other';
}
