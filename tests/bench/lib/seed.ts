// Bench-only seeding: the demo seed has one case and one meeting; the capacity and memory benchmarks
// need hundreds. Inserted straight into the throwaway database of a running server (a SQLite file in WAL
// mode takes a second connection; PostgreSQL takes any), through the app's own Drizzle tables for that
// engine, for the demo agency and demo staff.
import { eq, inArray } from 'drizzle-orm';
import { closeDatabase, first, openAny, tablesOf, transact } from '../../../src/lib/server/db/index.ts';
import { newId } from '../../../src/lib/server/ids.ts';

/** The demo staff who are assigned to the demo case and may edit its documents. */
export const BENCH_STAFF = ['caseworker@demo.test', 'facilitator@demo.test', 'supervisor@demo.test'] as const;

export type Seeded = { caseIds: string[]; meetingIds: string[] };

/**
 * Adds `cases` cases, each with `meetingsPerCase` meetings, assigned to the demo caseworker, facilitator
 * and supervisor (as the demo case is), to the database at `target` (a SQLite path or a PostgreSQL URL).
 * Resolves to the new ids.
 */
export async function seedCases(target: string, cases: number, meetingsPerCase: number): Promise<Seeded> {
	const db = openAny(target);
	try {
		const t = tablesOf(db);
		const staff = await db
			.select({ id: t.users.id, email: t.users.email, agencyId: t.users.agencyId })
			.from(t.users)
			.where(inArray(t.users.email, [...BENCH_STAFF]));
		if (staff.length !== BENCH_STAFF.length) throw new Error('the demo staff are missing: start the server with HEARTH_DEMO=1');
		const role = (email: string) => email.split('@')[0] as 'caseworker' | 'facilitator' | 'supervisor';
		const caseworker = staff.find((s) => s.email === 'caseworker@demo.test')!;
		const now = Date.now();
		const seeded: Seeded = { caseIds: [], meetingIds: [] };
		await transact(db, async (tx) => {
			for (let c = 0; c < cases; c++) {
				const caseId = newId();
				seeded.caseIds.push(caseId);
				await tx.insert(t.cases).values({ id: caseId, agencyId: caseworker.agencyId, name: `Bench family ${c + 1}`, createdAt: now });
				await tx.insert(t.caseAssignments).values(staff.map((s) => ({ caseId, userId: s.id, role: role(s.email), createdAt: now })));
				for (let m = 0; m < meetingsPerCase; m++) {
					const meetingId = newId();
					seeded.meetingIds.push(meetingId);
					await tx.insert(t.meetings).values({
						id: meetingId,
						caseId,
						kind: 'FTDM',
						meetingType: 'PLACEMENT_CHANGE',
						startsAt: now + 86_400_000,
						durationMinutes: 90,
						timeZone: 'America/Chicago',
						location: null,
						status: 'scheduled',
						createdBy: caseworker.id,
						createdAt: now
					});
				}
			}
		});
		return seeded;
	} finally {
		await closeDatabase(db);
	}
}

/** The demo meeting's id (the one the seed created), straight from the database at `target`. */
export async function demoMeeting(target: string): Promise<{ caseId: string; meetingId: string }> {
	const db = openAny(target);
	try {
		const t = tablesOf(db);
		const row = await first(
			db.select({ caseId: t.cases.id, meetingId: t.meetings.id }).from(t.meetings).innerJoin(t.cases, eq(t.cases.id, t.meetings.caseId)).where(eq(t.cases.name, 'Rivera family'))
		);
		if (!row) throw new Error('no demo meeting in the database');
		return row;
	} finally {
		await closeDatabase(db);
	}
}

/**
 * Stores `docs` (document name, e.g. `meeting:<id>`, and its whole state as one Yjs update) as the collab
 * server's log would hold them, in the database at `target` (a SQLite path or a PostgreSQL URL), before any
 * client opens them. For content a client may not send: a meeting's agenda and outcome are the server's to
 * write (doc-kinds.ts), so a meeting as the room leaves it is stored, not typed in through a socket.
 */
export async function storeDocuments(target: string, docs: readonly { name: string; update: Uint8Array }[]): Promise<void> {
	const db = openAny(target);
	try {
		const t = tablesOf(db);
		const now = Date.now();
		await transact(db, async (tx) => {
			for (const d of docs) await tx.insert(t.collabUpdates).values({ docId: d.name, update: Buffer.from(d.update), createdAt: now });
		});
	} finally {
		await closeDatabase(db);
	}
}

/** The `u:<userId>` author id of each of `emails` (demo staff), in the database at `target`. */
export async function authorIds(target: string, emails: readonly string[]): Promise<string[]> {
	const db = openAny(target);
	try {
		const t = tablesOf(db);
		const rows = await db.select({ id: t.users.id, email: t.users.email }).from(t.users).where(inArray(t.users.email, [...emails]));
		return emails.map((email) => {
			const row = rows.find((r) => r.email === email);
			if (!row) throw new Error(`no user ${email}: start the server with HEARTH_DEMO=1`);
			return `u:${row.id}`;
		});
	} finally {
		await closeDatabase(db);
	}
}
