import { z } from 'zod';

// Configuration from the environment, validated once. Imported by server/index.ts (plain Node) and by
// SvelteKit, so it reads process.env rather than $env.

const flag = z
	.enum(['0', '1', 'true', 'false', 'yes', 'no', ''])
	.optional()
	.transform((v) => (v === undefined || v === '' ? undefined : v === '1' || v === 'true' || v === 'yes'));

const schema = z.object({
	PORT: z.coerce.number().int().min(0).max(65535).default(3000),
	HOST: z.string().min(1).default('0.0.0.0'),
	DATABASE_PATH: z.string().min(1).default('./data/hearth.db'),
	/**
	 * postgres://user:password@host:5432/name: PostgreSQL instead of the SQLite file at DATABASE_PATH (several
	 * instances on one database). Unset: SQLite.
	 */
	DATABASE_URL: z
		.string()
		.regex(/^postgres(ql)?:\/\/\S+$/i, 'must be a postgres:// URL')
		.optional()
		.or(z.literal('').transform(() => undefined)),
	/** The public origin, e.g. https://hearth.example.org. Without it, the request's own host is trusted. */
	ORIGIN: z.url().optional(),
	HEARTH_DEMO: flag.transform((v) => v ?? true),
	SESSION_IDLE_MINUTES: z.coerce.number().positive().default(30),
	SESSION_MAX_HOURS: z.coerce.number().positive().default(12),
	/** How long a shared document stays in memory after its last connection closes. */
	COLLAB_UNLOAD_MS: z.coerce.number().int().min(0).default(5000),
	/** Log rows after which a loaded document is compacted into one snapshot. */
	COLLAB_COMPACT_AFTER: z.coerce.number().int().min(1).default(500),
	/** How long after its last edit an open document is kept as its encoded state only (a tenth of the memory). */
	COLLAB_REST_MS: z.coerce.number().int().min(0).default(30_000),
	/**
	 * On a SQLite file, commit the collab update log on a thread of its own, so the wait for the disk never
	 * holds the sockets (db/collab-store.ts). Off: commit in the server's own turn, as before.
	 */
	COLLAB_COMMIT_THREAD: flag.transform((v) => v ?? true),
	/** Compress large collab messages (permessage-deflate over 1 KB; zlib state only while one is compressed). */
	COLLAB_DEFLATE: flag.transform((v) => v ?? true),
	/** How often open sockets re-check their session and access (expiry, access changed by someone else). */
	COLLAB_RECHECK_MS: z.coerce.number().int().min(100).default(30_000),
	/** The largest single change a shared document takes (bytes); a larger one is refused with an explanation. */
	COLLAB_MAX_MESSAGE_BYTES: z.coerce.number().int().min(1024).default(1024 * 1024),
	/** About the most one shared document may hold (bytes); past it, new changes are refused with an explanation. */
	COLLAB_MAX_DOCUMENT_BYTES: z.coerce.number().int().min(1024).default(4 * 1024 * 1024),
	/** Live connections one sign-in may hold open at once (tabs × documents). */
	COLLAB_MAX_SOCKETS_PER_SESSION: z.coerce.number().int().min(1).default(20),
	/** How often the server pings each live connection; one that misses a ping is dropped (so within two of these). */
	COLLAB_PING_MS: z.coerce.number().int().min(100).default(15_000),
	/** How long an invitation link works. */
	/**
	 * domain.md §1: the facilitator is not a case-carrying worker or line supervisor. `warn` (default) shows a
	 * warning on the meeting form and lets it be saved (small agencies may have nobody else); `refuse` refuses it.
	 */
	MEETING_FACILITATOR_RULE: z.enum(['warn', 'refuse']).default('warn'),
	INVITE_TTL_HOURS: z.coerce.number().positive().default(72),
	/** Invite look-ups (links and codes opened) allowed per client address per 10 minutes. */
	INVITE_LOOKUP_LIMIT: z.coerce.number().int().positive().default(30),
	/** Messages to people (src/lib/server/notify): `file` writes each message into OUTBOX_DIR, `log` prints it, `smtp` sends. */
	MAIL_TRANSPORT: z.enum(['file', 'log', 'smtp']).default('file'),
	/** `file` or `log`; a real SMS provider plugs in behind notify's Transport interface. */
	SMS_TRANSPORT: z.enum(['file', 'log']).default('file'),
	OUTBOX_DIR: z.string().min(1).default('./data/outbox'),
	/** e.g. smtp://user:pass@host:587 (STARTTLS when offered) or smtps://…:465. */
	SMTP_URL: z.url({ protocol: /^smtps?$/, error: 'must be an smtp:// or smtps:// URL' }).optional(),
	/** The sender, `hearth@agency.org` or `Hearth <hearth@agency.org>`. */
	MAIL_FROM: z
		.string()
		.regex(/^[^<>\r\n]*<[^\s<>@]+@[^\s<>@]+>$|^[^\s<>@]+@[^\s<>@]+$/, 'must be an address or "Name <address>"')
		.optional(),
	/**
	 * The key that seals what waits in the jobs table (messages hold sign-in links and addresses): 32 bytes,
	 * base64. Unset: a key generated once into `hearth-secret.key` next to the database (mode 0600).
	 */
	HEARTH_SECRET_KEY: z
		.string()
		.refine((v) => /^[A-Za-z0-9+/]{43}=$/.test(v) && Buffer.from(v, 'base64').length === 32, 'must be 32 bytes in base64 (openssl rand -base64 32)')
		.optional(),
	/** How often the jobs runner looks for work that has come due (it also wakes when this process queues some). */
	JOBS_POLL_MS: z.coerce.number().int().min(50).default(1000),
	/** Jobs one process runs at once (a slow mail server holds one of them, not the others). */
	JOBS_CONCURRENCY: z.coerce.number().int().min(1).max(32).default(4),
	/**
	 * Tests of the real server only: the clock can be moved (POST /__test/clock from 127.0.0.1). Refused
	 * unless NODE_ENV=test or HEARTH_ALLOW_TEST_CLOCK=1: a movable clock lets a caller expire sessions.
	 */
	HEARTH_TEST_CLOCK: flag.transform((v) => v ?? false),
	HEARTH_ALLOW_TEST_CLOCK: flag.transform((v) => v ?? false),
	NODE_ENV: z.string().optional(),
	/** Failed sign-ins from one client address (all accounts together) before it must wait. */
	SIGNIN_ADDRESS_FREE_FAILURES: z.coerce.number().int().min(1).default(10),
	/**
	 * Refusals of callers who are not signed in (made-up ids, dead invite links, wrong passwords for unknown
	 * emails): per client address and minute, this many are written to the audit trail as their own entries,
	 * the rest counted into one summary entry (see anonymous-refusals.ts)…
	 */
	ANONYMOUS_REFUSAL_ROWS: z.coerce.number().int().min(0).default(10),
	/** …and this many in all addresses together, per minute… */
	ANONYMOUS_REFUSAL_ROWS_IN_ALL: z.coerce.number().int().min(0).default(300),
	/** …and after this many in a minute, that address's requests while signed out are answered 429. */
	ANONYMOUS_REFUSAL_LIMIT: z.coerce.number().int().min(1).default(60),
	/**
	 * Redis for several instances behind one load balancer (redis:// or rediss://): shared documents' changes
	 * and presence, sign-in throttles and look-up limits, and closing sockets on every instance. Unset: one
	 * instance, all of it in this process.
	 */
	REDIS_URL: z.url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL' }).optional(),
	/** Prefix of every Redis key and channel Hearth uses (several deployments or test runs on one Redis). */
	REDIS_PREFIX: z
		.string()
		.regex(/^[A-Za-z0-9:._-]{1,64}$/, 'letters, digits and : . _ - only (at most 64)')
		.default('hearth:'),
	/** Set to 0 only in tests that exercise something else than sign-in throttling. */
	SIGNIN_THROTTLE: flag.transform((v) => v ?? true)
}).superRefine((c, ctx) => {
	if (c.HEARTH_TEST_CLOCK && c.NODE_ENV !== 'test' && !c.HEARTH_ALLOW_TEST_CLOCK) {
		ctx.addIssue({ code: 'custom', path: ['HEARTH_TEST_CLOCK'], message: 'a movable clock is for tests only (NODE_ENV=test, or HEARTH_ALLOW_TEST_CLOCK=1)' });
	}
	// Refuse at start rather than at the first invitation.
	if (c.MAIL_TRANSPORT !== 'smtp') return;
	for (const key of ['SMTP_URL', 'MAIL_FROM'] as const) {
		if (!c[key]) ctx.addIssue({ code: 'custom', path: [key], message: 'required when MAIL_TRANSPORT=smtp' });
	}
});

export type Config = z.infer<typeof schema>;

let cached: Config | undefined;

/** The configuration `env` describes; throws with every problem in it. */
export function parseConfig(env: Record<string, string | undefined>): Config {
	const parsed = schema.safeParse(env);
	if (!parsed.success) {
		const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
		throw new Error(`Invalid configuration: ${problems}`);
	}
	return parsed.data;
}

/** This process's configuration (from process.env, read once). */
export function config(): Config {
	return (cached ??= parseConfig(process.env));
}

export function sessionPolicy(): { idleMs: number; maxMs: number } {
	const c = config();
	return { idleMs: c.SESSION_IDLE_MINUTES * 60_000, maxMs: c.SESSION_MAX_HOURS * 3_600_000 };
}
