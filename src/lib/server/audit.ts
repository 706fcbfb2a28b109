import { AsyncLocalStorage } from 'node:async_hooks';
import { now as clockNow } from './clock.ts';
import { sha256 } from '@oslojs/crypto/sha2';
import { encodeHexLowerCase } from '@oslojs/encoding';
import { exclusive, rootOf, type Db } from './db/index.ts';
import { appendChained, readAuditChain } from './db/audit-chain.ts';
import type { Actor } from '../domain/policy.ts';
import { config } from './config.ts';
import { AnonymousRefusals, type AnonymousRefusalPolicy, type RefusalSummary } from './anonymous-refusals.ts';
import { redis } from './redis/connection.ts';
import { RedisRefusalCounts } from './redis/limits.ts';

// The append-only audit writer. Records who, in what role, did what to which resource, the outcome
// (every refusal included), when and from where. Never note contents, never tokens.

export type AuditEntry = {
	actor: Actor;
	action: string;
	resourceType: string;
	resourceId?: string | null;
	caseId?: string | null;
	outcome: 'allowed' | 'denied' | 'failed';
	clientAddress?: string | null;
	sessionId?: string | null;
	/** Small structured facts (a role, a count). Never what people typed. */
	detail?: Record<string, string | number | boolean | null>;
	at?: number;
};

const GENESIS = '0'.repeat(64);
const encoder = new TextEncoder();

function rowHash(prevHash: string, fields: unknown[]): string {
	return encodeHexLowerCase(sha256(encoder.encode(prevHash + JSON.stringify(fields))));
}

function actorFields(actor: Actor): { kind: string; id: string | null; role: string | null } {
	if (actor.kind === 'staff') return { kind: 'staff', id: actor.userId, role: actor.role };
	// A family member is named by their person on the case (as sessionIdentity does), so the trail can say
	// who they are and be filtered by them; the participant record changes with each invite.
	if (actor.kind === 'participant') return { kind: 'participant', id: actor.personId, role: actor.role };
	return { kind: actor.kind, id: null, role: null };
}

/**
 * Appends one entry to the trail, chained to the entry before it. Given a transaction (`transact`'s `tx`),
 * the entry is written in it and commits with the change it records (one fsync); given the plain handle,
 * in a small transaction of its own, in its turn (db/index.ts `exclusive`). A refusal of a caller who is
 * not signed in may instead be counted into a summary entry (see anonymous-refusals.ts), written when its
 * window ends or at shutdown. An entry of a family member belongs to their case unless it names another,
 * so that it is read with the case (by its supervisor) and never as an agency-wide event. Resolves once
 * the entry is written (or counted); rejects when it could not be.
 */
export function writeAudit(db: Db, entry: AuditEntry): Promise<void> {
	if (entry.actor.kind === 'anonymous' && entry.outcome === 'denied') {
		const at = entry.at ?? clockNow();
		const state = refusalState();
		// The timer writes later, outside any transaction this entry came in.
		state.db = rootOf(db);
		const due = state.refusals.takeDue(at);
		const why = typeof entry.detail?.why === 'string' ? entry.detail.why : null;
		const write = (counted: 'row' | 'counted'): Promise<void> => {
			if (counted === 'counted') startSummaryTimer(state);
			if (due.length === 0 && counted === 'counted') return Promise.resolve();
			return exclusive(db, () => inOrder([() => writeSummaries(db, due), ...(counted === 'row' ? [() => appendAudit(db, { ...entry, at })] : [])]));
		};
		const clientAddress = entry.clientAddress ?? null;
		// The first refusal of a request that answerAnonymous is answering: it stops counting as being
		// answered in the same step as it is counted as a refusal (never both toward the limit at once).
		const admission = state.admissions.getStore();
		const releases = admission !== undefined && admission.counting && admission.clientAddress === clientAddress;
		if (releases) admission.counting = false;
		const counted = state.refusals.note({ clientAddress, action: entry.action, resourceType: entry.resourceType, caseId: entry.caseId ?? null, why, at }, releases ? admission.at : undefined);
		// Counted here at once (one instance), or by Redis (several).
		return typeof counted === 'string' ? write(counted) : counted.then(write);
	}
	return exclusive(db, () => appendAudit(db, entry));
}

/**
 * Runs `steps` one after the other: synchronously while they return nothing (SQLite, inside `exclusive`'s
 * one turn), and each after the one before has settled once one returns a promise (PostgreSQL).
 */
function inOrder(steps: (() => void | Promise<void>)[]): void | Promise<void> {
	for (let i = 0; i < steps.length; i++) {
		const pending = steps[i]();
		if (pending) return steps.slice(i + 1).reduce((chain, step) => chain.then(step), pending);
	}
}

/** Appends one entry (SQLite: synchronously; PostgreSQL: the promise of it). */
function appendAudit(db: Db, entry: AuditEntry): void | Promise<void> {
	const actor = actorFields(entry.actor);
	const at = entry.at ?? clockNow();
	const row = {
		at,
		actorKind: actor.kind,
		actorId: actor.id,
		actorRole: actor.role,
		action: entry.action,
		resourceType: entry.resourceType,
		resourceId: entry.resourceId ?? null,
		caseId: entry.caseId ?? (entry.actor.kind === 'participant' ? entry.actor.caseId : null),
		outcome: entry.outcome,
		clientAddress: entry.clientAddress ?? null,
		sessionRef: entry.sessionId ? entry.sessionId.slice(0, 16) : null,
		detail: entry.detail ? JSON.stringify(entry.detail) : null
	};
	return appendChained(db, row, (prevHash) => rowHash(prevHash, Object.values(row)), GENESIS);
}

// ---- Refusals of callers who are not signed in: counted, summarised, limited ------------------------

/**
 * A request of a caller who is not signed in, let through at `at`: while `counting`, it counts toward its
 * address's limit as being answered (until its first refusal is noted, or it is answered).
 */
type Admission = { clientAddress: string | null; at: number; counting: boolean };

type RefusalState = {
	refusals: AnonymousRefusals;
	db: Db | null;
	timer: ReturnType<typeof setInterval> | null;
	/** The admission of the request being answered, for writeAudit to find its refusals by. */
	admissions: AsyncLocalStorage<Admission>;
};

// The SvelteKit bundle and server/index.ts (the collab server, shutdown) each have their own copy of this
// module: the counts live on globalThis, so that both count into one and shutdown flushes them all.
const REFUSALS_KEY = Symbol.for('hearth.anonymous-refusals');

function refusalState(): RefusalState {
	const holder = globalThis as { [REFUSALS_KEY]?: RefusalState };
	if (!holder[REFUSALS_KEY]) {
		const c = config();
		const link = redis();
		holder[REFUSALS_KEY] = {
			refusals: new AnonymousRefusals(
				{ windowMs: 60_000, rowsPerAddress: c.ANONYMOUS_REFUSAL_ROWS, rowsInAll: c.ANONYMOUS_REFUSAL_ROWS_IN_ALL, limitPerAddress: c.ANONYMOUS_REFUSAL_LIMIT },
				link ? new RedisRefusalCounts(link) : undefined
			),
			db: null,
			timer: null,
			admissions: new AsyncLocalStorage<Admission>()
		};
	}
	return holder[REFUSALS_KEY];
}

function writeSummaries(db: Db, summaries: RefusalSummary[]): void | Promise<void> {
	return inOrder(
		summaries.map((s) => () =>
		appendAudit(db, {
			actor: { kind: 'anonymous' },
			action: s.action,
			resourceType: s.resourceType,
			caseId: s.caseId,
			outcome: 'denied',
			clientAddress: s.clientAddress,
			at: s.lastAt,
			detail: { ...(s.why ? { why: s.why } : {}), summary: true, count: s.count, first: new Date(s.firstAt).toISOString(), last: new Date(s.lastAt).toISOString() }
		})
		)
	);
}

/** While summaries are being counted, write each one soon after its window ends, even if nothing else happens. */
function startSummaryTimer(state: RefusalState): void {
	if (state.timer) return;
	const every = Math.max(1000, Math.min(state.refusals.policy.windowMs, 10_000));
	state.timer = setInterval(() => {
		if (!state.db) return;
		const db = state.db;
		const due = state.refusals.takeDue(clockNow());
		// Nobody to hand a failure to here (a locked or closed database): the log keeps what was counted.
		if (due.length > 0) {
			exclusive(db, () => writeSummaries(db, due)).catch((err) => console.error('audit: could not write these summaries of refusals', JSON.stringify(due), err));
		}
		if (state.refusals.pendingCount === 0 && state.timer) {
			clearInterval(state.timer);
			state.timer = null;
		}
	}, every);
	state.timer.unref();
}

/**
 * Writes every summary still being counted (at shutdown, before the database closes: see boot.ts), so no
 * refusal goes unrecorded.
 */
export function flushAnonymousRefusals(db: Db): Promise<void> {
	const state = refusalState();
	const due = state.refusals.takeDue(clockNow(), true);
	if (state.timer) clearInterval(state.timer);
	state.timer = null;
	return exclusive(db, () => writeSummaries(db, due));
}

/**
 * Whether to answer a caller who is not signed in, from this address, at `now`: false when its refusals
 * and its requests still being answered have reached the limit (the hook answers 429 and counts that answer
 * as one more refusal). Once admitted, the request counts toward the limit until it is refused or answered:
 * answer it through `answerAnonymous` (with the same `now`), so that a burst sent at once gets no more
 * through than one by one. Rejects when the shared counts (Redis) cannot be reached.
 */
export function admitAnonymous(clientAddress: string | null, now = clockNow()): boolean | Promise<boolean> {
	return refusalState().refusals.admit(clientAddress, now);
}

/**
 * Answers a request that `admitAnonymous(clientAddress, now)` let through: runs `answer` and returns (or
 * throws) what it does. Its first refusal written meanwhile (writeAudit, anywhere in `answer`'s async
 * calls) stops the request counting as being answered in the same step as it counts the refusal, so that
 * no other request is ever refused for a count the two held at once; answered without a refusal, it stops
 * counting when `answer` settles. A failure to reach the shared counts then is logged, never thrown (the
 * answer still goes out; the count expires with its window).
 */
export async function answerAnonymous<T>(clientAddress: string | null, now: number, answer: () => T | Promise<T>): Promise<T> {
	const state = refusalState();
	const admission: Admission = { clientAddress, at: now, counting: true };
	try {
		return await state.admissions.run(admission, answer);
	} finally {
		// Work this request left running (a timer, a late write) must not release a count any more.
		const stillCounting = admission.counting;
		admission.counting = false;
		if (stillCounting) {
			await Promise.resolve()
				.then(() => state.refusals.answered(clientAddress, now))
				.catch((err) => console.error('anonymous limit: could not count a request as answered', err));
		}
	}
}

/** Starts counting afresh under `policy` (tests). */
export function resetAnonymousRefusals(policy: AnonymousRefusalPolicy): void {
	const state = refusalState();
	if (state.timer) clearInterval(state.timer);
	Object.assign(state, { refusals: new AnonymousRefusals(policy), db: null, timer: null, admissions: new AsyncLocalStorage<Admission>() });
}

/** Recomputes the chain; returns the seq of the first row that does not match, or null when intact. */
export async function verifyAuditChain(db: Db): Promise<number | null> {
	const rows = await readAuditChain(db);
	let prev = GENESIS;
	for (const r of rows) {
		const { seq, prevHash, hash, ...fields } = r;
		const expected = rowHash(prev, [
			fields.at,
			fields.actorKind,
			fields.actorId,
			fields.actorRole,
			fields.action,
			fields.resourceType,
			fields.resourceId,
			fields.caseId,
			fields.outcome,
			fields.clientAddress,
			fields.sessionRef,
			fields.detail
		]);
		if (prevHash !== prev || hash !== expected) return seq;
		prev = hash;
	}
	return null;
}
