import { eq } from 'drizzle-orm';
import { participants, users } from '../db/schema.ts';
import type { RequestContext } from './access.ts';

/** A person's own language choice: on the staff profile, or on the participant record of a family member. */
export function saveOwnLocale(ctx: RequestContext, locale: 'en' | 'es'): void {
	if (ctx.actor.kind === 'staff') ctx.db.update(users).set({ locale }).where(eq(users.id, ctx.actor.userId)).run();
	else if (ctx.actor.kind === 'participant') ctx.db.update(participants).set({ locale }).where(eq(participants.id, ctx.actor.participantId)).run();
}
