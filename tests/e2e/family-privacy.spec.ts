import { devices, expect, test, type Browser, type Page } from '@playwright/test';
import {
	ANA_PRIVATE,
	english,
	expectAccessible,
	expectNotesLive,
	expectNotesLiveIn,
	invitationRow,
	invite,
	joinByLink,
	notesOf,
	openDemoCase,
	personAt,
	spanish,
	tryCollabSocket,
	turnOff,
	typeInNotes,
	uniqueText
} from './helpers';
import { ageOn } from '../../src/lib/domain/people.ts';
import { zonedDate } from '../../src/lib/domain/time.ts';

// Issue 3, family access: what each family member may see and do. Daniel is kept apart from Ana (a
// survivor of domestic violence); Jordan is a trainee observer; a caseworker can turn access off at once.
// One shared server and database for every spec file: each test makes its own invitations.

/** The id of Ana's separate part of the meeting, as a caseworker's meeting page links to it. */
async function anaSessionId(page: Page, meetingId: string): Promise<string> {
	await page.goto(`/meetings/${meetingId}`);
	const href = await page.getByRole('link', { name: english('session_separate_for', { name: 'Ana Rivera' }) }).getAttribute('href');
	const id = new URLSearchParams(href!.replace(/^[^?]*/, '')).get('s');
	expect(id).toMatch(/^[a-z2-7]+$/);
	return id!;
}

/** The caseworker invites `person` to the demo meeting; they join on their own device and land on its live notes. */
async function joinsTheMeeting(browser: Browser, caseworker: Page, person: string) {
	const invitation = await invite(caseworker, person, { toMeeting: true });
	const joined = await joinByLink(browser, invitation);
	await expect(joined.page).toHaveURL(new RegExp(`/meetings/${invitation.meetingId}$`));
	await expectNotesLive(joined.page);
	return { invitation, ...joined };
}

function expectNothingOfAna(body: string, where: string): void {
	for (const secret of ANA_PRIVATE) expect(body, `${where} shows Ana's ${secret}`).not.toContain(secret);
	expect(body, `${where} names Ana's separate meeting`).not.toContain(english('session_separate_for', { name: 'Ana Rivera' }));
}

test('Daniel, kept apart from Ana, never sees her address, phone or email, nor her separate meeting', async ({ browser }) => {
	const sam = await personAt(browser, 'caseworker@demo.test');
	// Invited to one meeting, he lands on it: the whole team's notes, no list of parts.
	const { invitation, page, context } = await joinsTheMeeting(browser, sam.page, 'Daniel Ortiz');
	await expect(page.getByRole('navigation', { name: english('sessions_nav_label') })).toHaveCount(0);
	await expect(page.getByRole('link', { name: english('session_separate_for', { name: 'Ana Rivera' }) })).toHaveCount(0);
	expectNothingOfAna(await page.content(), 'his meeting page');

	// Staff on the case do see her details (so these checks look for the right strings), and her part.
	await sam.page.goto(`/cases/${invitation.caseId}`);
	for (const secret of ANA_PRIVATE) await expect(sam.page.getByRole('cell').filter({ hasText: secret })).toBeVisible();
	const hersId = await anaSessionId(sam.page, invitation.meetingId);

	// Asking for her part by its id shows him his own part, and her notes' socket refuses him.
	await page.goto(`/meetings/${invitation.meetingId}?s=${hersId}`);
	await expectNotesLive(page);
	expectNothingOfAna(await page.content(), 'his meeting page with her part asked for');
	expect(await tryCollabSocket(page, `session:${hersId}`)).toMatchObject({ opened: false, closed: true });

	// His home page shows his own details, and nothing of hers.
	await page.getByRole('link', { name: english('back_to_family_home') }).click();
	await expect(page).toHaveURL(/\/family$/);
	await expect(page.getByRole('heading', { level: 1, name: english('family_welcome', { name: 'Daniel' }) })).toBeVisible();
	await expect(page.getByText('+15555550102')).toBeVisible(); // his own phone: the check below is not empty
	expectNothingOfAna(await page.content(), 'his home page');

	// Nor the data behind the pages, as his browser (his cookies) can fetch it.
	for (const path of ['/family/__data.json', `/meetings/${invitation.meetingId}/__data.json`, `/meetings/${invitation.meetingId}/__data.json?s=${hersId}`, '/sessions/__data.json']) {
		const response = await context.request.get(path, { maxRedirects: 0 });
		expect(response.status(), path).toBe(200);
		const body = await response.text();
		expect(body, `${path} is his`).toContain('Daniel');
		expectNothingOfAna(body, path);
		expect(body, `${path} has the id of Ana's part`).not.toContain(hersId);
	}

	await context.close();
	await sam.context.close();
});

test('Jordan, a trainee observer, follows the whole team’s notes live but cannot change them', async ({ browser }) => {
	const sam = await personAt(browser, 'caseworker@demo.test');
	const jordan = await joinsTheMeeting(browser, sam.page, 'Jordan Lee');
	const { invitation } = jordan;
	const jordanNotes = notesOf(jordan.page);
	await expect(jordan.page.getByText(english('notes_read_only'))).toBeVisible();
	await expect(jordanNotes.editor).toHaveAttribute('contenteditable', 'false');
	await expect(jordanNotes.editor).toHaveAttribute('aria-readonly', 'true');

	await sam.page.goto(`/meetings/${invitation.meetingId}`);
	await expectNotesLive(sam.page);
	const samNotes = notesOf(sam.page);

	// What the caseworker types reaches the observer, live.
	const fromSam = uniqueText('Sam: Rosa will drive the children to school');
	await typeInNotes(sam.page, fromSam);
	await expect(jordanNotes.editor).toContainText(fromSam);

	// The observer clicks into the notes and types: nothing changes, for him or for anyone.
	const fromJordan = uniqueText('Jordan tried to write this');
	await jordanNotes.editor.click();
	await jordan.page.keyboard.press('ControlOrMeta+End');
	await jordan.page.keyboard.type(fromJordan);
	await expect(jordanNotes.editor).not.toContainText(fromJordan);
	const later = uniqueText('Sam: next meeting in two weeks');
	await typeInNotes(sam.page, later);
	await expect(jordanNotes.editor).toContainText(later);
	await expect(jordanNotes.editor).not.toContainText(fromJordan);
	await expect(samNotes.editor).not.toContainText(fromJordan);
	await expectNotesLive(jordan.page);

	await jordan.context.close();
	await sam.context.close();
});

test('turning off Daniel’s invitation while he has the meeting open takes his access away at once', async ({ browser }) => {
	const sam = await personAt(browser, 'caseworker@demo.test');
	const daniel = await joinsTheMeeting(browser, sam.page, 'Daniel Ortiz');
	const { invitation } = daniel;

	// On the case page his invitation says he joined; the caseworker turns it off.
	await sam.page.goto(`/cases/${invitation.caseId}`);
	await expect(invitationRow(sam.page, invitation)).toContainText(english('invite_status_accepted'));
	await turnOff(sam.page, invitation);
	await expect(invitationRow(sam.page, invitation)).toHaveCount(0); // its "Turn off" button is gone

	// His open page loses its live connection (the server closes it with 4403, and y-websocket does not
	// try again after a 44xx close): the page says his access ended, and the notes stop taking typing.
	const { status, editor } = notesOf(daniel.page);
	await expect(status).toHaveAttribute('data-status', 'ended');
	await expect(status).toHaveText(english('notes_status_ended'));
	await expect(editor).toHaveAttribute('contenteditable', 'false');
	await expect(editor).toHaveAttribute('aria-readonly', 'true');

	// Reloading his page sends him to the Join page.
	await daniel.page.goto('/family');
	await expect(daniel.page).toHaveURL(/\/join$/);
	await expect(daniel.page.getByRole('heading', { level: 1, name: english('join_title') })).toBeVisible();
	// The meeting's address is no way back in either.
	await daniel.page.goto(`/meetings/${invitation.meetingId}`);
	await expect(daniel.page).toHaveURL(/\/sign-in\?next=/);
	await expect(daniel.page.locator('.notes-editor')).toHaveCount(0);

	await daniel.context.close();
	await sam.context.close();
});

// ——— Issue 16.10 and 17.9: what family members see of each other, and in which words ———

/** The smallest phone Hearth supports: 320 CSS pixels wide, touch. */
const SMALL_PHONE = { viewport: { width: 320, height: 640 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

/** The demo children's ages today, on the agency's calendar (the pages count them from the birth dates). */
const today = zonedDate(Date.now(), 'America/Chicago');
const SOFIA_AGE = ageOn('2012-08-02', today)!;
const MATEO_AGE = ageOn('2017-03-14', today)!;

/** One person in the "Your team" list of a family home. */
function teamMember(page: Page, locale: 'en' | 'es', name: string) {
	const heading = locale === 'es' ? spanish('family_team') : english('family_team');
	return page.getByRole('region', { name: heading }).getByRole('listitem').filter({ hasText: name });
}

/** Nothing on the page is wider than the screen: no sideways scrolling on a phone. */
async function expectNoSidewaysScroll(page: Page): Promise<void> {
	const { scroll, width } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, width: window.innerWidth }));
	expect(scroll, 'the page scrolls sideways').toBeLessThanOrEqual(width);
}

test('the grandmother, in Spanish on a small phone, sees only the phones people agreed to share; Daniel shares his and stops', async ({ browser }) => {
	test.slow(); // three people, two phones, axe on four pages, on two shared cores
	const sam = await personAt(browser, 'caseworker@demo.test');

	// Her invitation promises that her details stay private unless she agrees.
	const rosaInvitation = await invite(sam.page, 'Rosa Rivera', { locale: 'es' });
	const rosaContext = await browser.newContext({ ...SMALL_PHONE, locale: 'en-US' });
	const rosa = await rosaContext.newPage();
	await rosa.goto(rosaInvitation.link);
	await expect(rosa.getByText(spanish('invite_private'))).toBeVisible();
	await rosa.getByRole('button', { name: spanish('invite_accept'), exact: true }).tap();
	await expect(rosa).toHaveURL(/\/family$/);
	await expect(rosa.getByRole('heading', { level: 1, name: spanish('family_welcome', { name: 'Rosa' }) })).toBeVisible();

	// Everyone in her words: relationships, roles and ages in Spanish, the place as staff wrote it in Spanish.
	await expect(teamMember(rosa, 'es', 'Sofia Rivera')).toHaveText(`Sofia Rivera, Hija, ${SOFIA_AGE} años`);
	await expect(teamMember(rosa, 'es', 'Mateo Rivera')).toHaveText(`Mateo Rivera, Hijo, ${MATEO_AGE} años`);
	await expect(teamMember(rosa, 'es', 'Daniel Ortiz')).toHaveText('Daniel Ortiz, Padre');
	await expect(teamMember(rosa, 'es', 'Jordan Lee')).toHaveText('Jordan Lee, Observador(a)');
	await expect(teamMember(rosa, 'es', 'Lucia Ortiz')).toContainText('Lucia Ortiz, Tía paterna');
	await expect(teamMember(rosa, 'es', 'Tom Baker')).toContainText('Tom Baker, Cuidador(a) de crianza temporal');
	await expect(rosa.getByText('Oficina de Servicios Familiares, sala 2 (o por video)')).toBeVisible();
	const shown = await rosa.locator('main').innerText();
	for (const english of ['Daughter', 'Father', 'Aunt', 'Foster caregiver', 'Trainee', 'Family Services office']) expect(shown, `English on her Spanish page: ${english}`).not.toContain(english);

	// Lucia and Tom agreed to share their phone and email (Sam recorded it); nobody else did.
	await expect(teamMember(rosa, 'es', 'Lucia Ortiz').getByRole('link', { name: '+15555550104' })).toBeVisible();
	await expect(teamMember(rosa, 'es', 'Tom Baker').getByRole('link', { name: '+15555550106' })).toBeVisible();
	const hers = await rosa.content();
	for (const secret of ['+15555550102', 'daniel.ortiz@example.test', '400 Sample Road', '+15555550114', '+15555550105', ...ANA_PRIVATE]) expect(hers, `Rosa's page holds ${secret}`).not.toContain(secret);

	// Her own details, and a true sentence about who sees them, with the choice to share.
	const mine = rosa.getByRole('region', { name: spanish('family_your_details') });
	await expect(mine.getByText('+15555550103')).toBeVisible();
	await expect(mine.getByText(spanish('family_share_private')).first()).toBeVisible();
	await expect(mine.getByRole('button', { name: spanish('family_share_contact_give') })).toBeVisible();
	await expectNoSidewaysScroll(rosa);
	await expectAccessible(rosa);

	// Daniel joins the meeting, goes to his page and shares his phone and email.
	const daniel = await joinByLink(browser, await invite(sam.page, 'Daniel Ortiz', { toMeeting: true }));
	await daniel.page.getByRole('link', { name: english('back_to_family_home') }).click();
	await expect(daniel.page).toHaveURL(/\/family$/);
	const his = daniel.page.getByRole('region', { name: english('family_your_details') });
	await expect(his.getByText(english('family_share_private')).first()).toBeVisible();
	await his.getByRole('button', { name: english('family_share_contact_give') }).click();
	await expect(his.getByRole('status')).toHaveText(english('family_share_saved_given'));
	await expect(his.getByRole('button', { name: english('family_share_contact_withdraw') })).toBeVisible();
	await expectAccessible(daniel.page);

	// The grandmother now has his phone and email, and still not his address.
	await rosa.reload();
	await expect(teamMember(rosa, 'es', 'Daniel Ortiz').getByRole('link', { name: '+15555550102' })).toBeVisible();
	await expect(teamMember(rosa, 'es', 'Daniel Ortiz').getByRole('link', { name: 'daniel.ortiz@example.test' })).toBeVisible();
	expect(await rosa.content()).not.toContain('400 Sample Road');

	// He stops sharing: gone from her page at her next visit.
	await his.getByRole('button', { name: english('family_share_contact_withdraw') }).click();
	await expect(his.getByRole('status')).toHaveText(english('family_share_saved_withdrawn'));
	await rosa.reload();
	await expect(teamMember(rosa, 'es', 'Daniel Ortiz')).toHaveText('Daniel Ortiz, Padre');
	expect(await rosa.content()).not.toContain('+15555550102');

	await daniel.context.close();
	await rosaContext.close();
	await sam.context.close();
});

test('Sofia, 14, is told to ask her caseworker; Sam records her agreement after asking her; she stops it herself', async ({ browser }) => {
	test.slow();
	const sam = await personAt(browser, 'caseworker@demo.test');
	const sofia = await joinByLink(browser, await invite(sam.page, 'Sofia Rivera', { toMeeting: true }), { options: SMALL_PHONE });
	await sofia.page.goto('/family');
	const hers = sofia.page.getByRole('region', { name: english('family_your_details') });
	// A child cannot share her phone on her own: no button that would be refused, and whom to ask.
	await expect(hers.getByRole('button')).toHaveCount(0);
	await expect(hers.getByText(english('family_share_ask'))).toBeVisible();
	await expectAccessible(sofia.page);

	// Sam asks her, then records it on the safety page.
	const { caseId } = await openDemoCase(sam.page);
	await sam.page.goto(`/cases/${caseId}/safety`);
	const sharing = sam.page.getByRole('region', { name: english('safety_sharing_heading') });
	const sofiaForm = sharing.locator('form').filter({ has: sam.page.getByRole('group', { name: 'Sofia Rivera' }) });
	await sofiaForm.getByLabel(english('sharing_detail_contact')).check();
	await sofiaForm.getByRole('button', { name: english('safety_sharing_save_named', { name: 'Sofia Rivera' }) }).click();
	await expect(sam.page.getByRole('status')).toHaveText(english('safety_saved'));
	await expect(sofiaForm.getByText(/^Phone and email: recorded by Sam Okafor, /)).toBeVisible();
	await expect(sofiaForm.getByLabel(english('sharing_detail_contact'))).toBeChecked();

	// Her page says the team sees it now, and she can stop it.
	await sofia.page.reload();
	await expect(hers.getByText(english('family_share_shared'))).toBeVisible();
	await hers.getByRole('button', { name: english('family_share_contact_withdraw') }).tap();
	await expect(hers.getByRole('status')).toHaveText(english('family_share_saved_withdrawn'));
	await expect(hers.getByText(english('family_share_ask'))).toBeVisible();
	await expectNoSidewaysScroll(sofia.page);

	await sam.page.reload();
	await expect(sofiaForm.getByLabel(english('sharing_detail_contact'))).not.toBeChecked();

	await sofia.context.close();
	await sam.context.close();
});

test('the case and safety pages say what is true: headings, labels that apply, a pair already removed', async ({ browser }) => {
	test.slow();
	const sam = await personAt(browser, 'caseworker@demo.test');
	const { caseId, meetingId } = await openDemoCase(sam.page);

	// The people table: the Invite and Edit links sit under their own heading, not under Privacy and safety.
	const table = sam.page.getByRole('table');
	await expect(table.getByRole('columnheader')).toHaveText([english('person_name'), english('person_role'), english('person_contact'), english('person_safety'), english('person_actions')]);
	const rosaRow = table.getByRole('row').filter({ hasText: 'Rosa Rivera' });
	await expect(rosaRow.getByRole('cell').nth(0)).toHaveText(/Rosa Rivera\s*Maternal grandmother/);
	await expect(rosaRow.getByRole('cell').nth(4).getByRole('link', { name: english('case_invite_named', { name: 'Rosa Rivera' }) })).toBeVisible();
	await expect(rosaRow.getByRole('cell').nth(3).getByRole('link')).toHaveCount(0);
	await expect(table.getByRole('row').filter({ hasText: 'Lucia Ortiz' }).getByRole('cell').nth(3)).toContainText(english('case_shared_contact'));

	// Labels offered only where they apply: a child's words for the children, a youth's section from 14.
	await sam.page.goto(`/cases/${caseId}/safety`);
	const labels = sam.page.getByRole('region', { name: english('safety_labels_heading') });
	const childWords = english('label_child_voice');
	const youthPrivate = english('label_youth_private');
	await expect(labels.getByRole('group', { name: 'Rosa Rivera' }).getByLabel(childWords)).toHaveCount(0);
	await expect(labels.getByRole('group', { name: 'Rosa Rivera' }).getByLabel(youthPrivate)).toHaveCount(0);
	await expect(labels.getByRole('group', { name: 'Sofia Rivera' }).getByLabel(childWords)).toHaveCount(1);
	await expect(labels.getByRole('group', { name: 'Sofia Rivera' }).getByLabel(youthPrivate)).toHaveCount(1);
	await expect(labels.getByRole('group', { name: 'Mateo Rivera' }).getByLabel(childWords)).toHaveCount(1);
	await expect(labels.getByRole('group', { name: 'Mateo Rivera' }).getByLabel(youthPrivate)).toHaveCount(0);

	// Two tabs on the safety page: a pair removed in one is not "removed" again from the other.
	await sam.page.getByLabel(english('safety_pair_first')).selectOption({ label: 'Grace Whitfield' });
	await sam.page.getByLabel(english('safety_pair_second')).selectOption({ label: 'Mateo Rivera' });
	await sam.page.getByRole('button', { name: english('safety_pair_add') }).click();
	await expect(sam.page.getByRole('status')).toHaveText(english('safety_saved'));
	const stale = await sam.context.newPage();
	await stale.goto(`/cases/${caseId}/safety`);
	const pair = (page: Page) => page.getByRole('region', { name: english('safety_pairs_heading') }).getByRole('listitem').filter({ hasText: 'Grace Whitfield' }).filter({ hasText: 'Mateo Rivera' });
	await pair(sam.page).getByRole('button', { name: english('safety_pair_remove') }).click();
	await expect(sam.page.getByRole('status')).toHaveText(english('safety_saved'));
	await expect(pair(sam.page)).toHaveCount(0);
	await pair(stale).getByRole('button', { name: english('safety_pair_remove') }).click();
	await expect(stale.getByRole('alert')).toHaveText(english('safety_problem_pair_not_found'));
	await expect(stale.getByRole('status')).toHaveCount(0);
	await expectAccessible(stale);

	// The place form shows what staff wrote in each language (saved unchanged here: other tests read it).
	await sam.page.goto(`/cases/${caseId}`);
	await sam.page.getByRole('link', { name: /^Change where the meeting on / }).click();
	await expect(sam.page).toHaveURL(`/cases/${caseId}/meetings/${meetingId}/place`);
	await expect(sam.page.getByLabel(english('meeting_place_en'))).toHaveValue('Family Services office, Room 2 (or by video)');
	await expect(sam.page.getByLabel(english('meeting_place_es'))).toHaveValue('Oficina de Servicios Familiares, sala 2 (o por video)');
	await sam.page.getByRole('button', { name: english('meeting_place_save') }).click();
	await expect(sam.page.getByRole('status')).toHaveText(english('meeting_place_saved'));
	await expectAccessible(sam.page);

	// A person's relationship: a side for a grandmother only, what was typed kept when refused.
	await sam.page.goto(`/cases/${caseId}`);
	await sam.page.getByRole('link', { name: english('person_edit_named', { name: 'Grace Whitfield' }) }).click();
	await expect(sam.page.getByRole('heading', { level: 1, name: english('person_edit_title', { name: 'Grace Whitfield' }) })).toBeVisible();
	await sam.page.getByLabel(english('person_edit_side')).selectOption({ label: english('person_edit_side_maternal') });
	await sam.page.getByLabel(english('person_edit_note_en')).fill('Lives next door');
	await sam.page.getByRole('button', { name: english('person_edit_save') }).click();
	await expect(sam.page.getByText(english('person_edit_problem_side'))).toBeVisible();
	await expect(sam.page.getByLabel(english('person_edit_side'))).toHaveAttribute('aria-invalid', 'true');
	await expect(sam.page.getByLabel(english('person_edit_note_en'))).toHaveValue('Lives next door');
	await expectAccessible(sam.page);

	await stale.close();
	await sam.context.close();
});

// (Staff reading Spanish and the gendered roles on the case page: tests/integration/family-words.test.ts, on
// a server of its own, since switching a staff member's language here would race with language.spec.ts.)
test('a caseworker with no case is told what is true: cases cannot be assigned in Hearth yet', async ({ browser }) => {
	const riley = await personAt(browser, 'outsider@demo.test');
	await expect(riley.page.getByText(english('cases_none'))).toBeVisible();
	await expectAccessible(riley.page);
	await riley.context.close();
});
// Issue 16.11. Last in this file on purpose: while family time is on, the family members of the whole
// team (Daniel among them) have a second part of the meeting, which the tests above check he has not.
test('private family time: one at a time, only the family reads its notes until one of them shares them, and staff end it', async ({ browser }) => {
	test.setTimeout(120_000); // three people, a phone, axe twice and several live exchanges on two shared cores
	const sam = await personAt(browser, 'caseworker@demo.test');
	const dana = await personAt(browser, 'facilitator@demo.test');
	const invitation = await invite(sam.page, 'Rosa Rivera', { toMeeting: true, locale: 'es' });
	const { viewport, deviceScaleFactor, isMobile, hasTouch } = devices['iPhone 13'];
	const rosa = await joinByLink(browser, invitation, { locale: 'es', options: { viewport, deviceScaleFactor, isMobile, hasTouch, locale: 'es-MX' } });
	const meeting = `/meetings/${invitation.meetingId}`;
	const familyTimeLink = (page: Page, name = english('session_family_alone')) =>
		page.getByRole('navigation', { name: english('sessions_nav_label') }).getByRole('link', { name, exact: true });

	// The caseworker and the facilitator press "Start family time" at the same moment: one family time.
	for (const staff of [sam.page, dana.page]) await staff.goto(meeting);
	await Promise.all([sam.page, dana.page].map((staff) => staff.getByRole('button', { name: english('sessions_family_time_start') }).click()));
	for (const staff of [sam.page, dana.page]) {
		await staff.goto(meeting);
		await expect(familyTimeLink(staff)).toHaveCount(1);
		await expect(familyTimeLink(staff, english('session_family_alone_numbered', { n: 2 }))).toHaveCount(0);
		await expect(staff.getByRole('button', { name: english('sessions_family_time_end') })).toBeVisible();
		await expect(staff.getByRole('button', { name: english('sessions_family_time_start') })).toHaveCount(0);
	}

	// Rosa, on her phone: the part is headed plainly as her family's alone, and says how to share it.
	await rosa.page.goto(meeting);
	await rosa.page.getByRole('navigation', { name: spanish('sessions_nav_label') }).getByRole('link', { name: spanish('session_family_alone'), exact: true }).tap();
	await expect(rosa.page.getByRole('heading', { level: 2, name: spanish('session_family_alone_heading_private') })).toBeVisible();
	await expect(rosa.page.getByText(spanish('session_family_alone_only_family'))).toBeVisible();
	await expect(rosa.page.getByText(spanish('session_family_alone_share_means'))).toBeVisible();
	await expectNotesLiveIn(rosa.page, 'es');
	const plan = uniqueText('Plan de la familia: la abuela cuida a los niños entre semana');
	await typeInNotes(rosa.page, plan, { touch: true });
	await expectAccessible(rosa.page);

	// The caseworker sees that the part is there, and that it is the family's: not its notes.
	await familyTimeLink(sam.page).click();
	await expect(sam.page.getByText(english('session_family_alone_private'))).toBeVisible();
	await expect(notesOf(sam.page).editor).toHaveCount(0);
	expect(await sam.page.content()).not.toContain(plan);
	await expect(sam.page.getByRole('button', { name: english('session_family_alone_share') })).toHaveCount(0);

	// Rosa shares it with the team.
	await rosa.page.getByRole('button', { name: spanish('session_family_alone_share') }).tap();
	await expect(rosa.page.getByRole('heading', { level: 2, name: spanish('session_family_alone_heading_shared') })).toBeVisible();
	await expect(rosa.page.getByRole('status').filter({ hasText: spanish('session_family_alone_shared_done') })).toBeVisible();
	await expect(rosa.page.getByRole('button', { name: spanish('session_family_alone_share') })).toHaveCount(0);
	await expectNotesLiveIn(rosa.page, 'es');
	await expectAccessible(rosa.page);

	// Now the caseworker reads it, and cannot change it.
	await sam.page.reload();
	const samNotes = notesOf(sam.page);
	await expect(samNotes.editor).toContainText(plan);
	await expect(samNotes.editor).toHaveAttribute('contenteditable', 'false');
	await expect(sam.page.getByText(english('notes_read_only'))).toBeVisible();

	// The facilitator ends family time: Rosa's notes are kept as they are, and a later one can start.
	await dana.page.goto(meeting);
	await dana.page.getByRole('button', { name: english('sessions_family_time_end') }).click();
	await expect(dana.page.getByRole('status').filter({ hasText: english('sessions_family_time_ended') })).toBeVisible();
	// Her open page says at once that she can only read now (the server narrowed her socket), and takes no
	// more typing: nothing she types afterwards is silently lost.
	await expect(notesOf(rosa.page).status).toContainText(spanish('notes_now_read_only'));
	await expect(notesOf(rosa.page).editor).toHaveAttribute('contenteditable', 'false');
	await rosa.page.reload();
	await expect(rosa.page.getByText(spanish('session_family_alone_ended'))).toBeVisible();
	await expect(notesOf(rosa.page).editor).toContainText(plan);
	await expect(notesOf(rosa.page).editor).toHaveAttribute('contenteditable', 'false');

	await dana.page.getByRole('button', { name: english('sessions_family_time_start') }).click();
	await dana.page.goto(meeting);
	await expect(familyTimeLink(dana.page, english('session_family_alone_numbered', { n: 2 }))).toHaveCount(1);
	await dana.page.getByRole('button', { name: english('sessions_family_time_end') }).click();
	await expect(dana.page.getByRole('status').filter({ hasText: english('sessions_family_time_ended') })).toBeVisible();

	await rosa.context.close();
	await dana.context.close();
	await sam.context.close();
});
