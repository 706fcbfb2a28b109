import type { Session } from '$lib/server/auth/session';
import type { Actor } from '$lib/domain/policy';
import type { RequestContext } from '$lib/server/services/access';

declare global {
	namespace App {
		interface Locals {
			session: Session | null;
			actor: Actor;
			/** Who asks, from where: handed to every service. */
			ctx: RequestContext;
		}
		interface Error {
			message: string;
			/** A message key, so the error page speaks the viewer's language. */
			code?: 'not-signed-in' | 'forbidden' | 'not-found' | 'server';
		}
	}
}

export {};
