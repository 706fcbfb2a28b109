import type { IncomingMessage } from 'node:http';
import type { Db } from '../db/index.ts';
import { docIdSchema, docName, type DocRef } from '../../domain/doc-id.ts';
import { actorFor, sessionFromCookies, type Session, type SessionPolicy } from '../auth/session.ts';
import { documentAccess } from '../services/documents.ts';
import type { Actor } from '../../domain/policy.ts';

// onAuthenticate: everything is decided here, before any Y.Doc exists for the request. The collab
// server has no access logic of its own: it asks the session store and the one policy.

export const COLLAB_PATH = '/collab/';

export type UpgradeVerdict =
	| { ok: true; docId: string; ref: DocRef; session: Session; actor: Actor; access: 'read' | 'write'; caseId: string }
	| { ok: false; status: 400 | 401 | 403 | 404; why: string; docId: string | null; actor: Actor; caseId: string | null; sessionId: string | null };

/** True when the request's Origin is this app's own (`ORIGIN` when configured, else the Host it asked for). */
export function sameOrigin(req: IncomingMessage, configuredOrigin: string | undefined): boolean {
	const origin = req.headers.origin;
	if (!origin) return false;
	if (configuredOrigin) return origin === new URL(configuredOrigin).origin;
	try {
		return new URL(origin).host === req.headers.host;
	} catch {
		return false;
	}
}

export async function authorizeUpgrade(req: IncomingMessage, db: Db, policy: SessionPolicy, configuredOrigin: string | undefined): Promise<UpgradeVerdict> {
	const anonymous: Actor = { kind: 'anonymous' };
	const path = new URL(req.url ?? '/', 'http://localhost').pathname;
	let raw: string;
	try {
		raw = decodeURIComponent(path.slice(COLLAB_PATH.length));
	} catch {
		raw = '';
	}
	const parsed = docIdSchema.safeParse(raw);
	const docId = parsed.success ? docName(parsed.data) : null;

	if (!sameOrigin(req, configuredOrigin)) {
		return { ok: false, status: 403, why: 'foreign-origin', docId, actor: anonymous, caseId: null, sessionId: null };
	}
	const session = (await sessionFromCookies(db, req.headers.cookie, policy))?.session ?? null;
	if (!session) return { ok: false, status: 401, why: 'no-session', docId, actor: anonymous, caseId: null, sessionId: null };
	const actor = await actorFor(db, session);
	if (!parsed.success) {
		return { ok: false, status: 404, why: 'bad-document-id', docId: null, actor, caseId: null, sessionId: session.sessionId };
	}
	const access = await documentAccess(db, actor, parsed.data);
	if (!access.ok) {
		// Unknown and forbidden documents get the same answer.
		return { ok: false, status: 403, why: access.reason, docId, actor, caseId: access.caseId, sessionId: session.sessionId };
	}
	return { ok: true, docId: docId!, ref: parsed.data, session, actor, access: access.access, caseId: access.caseId };
}
