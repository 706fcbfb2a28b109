import { fail } from '@sveltejs/kit';
import { z } from 'zod';
import type { Actions, PageServerLoad } from './$types';
import { addToMeetingSession, createSeparateSession, endFamilyTime, getMeeting, removeFromMeetingSession, shareFamilyTime, startFamilyTime } from '$lib/server/services/meetings';
import { refuse } from '$lib/server/http';
import { sessionIdentity } from '$lib/server/auth/session';
import { colourFor } from '$lib/domain/colour';
import { opaqueId } from '$lib/domain/doc-id';
import { savedNotesHtml, savedNotesSlot } from '$lib/server/services/saved-notes';

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
	return { meeting: result.value, current, savedNotes, me: { name: who.name, color: colourFor(who.id), role: who.role } };
};

const memberSchema = z.object({ meetingSessionId: opaqueId, personId: opaqueId });
const sessionSchema = z.object({ meetingSessionId: opaqueId });

export const actions: Actions = {
	addMember: async (event) => {
		const parsed = memberSchema.safeParse(Object.fromEntries(await event.request.formData()));
		if (!parsed.success) return fail(400, { problem: 'invalid' as const });
		const result = await addToMeetingSession(event.locals.ctx, parsed.data.meetingSessionId, parsed.data.personId);
		if (!result.ok) {
			if (result.reason === 'keep-apart') return fail(409, { problem: 'keep-apart' as const, withName: result.withName });
			if (result.reason === 'not-found') return fail(404, { problem: 'invalid' as const });
			refuse(event, result);
		}
		return { done: 'added' as const };
	},
	removeMember: async (event) => {
		const parsed = memberSchema.safeParse(Object.fromEntries(await event.request.formData()));
		if (!parsed.success) return fail(400, { problem: 'invalid' as const });
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
		if (!parsed.success) return fail(400, { problem: 'invalid' as const });
		const result = await endFamilyTime(event.locals.ctx, event.params.meetingId, parsed.data.meetingSessionId);
		if (!result.ok) refuse(event, result);
		return { done: 'family-time-ended' as const };
	},
	/** A family member shares family time's notes with the team. */
	shareFamilyTime: async (event) => {
		const parsed = sessionSchema.safeParse(Object.fromEntries(await event.request.formData()));
		if (!parsed.success) return fail(400, { problem: 'invalid' as const });
		const result = await shareFamilyTime(event.locals.ctx, event.params.meetingId, parsed.data.meetingSessionId);
		if (!result.ok) refuse(event, result);
		return { done: 'family-time-shared' as const };
	},
	separate: async (event) => {
		const parsed = z.object({ personId: opaqueId }).safeParse(Object.fromEntries(await event.request.formData()));
		if (!parsed.success) return fail(400, { problem: 'invalid' as const });
		const result = await createSeparateSession(event.locals.ctx, event.params.meetingId, parsed.data.personId);
		if (!result.ok) {
			if (result.reason === 'not-found') return fail(404, { problem: 'invalid' as const });
			refuse(event, result);
		}
		return { done: 'separated' as const };
	}
};
