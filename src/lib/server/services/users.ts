import { asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { hashPassword } from '../auth/password.ts';
import { invalidateUserSessions } from '../auth/session.ts';
import { collabControl } from '../collab/registry.ts';
import { newId } from '../ids.ts';
import { first, tablesOf } from '../db/index.ts';
import { STAFF_ROLES, type StaffRole } from '../../domain/roles.ts';
import { opaqueId } from '../../domain/doc-id.ts';
import { authorize, inTransaction, record, type RequestContext, type Result } from './access.ts';

export type StaffAccount = { id: string; name: string; email: string; role: StaffRole; disabled: boolean };

export async function listStaff(ctx: RequestContext): Promise<Result<StaffAccount[]>> {
	const { users } = tablesOf(ctx);
	const refused = await authorize(ctx, 'view', { type: 'user-admin' }, 'user.list');
	if (refused) return refused;
	const rows = await ctx.db.select().from(users).orderBy(asc(users.name));
	return { ok: true, value: rows.map((u) => ({ id: u.id, name: u.name, email: u.email, role: u.role, disabled: u.disabledAt !== null })) };
}

export const newStaffSchema = z.object({
	name: z.string().trim().min(1).max(120),
	email: z.email().trim().toLowerCase().max(254),
	role: z.enum(STAFF_ROLES),
	password: z.string().min(12).max(200)
});

export async function addStaff(ctx: RequestContext, input: z.infer<typeof newStaffSchema>): Promise<Result<{ id: string }> | { ok: false; reason: 'email-taken' }> {
	const { users } = tablesOf(ctx);
	const refused = await authorize(ctx, 'manage', { type: 'user-admin' }, 'user.create');
	if (refused) return refused;
	// Hashed before the transaction: argon2 takes a while, and every writer would wait for it.
	const passwordHash = await hashPassword(input.password);
	const actor = ctx.actor;
	return inTransaction(ctx, async (tx) => {
		// The unique index on email decides between two at once; this check gives the common case its answer.
		if (await first(tx.db.select({ id: users.id }).from(users).where(eq(users.email, input.email)))) return { ok: false, reason: 'email-taken' } as const;
		const agencyId = actor.kind === 'staff' ? (await first(tx.db.select({ agencyId: users.agencyId }).from(users).where(eq(users.id, actor.userId))))?.agencyId : undefined;
		if (!agencyId) return { ok: false, reason: 'forbidden' } as const;
		const id = newId();
		await tx.db.insert(users).values({ id, agencyId, email: input.email, name: input.name, role: input.role, passwordHash, createdAt: tx.now });
		await record(tx, { action: 'user.create', resourceType: 'user', resourceId: id, outcome: 'allowed', detail: { role: input.role } });
		return { ok: true, value: { id } } as const;
	});
}

/**
 * Disabling an account ends every session of that person and closes their open sockets at once: a
 * worker who leaves the agency is out of every meeting the moment an administrator says so.
 */
export function setStaffDisabled(ctx: RequestContext, userId: string, disabled: boolean): Promise<Result<{ closedSockets: number }>> {
	const { users } = tablesOf(ctx);
	return inTransaction(ctx, async (tx) => {
		const refused = await authorize(tx, 'manage', { type: 'user-admin' }, disabled ? 'user.disable' : 'user.enable');
		if (refused) return refused;
		if (!opaqueId.safeParse(userId).success) return { ok: false, reason: 'not-found' };
		if (tx.actor.kind === 'staff' && tx.actor.userId === userId) return { ok: false, reason: 'forbidden' };
		const changed = await tx.db.update(users).set({ disabledAt: disabled ? tx.now : null }).where(eq(users.id, userId)).returning({ id: users.id });
		if (changed.length === 0) return { ok: false, reason: 'not-found' };
		let closedSockets = 0;
		if (disabled) {
			await invalidateUserSessions(tx.db, userId);
			// Closing sockets is in memory only: the sessions behind them are gone in this transaction.
			closedSockets = collabControl()?.closeUser(userId, 'access-revoked') ?? 0;
		}
		await record(tx, { action: disabled ? 'user.disable' : 'user.enable', resourceType: 'user', resourceId: userId, outcome: 'allowed', detail: { closedSockets } });
		return { ok: true, value: { closedSockets } };
	});
}
