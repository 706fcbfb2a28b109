// The audit trail page and its CSV download, on the real production server (server/index.ts), as a
// supervisor, an administrator and a caseworker use them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { removeServerFiles, startServer, type RunningServer } from '../support/server.ts';
import { demoIds, get, signIn } from '../support/clients.ts';

let server: RunningServer;
let supervisor: string;
let admin: string;
let caseworker: string;
let outsider: string;
let caseId: string;
/** A second case, in the same agency, that the outsider works and the supervisor does not. */
const OTHER_CASE = 'nguyennguyennguyennguyen';

beforeAll(async () => {
	server = await startServer();
	[supervisor, admin, caseworker, outsider] = await Promise.all(
		['supervisor@demo.test', 'admin@demo.test', 'caseworker@demo.test', 'outsider@demo.test'].map((e) => signIn(server.url, e))
	);
	caseId = (await demoIds(server.url, caseworker)).caseId;
	const db = new Database(server.dbPath);
	try {
		const agencyId = (db.prepare('SELECT id FROM agencies').get() as { id: string }).id;
		const riley = (db.prepare("SELECT id FROM users WHERE email = 'outsider@demo.test'").get() as { id: string }).id;
		db.prepare("INSERT INTO cases (id, agency_id, name, created_at) VALUES (?, ?, 'Nguyen family', ?)").run(OTHER_CASE, agencyId, Date.now());
		db.prepare("INSERT INTO case_assignments (case_id, user_id, role, created_at) VALUES (?, ?, 'caseworker', ?)").run(OTHER_CASE, riley, Date.now());
	} finally {
		db.close();
	}
});

afterAll(async () => {
	await server?.stop();
	if (server) removeServerFiles(server);
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
		// An administrator reads the whole trail, that case included.
		const adminView = await page(`/audit?case=${OTHER_CASE}`, admin);
		expect(adminView.status).toBe(200);
		expect(rowsOf(adminView.html).some((r) => r.action === 'case.view' && r.outcome === 'allowed' && r.html.includes('Nguyen family'))).toBe(true);
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
