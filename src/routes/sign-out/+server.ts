import type { RequestHandler } from './$types';
import { signOutAndLeave } from '$lib/server/sign-out-route';

/** A sign-out posted by a script or another client (a browser's form post goes to the page's action). */
export const POST: RequestHandler = (event) => signOutAndLeave(event);
