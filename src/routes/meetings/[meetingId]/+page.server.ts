import { fail } from '@sveltejs/kit';
import { z } from 'zod';
import type { Actions, PageServerLoad, RequestEvent } from './$types';
import { addToMeetingSession, createSeparateSession, endFamilyTime, getMeeting, refuseUnparsedForm, removeFromMeetingSession, shareFamilyTime, startFamilyTime, type MeetingForm } from '$lib/server/services/meetings';

import { refuse } from '$lib/server/http';
import { sessionIdentity } from '$lib/server/auth/session';
import { colourFor } from '$lib/domain/colour';
import { opaqueId } from '$lib/domain/doc-id';
import { savedNotesHtml, savedNotesSlot } from '$lib/server/services/saved-notes';
import { runAgendaForm } from '$lib/server/services/agenda';
import { recordDecision } from '$lib/server/services/decision';
import { MAX_DISSENT_LENGTH, MAX_REASON_LENGTH } from '$lib/domain/decision';

export const load: PageServerLoad = async (event) => {
	const result = await getMeeting(event.locals.ctx, event.params.meetingId);
	if (!result.ok) refuse(event, result);
	const who = sessionIdentity(event.locals.session!);
	const wanted = event.url.searchParams.get('s');
	const current = result.value.sessions.find((s) => s.id === wanted) ?? result.value.sessions[0] ?? null;
	// The saved notes show at first paint, before the editor's JavaScript arrives (and without it). Only in
	// the page's HTML (see saved-notes.ts), so not for a client-side navigation's data request.
	let savedNotes: string | null = null;
	if (current?.doc && !event.isDataRequest) {
		const saved = await savedNotesHtml(event.locals.ctx, current.doc.id);
		if (saved.ok && saved.value !== null) {
			event.locals.savedNotes = savedNotesSlot(current.doc.id, saved.value);
			savedNotes = event.locals.savedNotes.slot;
		}
	}
	// The server's clock at this answer: the page shows the stage timer from it, not from the device's clock
	// (a phone 5 minutes off shows the same time left as everyone else).
	return { meeting: result.value, current, savedNotes, serverNow: Date.now(), me: { name: who.name, color: colourFor(who.id), role: who.role, owner: `${event.locals.session!.kind === 'staff' ? 'u' : 'p'}:${who.id}` } };
};

const memberSchema = z.object({ meetingSessionId: opaqueId, personId: opaqueId });
const sessionSchema = z.object({ meetingSessionId: opaqueId });

/** The decision form: a recommendation per child (`rec_<childId>`), consensus, and the rest (decision.ts). */
const decisionSchema = z.object({
	consensus: z.enum(['yes', 'no']),
	decisionMakerId: z.union([opaqueId, z.literal('')]).optional(),
	reason: z.string().max(MAX_REASON_LENGTH).optional(),
	dissent: z.string().max(MAX_DISSENT_LENGTH).optional(),
	reviewDate: z.union([z.string().regex(/^\d{4}-\d{2}-\d{2}$/), z.literal('')]).optional()
});
const recommendationField = z.string().max(64);

/**
 * A form that did not parse: someone who may not do what it asks is refused as such (403, audited through
 * the policy), whatever they sent; only whoever may do it is told what was wrong with it.
 */
async function refuseUnlessAllowed(event: RequestEvent, form: MeetingForm, auditAction: string): Promise<void> {
	const allowed = await refuseUnparsedForm(event.locals.ctx, event.params.meetingId, form, auditAction);
	if (!allowed.ok) refuse(event, allowed);
}

export const actions: Actions = {
	/** The facilitator records the meeting's decision (services/decision.ts). */
	decision: async (event) => {
		const form = await event.request.formData();
		// What was typed comes back with any problem, so nothing is lost.
		const typed: Record<string, string> = {};
		for (const [key, value] of form) if (typeof value === 'string' && key.length <= 80) typed[key] = value.slice(0, MAX_DISSENT_LENGTH);
		const parsed = decisionSchema.safeParse(Object.fromEntries(['consensus', 'decisionMakerId', 'reason', 'dissent', 'reviewDate'].map((k) => [k, form.get(k) ?? undefined])));
		const recommendations: Record<string, string> = {};
		let recsOk = true;
		for (const [key, value] of form) {
			if (!key.startsWith('rec_')) continue;
			const childId = key.slice(4);
			const code = recommendationField.safeParse(value);
			if (!opaqueId.safeParse(childId).success || !code.success) recsOk = false;
			else if (code.data !== '') recommendations[childId] = code.data;
		}
		if (!parsed.success || !recsOk) {
			await refuseUnlessAllowed(event, 'decide', 'meeting.decision');
			return fail(400, { problem: 'decision' as const, decisionProblem: 'invalid' as const, typed });
		}
		const d = parsed.data;
		const result = await recordDecision(event.locals.ctx, event.params.meetingId, {
			recommendations,
			consensus: d.consensus === 'yes',
			decisionMakerId: d.decisionMakerId || null,
			reason: d.reason?.trim() || null,
			dissent: d.dissent?.trim() || null,
			reviewDate: d.reviewDate || null
		});
		if (!result.ok) {
			if (result.reason === 'decision') return fail(result.problem === 'cancelled' || result.problem === 'closed' ? 409 : 400, { problem: 'decision' as const, decisionProblem: result.problem, typed });
			refuse(event, result);
		}
		return { done: 'decision' as const };
	},
	/** The facilitator runs the agenda: stages and timer (services/agenda.ts; the page sends the same fields over its socket when it can). */
	agenda: async (event) => {
		const fields = Object.fromEntries(await event.request.formData());
		// A separate session's agenda: its controls post to `?s=<sessionId>&/agenda` (the page's part).
		const result = await runAgendaForm(event.locals.ctx, event.params.meetingId, fields, event.url.searchParams.get('s'));
		if (result.ok) return { done: 'agenda' as const };
		if (result.reason !== 'problem') refuse(event, result);
		if (result.problem === 'invalid' || result.problem === 'agenda-title') return fail(400, { problem: result.problem, title: typeof fields.title === 'string' ? fields.title.slice(0, 200) : '' });
		return fail(409, { problem: result.problem });
	},
	addMember: async (event) => {
		const parsed = memberSchema.safeParse(Object.fromEntries(await event.request.formData()));
		if (!parsed.success) {
			await refuseUnlessAllowed(event, 'sessions', 'meeting.session.add');
			return fail(400, { problem: 'invalid' as const });
		}
		const result = await addToMeetingSession(event.locals.ctx, parsed.data.meetingSessionId, parsed.data.personId);
		if (!result.ok) {
			if (result.reason === 'keep-apart') return fail(409, { problem: 'keep-apart' as const, withName: result.withName });
			if (result.reason === 'family-only') return fail(409, { problem: 'family-only' as const });
			if (result.reason === 'not-found') return fail(404, { problem: 'invalid' as const });
			refuse(event, result);
		}
		return { done: 'added' as const };
	},
	removeMember: async (event) => {
		const parsed = memberSchema.safeParse(Object.fromEntries(await event.request.formData()));
		if (!parsed.success) {
			await refuseUnlessAllowed(event, 'sessions', 'meeting.session.remove');
			return fail(400, { problem: 'invalid' as const });
		}
		const result = await removeFromMeetingSession(event.locals.ctx, parsed.data.meetingSessionId, parsed.data.personId);
		if (!result.ok) refuse(event, result);
		return { done: 'removed' as const };
	},
	familyTime: async (event) => {
		const result = await startFamilyTime(event.locals.ctx, event.params.meetingId);
		if (!result.ok) {
			if (result.reason === 'not-found') return fail(404, { problem: 'invalid' as const });
			refuse(event, result);
		}
		return { done: result.value.alreadyOpen ? ('family-time-already-on' as const) : ('family-time' as const) };
	},
	endFamilyTime: async (event) => {
		const parsed = sessionSchema.safeParse(Object.fromEntries(await event.request.formData()));
		if (!parsed.success) {
			await refuseUnlessAllowed(event, 'sessions', 'meeting.session.end');
			return fail(400, { problem: 'invalid' as const });
		}
		const result = await endFamilyTime(event.locals.ctx, event.params.meetingId, parsed.data.meetingSessionId);
		if (!result.ok) refuse(event, result);
		return { done: 'family-time-ended' as const };
	},
	/** A family member shares family time's notes with the team. */
	shareFamilyTime: async (event) => {
		const parsed = sessionSchema.safeParse(Object.fromEntries(await event.request.formData()));
		if (!parsed.success) {
			await refuseUnlessAllowed(event, 'share', 'meeting.family-time.share');
			return fail(400, { problem: 'invalid' as const });
		}
		const result = await shareFamilyTime(event.locals.ctx, event.params.meetingId, parsed.data.meetingSessionId);
		if (!result.ok) refuse(event, result);
		return { done: 'family-time-shared' as const };
	},
	separate: async (event) => {
		const parsed = z.object({ personId: opaqueId }).safeParse(Object.fromEntries(await event.request.formData()));
		if (!parsed.success) {
			await refuseUnlessAllowed(event, 'sessions', 'meeting.session.create');
			return fail(400, { problem: 'invalid' as const });
		}
		const result = await createSeparateSession(event.locals.ctx, event.params.meetingId, parsed.data.personId);
		if (!result.ok) {
			if (result.reason === 'not-found') return fail(404, { problem: 'invalid' as const });
			refuse(event, result);
		}
		return { done: 'separated' as const };
	}
};
