import { asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { users } from '../db/schema.ts';
import { hashPassword } from '../auth/password.ts';
import { invalidateUserSessions } from '../auth/session.ts';
import { collabControl } from '../collab/registry.ts';
import { newId } from '../ids.ts';
import { writeAudit } from '../audit.ts';
import { STAFF_ROLES, type StaffRole } from '../../domain/roles.ts';
import { opaqueId } from '../../domain/doc-id.ts';
import { authorize, type RequestContext, type Result } from './access.ts';

export type StaffAccount = { id: string; name: string; email: string; role: StaffRole; disabled: boolean };

export function listStaff(ctx: RequestContext): Result<StaffAccount[]> {
	const refused = authorize(ctx, 'view', { type: 'user-admin' }, 'user.list');
	if (refused) return refused;
	const rows = ctx.db.select().from(users).orderBy(asc(users.name)).all();
	return { ok: true, value: rows.map((u) => ({ id: u.id, name: u.name, email: u.email, role: u.role, disabled: u.disabledAt !== null })) };
}

export const newStaffSchema = z.object({
	name: z.string().trim().min(1).max(120),
	email: z.email().trim().toLowerCase().max(254),
	role: z.enum(STAFF_ROLES),
	password: z.string().min(12).max(200)
});

export async function addStaff(ctx: RequestContext, input: z.infer<typeof newStaffSchema>): Promise<Result<{ id: string }> | { ok: false; reason: 'email-taken' }> {
	const refused = authorize(ctx, 'manage', { type: 'user-admin' }, 'user.create');
	if (refused) return refused;
	if (ctx.db.select({ id: users.id }).from(users).where(eq(users.email, input.email)).get()) return { ok: false, reason: 'email-taken' };
	const agencyId = ctx.actor.kind === 'staff' ? ctx.db.select({ agencyId: users.agencyId }).from(users).where(eq(users.id, ctx.actor.userId)).get()?.agencyId : undefined;
	if (!agencyId) return { ok: false, reason: 'forbidden' };
	const id = newId();
	const passwordHash = await hashPassword(input.password);
	ctx.db.insert(users).values({ id, agencyId, email: input.email, name: input.name, role: input.role, passwordHash, createdAt: Date.now() }).run();
	writeAudit(ctx.db, { actor: ctx.actor, action: 'user.create', resourceType: 'user', resourceId: id, outcome: 'allowed', clientAddress: ctx.clientAddress, sessionId: ctx.sessionId, detail: { role: input.role } });
	return { ok: true, value: { id } };
}

/**
 * Disabling an account ends every session of that person and closes their open sockets at once: a
 * worker who leaves the agency is out of every meeting the moment an administrator says so.
 */
export function setStaffDisabled(ctx: RequestContext, userId: string, disabled: boolean): Result<{ closedSockets: number }> {
	const refused = authorize(ctx, 'manage', { type: 'user-admin' }, disabled ? 'user.disable' : 'user.enable');
	if (refused) return refused;
	if (!opaqueId.safeParse(userId).success) return { ok: false, reason: 'not-found' };
	if (ctx.actor.kind === 'staff' && ctx.actor.userId === userId) return { ok: false, reason: 'forbidden' };
	const changed = ctx.db.update(users).set({ disabledAt: disabled ? Date.now() : null }).where(eq(users.id, userId)).returning({ id: users.id }).all();
	if (changed.length === 0) return { ok: false, reason: 'not-found' };
	let closedSockets = 0;
	if (disabled) {
		invalidateUserSessions(ctx.db, userId);
		closedSockets = collabControl()?.closeUser(userId, 'access-revoked') ?? 0;
	}
	writeAudit(ctx.db, { actor: ctx.actor, action: disabled ? 'user.disable' : 'user.enable', resourceType: 'user', resourceId: userId, outcome: 'allowed', clientAddress: ctx.clientAddress, sessionId: ctx.sessionId, detail: { closedSockets } });
	return { ok: true, value: { closedSockets } };
}
