import { describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { testDatabase } from '../../../../tests/support/db';
import type { Db } from '../db/index.ts';
import { agencies, auditEvents, caseAssignments, casePeople, cases, users } from '../db/schema.ts';
import { writeAudit } from '../audit.ts';
import type { Actor, ParticipantActor, StaffActor } from '../../domain/policy.ts';
import type { AssignmentRole, StaffRole } from '../../domain/roles.ts';
import type { RequestContext } from './access.ts';
import { AUDIT_PAGE_SIZE, auditFilterParams, checkAuditChain, csvCell, csvLine, exportAudit, parseAuditFilter, queryAudit, startOfDay } from './audit-log.ts';

describe('CSV cells (RFC 4180)', () => {
	it('leaves plain text as it is', async () => {
		expect(csvCell('case.view')).toBe('case.view');
		expect(csvCell(42)).toBe('42');
		expect(csvCell(null)).toBe('');
		expect(csvCell(undefined)).toBe('');
	});

	it('quotes a cell with a comma, a quote or a line break, and doubles its quotes', async () => {
		expect(csvCell('Rivera, Ana')).toBe('"Rivera, Ana"');
		expect(csvCell('the "Rivera" family')).toBe('"the ""Rivera"" family"');
		expect(csvCell('two\nlines')).toBe('"two\nlines"');
		expect(csvCell('two\r\nlines')).toBe('"two\r\nlines"');
	});

	it('keeps a cell that a spreadsheet would run as a formula as text', async () => {
		expect(csvCell('=HYPERLINK("http://evil.example","x")')).toBe(`"'=HYPERLINK(""http://evil.example"",""x"")"`);
		expect(csvCell('+1555')).toBe("'+1555");
		expect(csvCell('-2+3')).toBe("'-2+3");
		expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
		expect(csvCell('\t=1')).toBe("'\t=1");
		expect(csvCell('\r=1')).toBe(`"'\r=1"`);
		// Only at the start: a dash or an at sign inside a value is ordinary text.
		expect(csvCell('auth.sign-in')).toBe('auth.sign-in');
		expect(csvCell('ana@example.test')).toBe('ana@example.test');
	});

	it('ends each line with CRLF', async () => {
		expect(csvLine(['a', 'b,c', null, 3])).toBe('a,"b,c",,3\r\n');
	});
});

describe('reading the filter from the URL', () => {
	it('treats empty fields as "any" and starts on page 1', async () => {
		expect(parseAuditFilter(new URLSearchParams('case=&person=&from=&to=&outcome=&action='))).toEqual({ ok: true, filter: { page: 1 } });
	});

	it('reads every field', async () => {
		const params = new URLSearchParams({ case: 'aaaaaaaaaaaaaaaaaaaaaaaa', person: 'bbbbbbbbbbbbbbbbbbbbbbbb', from: '2026-05-01', to: '2026-05-31', outcome: 'denied', action: ' Case. ', page: '3', upto: '900' });
		expect(parseAuditFilter(params)).toEqual({
			ok: true,
			filter: { case: 'aaaaaaaaaaaaaaaaaaaaaaaa', person: 'bbbbbbbbbbbbbbbbbbbbbbbb', from: '2026-05-01', to: '2026-05-31', outcome: 'denied', action: 'case.', page: 3, upto: 900 }
		});
	});

	it('names each field it cannot use', async () => {
		const result = parseAuditFilter({ case: 'Rivera family', from: '2026-02-30', to: '2026-5-1', outcome: 'maybe', action: "case.%' OR 1=1", page: 'two' });
		expect(result.ok).toBe(false);
		if (result.ok) return;
		expect(result.problems.map((p) => p.field).sort()).toEqual(['action', 'case', 'from', 'outcome', 'page', 'to']);
		expect(result.problems.every((p) => p.kind === 'invalid')).toBe(true);
	});

	it('refuses an end date before the start date, on the end date', async () => {
		expect(parseAuditFilter({ from: '2026-05-02', to: '2026-05-01' })).toEqual({ ok: false, problems: [{ field: 'to', kind: 'range' }] });
		expect(parseAuditFilter({ from: '2026-05-01', to: '2026-05-01' }).ok).toBe(true);
	});

	it('writes the filter back as the same query, leaving out page 1', async () => {
		const parsed = parseAuditFilter({ person: 'bbbbbbbbbbbbbbbbbbbbbbbb', from: '2026-05-01', action: 'case.' });
		if (!parsed.ok) throw new Error('filter should parse');
		expect(auditFilterParams(parsed.filter).toString()).toBe('person=bbbbbbbbbbbbbbbbbbbbbbbb&from=2026-05-01&action=case.');
		expect(auditFilterParams(parsed.filter, { page: 2, upto: 7 }).toString()).toBe('person=bbbbbbbbbbbbbbbbbbbbbbbb&from=2026-05-01&action=case.&page=2&upto=7');
	});

	it('counts days in the agency time zone, across a change of clocks', async () => {
		// Chicago moved to daylight time on 8 March 2026: that day began at 06:00 UTC and the next at 05:00 UTC.
		expect(new Date(startOfDay('2026-03-08', 'America/Chicago')).toISOString()).toBe('2026-03-08T06:00:00.000Z');
		expect(new Date(startOfDay('2026-03-08', 'America/Chicago', 1)).toISOString()).toBe('2026-03-09T05:00:00.000Z');
		expect(new Date(startOfDay('2026-12-31', 'UTC', 1)).toISOString()).toBe('2027-01-01T00:00:00.000Z');
	});
});

// A small agency: Lee supervises the Rivera case; the Nguyen case is someone else's.
const ID = {
	agency: 'agencyagencyagencyagency',
	admin: 'adminadminadminadminadmi',
	lee: 'leeleeleeleeleeleeleelee',
	sam: 'samsamsamsamsamsamsamsam',
	riley: 'rileyrileyrileyrileyrile',
	rivera: 'riverariverariverariver',
	nguyen: 'nguyennguyennguyennguye',
	ana: 'anaanaanaanaanaanaanaana',
	bao: 'baobaobaobaobaobaobaobao'
};
const T0 = Date.UTC(2026, 4, 10, 15, 0); // 10 May 2026, 10:00 in Chicago

function fixture() {
	const db = testDatabase();
	db.insert(agencies).values({ id: ID.agency, name: 'Test County', timeZone: 'America/Chicago', createdAt: T0 }).run();
	const user = (id: string, name: string, role: StaffRole) => ({ id, agencyId: ID.agency, email: `${id}@x.test`, name, role, passwordHash: 'x', createdAt: T0 });
	db.insert(users)
		.values([user(ID.admin, 'Morgan Avery', 'admin'), user(ID.lee, 'Lee Chen', 'supervisor'), user(ID.sam, 'Sam Okafor', 'caseworker'), user(ID.riley, '=Riley Park', 'caseworker')])
		.run();
	db.insert(cases)
		.values([
			{ id: ID.rivera, agencyId: ID.agency, name: 'Rivera family', createdAt: T0 },
			{ id: ID.nguyen, agencyId: ID.agency, name: 'Nguyen family', createdAt: T0 }
		])
		.run();
	db.insert(casePeople)
		.values([
			{ id: ID.ana, caseId: ID.rivera, role: 'PARENT', givenName: 'Ana', familyName: 'Rivera', createdAt: T0 },
			{ id: ID.bao, caseId: ID.nguyen, role: 'PARENT', givenName: 'Bao', familyName: 'Nguyen', createdAt: T0 }
		])
		.run();
	db.insert(caseAssignments)
		.values([
			{ caseId: ID.rivera, userId: ID.lee, role: 'supervisor', createdAt: T0 },
			{ caseId: ID.rivera, userId: ID.sam, role: 'caseworker', createdAt: T0 }
		])
		.run();
	const staff = (userId: string, role: StaffRole, assignments: [string, AssignmentRole][] = []): StaffActor => ({ kind: 'staff', userId, role, assignments: new Map(assignments) });
	const actors = {
		admin: staff(ID.admin, 'admin'),
		lee: staff(ID.lee, 'supervisor', [[ID.rivera, 'supervisor']]),
		sam: staff(ID.sam, 'caseworker', [[ID.rivera, 'caseworker']]),
		riley: staff(ID.riley, 'caseworker'),
		ana: { kind: 'participant', participantId: 'p', personId: ID.ana, caseId: ID.rivera, role: 'PARENT', meetingId: null, meetingSessionIds: new Set(), keepApartWith: new Set() } satisfies ParticipantActor
	};
	const record = (actor: Actor, action: string, caseId: string | null, outcome: 'allowed' | 'denied', at: number, detail?: Record<string, string | number>) =>
		writeAudit(db, { actor, action, resourceType: caseId ? 'case' : 'session', resourceId: caseId, caseId, outcome, at, clientAddress: '203.0.113.9', sessionId: 'sessionsessionsession0123', detail });
	record(actors.sam, 'case.view', ID.rivera, 'allowed', T0);
	record(actors.riley, 'case.view', ID.rivera, 'denied', T0 + 1000);
	record(actors.ana, 'family.view', ID.rivera, 'allowed', T0 + 2000);
	record(actors.riley, 'case.view', ID.nguyen, 'allowed', T0 + 3000);
	record(actors.lee, 'auth.sign-in', null, 'allowed', T0 + 4000);
	record(actors.sam, 'auth.sign-in', null, 'allowed', T0 + 5000, { why: 'password' });
	const ctx = (actor: Actor): RequestContext => ({ db, actor, sessionId: 'viewersessionviewer00000', clientAddress: '198.51.100.7', now: Date.now() });
	return { db, actors, ctx };
}

function auditRows(db: Db, action: string) {
	return db.select().from(auditEvents).where(eq(auditEvents.action, action)).all();
}

describe('queryAudit: who reads which entries', () => {
	it('shows a supervisor the entries of their cases and their own sign-ins, nothing else', async () => {
		const { ctx, actors } = fixture();
		const result = await queryAudit(ctx(actors.lee), {});
		if (!result.ok) throw new Error(result.reason);
		const rows = result.value.rows;
		expect(result.value.reach).toBe('cases');
		expect(rows.every((r) => r.caseId === ID.rivera || (r.caseId === null && r.who.kind === 'staff' && r.who.id === ID.lee))).toBe(true);
		expect(rows.some((r) => r.caseId === ID.nguyen)).toBe(false);
		expect(rows.some((r) => r.action === 'auth.sign-in' && r.who.kind === 'staff' && r.who.id === ID.sam)).toBe(false);
		expect(rows.find((r) => r.outcome === 'denied')).toMatchObject({ action: 'case.view', who: { kind: 'staff', name: '=Riley Park' }, role: 'caseworker', caseName: 'Rivera family' });
		// The supervisor's own reading is the newest entry.
		expect(rows[0]).toMatchObject({ action: 'audit.view', who: { kind: 'staff', id: ID.lee }, outcome: 'allowed', clientAddress: '198.51.100.7', sessionRef: 'viewersessionvie' });
	});

	it('names a family member by their person on the case, and filters by them', async () => {
		const { ctx, actors } = fixture();
		const result = await queryAudit(ctx(actors.lee), { person: ID.ana });
		if (!result.ok) throw new Error(result.reason);
		expect(result.value.rows).toHaveLength(1);
		expect(result.value.rows[0]).toMatchObject({ action: 'family.view', who: { kind: 'participant', id: ID.ana, name: 'Ana Rivera' }, role: 'PARENT' });
	});

	it('refuses a supervisor the audit of a case they are not on, and records the refusal', async () => {
		const { db, ctx, actors } = fixture();
		expect(await queryAudit(ctx(actors.lee), { case: ID.nguyen })).toEqual({ ok: false, reason: 'forbidden' });
		expect(auditRows(db, 'audit.view').at(-1)).toMatchObject({ actorId: ID.lee, caseId: ID.nguyen, outcome: 'denied' });
	});

	it('offers a supervisor the people and staff of their cases, and the outsider who was refused', async () => {
		const { ctx, actors } = fixture();
		const result = await queryAudit(ctx(actors.lee), {});
		if (!result.ok) throw new Error(result.reason);
		expect(result.value.options.cases).toEqual([{ id: ID.rivera, name: 'Rivera family' }]);
		expect(result.value.options.staff.map((s) => s.name)).toEqual(['=Riley Park', 'Lee Chen', 'Sam Okafor']);
		expect(result.value.options.people).toEqual([{ caseId: ID.rivera, caseName: 'Rivera family', people: [{ id: ID.ana, name: 'Ana Rivera', role: 'PARENT' }] }]);
	});

	it('shows an administrator the agency’s security events, never a case’s entries or a family member’s', async () => {
		const { db, ctx, actors } = fixture();
		// A family member's entry from before entries carried their case: still case data.
		db.insert(auditEvents)
			.values({ at: T0 + 6000, actorKind: 'participant', actorId: ID.ana, actorRole: 'PARENT', action: 'auth.sign-out', resourceType: 'session', outcome: 'allowed', clientAddress: '192.0.2.44', prevHash: '0', hash: '0' })
			.run();
		const all = await queryAudit(ctx(actors.admin), {});
		if (!all.ok) throw new Error(all.reason);
		expect(all.value.reach).toBe('agency');
		const rows = all.value.rows;
		expect(rows.map((r) => r.action).sort()).toEqual(['audit.view', 'auth.sign-in', 'auth.sign-in']);
		expect(rows.every((r) => r.caseId === null && r.caseName === null && r.who.kind !== 'participant')).toBe(true);
		expect(JSON.stringify(rows)).not.toMatch(/Ana|Rivera|Nguyen|192\.0\.2\.44/);
		// Nothing in the form names a case or a family member either.
		expect(all.value.options.cases).toEqual([]);
		expect(all.value.options.people).toEqual([]);
		expect(all.value.options.staff.map((s) => s.name)).toContain('Lee Chen');
	});

	it('gives an administrator nothing of a family member through the person filter, page or download', async () => {
		const { ctx, actors } = fixture();
		const page = await queryAudit(ctx(actors.admin), { person: ID.ana });
		if (!page.ok) throw new Error(page.reason);
		expect(page.value.rows).toEqual([]);
		const download = await exportAudit(ctx(actors.admin), { person: ID.ana }, 'en');
		if (!download.ok) throw new Error(download.reason);
		expect(download.value.rowCount).toBe(0);
		const csv = await new Response(download.value.body).text();
		expect(csv).not.toMatch(/Ana Rivera|family\.view|203\.0\.113\.9/);
		// Every other filter, too: a case's rows never come back.
		for (const filter of [{ action: 'family.' }, { outcome: 'denied' }, { action: 'case.' }, { from: '2026-05-10', to: '2026-05-10' }]) {
			const r = await queryAudit(ctx(actors.admin), filter);
			if (!r.ok) throw new Error(r.reason);
			expect(r.value.rows.filter((row) => row.caseId !== null || row.who.kind === 'participant'), JSON.stringify(filter)).toEqual([]);
		}
	});

	it('refuses an administrator the audit of a case (page and download), and the case’s supervisor sees it', async () => {
		const { db, ctx, actors } = fixture();
		expect(await queryAudit(ctx(actors.admin), { case: ID.rivera })).toEqual({ ok: false, reason: 'forbidden' });
		expect(await exportAudit(ctx(actors.admin), { case: ID.rivera }, 'en')).toEqual({ ok: false, reason: 'forbidden' });
		expect(auditRows(db, 'audit.export').at(-1)).toMatchObject({ actorId: ID.admin, caseId: ID.rivera, outcome: 'denied' });
		const lee = await queryAudit(ctx(actors.lee), { case: ID.rivera, outcome: 'denied', action: 'audit.' });
		if (!lee.ok) throw new Error(lee.reason);
		expect(lee.value.rows.map((r) => r.who.kind === 'staff' && r.who.name)).toEqual(['Morgan Avery', 'Morgan Avery']);
	});

	it('shows a supervisor the family members of their case, also from entries that carry no case', async () => {
		const { db, ctx, actors } = fixture();
		db.insert(auditEvents)
			.values({ at: T0 + 6000, actorKind: 'participant', actorId: ID.ana, actorRole: 'PARENT', action: 'auth.sign-out', resourceType: 'session', outcome: 'allowed', prevHash: '0', hash: '0' })
			.run();
		db.insert(auditEvents)
			.values({ at: T0 + 7000, actorKind: 'participant', actorId: ID.bao, actorRole: 'PARENT', action: 'auth.sign-out', resourceType: 'session', outcome: 'allowed', prevHash: '0', hash: '0' })
			.run();
		const result = await queryAudit(ctx(actors.lee), { action: 'auth.sign-out' });
		if (!result.ok) throw new Error(result.reason);
		expect(result.value.rows.map((r) => r.who.kind === 'participant' && r.who.name)).toEqual(['Ana Rivera']);
	});

	it('files a family member’s entries under their case', async () => {
		const { db, actors } = fixture();
		writeAudit(db, { actor: actors.ana, action: 'auth.sign-out', resourceType: 'session', outcome: 'allowed' });
		expect(auditRows(db, 'auth.sign-out').at(-1)).toMatchObject({ actorId: ID.ana, caseId: ID.rivera });
	});

	it('refuses caseworkers, family members and anyone not signed in, and records each refusal', async () => {
		const { db, ctx, actors } = fixture();
		expect(await queryAudit(ctx(actors.sam), {})).toEqual({ ok: false, reason: 'forbidden' });
		expect(await queryAudit(ctx(actors.sam), { case: ID.rivera })).toEqual({ ok: false, reason: 'forbidden' });
		expect(await queryAudit(ctx(actors.ana), {})).toEqual({ ok: false, reason: 'forbidden' });
		expect(await queryAudit(ctx({ kind: 'anonymous' }), {})).toEqual({ ok: false, reason: 'not-signed-in' });
		expect(auditRows(db, 'audit.view').map((r) => r.outcome)).toEqual(['denied', 'denied', 'denied', 'denied']);
	});

	it('filters by outcome, action prefix and days in the agency time zone', async () => {
		const { db, ctx, actors } = fixture();
		// 11 May 2026 at 04:30 UTC is still 10 May in Chicago (23:30).
		writeAudit(db, { actor: actors.sam, action: 'meeting.view', resourceType: 'meeting', caseId: ID.rivera, outcome: 'allowed', at: Date.UTC(2026, 4, 11, 4, 30) });
		const read = async (actor: Actor, filter: Record<string, string>) => {
			const result = await queryAudit(ctx(actor), filter);
			if (!result.ok) throw new Error(result.reason);
			return result.value.rows.map((r) => r.action);
		};
		expect(await read(actors.lee, { outcome: 'denied' })).toEqual(['case.view']);
		expect(await read(actors.admin, { action: 'auth.' })).toEqual(['auth.sign-in', 'auth.sign-in']);
		expect(await read(actors.lee, { from: '2026-05-10', to: '2026-05-10', action: 'meeting' })).toEqual(['meeting.view']);
		expect(await read(actors.lee, { from: '2026-05-11', action: 'meeting' })).toEqual([]);
	});

	it('starts a day where the agency’s clocks jump at midnight at its first minute (Santiago, 6 September 2026)', async () => {
		const { db, ctx, actors } = fixture();
		db.update(agencies).set({ timeZone: 'America/Santiago' }).run();
		// Chile moves from UTC-4 to UTC-3 at 00:00 on 6 September 2026: 03:30 UTC is 23:30 on the 5th,
		// 04:00 UTC is 01:00 on the 6th, the day's first minute.
		writeAudit(db, { actor: actors.sam, action: 'meeting.view', resourceType: 'meeting', resourceId: 'late-on-the-5th', caseId: ID.rivera, outcome: 'allowed', at: Date.UTC(2026, 8, 6, 3, 30) });
		writeAudit(db, { actor: actors.sam, action: 'meeting.view', resourceType: 'meeting', resourceId: 'first-of-the-6th', caseId: ID.rivera, outcome: 'allowed', at: Date.UTC(2026, 8, 6, 4, 0) });
		const read = async (filter: Record<string, string>) => {
			const result = await queryAudit(ctx(actors.lee), { action: 'meeting.', ...filter });
			if (!result.ok) throw new Error(result.reason);
			return result.value.rows.map((r) => r.resourceId);
		};
		expect(new Date(startOfDay('2026-09-06', 'America/Santiago')).toISOString()).toBe('2026-09-06T04:00:00.000Z');
		expect(await read({ from: '2026-09-06' })).toEqual(['first-of-the-6th']);
		expect(await read({ to: '2026-09-05' })).toEqual(['late-on-the-5th']);
		expect(await read({ from: '2026-09-05', to: '2026-09-05' })).toEqual(['late-on-the-5th']);
	});

	it('opens the page with the problems named when a filter cannot be read, showing no entries', async () => {
		const { ctx, actors } = fixture();
		const result = await queryAudit(ctx(actors.lee), { from: 'yesterday' });
		if (!result.ok) throw new Error(result.reason);
		expect(result.value).toMatchObject({ filter: null, problems: [{ field: 'from', kind: 'invalid' }], rows: [], total: 0 });
	});
});

describe('queryAudit: pages', () => {
	it('shows 50 a page, newest first, and keeps the pages still while new entries arrive', async () => {
		const { db, ctx, actors } = fixture();
		for (let i = 0; i < 120; i++) writeAudit(db, { actor: actors.sam, action: 'meeting.view', resourceType: 'meeting', resourceId: `m${i}`, caseId: ID.rivera, outcome: 'allowed', at: T0 + 10_000 + i });
		const first = await queryAudit(ctx(actors.lee), { action: 'meeting.' });
		if (!first.ok) throw new Error(first.reason);
		expect(first.value).toMatchObject({ total: 120, page: 1, pages: 3 });
		expect(first.value.rows).toHaveLength(AUDIT_PAGE_SIZE);
		expect(first.value.rows[0].resourceId).toBe('m119');
		// More entries arrive; page 3 of the first reading still ends where it ended.
		for (let i = 120; i < 130; i++) writeAudit(db, { actor: actors.sam, action: 'meeting.view', resourceType: 'meeting', resourceId: `m${i}`, caseId: ID.rivera, outcome: 'allowed', at: T0 + 10_000 + i });
		const third = await queryAudit(ctx(actors.lee), { action: 'meeting.', page: '3', upto: String(first.value.upto) });
		if (!third.ok) throw new Error(third.reason);
		expect(third.value.rows.map((r) => r.resourceId)).toEqual(Array.from({ length: 20 }, (_, i) => `m${19 - i}`));
		// Beyond the last page: the last page.
		const beyond = await queryAudit(ctx(actors.lee), { action: 'meeting.', page: '99', upto: String(first.value.upto) });
		expect(beyond.ok && beyond.value.page).toBe(3);
	});
});

describe('exportAudit', () => {
	async function read(body: ReadableStream<Uint8Array>): Promise<string> {
		return new Response(body).text();
	}

	it('gives the filtered entries of every page as CSV, names as text, and records the export with its row count', async () => {
		const { db, ctx, actors } = fixture();
		const result = await exportAudit(ctx(actors.lee), { case: ID.rivera, outcome: 'denied' }, 'en');
		if (!result.ok) throw new Error(result.reason);
		expect(result.value.rowCount).toBe(1);
		const csv = await read(result.value.body);
		const lines = csv.replace(/^\uFEFF/, '').split('\r\n');
		expect(lines[0]).toBe('Number,When (UTC),Who,Who (id),Kind of person,Role,Action,Resource type,Resource (id),Case,Case (id),Outcome,From where,Session,Details,Previous check code,Check code (SHA-256)');
		expect(lines).toHaveLength(3); // header, one entry, and the empty string after the last CRLF
		expect(lines[1]).toContain(`,'=Riley Park,${ID.riley},staff,caseworker,case.view,case,${ID.rivera},Rivera family,${ID.rivera},denied,203.0.113.9,sessionsessionse,,`);
		expect(lines[1]).toContain(new Date(T0 + 1000).toISOString());
		const exports = db.select().from(auditEvents).where(and(eq(auditEvents.action, 'audit.export'), eq(auditEvents.outcome, 'allowed'))).all();
		expect(JSON.parse(exports.at(-1)!.detail!)).toMatchObject({ rows: 1, outcome: 'denied' });
		expect(exports.at(-1)!.caseId).toBe(ID.rivera);
	});

	it('writes the column names in the reader’s language', async () => {
		const { ctx, actors } = fixture();
		const result = await exportAudit(ctx(actors.admin), {}, 'es');
		if (!result.ok) throw new Error(result.reason);
		expect((await read(result.value.body)).split('\r\n')[0]).toContain('Cuándo (UTC),Quién');
	});

	it('streams more than one batch and counts exactly what it sends', async () => {
		const { db, ctx, actors } = fixture();
		for (let i = 0; i < 2100; i++) writeAudit(db, { actor: actors.sam, action: 'meeting.view', resourceType: 'meeting', caseId: ID.rivera, outcome: 'allowed', at: T0 + i });
		const result = await exportAudit(ctx(actors.lee), { action: 'meeting.' }, 'en');
		if (!result.ok) throw new Error(result.reason);
		const lines = (await read(result.value.body)).split('\r\n').filter(Boolean);
		expect(result.value.rowCount).toBe(2100);
		expect(lines).toHaveLength(2101);
	});

	it('refuses under the same rules as the page, and refuses a filter it cannot read', async () => {
		const { ctx, actors } = fixture();
		expect(await exportAudit(ctx(actors.sam), {}, 'en')).toEqual({ ok: false, reason: 'forbidden' });
		expect(await exportAudit(ctx(actors.lee), { case: ID.nguyen }, 'en')).toEqual({ ok: false, reason: 'forbidden' });
		expect(await exportAudit(ctx(actors.lee), { from: '2026-13-01' }, 'en')).toMatchObject({ ok: false, reason: 'invalid' });
	});
});

describe('checkAuditChain', () => {
	it('says the chain holds, for supervisors and administrators only', async () => {
		const { ctx, actors } = fixture();
		expect(await checkAuditChain(ctx(actors.admin))).toMatchObject({ ok: true, value: { brokenAt: null } });
		expect(await checkAuditChain(ctx(actors.lee))).toMatchObject({ ok: true, value: { brokenAt: null } });
		expect(await checkAuditChain(ctx(actors.sam))).toEqual({ ok: false, reason: 'forbidden' });
	});
});
