// The running collab server, reachable from SvelteKit's bundle (its own copy of these modules) so that
// signing out, or disabling an account, closes that person's open sockets at once.

export interface CollabControl {
	/** Closes every socket opened with one of these sessions. Returns how many were closed. */
	closeSessions(sessionIds: readonly string[], reason: 'session-ended' | 'access-revoked'): number;
	/** Closes every socket of this user. */
	closeUser(userId: string, reason: 'session-ended' | 'access-revoked'): number;
	/**
	 * Access changed on this case (meeting session members, keep-apart pairs, labels, roles, scope): re-ask
	 * the policy for every open socket on the case's documents now, and close or narrow the ones it no
	 * longer allows, before this returns (not at the periodic re-check).
	 */
	accessChanged(caseId: string): Promise<void>;
	/**
	 * Changes a shared document on the server's behalf, through the path a client's edit takes (committed,
	 * then sent to everyone). Resolves once it is written to every connected socket of this instance. The
	 * caller has asked the policy already.
	 */
	transact(docId: string, change: (doc: import('yjs').Doc) => void): Promise<void>;
	/** People connected to a document now (for pages that show presence without a socket). */
	connectedCount(docId: string): number;
	/**
	 * Sends `message` to the connections of these staff users (`userIds`) on these documents, and to no one
	 * else (a participant's connection never, whatever its id). Returns how many connections of this
	 * instance it reached (others' are told too, with several instances).
	 */
	tellStaff(docIds: readonly string[], userIds: readonly string[], message: import('../../domain/collab-protocol.ts').HearthMessage): number;
}

const KEY = Symbol.for('hearth.collab');
type Holder = { [KEY]?: CollabControl };

export function setCollabControl(control: CollabControl | undefined): void {
	(globalThis as Holder)[KEY] = control;
}

export function collabControl(): CollabControl | undefined {
	return (globalThis as Holder)[KEY];
}
