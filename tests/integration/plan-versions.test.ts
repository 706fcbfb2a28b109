// Saved versions of the case plan (issue 21) on the real server with real y-websocket clients: a family member
// types into the plan and saves a named version; staff type more; the version opens read only as it was, with
// its section headings in the reader's language; it compares with the plan now and with a later version; the
// stored copy cannot be changed or removed; and who may not edit the plan (an observer, one of a keep-apart
// pair) cannot save one, while other cases' staff and someone not signed in cannot open one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { removeServer, startServer, type RunningServer } from '../support/server.ts';
import { withSql } from '../support/sql.ts';
import { accept, connect, demoIds, destroy, get, invite, lineWith, personId, postForm, signIn, synced, textOf, waitFor, type Client } from '../support/clients.ts';
import { planOf, planSectionsOf, PLAN_FIELD } from '../../src/lib/domain/plan-doc.ts';
import { planContentHash } from '../../src/lib/domain/plan-version.ts';
import { COMPARES_PER_MINUTE, VERSION_SAVES_PER_HOUR } from '../../src/lib/server/services/plan-versions.ts';

let server: RunningServer;
let caseId = '';
let planDoc = '';
const cookies: Record<string, string> = {};

beforeAll(async () => {
	server = await startServer({ NODE_ENV: 'test' });
	for (const role of ['caseworker', 'outsider']) cookies[role] = await signIn(server.url, `${role}@demo.test`);
	({ caseId } = await demoIds(server.url, cookies.caseworker));
	planDoc = `plan:${caseId}`;
	const who = (name: string) => personId(server.url, cookies.caseworker, caseId, name);
	// Grace (a family friend) writes in the plan; Jordan (an observer) reads it; Ana, kept apart from Daniel,
	// reads it in Spanish. All three were invited to the whole case.
	cookies.grace = await accept(server.url, await invite(server.url, cookies.caseworker, caseId, await who('Grace Whitfield')));
	cookies.jordan = await accept(server.url, await invite(server.url, cookies.caseworker, caseId, await who('Jordan Lee')));
	cookies.ana = await accept(server.url, await invite(server.url, cookies.caseworker, caseId, await who('Ana Rivera'), { requireCode: true, locale: 'es' }));
});

afterAll(async () => {
	await server?.stop();
	if (server) await removeServer(server);
});

/** A paragraph holding `text` at the end of the plan, as the editor writes one. */
function write(c: Client, text: string): void {
	const paragraph = new Y.XmlElement('paragraph');
	paragraph.insert(0, [new Y.XmlText(text)]);
	const body = c.doc.getXmlFragment(PLAN_FIELD);
	body.insert(body.length, [paragraph]);
}

const versionsPage = (who: string) => get(server.url, `/cases/${caseId}/plan/versions`, cookies[who]);
const save = (who: string, name: string) => postForm(server.url, `/cases/${caseId}/plan/versions`, cookies[who], [['name', name]]);
const versionIds = async (): Promise<string[]> => [...(await (await versionsPage('caseworker')).text()).matchAll(/\/plan\/versions\/([a-z2-7]+)"/g)].map((m) => m[1]);
const countVersions = () => withSql(server, async (db) => Number((await db.get<{ n: number }>('SELECT count(*) AS n FROM plan_versions'))!.n), { readonly: true });

describe('saved versions of the plan', () => {
	let first = '';
	let hashWhenSaved = '';

	it('a family member types, saves a named version; staff type more; the version reads as it was', async () => {
		const grace = connect(server.url, planDoc, cookies.grace);
		const worker = connect(server.url, planDoc, cookies.caseworker);
		try {
			await Promise.all([synced(grace), synced(worker)]);
			await waitFor(() => planSectionsOf(grace.doc).length > 0, 3000, 'the template');
			write(grace, 'Grace: the children stay with me on weekends');
			// The server broadcasts only what it committed: once Sam has the line, a version taken now holds it.
			await waitFor(() => lineWith(worker.doc, 'Grace: the children', PLAN_FIELD) !== undefined, 3000, 'Grace’s line to reach Sam');
			hashWhenSaved = planContentHash(planOf(grace.doc).body);
			const saved = await save('grace', 'After Grace’s first words');
			expect(saved.status).toBe(200);
			expect(textOf(await saved.text())).toContain('Saved. You can find');
			[first] = await versionIds();
			expect(first).toBeTruthy();

			// Sam changes Grace's line and adds one; both reach Grace (committed).
			lineWith(worker.doc, 'Grace: the children', PLAN_FIELD)!.insert('Grace: the children stay with me on weekends'.length, ' and Wednesdays');
			write(worker, 'Sam: a counsellor for Ana by March');
			await waitFor(() => lineWith(grace.doc, 'Sam: a counsellor', PLAN_FIELD) !== undefined && lineWith(grace.doc, 'and Wednesdays', PLAN_FIELD) !== undefined, 3000, 'Sam’s edits to reach Grace');
		} finally {
			destroy(grace, worker);
		}

		const stored = await withSql(server, (db) => db.get<{ content_hash: string; saved_by_name: string; saved_by_person: string | null; saved_by_user: string | null }>('SELECT content_hash, saved_by_name, saved_by_person, saved_by_user FROM plan_versions WHERE id = ?', [first]), { readonly: true });
		// The hash is of the content the writers had when it was saved (canonical rendering, not Yjs bytes).
		expect(stored).toMatchObject({ content_hash: hashWhenSaved, saved_by_name: 'Grace Whitfield', saved_by_user: null });
		expect(stored!.saved_by_person).toBeTruthy();

		const list = textOf(await (await versionsPage('caseworker')).text());
		expect(list).toContain('After Grace’s first words');
		expect(list).toContain('Saved by Grace Whitfield');

		const page = await get(server.url, `/cases/${caseId}/plan/versions/${first}`, cookies.caseworker);
		expect(page.status).toBe(200);
		const html = await page.text();
		const text = textOf(html);
		expect(text).toContain('Grace: the children stay with me on weekends');
		expect(text).not.toContain('and Wednesdays');
		expect(text).not.toContain('Sam: a counsellor');
		expect(text).toContain('Our hopes for a safe future');
		expect(text).toContain(hashWhenSaved);
		// Read only, and without the editor: nothing on the page may be typed into.
		expect(html).not.toContain('contenteditable');
		expect(html).not.toMatch(/class="[^"]*ProseMirror/);
	});

	it('shows the version’s section headings in the reader’s language (Ana reads Spanish)', async () => {
		const page = await get(server.url, `/cases/${caseId}/plan/versions/${first}`, cookies.ana);
		expect(page.status).toBe(200);
		const text = textOf(await page.text());
		expect(text).toContain('Nuestra esperanza para un futuro seguro');
		expect(text).toContain('Grace: the children stay with me on weekends');
	});

	it('compares the version with the plan now: additions and removals marked with <ins>/<del> and in words', async () => {
		const res = await get(server.url, `/cases/${caseId}/plan/compare?from=${first}&to=current`, cookies.caseworker);
		expect(res.status).toBe(200);
		const html = await res.text();
		expect(html).toMatch(/<ins><span class="visually-hidden">added: <\/span>[^<]*and Wednesdays<\/ins>/);
		expect(html).toMatch(/<ins class="plan-block"><span class="visually-hidden">added: <\/span><p data-depth="0">Sam: a counsellor for Ana by March<\/p><\/ins>/);
		expect(textOf(html)).toContain('Parts added: 1. Parts taken out: 0. Parts changed: 1.');
	});

	it('compares two saved versions, the later with the plan now (the same), and marks what was taken out', async () => {
		const later = await save('caseworker', 'With Sam’s counsellor');
		expect(later.status).toBe(200);
		const [second] = await versionIds();
		expect(second).not.toBe(first);
		const same = textOf(await (await get(server.url, `/cases/${caseId}/plan/compare?from=${second}&to=current`, cookies.caseworker)).text());
		expect(same).toContain('These two are the same.');
		// Backwards, from the later to the earlier: Sam's line was taken out.
		const back = await (await get(server.url, `/cases/${caseId}/plan/compare?from=${second}&to=${first}`, cookies.grace)).text();
		expect(back).toMatch(/<del class="plan-block"><span class="visually-hidden">removed: <\/span><p data-depth="0">Sam: a counsellor for Ana by March<\/p><\/del>/);
		expect(back).toMatch(/<del><span class="visually-hidden">removed: <\/span>[^<]*and Wednesdays<\/del>/);
	});

	it('refuses a compare that names no version, and keeps a name that was too long in the form', async () => {
		expect((await get(server.url, `/cases/${caseId}/plan/compare?from=nope&to=current`, cookies.caseworker)).status).toBe(200);
		expect(textOf(await (await get(server.url, `/cases/${caseId}/plan/compare?from=nope&to=current`, cookies.caseworker)).text())).toContain('Pick two versions to compare.');
		// Still only for who may read the plan.
		expect((await get(server.url, `/cases/${caseId}/plan/compare?from=nope&to=current`, cookies.outsider)).status).toBe(403);
		expect((await get(server.url, `/cases/${caseId}/plan/compare?from=nope&to=current`)).status).toBe(303);
		const before = await countVersions();
		const long = 'x'.repeat(121);
		const res = await save('caseworker', long);
		expect(res.status).toBe(400);
		const html = await res.text();
		expect(html).toContain(`value="${long}"`);
		expect(textOf(html)).toContain('Please type a name.');
		expect(await countVersions()).toBe(before);
	});

	it('keeps each stored version unchangeable: the database refuses to change or remove it', async () => {
		await withSql(server, async (db) => {
			await expect(db.run('UPDATE plan_versions SET name = ? WHERE id = ?', ['Changed', first])).rejects.toThrow(/append-only/);
			await expect(db.run('DELETE FROM plan_versions WHERE id = ?', [first])).rejects.toThrow(/append-only/);
		});
		const row = await withSql(server, (db) => db.get<{ name: string }>('SELECT name FROM plan_versions WHERE id = ?', [first]), { readonly: true });
		expect(row?.name).toBe('After Grace’s first words');
	});

	it('lets no one save a version who may not edit the plan: an observer, one of a keep-apart pair', async () => {
		const before = await countVersions();
		for (const who of ['jordan', 'ana']) {
			expect((await save(who, `Saved by ${who}`)).status, who).toBe(403);
			// They read the versions, and the page says they cannot save one (no form).
			const page = await versionsPage(who);
			expect(page.status, who).toBe(200);
			const html = await page.text();
			expect(html, who).not.toContain('name="name"');
		}
		expect(textOf(await (await versionsPage('jordan')).text())).toContain('you cannot save one');
		expect(await countVersions()).toBe(before);
	});

	it('lets no one open, list or compare versions who may not read the plan: other cases’ staff, someone not signed in', async () => {
		for (const path of [`/cases/${caseId}/plan/versions`, `/cases/${caseId}/plan/versions/${first}`, `/cases/${caseId}/plan/compare?from=${first}&to=current`]) {
			const outsider = await get(server.url, path, cookies.outsider);
			expect(outsider.status, path).toBe(403);
			expect(await outsider.text(), path).not.toContain('Grace: the children');
			const anonymous = await get(server.url, path);
			expect(anonymous.status, path).toBe(303);
			expect(anonymous.headers.get('location'), path).toMatch(/^\/sign-in/);
		}
		expect((await save('outsider', 'Not mine')).status).toBe(403);
	});

	it('compares for one person at most COMPARES_PER_MINUTE times a minute: each holds the server’s one thread, so a loop would stall every open meeting', async () => {
		// Ana reads the plan (one of the keep-apart pair: she may read, not write). Her compares are counted
		// per person, a second session of hers included; then she is asked to wait a minute, in her language.
		const compare = (who: string) => get(server.url, `/cases/${caseId}/plan/compare?from=${first}&to=current`, cookies[who]);
		const second = await accept(server.url, await invite(server.url, cookies.caseworker, caseId, await personId(server.url, cookies.caseworker, caseId, 'Ana Rivera'), { requireCode: true, locale: 'es' }));
		for (let i = 0; i < COMPARES_PER_MINUTE; i++) expect((await compare('ana')).status, `compare ${i + 1}`).toBe(200);
		const refused = await get(server.url, `/cases/${caseId}/plan/compare?from=${first}&to=current`, second);
		expect(refused.status).toBe(429);
		expect(textOf(await refused.text())).toContain('Espere un minuto y vuelva a intentarlo.');
		expect((await compare('ana')).status).toBe(429);
		// Nobody else waits for her.
		expect((await compare('caseworker')).status).toBe(200);
	});

	it('saves at most VERSION_SAVES_PER_HOUR versions an hour for one person: each is a whole copy nobody can remove, so a loop would fill the database for good', async () => {
		const grace = await personId(server.url, cookies.caseworker, caseId, 'Grace Whitfield');
		const hers = () => withSql(server, async (db) => Number((await db.get<{ n: number }>('SELECT count(*) AS n FROM plan_versions WHERE saved_by_person = ?', [grace]))!.n), { readonly: true });
		let answer = 0;
		for (let i = 0; i <= VERSION_SAVES_PER_HOUR && answer !== 429; i++) answer = (await save('grace', `Loop ${i}`)).status;
		expect(answer).toBe(429);
		expect(await hers()).toBe(VERSION_SAVES_PER_HOUR);
		// She is told to wait, with the name she typed kept; nothing more is stored.
		const res = await save('grace', 'One more after the meeting');
		expect(res.status).toBe(429);
		const page = await res.text();
		expect(textOf(page)).toContain('You saved many versions in the last hour.');
		expect(page).toContain('value="One more after the meeting"');
		expect(await hers()).toBe(VERSION_SAVES_PER_HOUR);
		// The caseworker still saves.
		expect((await save('caseworker', 'After the school meeting')).status).toBe(200);
	});
});
