import { describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { migrateDatabase, openDatabase } from './index.ts';

// drizzle/0004_family_words.sql: relationships stored as English text become codes (rendered per reader);
// anything the migration does not know stays as the typed note it was.

/** The migrations folder as it was before 0004: the same files, with the journal cut after 0003. */
function migrationsBefore0004(): string {
	const dir = mkdtempSync(join(tmpdir(), 'hearth-migrations-'));
	cpSync(resolve(process.cwd(), 'drizzle'), dir, { recursive: true });
	const journalPath = join(dir, 'meta', '_journal.json');
	const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: { tag: string }[] };
	journal.entries = journal.entries.filter((e) => e.tag < '0004');
	writeFileSync(journalPath, JSON.stringify(journal));
	return dir;
}

describe('migration 0004: relationships as codes', () => {
	it('maps the demo’s English words to codes and keeps anything else as a typed note', () => {
		const before = migrationsBefore0004();
		const db = openDatabase(':memory:');
		try {
			migrateDatabase(db, before);
			const sqlite = db.$client;
			sqlite.prepare("INSERT INTO agencies (id, name, time_zone, created_at) VALUES ('ag', 'Demo', 'America/Chicago', 0)").run();
			sqlite.prepare("INSERT INTO cases (id, agency_id, name, created_at) VALUES ('case1', 'ag', 'Rivera family', 0)").run();
			const add = sqlite.prepare("INSERT INTO case_people (id, case_id, role, given_name, family_name, relationship, birth_date, created_at) VALUES (?, 'case1', ?, ?, 'X', ?, ?, 0)");
			const rows: [string, string, string | null, string | null][] = [
				['sofia', 'CHILD_YOUTH', 'Daughter, 14', '2012-08-02'],
				['nobirth', 'CHILD_YOUTH', 'Son, 9', null],
				['ana', 'PARENT', 'Mother', null],
				['daniel', 'PARENT', ' father ', null],
				['rosa', 'RELATIVE_KIN', 'Grandmother', null],
				['abuela', 'RELATIVE_KIN', 'Abuela materna', null],
				['tom', 'CAREGIVER', 'Foster caregiver', null],
				['grace', 'SUPPORT_PERSON', 'Family friend', null],
				['jordan', 'OBSERVER', 'Trainee observer', null],
				['pastor', 'SUPPORT_PERSON', 'Pastor at St. Mark’s', null],
				['none', 'RELATIVE_KIN', null, null]
			];
			for (const [id, role, relationship, birthDate] of rows) add.run(id, role, id, relationship, birthDate);

			migrateDatabase(db);

			const got = Object.fromEntries(
				(sqlite.prepare('SELECT id, relationship_code AS code, relationship_side AS side, relationship AS note FROM case_people').all() as { id: string; code: string | null; side: string | null; note: string | null }[]).map((r) => [
					r.id,
					[r.code, r.side, r.note]
				])
			);
			expect(got).toEqual({
				sofia: ['DAUGHTER', null, null], // the age now comes from her birth date
				nobirth: [null, null, 'Son, 9'], // no birth date: the typed age would be lost, so the note stays
				ana: ['MOTHER', null, null],
				daniel: ['FATHER', null, null],
				rosa: ['GRANDMOTHER', null, null], // the side is not known from "Grandmother"
				abuela: ['GRANDMOTHER', 'MATERNAL', null],
				tom: ['FOSTER_CAREGIVER', null, null],
				grace: ['FAMILY_FRIEND', null, null],
				jordan: [null, null, null], // the role (Observer) already says it
				pastor: [null, null, 'Pastor at St. Mark’s'],
				none: [null, null, null]
			});
		} finally {
			db.$client.close();
			rmSync(before, { recursive: true, force: true });
		}
	});
});
