// What family members see of each other, and in which words, on the real server: phone, email and
// address only with the person's consent (issue 16.10), relationships and places in the reader's language
// (17.9), safety settings that say what is true (17.11, 17.8).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeServer, startServer, type RunningServer } from '../support/server.ts';
import { withSql } from '../support/sql.ts';
import { accept, demoIds, get, invite, personId, signIn } from '../support/clients.ts';
import { ageOn } from '../../src/lib/domain/people.ts';
import { zonedDate } from '../../src/lib/domain/time.ts';

let server: RunningServer;
let staff: string;
let ids: { caseId: string; meetingId: string };
const people: Record<string, string> = {};
/** Session cookies of family members who accepted their invitations. */
const family: Record<string, string> = {};

const DANIEL = { phone: '+15555550102', email: 'daniel.ortiz@example.test', address: '400 Sample Road' };
const ANA = { phone: '+15555550101', email: 'ana.rivera@example.test', address: '12 Example Lane' };
const SOFIA_PHONE = '+15555550114';

beforeAll(async () => {
	server = await startServer();
	staff = await signIn(server.url, 'caseworker@demo.test');
	ids = await demoIds(server.url, staff);
	for (const name of ['Ana Rivera', 'Daniel Ortiz', 'Rosa Rivera', 'Sofia Rivera', 'Grace Whitfield', 'Tom Baker', 'Lucia Ortiz', 'Mateo Rivera']) {
		people[name] = await personId(server.url, staff, ids.caseId, name);
	}
	// Rosa (the grandmother) and Ana are invited to the whole case, in Spanish; Daniel and Sofia to the meeting.
	family.rosa = await accept(server.url, await invite(server.url, staff, ids.caseId, people['Rosa Rivera'], { locale: 'es' }));
	family.ana = await accept(server.url, await invite(server.url, staff, ids.caseId, people['Ana Rivera'], { locale: 'es' }));
	family.daniel = await accept(server.url, await invite(server.url, staff, ids.caseId, people['Daniel Ortiz'], { meetingId: ids.meetingId }));
	family.sofia = await accept(server.url, await invite(server.url, staff, ids.caseId, people['Sofia Rivera'], { meetingId: ids.meetingId }));
});

afterAll(async () => {
	await server?.stop();
	if (server) await removeServer(server);
});

function post(path: string, cookie: string, body: Record<string, string | string[]>): Promise<Response> {
	const form = new URLSearchParams();
	for (const [key, value] of Object.entries(body)) for (const v of [value].flat()) form.append(key, v);
	return fetch(`${server.url}${path}`, {
		method: 'POST',
		headers: { cookie, origin: server.url, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
		body: form,
		redirect: 'manual'
	});
}

/** The family home and the data behind it, as one text: what a family member's browser can get. */
async function homeOf(cookie: string): Promise<string> {
	const page = await get(server.url, '/family', cookie);
	const data = await get(server.url, '/family/__data.json', cookie);
	expect(page.status).toBe(200);
	expect(data.status).toBe(200);
	return (await page.text()) + (await data.text());
}

function auditRows(action: string): Promise<{ outcome: string; actor_kind: string; actor_id: string | null; detail: string | null }[]> {
	return withSql(server, (db) => db.all('SELECT outcome, actor_kind, actor_id, detail FROM audit_events WHERE action = ? ORDER BY seq', [action]), { readonly: true });
}

describe('phone, email and address between family members (16.10)', () => {
	it('the grandmother sees nobody’s details but those who agreed (Lucia and Tom, recorded by staff)', async () => {
		const home = await homeOf(family.rosa);
		for (const secret of [DANIEL.phone, DANIEL.email, DANIEL.address, ANA.phone, ANA.email, ANA.address, SOFIA_PHONE, '+15555550105', 'grace.whitfield@example.test']) {
			expect(home, `Rosa sees ${secret}`).not.toContain(secret);
		}
		expect(home).toContain('+15555550104'); // Lucia agreed
		expect(home).toContain('+15555550106'); // Tom agreed
		expect(home).toContain('7 Placeholder Street'); // her own
	});

	it('a parent who shares his phone and email from his page is seen by the grandmother, and hidden again when he stops', async () => {
		expect((await post('/family?/share', family.daniel, { detail: 'contact', share: 'yes' })).status).toBe(200);
		let rosa = await homeOf(family.rosa);
		expect(rosa).toContain(DANIEL.phone);
		expect(rosa).toContain(DANIEL.email);
		expect(rosa, 'his address was not part of it').not.toContain(DANIEL.address);
		const given = (await auditRows('person.consent.give')).filter((r) => r.actor_kind === 'participant' && r.actor_id === people['Daniel Ortiz']);
		expect(given.map((r) => r.outcome)).toEqual(['allowed', 'allowed']); // the policy's answer, then the change
		expect(given[1].detail).toContain('contact');

		expect((await post('/family?/share', family.daniel, { detail: 'contact', share: 'no' })).status).toBe(200);
		rosa = await homeOf(family.rosa);
		expect(rosa).not.toContain(DANIEL.phone);
		expect(rosa).not.toContain(DANIEL.email);
		expect((await auditRows('person.consent.withdraw')).some((r) => r.actor_id === people['Daniel Ortiz'] && r.outcome === 'allowed')).toBe(true);
	});

	it('a keep-apart pair wins over consent: Ana never sees Daniel’s phone, even while he shares it', async () => {
		expect((await post('/family?/share', family.daniel, { detail: 'contact', share: 'yes' })).status).toBe(200);
		expect(await homeOf(family.rosa)).toContain(DANIEL.phone);
		const ana = await homeOf(family.ana);
		for (const secret of Object.values(DANIEL)) expect(ana).not.toContain(secret);
		expect((await post('/family?/share', family.daniel, { detail: 'contact', share: 'no' })).status).toBe(200);
	});

	it('a sensitivity label wins over consent: staff record Ana’s agreement, her labelled details stay hidden', async () => {
		expect((await post(`/cases/${ids.caseId}/safety?/sharing`, staff, { personId: people['Ana Rivera'], shares: ['contact', 'address'] })).status).toBe(200);
		const rosa = await homeOf(family.rosa);
		for (const secret of Object.values(ANA)) expect(rosa).not.toContain(secret);
		// Ana's own page says her caseworker keeps it private (no button that would promise otherwise).
		const hers = await (await get(server.url, '/family', family.ana)).text();
		expect(hers).toContain('Su trabajador social mantiene esto en privado.');
		expect(hers).not.toContain('Compartir mi teléfono');
		expect((await post(`/cases/${ids.caseId}/safety?/sharing`, staff, { personId: people['Ana Rivera'] })).status).toBe(200);
	});

	it('a child cannot share her own phone; staff record it after asking her; she can stop it herself', async () => {
		const refused = await post('/family?/share', family.sofia, { detail: 'contact', share: 'yes' });
		expect(refused.status).toBe(403);
		expect(await homeOf(family.rosa)).not.toContain(SOFIA_PHONE);
		expect((await auditRows('person.consent.give')).some((r) => r.actor_id === people['Sofia Rivera'] && r.outcome === 'denied')).toBe(true);
		// Her page offers no button that would be refused, and says whom to ask.
		const before = await (await get(server.url, '/family', family.sofia)).text();
		expect(before).not.toContain('Share my phone and email');
		expect(before).toContain('ask your caseworker');

		expect((await post(`/cases/${ids.caseId}/safety?/sharing`, staff, { personId: people['Sofia Rivera'], shares: 'contact' })).status).toBe(200);
		expect(await homeOf(family.rosa)).toContain(SOFIA_PHONE);
		const staffRow = (await auditRows('person.consent.give')).at(-1)!;
		expect(staffRow).toMatchObject({ outcome: 'allowed', actor_kind: 'staff' });
		// Staff see who recorded it and when, on the safety page.
		expect(await (await get(server.url, `/cases/${ids.caseId}/safety`, staff)).text()).toContain('Phone and email: recorded by Sam Okafor');

		const hers = await (await get(server.url, '/family', family.sofia)).text();
		expect(hers).toContain('Stop sharing my phone and email');
		expect((await post('/family?/share', family.sofia, { detail: 'contact', share: 'no' })).status).toBe(200);
		expect(await homeOf(family.rosa)).not.toContain(SOFIA_PHONE);
	});

	it('a family member cannot record anyone else’s consent, and staff off the case cannot either', async () => {
		// The family form names only a detail: the person is always the one signed in.
		const outsider = await signIn(server.url, 'outsider@demo.test');
		expect((await post(`/cases/${ids.caseId}/safety?/sharing`, outsider, { personId: people['Daniel Ortiz'], shares: 'contact' })).status).toBe(403);
		expect((await post(`/cases/${ids.caseId}/safety?/sharing`, family.rosa, { personId: people['Daniel Ortiz'], shares: 'contact' })).status).toBe(403);
		expect(await homeOf(family.rosa)).not.toContain(DANIEL.phone);
	});
});

describe('words for people and places, per reader (17.9)', () => {
	it('shows the grandmother, reading Spanish, relationships, roles, ages and the place in Spanish', async () => {
		// What the page shows (the data for hydration holds the place in both languages, as staff typed it).
		const html = (await (await get(server.url, '/family', family.rosa)).text()).replace(/<script[\s\S]*?<\/script>/g, '');
		const today = zonedDate(Date.now(), 'America/Chicago');
		expect(html).toContain(`Sofia Rivera</strong>, Hija, ${ageOn('2012-08-02', today)} años`);
		expect(html).toContain(`Mateo Rivera</strong>, Hijo, ${ageOn('2017-03-14', today)} años`);
		expect(html).toContain('Daniel Ortiz</strong>, Padre');
		expect(html).toContain('Lucia Ortiz</strong>, Tía paterna');
		expect(html).toContain('Tom Baker</strong>, Cuidador(a) de crianza temporal');
		expect(html).toContain('Oficina de Servicios Familiares, sala 2 (o por video)');
		for (const english of ['Daughter', 'Son,', 'Father', 'Aunt', 'Foster caregiver', 'Family friend', 'Trainee', 'Family Services office']) expect(html).not.toContain(english);
	});

	it('shows staff reading Spanish the gendered role: a father is “Padre”, a mother “Madre”', async () => {
		const sam = await signIn(server.url, 'caseworker@demo.test');
		const switched = await post('/language', sam, { locale: 'es', next: '/' });
		expect(switched.status).toBe(303);
		const html = await (await get(server.url, `/cases/${ids.caseId}`, sam)).text();
		const roleCell = (name: string) => new RegExp(`<strong>${name}</strong>[\\s\\S]*?</td>\\s*<td>([^<]*)</td>`).exec(html)?.[1].trim();
		expect(roleCell('Daniel Ortiz')).toBe('Padre');
		expect(roleCell('Ana Rivera')).toBe('Madre');
		expect(roleCell('Sofia Rivera')).toBe('Niña o joven');
		expect(roleCell('Rosa Rivera')).toBe('Pariente');
		expect(html).not.toContain('Madre o padre');
		await post('/language', sam, { locale: 'en', next: '/' });
	});

	it('lets staff set a relationship with a side and notes in both languages, and refuses a side an aunt-less code cannot have', async () => {
		const path = `/cases/${ids.caseId}/people/${people['Grace Whitfield']}`;
		const bad = await post(path, staff, { code: 'FAMILY_FRIEND', side: 'MATERNAL', noteEn: 'Neighbor upstairs', noteEs: 'Vecina de arriba', birthDate: '' });
		expect(bad.status).toBe(400);
		const badHtml = await bad.text();
		expect(badHtml).toContain('Only grandparents, aunts and uncles have a side.');
		expect(badHtml).toContain('value="Neighbor upstairs"'); // what was typed stays in the form
		expect((await post(path, staff, { code: 'GODMOTHER', side: '', noteEn: 'Sofia’s godmother', noteEs: 'madrina de Sofía', birthDate: '' })).status).toBe(200);
		const rosa = await (await get(server.url, '/family', family.rosa)).text();
		expect(rosa).toContain('Grace Whitfield</strong>, Madrina (madrina de Sofía)');
		const daniel = await (await get(server.url, '/family', family.daniel)).text();
		expect(daniel).toContain('Grace Whitfield</strong>, Godmother (Sofia’s godmother)');
		// The audit trail records the code, never the typed note.
		const row = (await auditRows('person.relationship')).at(-1)!;
		expect(row.detail).toContain('GODMOTHER');
		expect(row.detail).not.toContain('godmother');
	});

	it('refuses a birth date in the future and keeps what was typed', async () => {
		const res = await post(`/cases/${ids.caseId}/people/${people['Mateo Rivera']}`, staff, { code: 'SON', side: '', noteEn: '', noteEs: '', birthDate: '2999-01-01' });
		expect(res.status).toBe(400);
		const html = await res.text();
		expect(html).toContain('Use a real date that is not in the future.');
		expect(html).toContain('value="2999-01-01"');
	});

	it('lets staff write the place in English and Spanish; with one only, every reader sees that one', async () => {
		const path = `/cases/${ids.caseId}/meetings/${ids.meetingId}/place`;
		expect((await post(path, staff, { en: 'Community center, 5 Main St', es: 'Centro comunitario, 5 Main St' })).status).toBe(200);
		expect(await (await get(server.url, `/meetings/${ids.meetingId}`, family.rosa)).text()).toContain('Centro comunitario, 5 Main St');
		expect(await (await get(server.url, `/meetings/${ids.meetingId}`, family.daniel)).text()).toContain('Community center, 5 Main St');
		expect((await post(path, staff, { en: 'Room 2', es: '' })).status).toBe(200);
		const rosaHome = await (await get(server.url, '/family', family.rosa)).text();
		expect(rosaHome).toContain('<div lang="en">Room 2</div>'); // marked as English on her Spanish page
		const tooLong = await post(path, staff, { en: 'x'.repeat(201), es: 'Sala 2' });
		expect(tooLong.status).toBe(400);
		expect(await tooLong.text()).toContain('value="Sala 2"');
	});
});

describe('safety settings that say what is true (17.11, 17.8)', () => {
	it('offers a child’s words and a youth’s private section only for children, and refuses them on an adult', async () => {
		const html = await (await get(server.url, `/cases/${ids.caseId}/safety`, staff)).text();
		const formOf = (name: string) => new RegExp(`<legend[^>]*>${name}</legend>([\\s\\S]*?)</fieldset>`).exec(html)?.[1] ?? '';
		expect(formOf('Rosa Rivera')).toContain('ADDRESS_CONFIDENTIAL'); // the form is found: the checks below are not empty
		expect(formOf('Rosa Rivera')).not.toContain('CHILD_VOICE');
		expect(formOf('Rosa Rivera')).not.toContain('YOUTH_PRIVATE');
		expect(formOf('Sofia Rivera')).toContain('CHILD_VOICE');
		expect(formOf('Sofia Rivera')).toContain('YOUTH_PRIVATE');
		expect(formOf('Mateo Rivera')).toContain('CHILD_VOICE');
		expect(formOf('Mateo Rivera')).not.toContain('YOUTH_PRIVATE'); // 9 years old
		const refused = await post(`/cases/${ids.caseId}/safety?/labels`, staff, { personId: people['Rosa Rivera'], labels: 'CHILD_VOICE' });
		expect(refused.status).toBe(400);
		expect(await refused.text()).toContain('That label does not fit this person.');
		expect((await post(`/cases/${ids.caseId}/safety?/labels`, staff, { personId: people['Sofia Rivera'], labels: ['CHILD_VOICE', 'YOUTH_PRIVATE'] })).status).toBe(200);
	});

	it('refuses to remove a keep-apart pair that does not exist, and audits no removal', async () => {
		const allowedBefore = (await auditRows('keep-apart.remove')).filter((r) => r.outcome === 'allowed').length;
		const res = await post(`/cases/${ids.caseId}/safety?/removePair`, staff, { personA: people['Grace Whitfield'], personB: people['Tom Baker'] });
		expect(res.status).toBe(404);
		expect(await res.text()).toContain('These two were not kept apart, so nothing changed.');
		const rows = await auditRows('keep-apart.remove');
		expect(rows.filter((r) => r.outcome === 'allowed')).toHaveLength(allowedBefore);
		expect(rows.at(-1)).toMatchObject({ outcome: 'failed', detail: JSON.stringify({ why: 'not-found' }) });
	});

	it('removes a pair that exists with one allowed row', async () => {
		const res = await post(`/cases/${ids.caseId}/safety?/removePair`, staff, { personA: people['Ana Rivera'], personB: people['Daniel Ortiz'] });
		expect(res.status).toBe(200);
		expect((await auditRows('keep-apart.remove')).at(-1)?.outcome).toBe('allowed');
	});

	it('tells a caseworker with no case what is true: cases cannot be assigned in Hearth yet', async () => {
		const html = await (await get(server.url, '/cases', await signIn(server.url, 'outsider@demo.test'))).text();
		expect(html).toContain('Cases cannot be assigned in Hearth yet');
		expect(html).not.toContain('A supervisor can add you');
	});
});
