import { first, type Db, tablesOf } from './db/index.ts';
import type { RedisLink } from './redis/connection.ts';

// What a load balancer asks (server/index.ts answers before SvelteKit: no session, no audit row).
// /healthz: the process is up. /readyz: it can serve, i.e. its database answers a trivial query and, with
// several instances, Redis answers PING.

/** How long each dependency may take to answer before the instance counts as not ready. */
const READY_TIMEOUT_MS = 2000;

export type Readiness = { ok: true } | { ok: false; reason: string };

function within<T>(work: Promise<T>, what: string): Promise<T> {
	let timer: ReturnType<typeof setTimeout> | undefined;
	const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not answer within ${READY_TIMEOUT_MS} ms`)), READY_TIMEOUT_MS)));
	return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Whether this instance can serve: the database answers (one row read through src/lib/server/db) and Redis
 * answers PING when `link` is given. Never throws; the reason names the dependency, never a secret.
 */
export async function readiness(db: Db, link: RedisLink | undefined): Promise<Readiness> {
	const { users } = tablesOf(db);
	try {
		await within(first(db.select({ id: users.id }).from(users).limit(1)), 'the database');
	} catch (err) {
		return { ok: false, reason: `database not reachable: ${err instanceof Error ? err.message : 'error'}` };
	}
	if (link) {
		try {
			await link.ping(READY_TIMEOUT_MS);
		} catch (err) {
			return { ok: false, reason: `redis not reachable: ${err instanceof Error ? err.message : 'error'}` };
		}
	}
	return { ok: true };
}
