import { pgTable, text, integer, bigint, customType, index, uniqueIndex, primaryKey, check } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import {
	ASSIGNMENT_ROLES,
	INVITE_CHANNELS,
	MEETING_SESSION_KINDS,
	SENSITIVITY_LABELS,
	MEETING_KINDS,
	MEETING_STATUSES,
	MEETING_TYPES,
	PARTICIPATION_MODES,
	PARTICIPANT_ROLES,
	STAFF_ROLES
} from '../../domain/roles.ts';
import { CONSENT_RECORDERS, FAMILY_SIDES, RELATIONSHIPS, SHAREABLE_DETAILS } from '../../domain/people.ts';
import { RESPONDENT_CATEGORIES } from '../../domain/feedback.ts';
import { ANSWER_JOIN_MODES, TIME_ANSWERS } from '../../domain/time-proposals.ts';

// The PostgreSQL twin of schema.ts (SQLite): the same tables, columns, keys, indexes and checks, so that
// every service reads and writes the same shapes on either engine (schema-parity.test.ts holds the two
// together; drizzle has no dialect-neutral schema). Change both files together, then `npm run db:generate`.
//
// Types: times are milliseconds since the epoch (UTC) in `bigint` read as a JS number (SQLite's integer is
// 64-bit; PostgreSQL's integer is 32-bit and would overflow in 1970 + 25 days); small counts stay `integer`;
// Yjs client ids (up to 2^32 − 1) and row ids are `bigint`; bytes are `bytea` read as a Buffer, as SQLite's
// blob is. Dates without a time stay 'YYYY-MM-DD' text. Labels the app supplies are codes, never English.

/** A 64-bit integer (milliseconds since the epoch, row ids, Yjs client ids), read back as a JS number. */
const int64 = (name: string) => bigint(name, { mode: 'number' });

/** Bytes, read and written as a Buffer (what better-sqlite3 gives for a blob). */
const bytea = customType<{ data: Buffer; driverData: Buffer }>({
	dataType: () => 'bytea'
});

export const agencies = pgTable('agencies', {
	id: text('id').primaryKey(),
	name: text('name').notNull(),
	timeZone: text('time_zone').notNull(),
	createdAt: int64('created_at').notNull()
});

export const users = pgTable(
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
		disabledAt: int64('disabled_at'),
		createdAt: int64('created_at').notNull()
	},
	(t) => [uniqueIndex('users_email').on(t.email)]
);

/** Sessions the Lucia way: the token is `<id>.<secret>`; only SHA-256(secret) is stored. */
export const sessions = pgTable(
	'sessions',
	{
		id: text('id').primaryKey(),
		secretHash: bytea('secret_hash').notNull(),
		/** Exactly one of userId (staff) and participantId (a family member or other invited person). */
		userId: text('user_id').references(() => users.id, { onDelete: 'cascade' }),
		participantId: text('participant_id').references(() => participants.id, { onDelete: 'cascade' }),
		createdAt: int64('created_at').notNull(),
		lastActiveAt: int64('last_active_at').notNull(),
		clientAddress: text('client_address'),
		userAgent: text('user_agent')
	},
	(t) => [
		index('sessions_user').on(t.userId),
		index('sessions_participant').on(t.participantId),
		check('sessions_one_owner', sql`(${t.userId} IS NULL) <> (${t.participantId} IS NULL)`)
	]
);

export const cases = pgTable('cases', {
	id: text('id').primaryKey(),
	agencyId: text('agency_id')
		.notNull()
		.references(() => agencies.id),
	/** How staff name the case, e.g. "Rivera family". */
	name: text('name').notNull(),
	removalDate: text('removal_date'),
	createdAt: int64('created_at').notNull()
});

/** Everyone on a case: one record per person (one per parent, never "the parents"). */
export const casePeople = pgTable(
	'case_people',
	{
		id: text('id').primaryKey(),
		caseId: text('case_id')
			.notNull()
			.references(() => cases.id, { onDelete: 'cascade' }),
		role: text('role', { enum: PARTICIPANT_ROLES }).notNull(),
		givenName: text('given_name').notNull(),
		familyName: text('family_name').notNull(),
		/** What the person is to the children, as a code rendered in each reader's language (domain/people.ts). */
		relationshipCode: text('relationship_code', { enum: RELATIONSHIPS }),
		/** Maternal or paternal, for grandparents, aunts and uncles. */
		relationshipSide: text('relationship_side', { enum: FAMILY_SIDES }),
		/** A note staff typed beside the code (or instead of it, when no code fits), in English… */
		relationship: text('relationship'),
		/** …and the same note in Spanish, when they wrote one. */
		relationshipEs: text('relationship_es'),
		birthDate: text('birth_date'),
		/**
		 * Contact details: other family members see them only when this person agreed (detail_consents),
		 * and never past a sensitivity label or a keep-apart pair (policy.ts).
		 */
		email: text('email'),
		phone: text('phone'),
		address: text('address'),
		locale: text('locale'),
		createdAt: int64('created_at').notNull()
	},
	(t) => [index('case_people_case').on(t.caseId)]
);

/** Which staff may see which case, and how they are attached to it. */
export const caseAssignments = pgTable(
	'case_assignments',
	{
		caseId: text('case_id')
			.notNull()
			.references(() => cases.id, { onDelete: 'cascade' }),
		userId: text('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		role: text('role', { enum: ASSIGNMENT_ROLES }).notNull(),
		createdAt: int64('created_at').notNull()
	},
	(t) => [primaryKey({ columns: [t.caseId, t.userId] }), index('case_assignments_user').on(t.userId)]
);

export const meetings = pgTable(
	'meetings',
	{
		id: text('id').primaryKey(),
		caseId: text('case_id')
			.notNull()
			.references(() => cases.id, { onDelete: 'cascade' }),
		kind: text('kind', { enum: MEETING_KINDS }).notNull(),
		meetingType: text('meeting_type', { enum: MEETING_TYPES }).notNull(),
		startsAt: int64('starts_at').notNull(),
		durationMinutes: integer('duration_minutes').notNull(),
		timeZone: text('time_zone').notNull(),
		/** Where, as staff typed it in English (families read it on their pages)… */
		location: text('location'),
		/** …and in Spanish, when staff wrote it. */
		locationEs: text('location_es'),
		status: text('status', { enum: MEETING_STATUSES }).notNull(),
		/** FTDM: the move has happened or is imminent (domain.md §1): the deadline is the next working day. 1 or 0. */
		emergency: integer('emergency').notNull().default(0),
		/** The staff member who facilitates it (domain.md §1: not the caseworker of record or that worker's supervisor). */
		facilitatorId: text('facilitator_id').references(() => users.id),
		createdBy: text('created_by').references(() => users.id),
		createdAt: int64('created_at').notNull(),
		/** When it was closed (status `held`; its summary written and its documents read only), and by whom. */
		closedAt: int64('closed_at'),
		closedBy: text('closed_by').references(() => users.id),
		/**
		 * The revision of its time and place in calendars (RFC 5545 SEQUENCE): 0 when planned, one more at each
		 * move and at the cancellation, so calendar apps replace the event they hold (notify/ics.ts).
		 */
		calendarSequence: integer('calendar_sequence').notNull().default(0)
	},
	(t) => [index('meetings_case').on(t.caseId)]
);

/**
 * The summary of a closed meeting (meeting-summary.ts): the facts it was built from at close (codes, what
 * people typed, names as they were), stored once and never changed. A correction adds the next version,
 * with what was corrected; the first stays. Each reader's page words it in their language and leaves out
 * what their access excludes.
 */
export const meetingSummaries = pgTable(
	'meeting_summaries',
	{
		id: text('id').primaryKey(),
		meetingId: text('meeting_id')
			.notNull()
			.references(() => meetings.id, { onDelete: 'cascade' }),
		/** 1 at close, then 2, 3… for each correction. */
		version: integer('version').notNull(),
		/** The summary's facts as JSON (meeting-summary.ts SummaryFacts). */
		facts: text('facts').notNull(),
		/** For a correction: what was corrected and why, as staff typed it; null for the first version. */
		correction: text('correction'),
		createdBy: text('created_by').references(() => users.id),
		createdAt: int64('created_at').notNull()
	},
	(t) => [uniqueIndex('meeting_summaries_version').on(t.meetingId, t.version)]
);

/**
 * Append-only audit trail: who, in what role, did what to which resource, with what outcome, when and
 * from where. Never note contents or tokens. UPDATE and DELETE are refused by triggers (drizzle/pg/0001_audit_append_only.sql),
 * and each row carries the SHA-256 of the previous row's hash and its own fields (tamper-evident).
 */
export const auditEvents = pgTable(
	'audit_events',
	{
		seq: int64('seq').primaryKey().generatedByDefaultAsIdentity(),
		at: int64('at').notNull(),
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
export const collabUpdates = pgTable(
	'collab_updates',
	{
		id: int64('id').primaryKey().generatedByDefaultAsIdentity(),
		docId: text('doc_id').notNull(),
		update: bytea('update').notNull(),
		createdAt: int64('created_at').notNull()
	},
	(t) => [index('collab_updates_doc').on(t.docId, t.id)]
);

/** The compacted state of a document: the log after `throughUpdateId` is applied on top when loading. */
export const collabSnapshots = pgTable('collab_snapshots', {
	docId: text('doc_id').primaryKey(),
	state: bytea('state').notNull(),
	throughUpdateId: int64('through_update_id').notNull(),
	updatedAt: int64('updated_at').notNull()
});

/**
 * Who writes under each Yjs client id in each document. A client id belongs, in one document, to the person
 * (or server) who first wrote under it, across reconnects and restarts: an update with structs under an id
 * that belongs to someone else is refused (issue 16: a participant wrote under the facilitator's id, and
 * her next edit was dropped as a duplicate). `owner` is `u:<userId>`, `p:<personId>` or `server`.
 */
export const collabClientIds = pgTable(
	'collab_client_ids',
	{
		docId: text('doc_id').notNull(),
		clientId: int64('client_id').notNull(),
		owner: text('owner').notNull(),
		claimedAt: int64('claimed_at').notNull()
	},
	(t) => [primaryKey({ columns: [t.docId, t.clientId] })]
);

/** A label on one person's details, set by staff. */
export const sensitivityLabels = pgTable(
	'sensitivity_labels',
	{
		personId: text('person_id')
			.notNull()
			.references(() => casePeople.id, { onDelete: 'cascade' }),
		label: text('label', { enum: SENSITIVITY_LABELS }).notNull(),
		setBy: text('set_by').references(() => users.id),
		setAt: int64('set_at').notNull()
	},
	(t) => [primaryKey({ columns: [t.personId, t.label] })]
);

/**
 * A person's agreement that the other family members on their team may see one of their details (phone
 * and email, or address): who recorded it and when. No row, no sharing. Withdrawing deletes the row; the
 * audit trail keeps every giving and withdrawing.
 */
export const detailConsents = pgTable(
	'detail_consents',
	{
		personId: text('person_id')
			.notNull()
			.references(() => casePeople.id, { onDelete: 'cascade' }),
		detail: text('detail', { enum: SHAREABLE_DETAILS }).notNull(),
		recordedBy: text('recorded_by', { enum: CONSENT_RECORDERS }).notNull(),
		/** The staff member who recorded it after asking the person; null when the person gave it themself. */
		recordedByUser: text('recorded_by_user').references(() => users.id),
		recordedAt: int64('recorded_at').notNull()
	},
	(t) => [primaryKey({ columns: [t.personId, t.detail] }), check('detail_consents_recorder', sql`(${t.recordedBy} = 'staff') = (${t.recordedByUser} IS NOT NULL)`)]
);

/**
 * "These two must not be in the same session" (domain.md §6, domestic violence). Stored with personA < personB,
 * compared byte by byte (COLLATE "C") as SQLite and JavaScript compare them, whatever the database's collation.
 */
export const keepApartPairs = pgTable(
	'keep_apart_pairs',
	{
		caseId: text('case_id')
			.notNull()
			.references(() => cases.id, { onDelete: 'cascade' }),
		personA: text('person_a')
			.notNull()
			.references(() => casePeople.id, { onDelete: 'cascade' }),
		personB: text('person_b')
			.notNull()
			.references(() => casePeople.id, { onDelete: 'cascade' }),
		setBy: text('set_by').references(() => users.id),
		setAt: int64('set_at').notNull()
	},
	(t) => [primaryKey({ columns: [t.personA, t.personB] }), index('keep_apart_case').on(t.caseId), check('keep_apart_ordered', sql`${t.personA} COLLATE "C" < ${t.personB} COLLATE "C"`)]
);

/** Parts of one meeting: the joint session, a separate one for a named party, family-alone time. */
export const meetingSessions = pgTable(
	'meeting_sessions',
	{
		id: text('id').primaryKey(),
		meetingId: text('meeting_id')
			.notNull()
			.references(() => meetings.id, { onDelete: 'cascade' }),
		kind: text('kind', { enum: MEETING_SESSION_KINDS }).notNull(),
		/** For SEPARATE: the party it is held for. */
		forPersonId: text('for_person_id').references(() => casePeople.id),
		createdAt: int64('created_at').notNull(),
		/** When staff ended it (family time): read only from then on, and a later one may start. */
		endedAt: int64('ended_at'),
		/**
		 * FAMILY_ALONE: when a family member shared the family's notes with the team (and who). The policy
		 * opens them to the case's staff, read only, from then on (domain.md §2, the family presents its plan).
		 */
		sharedAt: int64('shared_at'),
		sharedBy: text('shared_by').references(() => casePeople.id)
	},
	(t) => [
		index('meeting_sessions_meeting').on(t.meetingId),
		// One open family time per meeting, whoever presses "Start" and however often at once.
		uniqueIndex('meeting_sessions_one_open_family_time').on(t.meetingId).where(sql`${t.kind} = 'FAMILY_ALONE' AND ${t.endedAt} IS NULL`)
	]
);

/** Which people of the case take part in which meeting session (staff take part in all). */
export const meetingSessionMembers = pgTable(
	'meeting_session_members',
	{
		meetingSessionId: text('meeting_session_id')
			.notNull()
			.references(() => meetingSessions.id, { onDelete: 'cascade' }),
		personId: text('person_id')
			.notNull()
			.references(() => casePeople.id, { onDelete: 'cascade' }),
		/** How they join (domain.md §1 participation_mode), as planned; null for members placed before it was asked. */
		mode: text('mode', { enum: PARTICIPATION_MODES })
	},
	(t) => [primaryKey({ columns: [t.meetingSessionId, t.personId] }), index('meeting_session_members_person').on(t.personId)]
);

/**
 * An invitation for one person on the case, to the whole case or to one meeting. The link carries a
 * 160-bit token of which only the SHA-256 is stored; single use, expiring, revocable.
 */
export const invites = pgTable(
	'invites',
	{
		id: text('id').primaryKey(),
		caseId: text('case_id')
			.notNull()
			.references(() => cases.id, { onDelete: 'cascade' }),
		personId: text('person_id')
			.notNull()
			.references(() => casePeople.id, { onDelete: 'cascade' }),
		/** Null: the whole case (its meetings and the plan). Otherwise this meeting only. */
		meetingId: text('meeting_id').references(() => meetings.id, { onDelete: 'cascade' }),
		accessRole: text('access_role', { enum: PARTICIPANT_ROLES }).notNull(),
		locale: text('locale').notNull(),
		tokenHash: bytea('token_hash').notNull(),
		/** The short code that can be read over the phone instead of the link (hashed). */
		shortCodeHash: bytea('short_code_hash').notNull(),
		/**
		 * SHA-256 of where the invitation was sent (`email:<address>` or `sms:<E.164>`; null in person): a
		 * new sign-in code goes only there, and only while the person's details still say the same.
		 */
		destinationHash: bytea('destination_hash'),
		/** The 6-digit code asked at first access, when required (hashed). */
		verifyCodeHash: bytea('verify_code_hash'),
		verifyAttempts: integer('verify_attempts').notNull().default(0),
		channel: text('channel', { enum: INVITE_CHANNELS }).notNull(),
		createdBy: text('created_by')
			.notNull()
			.references(() => users.id),
		createdAt: int64('created_at').notNull(),
		expiresAt: int64('expires_at').notNull(),
		usedAt: int64('used_at'),
		revokedAt: int64('revoked_at')
	},
	(t) => [
		uniqueIndex('invites_token').on(t.tokenHash),
		uniqueIndex('invites_short_code').on(t.shortCodeHash),
		index('invites_case').on(t.caseId),
		index('invites_destination').on(t.destinationHash)
	]
);

/**
 * A new sign-in code for someone who joined with an invitation and signed out (or whose session ended):
 * sent on request to the invitation's own destination, 6 digits, single use, short-lived, a few tries.
 * Only `SHA-256(<id>:<code>)` is stored.
 */
export const signInCodes = pgTable(
	'sign_in_codes',
	{
		id: text('id').primaryKey(),
		inviteId: text('invite_id')
			.notNull()
			.references(() => invites.id, { onDelete: 'cascade' }),
		codeHash: bytea('code_hash').notNull(),
		createdAt: int64('created_at').notNull(),
		expiresAt: int64('expires_at').notNull(),
		attempts: integer('attempts').notNull().default(0),
		usedAt: int64('used_at'),
		/** How the code was asked for (see schema.ts). */
		askedBy: text('asked_by', { enum: ['link', 'destination'] }).notNull().default('link')
	},
	(t) => [index('sign_in_codes_invite').on(t.inviteId, t.createdAt)]
);

/** Someone who accepted an invite: their access to the case or one meeting, until revoked. */
export const participants = pgTable(
	'participants',
	{
		id: text('id').primaryKey(),
		caseId: text('case_id')
			.notNull()
			.references(() => cases.id, { onDelete: 'cascade' }),
		personId: text('person_id')
			.notNull()
			.references(() => casePeople.id, { onDelete: 'cascade' }),
		meetingId: text('meeting_id').references(() => meetings.id, { onDelete: 'cascade' }),
		accessRole: text('access_role', { enum: PARTICIPANT_ROLES }).notNull(),
		inviteId: text('invite_id')
			.notNull()
			.references(() => invites.id),
		/** The language they chose (the invite's, until they switch). */
		locale: text('locale').notNull(),
		createdAt: int64('created_at').notNull(),
		revokedAt: int64('revoked_at')
	},
	(t) => [index('participants_person').on(t.personId), index('participants_invite').on(t.inviteId)]
);

/**
 * What was sent to whom, when and how: never the text itself (it may carry a sign-in link). The
 * transport delivers the message; this row is the record that it did.
 */
export const outbox = pgTable(
	'outbox',
	{
		id: text('id').primaryKey(),
		caseId: text('case_id').references(() => cases.id, { onDelete: 'set null' }),
		personId: text('person_id').references(() => casePeople.id, { onDelete: 'set null' }),
		channel: text('channel', { enum: ['email', 'sms'] }).notNull(),
		/** What kind of message (invite, invite-code, …): a key, never the text. */
		kind: text('kind').notNull(),
		locale: text('locale').notNull(),
		/** `queued` until the jobs runner has handed it over (`sent`) or given up (`failed`). */
		status: text('status', { enum: ['queued', 'sent', 'failed'] }).notNull(),
		/** Why it failed, or (while queued) why the last try did: plain words, never an address. */
		error: text('error'),
		createdAt: int64('created_at').notNull()
	},
	(t) => [index('outbox_case').on(t.caseId)]
);

/**
 * Work done outside any request (src/lib/server/jobs): messages to people, expiry sweeps, and the
 * reminders and deadline checks to come. One runner per process claims a due job by taking a lease
 * (`locked_by`, `locked_until`): a process that dies mid-job leaves it to be claimed again once the lease
 * has run out. Portable to PostgreSQL as it is (the claim adds FOR UPDATE SKIP LOCKED there).
 */
export const jobs = pgTable(
	'jobs',
	{
		id: text('id').primaryKey(),
		/** What to do: a registered kind such as `message.send` (a key, never text). */
		kind: text('kind').notNull(),
		/** The job's input, sealed (AES-256-GCM, jobs/sealed.ts); null once the job is done or has finally failed. */
		payload: text('payload'),
		/** A recurring job's name: at most one pending job holds it. */
		uniqueKey: text('unique_key'),
		status: text('status', { enum: ['pending', 'done', 'failed'] }).notNull(),
		/** Not before (ms since the epoch): when it was asked for, then when the next try is due. */
		runAt: int64('run_at').notNull(),
		/** Tries started, counted when claimed: a try cut short by a crash counts. */
		attempts: integer('attempts').notNull().default(0),
		maxAttempts: integer('max_attempts').notNull(),
		/** Why the last try failed, in plain words (never a payload's content). */
		lastError: text('last_error'),
		/** The runner holding it, until `locked_until` (ms); both null when nobody is. */
		lockedBy: text('locked_by'),
		lockedUntil: int64('locked_until'),
		createdAt: int64('created_at').notNull(),
		/** When it was done or finally failed. */
		doneAt: int64('done_at')
	},
	(t) => [
		index('jobs_due').on(t.runAt).where(sql`${t.status} = 'pending'`),
		uniqueIndex('jobs_pending_key').on(t.uniqueKey).where(sql`${t.status} = 'pending'`),
		index('jobs_done').on(t.doneAt)
	]
);

/**
 * The family's survey answers after a meeting (domain.md §7: anonymous, kept away from the worker of
 * record). Never traceable to the person: no participant, person or session id and no time, only the
 * meeting, a coarse role category, the answers (JSON, domain/feedback.ts) and the comment as typed. Who
 * has answered is in meeting_feedback_given, with no link to this row; the random id orders the rows (on
 * SQLite the table has no rowid: drizzle/0010_meeting_feedback.sql), so their order does not tell which
 * came first either.
 */
export const meetingFeedback = pgTable(
	'meeting_feedback',
	{
		id: text('id').primaryKey(),
		meetingId: text('meeting_id')
			.notNull()
			.references(() => meetings.id, { onDelete: 'cascade' }),
		respondent: text('respondent', { enum: RESPONDENT_CATEGORIES }).notNull(),
		answers: text('answers').notNull(),
		comment: text('comment')
	},
	(t) => [index('meeting_feedback_meeting').on(t.meetingId)]
);

/** Who has answered a meeting's survey (to refuse a second answer and hide the link): nothing else, no time. */
export const meetingFeedbackGiven = pgTable(
	'meeting_feedback_given',
	{
		meetingId: text('meeting_id')
			.notNull()
			.references(() => meetings.id, { onDelete: 'cascade' }),
		participantId: text('participant_id')
			.notNull()
			.references(() => participants.id, { onDelete: 'cascade' })
	},
	(t) => [primaryKey({ columns: [t.meetingId, t.participantId] })]
);

/**
 * A child's own words for a meeting (Three Houses, domain.md §3): the house of worries, of good things and
 * of dreams, as the child said them (never paraphrased), each house named as the child renamed it (or
 * null), written down by staff with the child. Labelled CHILD_VOICE: shown to anyone but the child and the
 * case's staff only once the child agreed (and, for a child living with a parent, a parent agreed first):
 * `child_agreed_at`, `parent_agreed_at`, `parent_needed` (1 or 0) as staff recorded them.
 */
export const childVoices = pgTable(
	'child_voices',
	{
		meetingId: text('meeting_id')
			.notNull()
			.references(() => meetings.id, { onDelete: 'cascade' }),
		childId: text('child_id')
			.notNull()
			.references(() => casePeople.id, { onDelete: 'cascade' }),
		worries: text('worries').notNull(),
		goodThings: text('good_things').notNull(),
		dreams: text('dreams').notNull(),
		/** The child's own names for the houses, as JSON { worries?, goodThings?, dreams? }, or null. */
		houseNames: text('house_names'),
		parentNeeded: integer('parent_needed').notNull().default(1),
		childAgreedAt: int64('child_agreed_at'),
		parentAgreedAt: int64('parent_agreed_at'),
		updatedBy: text('updated_by').references(() => users.id),
		updatedAt: int64('updated_at').notNull()
	},
	(t) => [primaryKey({ columns: [t.meetingId, t.childId] })]
);

/**
 * What a family member said of their time for meetings (issue 22; find-times.ts): their zone, a weekly
 * pattern and date-specific changes (JSON lists of blocks: find-times.ts WeeklyBlock, DateBlock), how they
 * can take part (JSON list of codes: availability.ts JOIN_MODES; in person where: a code, and a community
 * place's name as typed), and what they need to attend (JSON list of codes; the interpreter's language).
 * One row per person on a case; `entered_by` says whether they gave it themself (`self`) or a worker
 * entered it after talking with them (`staff`, `updated_by` the worker). A detail of theirs: the policy's
 * `person-detail: availability` and the label AVAILABILITY_CONFIDENTIAL decide who reads it.
 */
export const availability = pgTable('availability', {
	personId: text('person_id')
		.primaryKey()
		.references(() => casePeople.id, { onDelete: 'cascade' }),
	caseId: text('case_id')
		.notNull()
		.references(() => cases.id, { onDelete: 'cascade' }),
	timeZone: text('time_zone').notNull(),
	weekly: text('weekly').notNull(),
	dates: text('dates').notNull(),
	joinModes: text('join_modes').notNull(),
	inPersonPlace: text('in_person_place'),
	placeName: text('place_name'),
	needs: text('needs').notNull(),
	interpreterLanguage: text('interpreter_language'),
	enteredBy: text('entered_by', { enum: ['self', 'staff'] }).notNull(),
	updatedBy: text('updated_by').references(() => users.id),
	updatedAt: int64('updated_at').notNull()
});

/** A named version of a case plan: see schema.ts. UPDATE, DELETE and TRUNCATE are refused by triggers. */
export const planVersions = pgTable(
	'plan_versions',
	{
		id: text('id').primaryKey(),
		caseId: text('case_id')
			.notNull()
			.references(() => cases.id),
		name: text('name').notNull(),
		state: bytea('state').notNull(),
		contentHash: text('content_hash').notNull(),
		savedByUser: text('saved_by_user').references(() => users.id),
		savedByPerson: text('saved_by_person').references(() => casePeople.id),
		savedByName: text('saved_by_name').notNull(),
		createdAt: int64('created_at').notNull()
	},
	(t) => [index('plan_versions_case').on(t.caseId, t.createdAt), check('plan_versions_saved_by', sql`(${t.savedByUser} IS NULL) <> (${t.savedByPerson} IS NULL)`)]
);
/**
 * Times a worker proposed for a meeting (issue 22, "propose and choose"): one proposal per meeting, made
 * and changed by its caseworker or facilitator (policy `meeting: propose-times`). When the worker confirms
 * one option (`confirm-time`), the meeting moves to it through the one change path (meeting-plan.ts) and
 * the option, who confirmed and when are kept here; confirming an option a required person answered "no"
 * needs a reason (`override_reason`, also on the audit trail).
 */
export const timeProposals = pgTable('time_proposals', {
	id: text('id').primaryKey(),
	meetingId: text('meeting_id')
		.notNull()
		.unique()
		.references(() => meetings.id, { onDelete: 'cascade' }),
	caseId: text('case_id')
		.notNull()
		.references(() => cases.id, { onDelete: 'cascade' }),
	createdBy: text('created_by').references(() => users.id),
	createdAt: int64('created_at').notNull(),
	updatedAt: int64('updated_at').notNull(),
	confirmedOptionId: text('confirmed_option_id'),
	confirmedBy: text('confirmed_by').references(() => users.id),
	confirmedAt: int64('confirmed_at'),
	overrideReason: text('override_reason')
});

/**
 * One proposed time: its start (ms since the epoch, UTC) and length. Never changed or deleted once made, so
 * answers (which name it by id) never move: an option taken out of the proposal is marked `withdrawn_at`,
 * and its answers stay, shown as withdrawn; proposing the same time again brings it back with them.
 */
export const timeProposalOptions = pgTable(
	'time_proposal_options',
	{
		id: text('id').primaryKey(),
		proposalId: text('proposal_id')
			.notNull()
			.references(() => timeProposals.id, { onDelete: 'cascade' }),
		startsAt: int64('starts_at').notNull(),
		durationMinutes: integer('duration_minutes').notNull(),
		createdAt: int64('created_at').notNull(),
		withdrawnAt: int64('withdrawn_at')
	},
	(t) => [uniqueIndex('time_proposal_options_time').on(t.proposalId, t.startsAt, t.durationMinutes)]
);

/**
 * A person's answer to one proposed time (codes: domain/time-proposals.ts TIME_ANSWERS, ANSWER_JOIN_MODES),
 * given by the person themself (`self`) or entered by a worker after talking with them (`staff`,
 * `updated_by` the worker). One per person per option; changing it replaces it.
 */
export const timeProposalAnswers = pgTable(
	'time_proposal_answers',
	{
		optionId: text('option_id')
			.notNull()
			.references(() => timeProposalOptions.id, { onDelete: 'cascade' }),
		personId: text('person_id')
			.notNull()
			.references(() => casePeople.id, { onDelete: 'cascade' }),
		answer: text('answer', { enum: TIME_ANSWERS }).notNull(),
		joinMode: text('join_mode', { enum: ANSWER_JOIN_MODES }).notNull(),
		enteredBy: text('entered_by', { enum: ['self', 'staff'] }).notNull(),
		updatedBy: text('updated_by').references(() => users.id),
		updatedAt: int64('updated_at').notNull()
	},
	(t) => [primaryKey({ columns: [t.optionId, t.personId] }), index('time_proposal_answers_person').on(t.personId)]
);
