import { fail, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import type { Actions, PageServerLoad } from './$types';
import { endOwnSession, listSessions, SESSION_COOKIE } from '$lib/server/auth/session';
import { sessionCookieOptions } from '$lib/server/auth/cookie';
import { sessionPolicy } from '$lib/server/config';
import { collabControl } from '$lib/server/collab/registry';
import { writeAudit } from '$lib/server/audit';
import { config } from '$lib/server/config';
import { describeUserAgent } from '$lib/domain/device';
import { comeBackFor } from '$lib/server/services/sign-in-codes';

function ownerOf(locals: App.Locals): { userId: string } | { participantId: string } | null {
	const s = locals.session;
	if (!s) return null;
	return s.kind === 'staff' ? { userId: s.user.id } : { participantId: s.participant.id };
}

/** A person's own open sessions (phones, computers), each of which they can end. */
export const load: PageServerLoad = ({ locals, url }) => {
	const owner = ownerOf(locals);
	if (!owner) redirect(303, `/sign-in?next=${encodeURIComponent(url.pathname)}`);
	const current = locals.session!.sessionId;
	return {
		sessions: listSessions(locals.ctx.db, owner, sessionPolicy()).map((s) => ({
			// Only a short reference leaves the server: the id itself is half of a sign-in token.
			ref: s.id.slice(0, 8),
			current: s.id === current,
			createdAt: s.createdAt,
			lastActiveAt: s.lastActiveAt,
			// A plain description ("Chrome on an Android phone"), never the raw user-agent string.
			device: describeUserAgent(s.userAgent)
		})),
		// A family member signing out here is told first how to come back.
		comeBack: comeBackFor(locals.ctx.db, locals.actor),
		joinUrl: `${config().ORIGIN ?? url.origin}/join`
	};
};

export const actions: Actions = {
	end: async ({ locals, request, cookies, url }) => {
		const owner = ownerOf(locals);
		if (!owner) redirect(303, '/sign-in');
		const parsed = z.object({ ref: z.string().regex(/^[a-z2-7]{8}$/) }).safeParse(Object.fromEntries(await request.formData()));
		if (!parsed.success) return fail(400, { problem: 'invalid' as const });
		const target = listSessions(locals.ctx.db, owner, sessionPolicy()).find((s) => s.id.startsWith(parsed.data.ref));
		if (!target || !endOwnSession(locals.ctx.db, owner, target.id)) return fail(404, { problem: 'invalid' as const });
		collabControl()?.closeSessions([target.id], 'session-ended');
		writeAudit(locals.ctx.db, { actor: locals.actor, action: 'session.end', resourceType: 'session', outcome: 'allowed', clientAddress: locals.ctx.clientAddress, sessionId: locals.session!.sessionId, detail: { own: target.id === locals.session!.sessionId } });
		if (target.id === locals.session!.sessionId) {
			cookies.delete(SESSION_COOKIE, sessionCookieOptions(url));
			redirect(303, locals.session!.kind === 'staff' ? '/sign-in' : '/join');
		}
		return { ended: true };
	}
};
