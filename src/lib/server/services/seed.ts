import { count } from 'drizzle-orm';
import type { Db } from '../db/index.ts';
import { agencies, caseAssignments, casePeople, cases, meetings, users } from '../db/schema.ts';
import { hashPassword } from '../auth/password.ts';
import { newId } from '../ids.ts';
import { zonedDate, zonedWallTimeToInstant } from '../../domain/time.ts';

// Demo data, obviously fictional: a demo agency and the "Rivera family" case, so a new person can click
// through the app at once. Never touches a database that already has data.

export const DEMO_PASSWORD = 'hearth-demo';

export const DEMO_SIGN_INS = [
	{ email: 'facilitator@demo.test', name: 'Dana Reyes', role: 'facilitator' },
	{ email: 'caseworker@demo.test', name: 'Sam Okafor', role: 'caseworker' },
	{ email: 'supervisor@demo.test', name: 'Lee Chen', role: 'supervisor' },
	{ email: 'admin@demo.test', name: 'Morgan Avery', role: 'admin' },
	// A caseworker with no access to the demo case: the access policy's test subject.
	{ email: 'outsider@demo.test', name: 'Riley Park', role: 'caseworker' }
] as const;

export function isEmpty(db: Db): boolean {
	return (db.select({ n: count() }).from(agencies).get()?.n ?? 0) === 0 && (db.select({ n: count() }).from(users).get()?.n ?? 0) === 0;
}

export async function seedDemo(db: Db, now = Date.now()): Promise<{ caseId: string; meetingId: string } | null> {
	if (!isEmpty(db)) return null;
	const passwordHash = await hashPassword(DEMO_PASSWORD);
	const timeZone = 'America/Chicago';
	const agencyId = newId();
	const caseId = newId();
	const meetingId = newId();
	const userIds = new Map<string, string>(DEMO_SIGN_INS.map((u) => [u.email, newId()]));

	// An upcoming meeting: three days from now at 5:30 in the evening, after the parents' work hours.
	const day = zonedDate(now + 3 * 86_400_000, timeZone);
	const startsAt = zonedWallTimeToInstant({ ...day, hour: 17, minute: 30 }, timeZone);
	const removal = new Date(now - 9 * 86_400_000).toISOString().slice(0, 10);

	const person = (role: (typeof casePeople.$inferInsert)['role'], givenName: string, familyName: string, relationship: string, extra: Partial<typeof casePeople.$inferInsert> = {}) => ({
		id: newId(),
		caseId,
		role,
		givenName,
		familyName,
		relationship,
		createdAt: now,
		...extra
	});

	db.transaction((tx) => {
		if (!isEmpty(tx as unknown as Db)) return;
		tx.insert(agencies).values({ id: agencyId, name: 'Demo County Family Services', timeZone, createdAt: now }).run();
		tx.insert(users)
			.values(DEMO_SIGN_INS.map((u) => ({ id: userIds.get(u.email)!, agencyId, email: u.email, name: u.name, role: u.role, passwordHash, createdAt: now })))
			.run();
		tx.insert(cases).values({ id: caseId, agencyId, name: 'Rivera family', removalDate: removal, createdAt: now }).run();
		tx.insert(casePeople)
			.values([
				person('CHILD_YOUTH', 'Mateo', 'Rivera', 'Son, 9', { birthDate: '2017-03-14' }),
				person('CHILD_YOUTH', 'Sofia', 'Rivera', 'Daughter, 14', { birthDate: '2012-08-02' }),
				person('PARENT', 'Ana', 'Rivera', 'Mother', { locale: 'es' }),
				person('PARENT', 'Daniel', 'Ortiz', 'Father', { locale: 'en' }),
				person('RELATIVE_KIN', 'Rosa', 'Rivera', 'Grandmother', { locale: 'es' }),
				person('RELATIVE_KIN', 'Lucia', 'Ortiz', 'Aunt', { locale: 'en' }),
				person('SUPPORT_PERSON', 'Grace', 'Whitfield', 'Family friend', { locale: 'en' }),
				person('CAREGIVER', 'Tom', 'Baker', 'Foster caregiver', { locale: 'en' })
			])
			.run();
		tx.insert(caseAssignments)
			.values([
				{ caseId, userId: userIds.get('caseworker@demo.test')!, role: 'caseworker', createdAt: now },
				{ caseId, userId: userIds.get('facilitator@demo.test')!, role: 'facilitator', createdAt: now },
				{ caseId, userId: userIds.get('supervisor@demo.test')!, role: 'supervisor', createdAt: now }
			])
			.run();
		tx.insert(meetings)
			.values({
				id: meetingId,
				caseId,
				kind: 'FTDM',
				meetingType: 'PLACEMENT_CHANGE',
				startsAt,
				durationMinutes: 90,
				timeZone,
				location: 'Family Services office, Room 2 (or by video)',
				status: 'scheduled',
				createdBy: userIds.get('caseworker@demo.test')!,
				createdAt: now
			})
			.run();
	});
	return { caseId, meetingId };
}
