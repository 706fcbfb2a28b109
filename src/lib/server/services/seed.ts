import { count } from 'drizzle-orm';
import { first, transact, type Db, tablesOf } from '../db/index.ts';
import type { casePeople } from '../db/schema.ts';
import { hashPassword } from '../auth/password.ts';
import { newId } from '../ids.ts';
import { isoDay, zonedDate, zonedWallTimeToInstant } from '../../domain/time.ts';
import type { FamilySide, Relationship } from '../../domain/people.ts';

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

/** Whether the database holds no agency and no staff account yet (a new installation). */
export async function isEmpty(db: Db): Promise<boolean> {
	const { agencies, users } = tablesOf(db);
	return ((await first(db.select({ n: count() }).from(agencies)))?.n ?? 0) === 0 && ((await first(db.select({ n: count() }).from(users)))?.n ?? 0) === 0;
}

export async function seedDemo(db: Db, now = Date.now()): Promise<{ caseId: string; meetingId: string } | null> {
	const { agencies, caseAssignments, casePeople, cases, detailConsents, keepApartPairs, meetingSessionMembers, meetingSessions, meetings, sensitivityLabels, users } = tablesOf(db);
	if (!(await isEmpty(db))) return null;
	const passwordHash = await hashPassword(DEMO_PASSWORD);
	const timeZone = 'America/Chicago';
	const agencyId = newId();
	const caseId = newId();
	const meetingId = newId();
	const userIds = new Map<string, string>(DEMO_SIGN_INS.map((u) => [u.email, newId()]));

	// An upcoming meeting: three days from now at 5:30 in the evening, after the parents' work hours.
	const day = zonedDate(now + 3 * 86_400_000, timeZone);
	const startsAt = zonedWallTimeToInstant({ ...day, hour: 17, minute: 30 }, timeZone);
	// A calendar day in the agency's zone (the UTC date is the next day on a Chicago evening).
	const removal = isoDay(zonedDate(now - 9 * 86_400_000, timeZone));

	// What each person is to the children is a code (rendered in each reader's language), never English text.
	const person = (
		role: (typeof casePeople.$inferInsert)['role'],
		givenName: string,
		familyName: string,
		relationship: Relationship | null,
		extra: Partial<typeof casePeople.$inferInsert> & { side?: FamilySide } = {}
	) => {
		const { side = null, ...rest } = extra;
		return { id: newId(), caseId, role, givenName, familyName, relationshipCode: relationship, relationshipSide: side, createdAt: now, ...rest };
	};

	const seeded = await transact(db, async (tx) => {
		if (!(await isEmpty(tx))) return false;
		await tx.insert(agencies).values({ id: agencyId, name: 'Demo County Family Services', timeZone, createdAt: now });
		await tx.insert(users)
			.values(DEMO_SIGN_INS.map((u) => ({ id: userIds.get(u.email)!, agencyId, email: u.email, name: u.name, role: u.role, passwordHash, createdAt: now })));
		await tx.insert(cases).values({ id: caseId, agencyId, name: 'Rivera family', removalDate: removal, createdAt: now });
		const people = {
			// Ages come from the birth dates, in each reader's words ("Daughter, age 14", "Hija, 14 años").
			mateo: person('CHILD_YOUTH', 'Mateo', 'Rivera', 'SON', { birthDate: '2017-03-14' }),
			sofia: person('CHILD_YOUTH', 'Sofia', 'Rivera', 'DAUGHTER', { birthDate: '2012-08-02', locale: 'en', phone: '+15555550114' }),
			// Ana is a survivor of domestic violence: her address, contact details and availability are
			// confidential, and she and Daniel are never in the same session.
			ana: person('PARENT', 'Ana', 'Rivera', 'MOTHER', { locale: 'es', email: 'ana.rivera@example.test', phone: '+15555550101', address: '12 Example Lane, Apt 4, Springfield' }),
			daniel: person('PARENT', 'Daniel', 'Ortiz', 'FATHER', { locale: 'en', email: 'daniel.ortiz@example.test', phone: '+15555550102', address: '400 Sample Road, Springfield' }),
			// Rosa is Ana's mother; Lucia is Daniel's sister (relatives have a side: 42 U.S.C. 671(a)(29)).
			rosa: person('RELATIVE_KIN', 'Rosa', 'Rivera', 'GRANDMOTHER', { side: 'MATERNAL', locale: 'es', email: 'rosa.rivera@example.test', phone: '+15555550103', address: '7 Placeholder Street, Springfield' }),
			lucia: person('RELATIVE_KIN', 'Lucia', 'Ortiz', 'AUNT', { side: 'PATERNAL', locale: 'en', email: 'lucia.ortiz@example.test', phone: '+15555550104' }),
			grace: person('SUPPORT_PERSON', 'Grace', 'Whitfield', 'FAMILY_FRIEND', { locale: 'en', email: 'grace.whitfield@example.test', phone: '+15555550105' }),
			tom: person('CAREGIVER', 'Tom', 'Baker', 'FOSTER_CAREGIVER', { locale: 'en', email: 'tom.baker@example.test', phone: '+15555550106' }),
			// A trainee who may follow the meeting but never change anything: the role (Observer) says what he is.
			jordan: person('OBSERVER', 'Jordan', 'Lee', null, { locale: 'en', email: 'jordan.lee@example.test' })
		};
		await tx.insert(casePeople).values(Object.values(people));
		const staffId = userIds.get('caseworker@demo.test')!;
		// Lucia and Tom told Sam they are happy for the family to have their phone and email; nobody else
		// has agreed yet, so nobody else's details reach another family member.
		await tx.insert(detailConsents)
			.values([people.lucia, people.tom].map((p) => ({ personId: p.id, detail: 'contact' as const, recordedBy: 'staff' as const, recordedByUser: staffId, recordedAt: now })));
		await tx.insert(sensitivityLabels)
			.values((['ADDRESS_CONFIDENTIAL', 'CONTACT_CONFIDENTIAL', 'AVAILABILITY_CONFIDENTIAL', 'DV_DISCLOSURE'] as const).map((label) => ({ personId: people.ana.id, label, setBy: staffId, setAt: now })));
		const [a, b] = [people.ana.id, people.daniel.id].sort();
		await tx.insert(keepApartPairs).values({ caseId, personA: a, personB: b, setBy: staffId, setAt: now });
		await tx.insert(caseAssignments)
			.values([
				{ caseId, userId: userIds.get('caseworker@demo.test')!, role: 'caseworker', createdAt: now },
				{ caseId, userId: userIds.get('facilitator@demo.test')!, role: 'facilitator', createdAt: now },
				{ caseId, userId: userIds.get('supervisor@demo.test')!, role: 'supervisor', createdAt: now }
			]);
		await tx.insert(meetings)
			.values({
				id: meetingId,
				caseId,
				kind: 'FTDM',
				meetingType: 'PLACEMENT_CHANGE',
				startsAt,
				durationMinutes: 90,
				timeZone,
				// Staff type the place; families read it in their language.
				location: 'Family Services office, Room 2 (or by video)',
				locationEs: 'Oficina de Servicios Familiares, sala 2 (o por video)',
				status: 'scheduled',
				createdBy: userIds.get('caseworker@demo.test')!,
				createdAt: now
			});
		// The joint session holds the family team; Ana meets in a separate session of her own.
		const joint = newId();
		const anaSession = newId();
		await tx.insert(meetingSessions)
			.values([
				{ id: joint, meetingId, kind: 'JOINT', createdAt: now },
				{ id: anaSession, meetingId, kind: 'SEPARATE', forPersonId: people.ana.id, createdAt: now + 1 }
			]);
		await tx.insert(meetingSessionMembers)
			.values([
				...[people.sofia, people.daniel, people.rosa, people.lucia, people.grace, people.tom, people.jordan].map((p) => ({ meetingSessionId: joint, personId: p.id })),
				{ meetingSessionId: anaSession, personId: people.ana.id },
				{ meetingSessionId: anaSession, personId: people.rosa.id }
			]);
		return true;
	});
	if (!seeded) return null;
	return { caseId, meetingId };
}
