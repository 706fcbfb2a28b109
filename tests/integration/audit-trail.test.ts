// The audit trail page and its CSV download, on the real production server (server/index.ts), as a
// supervisor, an administrator and a caseworker use them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeServer, startServer, type RunningServer } from '../support/server.ts';
import { withSql } from '../support/sql.ts';
import { accept, demoIds, get, invite, personId, signIn } from '../support/clients.ts';

let server: RunningServer;
let supervisor: string;
let admin: string;
let caseworker: string;
let outsider: string;
/** Kai Moreno supervises the Nguyen case only. */
let otherSupervisor: string;
let caseId: string;
/** Ana Rivera, a parent on the demo case, who signs in from her phone. */
let ana: string;
const ANA_ADDRESS = '127.0.0.1';
/** A second case, in the same agency, that the outsider works and the supervisor does not. */
const OTHER_CASE = 'nguyennguyennguyennguyen';

beforeAll(async () => {
	server = await startServer();
	[supervisor, admin, caseworker, outsider] = await Promise.all(
		['supervisor@demo.test', 'admin@demo.test', 'caseworker@demo.test', 'outsider@demo.test'].map((e) => signIn(server.url, e))
	);
	caseId = (await demoIds(server.url, caseworker)).caseId;
	await withSql(server, async (db) => {
		const agencyId = (await db.get<{ id: string }>('SELECT id FROM agencies'))!.id;
		const riley = (await db.get<{ id: string }>("SELECT id FROM users WHERE email = 'outsider@demo.test'"))!.id;
		await db.run("INSERT INTO cases (id, agency_id, name, created_at) VALUES (?, ?, 'Nguyen family', ?)", [OTHER_CASE, agencyId, Date.now()]);
		await db.run("INSERT INTO case_assignments (case_id, user_id, role, created_at) VALUES (?, ?, 'caseworker', ?)", [OTHER_CASE, riley, Date.now()]);
		// Same demo password as the others.
		const hash = (await db.get<{ password_hash: string }>("SELECT password_hash FROM users WHERE email = 'supervisor@demo.test'"))!.password_hash;
		await db.run("INSERT INTO users (id, agency_id, email, name, role, password_hash, created_at) VALUES ('kaikaikaikaikaikaikaikai', ?, 'kai@demo.test', 'Kai Moreno', 'supervisor', ?, ?)", [agencyId, hash, Date.now()]);
		await db.run("INSERT INTO case_assignments (case_id, user_id, role, created_at) VALUES (?, 'kaikaikaikaikaikaikaikai', 'supervisor', ?)", [OTHER_CASE, Date.now()]);
	});
	otherSupervisor = await signIn(server.url, 'kai@demo.test');
	// Ana accepts an invitation and opens her family page: entries with her name, address of origin and times.
	ana = await personId(server.url, caseworker, caseId, 'Ana Rivera');
	const anaCookie = await accept(server.url, await invite(server.url, caseworker, caseId, ana));
	expect((await get(server.url, '/family', anaCookie)).status).toBe(200);
});

afterAll(async () => {
	await server?.stop();
	if (server) await removeServer(server);
});

type Row = { seq: number; outcome: string; action: string; html: string };

/** The rows of the audit table as the page shows them. */
function rowsOf(html: string): Row[] {
	return [...html.matchAll(/<tr data-seq="(\d+)" data-outcome="(\w+)" data-action="([^"]+)">([\s\S]*?)<\/tr>/g)].map((m) => ({ seq: Number(m[1]), outcome: m[2], action: m[3], html: m[4] }));
}

async function page(path: string, cookie: string): Promise<{ status: number; html: string }> {
	const res = await get(server.url, path, cookie);
	return { status: res.status, html: await res.text() };
}

describe('the audit trail', () => {
	it('shows a supervisor the outsider refused at the door of their case', async () => {
		expect((await get(server.url, `/cases/${caseId}`, outsider)).status).toBe(403);
		const { status, html } = await page(`/audit?case=${caseId}`, supervisor);
		expect(status).toBe(200);
		const refused = rowsOf(html).filter((r) => r.outcome === 'denied' && r.action === 'case.view');
		expect(refused).toHaveLength(1);
		expect(refused[0].html).toContain('Riley Park');
		expect(refused[0].html).toContain('Rivera family');
		// The supervisor's own reading is on top: reading the trail is recorded too.
		expect(rowsOf(html)[0]).toMatchObject({ action: 'audit.view', outcome: 'allowed' });
		expect(rowsOf(html)[0].html).toContain('Lee Chen');
	});

	it('keeps filters in the URL: outcome and action narrow the list', async () => {
		expect((await get(server.url, `/cases/${caseId}`, outsider)).status).toBe(403);
		const { html } = await page(`/audit?case=${caseId}&outcome=denied&action=case.`, supervisor);
		const rows = rowsOf(html);
		expect(rows.length).toBeGreaterThan(0);
		expect(rows.every((r) => r.outcome === 'denied' && r.action.startsWith('case.'))).toBe(true);
		// The form shows the filters it used, so a reload keeps them.
		expect(html).toMatch(/<option value="denied" selected/);
		expect(html).toContain('value="case."');
	});

	it('never shows a supervisor the entries of a case they are not on', async () => {
		expect((await get(server.url, `/cases/${OTHER_CASE}`, outsider)).status).toBe(200);
		expect((await page(`/audit?case=${OTHER_CASE}`, supervisor)).status).toBe(403);
		const everything = await page('/audit', supervisor);
		expect(everything.status).toBe(200);
		expect(everything.html).not.toContain('Nguyen family');
		const csv = await (await get(server.url, '/audit/export', supervisor)).text();
		expect(csv).not.toContain(OTHER_CASE);
		// Its own supervisor reads it.
		const kaiView = await page(`/audit?case=${OTHER_CASE}`, otherSupervisor);
		expect(kaiView.status).toBe(200);
		expect(rowsOf(kaiView.html).some((r) => r.action === 'case.view' && r.outcome === 'allowed' && r.html.includes('Nguyen family'))).toBe(true);
	});

	it('shows the administrator security events, never a family member or a case (issue 17: ?person=<a parent>)', async () => {
		// What the issue found: the export filtered to a parent gave her name, address of origin and times.
		const res = await get(server.url, `/audit/export?person=${ana}`, admin);
		expect(res.status).toBe(200);
		expect(res.headers.get('x-audit-rows')).toBe('0');
		const csv = await res.text();
		expect(csv).not.toMatch(/Ana|Rivera|family\.view|participant/);
		const filtered = await page(`/audit?person=${ana}`, admin);
		expect(filtered.status).toBe(200);
		expect(rowsOf(filtered.html)).toEqual([]);
		// The whole view, page and download: staff sign-ins and refusals, no case, no family member anywhere.
		const all = await page('/audit', admin);
		expect(rowsOf(all.html).some((r) => r.action === 'auth.sign-in')).toBe(true);
		expect(all.html).not.toMatch(/Rivera|Nguyen|Ortiz|Whitfield|PARENT/);
		const everything = (await (await get(server.url, '/audit/export', admin)).text()).replace(/^\uFEFF/, '').split('\r\n').filter(Boolean).slice(1);
		expect(everything.length).toBeGreaterThan(0);
		for (const line of everything) {
			const cells = line.split(',');
			expect(cells[4], line).not.toBe('participant'); // kind of person
			expect(cells[10], line).toBe(''); // case (id)
		}
		expect(everything.join('\n')).not.toMatch(/Rivera|Nguyen|Ana /);
		// Every filter: none brings a case's entries back.
		for (const query of [`person=${ana}&action=family.`, 'outcome=allowed', 'action=case.', 'action=invite.', 'action=collab.', `from=2000-01-01&to=2100-01-01`]) {
			const view = await page(`/audit?${query}`, admin);
			expect(view.status, query).toBe(200);
			expect(view.html, query).not.toMatch(/Rivera|Nguyen|Ortiz/);
		}
		// Narrowing to a case is refused, page and download, and the case's supervisor sees the attempt.
		expect((await get(server.url, `/audit?case=${caseId}`, admin)).status).toBe(403);
		expect((await get(server.url, `/audit/export?case=${caseId}`, admin)).status).toBe(403);
		const seen = await page(`/audit?case=${caseId}&action=audit.&outcome=denied`, supervisor);
		expect(rowsOf(seen.html).some((r) => r.html.includes('Morgan Avery'))).toBe(true);
	});

	it('gives the supervisor of another case nothing of this case’s family, through any filter', async () => {
		const res = await get(server.url, `/audit/export?person=${ana}`, otherSupervisor);
		expect(res.status).toBe(200);
		expect(res.headers.get('x-audit-rows')).toBe('0');
		expect(await res.text()).not.toMatch(/Ana|Rivera/);
		expect((await get(server.url, `/audit?case=${caseId}`, otherSupervisor)).status).toBe(403);
		expect((await get(server.url, `/audit/export?case=${caseId}`, otherSupervisor)).status).toBe(403);
		const all = await page('/audit', otherSupervisor);
		expect(all.html).not.toMatch(/Rivera|Ortiz|Whitfield/);
		// The case's own supervisor reads Ana's entries, with where she connected from.
		const lee = await get(server.url, `/audit/export?person=${ana}`, supervisor);
		const lines = (await lee.text()).split('\r\n').filter((l) => l.includes('Ana Rivera'));
		expect(lines.length).toBeGreaterThan(0);
		expect(lines.some((l) => l.includes(',family.view,') && l.includes(ANA_ADDRESS))).toBe(true);
	});

	it('downloads the filtered entries as CSV, and records the download with its row count', async () => {
		expect((await get(server.url, `/cases/${caseId}`, outsider)).status).toBe(403);
		const res = await get(server.url, `/audit/export?case=${caseId}&outcome=denied`, supervisor);
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
		expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="hearth-audit-\d{4}-\d{2}-\d{2}\.csv"$/);
		expect(res.headers.get('cache-control')).toBe('no-store');
		const lines = (await res.text()).replace(/^\uFEFF/, '').split('\r\n').filter(Boolean);
		expect(lines[0]).toMatch(/^Number,When \(UTC\),Who,/);
		const rows = lines.slice(1);
		expect(rows.length).toBe(Number(res.headers.get('x-audit-rows')));
		expect(rows.some((line) => line.includes('Riley Park') && line.includes(',case.view,') && line.includes(',denied,'))).toBe(true);
		expect(rows.every((line) => line.includes(caseId))).toBe(true);

		const { html } = await page(`/audit?case=${caseId}&action=audit.export&outcome=allowed`, supervisor);
		const recorded = rowsOf(html)
			.map((r) => ({ ...r, count: /<code[^>]*>rows<\/code>: (\d+)/.exec(r.html)?.[1] }))
			.find((r) => r.count !== undefined);
		expect(recorded?.count).toBe(String(rows.length));
		expect(recorded?.html).toContain('Lee Chen');
	});

	it('refuses a caseworker, and the supervisor sees the refusal', async () => {
		expect((await get(server.url, '/audit', caseworker)).status).toBe(403);
		expect((await get(server.url, `/audit/export?case=${caseId}`, caseworker)).status).toBe(403);
		// The download named the supervisor's case, so its refusal is in that case's trail.
		const { html } = await page(`/audit?case=${caseId}&action=audit.&outcome=denied`, supervisor);
		expect(rowsOf(html).some((r) => r.action === 'audit.export' && r.html.includes('Sam Okafor'))).toBe(true);
		// The page named no case: that refusal belongs to no case, and the administrator sees it.
		const adminView = await page('/audit?action=audit.view&outcome=denied', admin);
		expect(rowsOf(adminView.html).some((r) => r.html.includes('Sam Okafor'))).toBe(true);
	});

	it('checks the chain of hashes when asked', async () => {
		const before = await page('/audit', admin);
		expect(before.html).not.toContain('data-chain=');
		const { html } = await page('/audit?verify=1', admin);
		expect(html).toContain('data-chain="intact"');
	});

	it('links the page from the menu for supervisors and administrators only', async () => {
		const link = /<nav[^>]*>[\s\S]*?href="\/audit"[\s\S]*?<\/nav>/;
		expect((await page('/cases', supervisor)).html).toMatch(link);
		expect((await page('/cases', admin)).html).toMatch(link);
		expect((await page('/cases', caseworker)).html).not.toMatch(link);
	});
});
