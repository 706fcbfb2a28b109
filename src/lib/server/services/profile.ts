import { eq } from 'drizzle-orm';
import { users } from '../db/schema.ts';
import type { RequestContext } from './access.ts';

/** A person's own language choice. Only ever their own profile. */
export function saveStaffLocale(ctx: RequestContext, userId: string, locale: 'en' | 'es'): void {
	if (ctx.actor.kind !== 'staff' || ctx.actor.userId !== userId) return;
	ctx.db.update(users).set({ locale }).where(eq(users.id, userId)).run();
}
