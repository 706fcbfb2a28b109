import type { AssignmentRole, StaffRole } from './roles.ts';
import type { DocKind } from './doc-id.ts';

// The one access policy. Every load, action, endpoint and the collab server ask `can()`; nothing else
// decides who sees case data. Pure: the caller loads the facts (who the actor is, which case a resource
// belongs to) and this function decides.

export type Actor =
	| { kind: 'anonymous' }
	| {
			kind: 'staff';
			userId: string;
			role: StaffRole;
			/** The cases this person is assigned to, with how. Staff see only these. */
			assignments: ReadonlyMap<string, AssignmentRole>;
	  };

export type Resource =
	| { type: 'case-list' }
	| { type: 'case'; caseId: string }
	| { type: 'meeting'; caseId: string; meetingId: string }
	| { type: 'document'; caseId: string; docKind: DocKind }
	| { type: 'user-admin' }
	| { type: 'audit'; caseId?: string };

export type Action = 'view' | 'edit' | 'manage';

export type Decision = { allow: true } | { allow: false; reason: 'not-signed-in' | 'forbidden' };

const ALLOW: Decision = { allow: true };
const NOT_SIGNED_IN: Decision = { allow: false, reason: 'not-signed-in' };
const FORBIDDEN: Decision = { allow: false, reason: 'forbidden' };

export function decide(actor: Actor, action: Action, resource: Resource): Decision {
	if (actor.kind === 'anonymous') return NOT_SIGNED_IN;

	switch (resource.type) {
		case 'case-list':
			// Everyone signed in has a home page; what it lists is filtered by `case` below.
			return action === 'view' ? ALLOW : FORBIDDEN;
		case 'user-admin':
			// Admins manage accounts, not cases.
			return actor.role === 'admin' ? ALLOW : FORBIDDEN;
		case 'audit':
			if (actor.role === 'admin') return action === 'view' && !resource.caseId ? ALLOW : FORBIDDEN;
			if (actor.role !== 'supervisor' || action !== 'view') return FORBIDDEN;
			return !resource.caseId || actor.assignments.has(resource.caseId) ? ALLOW : FORBIDDEN;
		case 'case':
		case 'meeting':
		case 'document': {
			if (actor.role === 'admin') return FORBIDDEN;
			const assignment = actor.assignments.get(resource.caseId);
			if (!assignment) return FORBIDDEN;
			if (action === 'view' || action === 'edit') return ALLOW;
			// Managing a case (assigning staff, closing it) is for its caseworker and supervisor.
			return assignment === 'caseworker' || assignment === 'supervisor' ? ALLOW : FORBIDDEN;
		}
	}
}

export function can(actor: Actor, action: Action, resource: Resource): boolean {
	return decide(actor, action, resource).allow;
}
