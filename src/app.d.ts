import type { Session } from '$lib/server/auth/session';
import type { Actor } from '$lib/domain/policy';
import type { RequestContext } from '$lib/server/services/access';
import type { SavedNotesSlot } from '$lib/server/services/saved-notes';

declare global {
	namespace App {
		interface Locals {
			session: Session | null;
			actor: Actor;
			/** Who asks, from where: handed to every service. */
			ctx: RequestContext;
			/** Saved notes the meeting page's load chose for this page's HTML (hooks.server.ts puts them in). */
			savedNotes?: SavedNotesSlot;
		}
		interface Error {
			message: string;
			/** A message key, so the error page speaks the viewer's language. */
			code?: 'not-signed-in' | 'forbidden' | 'not-found' | 'bad-request' | 'server';
			/** An invitation link that does not work (404, 410): why, and how its holder can come back. */
			invite?: import('$lib/server/services/invites').DeadInvite;
		}
	}
}

export {};
