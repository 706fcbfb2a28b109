import { eq } from 'drizzle-orm';
import { first, transact, tablesOf } from '../db/index.ts';
import type { RequestContext } from './access.ts';

/** A person's own language choice: on the staff profile, or on the participant record of a family member. */
export async function saveOwnLocale(ctx: RequestContext, locale: 'en' | 'es'): Promise<void> {
	const { participants, users } = tablesOf(ctx);
	const actor = ctx.actor;
	if (actor.kind === 'staff') await transact(ctx, (tx) => tx.update(users).set({ locale }).where(eq(users.id, actor.userId)));
	else if (actor.kind === 'participant') await transact(ctx, (tx) => tx.update(participants).set({ locale }).where(eq(participants.id, actor.participantId)));
}

/**
 * The time zone a person's times are shown in when no meeting gives one: their agency's. The same on
 * the server and in the browser, so the page does not change after hydration.
 */
export async function timeZoneOf(ctx: RequestContext): Promise<string> {
	const { agencies, cases, users } = tablesOf(ctx);
	const actor = ctx.actor;
	let row: { timeZone: string } | undefined;
	if (actor.kind === 'staff') {
		row = await first(ctx.db.select({ timeZone: agencies.timeZone }).from(users).innerJoin(agencies, eq(agencies.id, users.agencyId)).where(eq(users.id, actor.userId)));
	} else if (actor.kind === 'participant') {
		row = await first(ctx.db.select({ timeZone: agencies.timeZone }).from(cases).innerJoin(agencies, eq(agencies.id, cases.agencyId)).where(eq(cases.id, actor.caseId)));
	}
	return row?.timeZone ?? 'UTC';
}
