// Bench-only seeding: the demo seed has one case and one meeting; the capacity and memory benchmarks
// need hundreds. Inserted straight into the throwaway database of a running server (SQLite WAL lets a
// second connection write), through the app's own Drizzle schema, for the demo agency and demo staff.
import { eq, inArray } from 'drizzle-orm';
import { openDatabase, schema } from '../../../src/lib/server/db/index.ts';
import { newId } from '../../../src/lib/server/ids.ts';

/** The demo staff who are assigned to the demo case and may edit its documents. */
export const BENCH_STAFF = ['caseworker@demo.test', 'facilitator@demo.test', 'supervisor@demo.test'] as const;

export type Seeded = { caseIds: string[]; meetingIds: string[] };

/**
 * Adds `cases` cases, each with `meetingsPerCase` meetings, assigned to the demo caseworker, facilitator
 * and supervisor (as the demo case is). Returns the new ids.
 */
export function seedCases(dbPath: string, cases: number, meetingsPerCase: number): Seeded {
	const db = openDatabase(dbPath);
	try {
		const staff = db
			.select({ id: schema.users.id, email: schema.users.email, agencyId: schema.users.agencyId })
			.from(schema.users)
			.where(inArray(schema.users.email, [...BENCH_STAFF]))
			.all();
		if (staff.length !== BENCH_STAFF.length) throw new Error('the demo staff are missing: start the server with HEARTH_DEMO=1');
		const role = (email: string) => email.split('@')[0] as 'caseworker' | 'facilitator' | 'supervisor';
		const caseworker = staff.find((s) => s.email === 'caseworker@demo.test')!;
		const now = Date.now();
		const seeded: Seeded = { caseIds: [], meetingIds: [] };
		db.transaction((tx) => {
			for (let c = 0; c < cases; c++) {
				const caseId = newId();
				seeded.caseIds.push(caseId);
				tx.insert(schema.cases).values({ id: caseId, agencyId: caseworker.agencyId, name: `Bench family ${c + 1}`, createdAt: now }).run();
				tx.insert(schema.caseAssignments)
					.values(staff.map((s) => ({ caseId, userId: s.id, role: role(s.email), createdAt: now })))
					.run();
				for (let m = 0; m < meetingsPerCase; m++) {
					const meetingId = newId();
					seeded.meetingIds.push(meetingId);
					tx.insert(schema.meetings)
						.values({
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
						})
						.run();
				}
			}
		});
		return seeded;
	} finally {
		db.$client.close();
	}
}

/** The demo meeting's id (the one the seed created), straight from the database. */
export function demoMeeting(dbPath: string): { caseId: string; meetingId: string } {
	const db = openDatabase(dbPath);
	try {
		const row = db
			.select({ caseId: schema.cases.id, meetingId: schema.meetings.id })
			.from(schema.meetings)
			.innerJoin(schema.cases, eq(schema.cases.id, schema.meetings.caseId))
			.where(eq(schema.cases.name, 'Rivera family'))
			.get();
		if (!row) throw new Error('no demo meeting in the database');
		return row;
	} finally {
		db.$client.close();
	}
}
