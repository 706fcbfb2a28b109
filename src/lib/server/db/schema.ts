import { sqliteTable, text, integer, blob, index, uniqueIndex, primaryKey } from 'drizzle-orm/sqlite-core';
import {
	ASSIGNMENT_ROLES,
	MEETING_KINDS,
	MEETING_STATUSES,
	MEETING_TYPES,
	PARTICIPANT_ROLES,
	STAFF_ROLES
} from '../../domain/roles.ts';

// Times are stored as milliseconds since the epoch (UTC); dates without a time as 'YYYY-MM-DD'.
// Labels the app supplies are stored as codes (see domain/roles.ts), never as English text.

export const agencies = sqliteTable('agencies', {
	id: text('id').primaryKey(),
	name: text('name').notNull(),
	timeZone: text('time_zone').notNull(),
	createdAt: integer('created_at').notNull()
});

export const users = sqliteTable(
	'users',
	{
		id: text('id').primaryKey(),
		agencyId: text('agency_id')
			.notNull()
			.references(() => agencies.id),
		email: text('email').notNull(),
		name: text('name').notNull(),
		role: text('role', { enum: STAFF_ROLES }).notNull(),
		passwordHash: text('password_hash').notNull(),
		locale: text('locale'),
		disabledAt: integer('disabled_at'),
		createdAt: integer('created_at').notNull()
	},
	(t) => [uniqueIndex('users_email').on(t.email)]
);

/** Sessions the Lucia way: the token is `<id>.<secret>`; only SHA-256(secret) is stored. */
export const sessions = sqliteTable(
	'sessions',
	{
		id: text('id').primaryKey(),
		secretHash: blob('secret_hash', { mode: 'buffer' }).notNull(),
		userId: text('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		createdAt: integer('created_at').notNull(),
		lastActiveAt: integer('last_active_at').notNull(),
		clientAddress: text('client_address'),
		userAgent: text('user_agent')
	},
	(t) => [index('sessions_user').on(t.userId)]
);

export const cases = sqliteTable('cases', {
	id: text('id').primaryKey(),
	agencyId: text('agency_id')
		.notNull()
		.references(() => agencies.id),
	/** How staff name the case, e.g. "Rivera family". */
	name: text('name').notNull(),
	removalDate: text('removal_date'),
	createdAt: integer('created_at').notNull()
});

/** Everyone on a case: one record per person (one per parent, never "the parents"). */
export const casePeople = sqliteTable(
	'case_people',
	{
		id: text('id').primaryKey(),
		caseId: text('case_id')
			.notNull()
			.references(() => cases.id, { onDelete: 'cascade' }),
		role: text('role', { enum: PARTICIPANT_ROLES }).notNull(),
		givenName: text('given_name').notNull(),
		familyName: text('family_name').notNull(),
		/** What the person is to the children, in the family's words (e.g. "Grandmother"). */
		relationship: text('relationship'),
		birthDate: text('birth_date'),
		locale: text('locale'),
		createdAt: integer('created_at').notNull()
	},
	(t) => [index('case_people_case').on(t.caseId)]
);

/** Which staff may see which case, and how they are attached to it. */
export const caseAssignments = sqliteTable(
	'case_assignments',
	{
		caseId: text('case_id')
			.notNull()
			.references(() => cases.id, { onDelete: 'cascade' }),
		userId: text('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		role: text('role', { enum: ASSIGNMENT_ROLES }).notNull(),
		createdAt: integer('created_at').notNull()
	},
	(t) => [primaryKey({ columns: [t.caseId, t.userId] }), index('case_assignments_user').on(t.userId)]
);

export const meetings = sqliteTable(
	'meetings',
	{
		id: text('id').primaryKey(),
		caseId: text('case_id')
			.notNull()
			.references(() => cases.id, { onDelete: 'cascade' }),
		kind: text('kind', { enum: MEETING_KINDS }).notNull(),
		meetingType: text('meeting_type', { enum: MEETING_TYPES }).notNull(),
		startsAt: integer('starts_at').notNull(),
		durationMinutes: integer('duration_minutes').notNull(),
		timeZone: text('time_zone').notNull(),
		location: text('location'),
		status: text('status', { enum: MEETING_STATUSES }).notNull(),
		createdBy: text('created_by').references(() => users.id),
		createdAt: integer('created_at').notNull()
	},
	(t) => [index('meetings_case').on(t.caseId)]
);

/**
 * Append-only audit trail: who, in what role, did what to which resource, with what outcome, when and
 * from where. Never note contents or tokens. UPDATE and DELETE are refused by triggers (see drizzle/),
 * and each row carries the SHA-256 of the previous row's hash and its own fields (tamper-evident).
 */
export const auditEvents = sqliteTable(
	'audit_events',
	{
		seq: integer('seq').primaryKey({ autoIncrement: true }),
		at: integer('at').notNull(),
		actorKind: text('actor_kind').notNull(),
		actorId: text('actor_id'),
		actorRole: text('actor_role'),
		action: text('action').notNull(),
		resourceType: text('resource_type').notNull(),
		resourceId: text('resource_id'),
		caseId: text('case_id'),
		outcome: text('outcome', { enum: ['allowed', 'denied', 'failed'] }).notNull(),
		clientAddress: text('client_address'),
		/** First 16 hex characters of the session id: enough to group a session's events, useless to sign in. */
		sessionRef: text('session_ref'),
		detail: text('detail'),
		prevHash: text('prev_hash').notNull(),
		hash: text('hash').notNull()
	},
	(t) => [index('audit_case').on(t.caseId, t.at), index('audit_actor').on(t.actorId, t.at)]
);

/** Every accepted Yjs update, committed before it is broadcast. */
export const collabUpdates = sqliteTable(
	'collab_updates',
	{
		id: integer('id').primaryKey({ autoIncrement: true }),
		docId: text('doc_id').notNull(),
		update: blob('update', { mode: 'buffer' }).notNull(),
		createdAt: integer('created_at').notNull()
	},
	(t) => [index('collab_updates_doc').on(t.docId, t.id)]
);

/** The compacted state of a document: the log after `throughUpdateId` is applied on top when loading. */
export const collabSnapshots = sqliteTable('collab_snapshots', {
	docId: text('doc_id').primaryKey(),
	state: blob('state', { mode: 'buffer' }).notNull(),
	throughUpdateId: integer('through_update_id').notNull(),
	updatedAt: integer('updated_at').notNull()
});
