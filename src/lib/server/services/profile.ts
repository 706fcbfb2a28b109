import { eq } from 'drizzle-orm';
import { agencies, cases, participants, users } from '../db/schema.ts';
import type { RequestContext } from './access.ts';

/** A person's own language choice: on the staff profile, or on the participant record of a family member. */
export function saveOwnLocale(ctx: RequestContext, locale: 'en' | 'es'): void {
	if (ctx.actor.kind === 'staff') ctx.db.update(users).set({ locale }).where(eq(users.id, ctx.actor.userId)).run();
	else if (ctx.actor.kind === 'participant') ctx.db.update(participants).set({ locale }).where(eq(participants.id, ctx.actor.participantId)).run();
}

/**
 * The time zone a person's times are shown in when no meeting gives one: their agency's. The same on
 * the server and in the browser, so the page does not change after hydration.
 */
export function timeZoneOf(ctx: RequestContext): string {
	const actor = ctx.actor;
	let row: { timeZone: string } | undefined;
	if (actor.kind === 'staff') {
		row = ctx.db.select({ timeZone: agencies.timeZone }).from(users).innerJoin(agencies, eq(agencies.id, users.agencyId)).where(eq(users.id, actor.userId)).get();
	} else if (actor.kind === 'participant') {
		row = ctx.db.select({ timeZone: agencies.timeZone }).from(cases).innerJoin(agencies, eq(agencies.id, cases.agencyId)).where(eq(cases.id, actor.caseId)).get();
	}
	return row?.timeZone ?? 'UTC';
}
