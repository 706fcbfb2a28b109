import { devices, expect, test } from '@playwright/test';
import {
	ANA_PRIVATE,
	english,
	expectNotesLive,
	expectNotesLiveIn,
	fillInviteForm,
	invite,
	joinByLink,
	notesOf,
	openDemoCase,
	openInviteForm,
	personAt,
	signIn,
	spanish,
	submitSignIn,
	turnOff,
	typeInNotes,
	uniqueText
} from './helpers';

// Issue 3, family access: a caseworker invites a family member, who joins from their own phone with no
// account, and they write that person's part of the meeting together, live.
// One shared server and database for every spec file: each test makes its own invitations, and types
// its own random text in notes that other tests share.

test('Ana is invited in Spanish, joins on her phone with her code, and writes her separate meeting’s notes with the caseworker, live', async ({ browser }) => {
	test.slow(); // two people, a phone, a reload and four live exchanges on two shared cores
	const sam = await personAt(browser, 'caseworker@demo.test');

	// The form starts in the language Ana reads; the caseworker keeps it, says he gives the link in person,
	// and asks for the 6-digit code (the whole case: her meetings and the plan).
	const ids = await openInviteForm(sam.page, 'Ana Rivera');
	await expect(sam.page.getByRole('radio', { name: 'Español', exact: true })).toBeChecked();
	const invitation = await fillInviteForm(sam.page, { ...ids, person: 'Ana Rivera', toMeeting: false, locale: 'es', requireCode: true });
	expect(invitation.link).toMatch(/\/invite\/[a-z2-7]{32}$/);
	expect(invitation.verifyCode).toMatch(/^\d{6}$/);

	// Before Ana comes in, Sam writes something in the whole team's notes, which Ana must never see.
	await sam.page.goto(`/meetings/${ids.meetingId}`);
	const samNotes = notesOf(sam.page);
	await expect(sam.page.getByRole('link', { name: english('session_joint') })).toHaveAttribute('aria-current', 'page');
	await expectNotesLive(sam.page);
	const forTheWholeTeam = uniqueText('Whole team only: Daniel starts parenting class Monday');
	await typeInNotes(sam.page, forTheWholeTeam);
	await sam.page.reload(); // kept by the server
	await expectNotesLive(sam.page);
	await expect(samNotes.editor).toContainText(forTheWholeTeam);

	// Ana's phone: iPhone 13 size and touch (still Chromium), and a browser that asks for English.
	const { viewport, deviceScaleFactor, isMobile, hasTouch } = devices['iPhone 13'];
	const anaContext = await browser.newContext({ viewport, deviceScaleFactor, isMobile, hasTouch, locale: 'en-US' });
	const ana = await anaContext.newPage();
	await ana.goto(invitation.link);

	// The page is in the language of the invitation, says who invited her to what, and asks for the code.
	await expect(ana.locator('html')).toHaveAttribute('lang', 'es');
	await expect(ana.getByRole('heading', { level: 1, name: spanish('invite_heading', { name: 'Ana' }) })).toBeVisible();
	await expect(ana.getByText(spanish('invite_to_case', { inviter: 'Sam Okafor' }))).toBeVisible();
	await expect(ana.getByRole('heading', { level: 2, name: spanish('invite_what_you_can_do') })).toBeVisible();
	for (const key of ['invite_can_see_meetings', 'invite_can_see_plan', 'invite_can_write', 'invite_private']) {
		await expect(ana.getByRole('listitem').filter({ hasText: spanish(key) })).toBeVisible();
	}
	const code = ana.getByLabel(spanish('invite_code_label'));
	await expect(code).toBeVisible();

	// A wrong code: a clear message, still in Spanish, and she stays on the page to try again.
	await code.fill(invitation.verifyCode === '000000' ? '111111' : '000000');
	await ana.getByRole('button', { name: spanish('invite_accept'), exact: true }).tap();
	await expect(ana.getByRole('alert')).toHaveText(spanish('invite_problem_bad_code'));
	await expect(ana.locator('html')).toHaveAttribute('lang', 'es');
	await expect(code).toHaveAttribute('aria-invalid', 'true');

	// The right code: her page, with no secret left in the address bar.
	await code.fill(invitation.verifyCode!);
	await ana.getByRole('button', { name: spanish('invite_accept'), exact: true }).tap();
	await expect(ana).toHaveURL(/\/family$/);
	await expect(ana).not.toHaveURL(/invite/);
	await expect(ana.locator('html')).toHaveAttribute('lang', 'es');
	await expect(ana.getByRole('heading', { level: 1, name: spanish('family_welcome', { name: 'Ana' }) })).toBeVisible();
	await expect(ana.getByRole('heading', { level: 2, name: spanish('family_meetings') })).toBeVisible();
	// She sees her own details (and only she, and staff, do).
	await expect(ana.getByText(ANA_PRIVATE[0])).toBeVisible();

	// Her meeting: only her separate part, no list of parts, nothing of the whole team's notes.
	await ana.locator(`a[href="/meetings/${ids.meetingId}"]`).tap();
	await expect(ana).toHaveURL(new RegExp(`/meetings/${ids.meetingId}$`));
	await expectNotesLiveIn(ana, 'es');
	await expect(ana.getByRole('navigation', { name: spanish('sessions_nav_label') })).toHaveCount(0);
	const anaNotes = notesOf(ana);
	await expect(anaNotes.editor).toHaveAttribute('contenteditable', 'true');
	await expect(anaNotes.editor).not.toContainText(forTheWholeTeam);

	// Sam opens Ana's separate part of the meeting.
	await sam.page.getByRole('link', { name: english('session_separate_for', { name: 'Ana Rivera' }) }).click();
	await expect(sam.page.getByRole('link', { name: english('session_separate_for', { name: 'Ana Rivera' }) })).toHaveAttribute('aria-current', 'page');
	await expectNotesLive(sam.page);
	await expect(samNotes.editor).not.toContainText(forTheWholeTeam);

	// What Ana types on her phone reaches Sam, live…
	const fromAna = uniqueText('Ana: prefiero que las visitas sean los sábados');
	await typeInNotes(ana, fromAna, { touch: true });
	await expect(samNotes.editor).toContainText(fromAna);

	// …and what Sam types reaches Ana.
	const fromSam = uniqueText('Sam: we will ask the court about the protective order');
	await typeInNotes(sam.page, fromSam);
	await expect(anaNotes.editor).toContainText(fromSam);

	await expectNotesLiveIn(ana, 'es');
	await expectNotesLive(sam.page);
	await expect(anaNotes.editor).not.toContainText(forTheWholeTeam);

	await anaContext.close();
	await sam.context.close();
});

test('a used link, a turned-off link and an unknown link each say so plainly, and how to get a new one', async ({ browser }) => {
	const sam = await personAt(browser, 'caseworker@demo.test');
	const used = await invite(sam.page, 'Grace Whitfield', { toMeeting: true });
	const turnedOff = await invite(sam.page, 'Tom Baker', { toMeeting: true });
	// A link of the right shape that no invitation has (a mistyped or made-up one).
	const unknown = `/invite/${Array.from({ length: 32 }, () => 'abcdefghijklmnopqrstuvwxyz234567'[Math.floor(Math.random() * 32)]).join('')}`;

	// Grace joins; her link then works for nobody, her included.
	const grace = await joinByLink(browser, used);
	await expect(grace.page).toHaveURL(new RegExp(`/meetings/${used.meetingId}$`));
	await turnOff(sam.page, turnedOff);

	const someone = await browser.newContext();
	const page = await someone.newPage();
	// Each answers as a link that opens nothing (issue 17.11: 410 gone, 404 never was), with the plain page.
	// The used one was given in person: its holder asks the caseworker for a new code (issue 16.12).
	for (const [link, key, status, next] of [
		[used.link, 'invite_dead_used', 410, 'join_again_ask'],
		[turnedOff.link, 'invite_dead_revoked', 410, 'invite_ask_new_link'],
		[unknown, 'invite_dead_unknown', 404, 'invite_ask_new_link']
	] as const) {
		const answer = await page.goto(link);
		expect(answer?.status()).toBe(status);
		await expect(page.getByRole('heading', { level: 1, name: english('invite_dead_heading') })).toBeVisible();
		await expect(page.getByText(english(key))).toBeVisible();
		await expect(page.getByText(english(next))).toBeVisible();
		await expect(page.getByRole('button', { name: english('invite_accept'), exact: true })).toHaveCount(0);
		await expect(page.getByRole('link', { name: english('invite_have_code') })).toHaveAttribute('href', '/join');
	}
	// "I have a code" leads to the page where a code read over the phone is typed.
	await page.getByRole('link', { name: english('invite_have_code') }).click();
	await expect(page.getByRole('heading', { level: 1, name: english('join_title') })).toBeVisible();

	// The person who used the link is still in, on their own device.
	await grace.page.goto(used.link);
	await expect(grace.page.getByText(english('invite_dead_used'))).toBeVisible();

	await someone.close();
	await grace.context.close();
	await sam.context.close();
});

test('a code read over the phone works on the Join page, once', async ({ browser }) => {
	const sam = await personAt(browser, 'caseworker@demo.test');
	const invitation = await invite(sam.page, 'Lucia Ortiz', { toMeeting: true, requireCode: true });
	expect(invitation.shortCode).toMatch(/^[A-Z0-9]{5}-[A-Z0-9]{5}$/);

	const lucia = await browser.newContext();
	const page = await lucia.newPage();
	await page.goto('/join');
	// As she hears it: lower case, a space for the dash.
	await page.getByLabel(english('join_code_label')).fill(invitation.shortCode.toLowerCase().replace('-', ' '));
	await page.getByRole('button', { name: english('join_continue') }).click();
	await expect(page.getByRole('heading', { level: 1, name: english('invite_heading', { name: 'Lucia' }) })).toBeVisible();
	await expect(page.getByText(english('invite_to_meeting_ftdm', { inviter: 'Sam Okafor' }))).toBeVisible();
	await page.getByLabel(english('invite_code_label')).fill(invitation.verifyCode!);
	await page.getByRole('button', { name: english('invite_accept'), exact: true }).click();
	await expect(page).toHaveURL(new RegExp(`/meetings/${invitation.meetingId}$`));
	await expectNotesLive(page);

	// The same code a second time, from another device: it is used up.
	const other = await browser.newContext();
	const again = await other.newPage();
	await again.goto('/join');
	await again.getByLabel(english('join_code_label')).fill(invitation.shortCode);
	await again.getByRole('button', { name: english('join_continue') }).click();
	await expect(again.getByText(english('invite_dead_used'))).toBeVisible();

	// A code nobody was given.
	await again.goto('/join');
	await again.getByLabel(english('join_code_label')).fill('ZZZZZ-ZZZZZ');
	await again.getByRole('button', { name: english('join_continue') }).click();
	await expect(again.getByRole('alert')).toHaveText(english('join_problem_unknown'));

	await other.close();
	await lucia.close();
	await sam.context.close();
});

test('codes typed while the page is still loading are kept when it becomes interactive (Join page and invite link)', async ({ browser }) => {
	// On a slow phone a person types before the JavaScript has arrived; hydration must not wipe the field.
	const sam = await personAt(browser, 'caseworker@demo.test');
	const byCode = await invite(sam.page, 'Tom Baker', { toMeeting: true });
	const byLink = await invite(sam.page, 'Grace Whitfield', { toMeeting: true, requireCode: true });

	for (const [invitation, open, field] of [
		[byCode, '/join', english('join_code_label')],
		[byLink, byLink.link, english('invite_code_label')]
	] as const) {
		const context = await browser.newContext();
		const page = await context.newPage();
		let release!: () => void;
		const scriptsHeld = new Promise<void>((resolve) => (release = resolve));
		await page.route('**/_app/immutable/**', async (route) => {
			await scriptsHeld;
			await route.continue();
		});
		await page.goto(open, { waitUntil: 'commit' });
		const typed = invitation === byCode ? invitation.shortCode : invitation.verifyCode!;
		await page.getByLabel(field).fill(typed);
		release();
		// SvelteKit sets history.scrollRestoration to 'manual' once it has hydrated the page and started its router.
		await page.waitForFunction(() => history.scrollRestoration === 'manual');
		await expect(page.getByLabel(field)).toHaveValue(typed);
		if (invitation === byCode) await page.getByRole('button', { name: english('join_continue') }).click();
		await page.getByRole('button', { name: english('invite_accept'), exact: true }).click();
		await expect(page).toHaveURL(new RegExp(`/meetings/${invitation.meetingId}$`));
		await context.close();
	}
	await sam.context.close();
});

test('choices made on the invite form while it is still loading are kept (person, meeting, language, code)', async ({ page }) => {
	// A caseworker who picks quickly must not have the page put its own defaults back when it becomes
	// interactive: the invitation would go out for someone else, or in the wrong language.
	await signIn(page, 'caseworker@demo.test');
	const { caseId, meetingId } = await openDemoCase(page);
	let release!: () => void;
	const scriptsHeld = new Promise<void>((resolve) => (release = resolve));
	await page.route('**/_app/immutable/**/*.js', async (route) => {
		await scriptsHeld;
		await route.continue();
	});
	await page.goto(`/cases/${caseId}/invite`, { waitUntil: 'domcontentloaded' });
	await page.getByLabel(english('invite_form_person')).selectOption({ label: 'Ana Rivera (Mother)' });
	await page.getByLabel(english('invite_form_scope')).selectOption(meetingId);
	await page.getByLabel(english('invite_channel_in_person')).check();
	await page.getByRole('radio', { name: 'English', exact: true }).check();
	await page.getByLabel(english('invite_form_require_code')).uncheck();
	release();
	await page.waitForFunction(() => history.scrollRestoration === 'manual');

	await expect(page.getByLabel(english('invite_form_person')).locator('option:checked')).toHaveText('Ana Rivera (Mother)');
	await expect(page.getByLabel(english('invite_form_scope'))).toHaveValue(meetingId);
	await expect(page.getByLabel(english('invite_channel_in_person'))).toBeChecked();
	await expect(page.getByRole('radio', { name: 'English', exact: true })).toBeChecked();
	await expect(page.getByLabel(english('invite_form_require_code'))).not.toBeChecked();

	// Once interactive, choosing another person still picks the language they read.
	await page.getByLabel(english('invite_form_person')).selectOption({ label: 'Rosa Rivera (Maternal grandmother)' });
	await expect(page.getByRole('radio', { name: 'Español', exact: true })).toBeChecked();
	await page.getByLabel(english('invite_form_person')).selectOption({ label: 'Daniel Ortiz (Father)' });
	await expect(page.getByRole('radio', { name: 'English', exact: true })).toBeChecked();
	await page.getByLabel(english('invite_form_person')).selectOption({ label: 'Ana Rivera (Mother)' });
	await expect(page.getByRole('radio', { name: 'Español', exact: true })).toBeChecked();
	// The worker's own pick wins, and is what the invitation is made with.
	await page.getByRole('radio', { name: 'English', exact: true }).check();
	await page.getByRole('button', { name: english('invite_form_submit') }).click();
	await expect(page.getByRole('heading', { level: 2, name: english('invite_created_heading', { name: 'Ana Rivera' }) })).toBeVisible();
	await expect(page.getByTestId('invite-verify-code')).toHaveCount(0);
	const link = (await page.getByTestId('invite-link').textContent())!.trim();
	const visitor = await page.context().browser()!.newContext();
	const landing = await visitor.newPage();
	await landing.goto(link);
	await expect(landing.locator('html')).toHaveAttribute('lang', 'en');
	await expect(landing.getByText(english('invite_can_see_meeting'))).toBeVisible();
	await visitor.close();
});

test('a signed-out caseworker who opens the invite link for one person signs in and lands on the form with that person chosen', async ({ browser }) => {
	// Issue 17.8: the sign-in page used to drop `?person=`.
	const sam = await personAt(browser, 'caseworker@demo.test');
	const { caseId } = await openDemoCase(sam.page);
	const href = await sam.page.getByRole('link', { name: english('case_invite_named', { name: 'Rosa Rivera' }) }).getAttribute('href');
	await sam.context.close();

	const context = await browser.newContext();
	const page = await context.newPage();
	await page.goto(href!);
	await expect(page).toHaveURL(/\/sign-in\?next=/);
	await submitSignIn(page, 'caseworker@demo.test');
	const person = new URL(href!, 'http://x').searchParams.get('person');
	await expect(page).toHaveURL(new RegExp(`/cases/${caseId}/invite\\?person=${person}$`));
	await expect(page.getByRole('heading', { level: 1, name: english('invite_form_title') })).toBeVisible();
	await expect(page.getByLabel(english('invite_form_person')).locator('option:checked')).toHaveText('Rosa Rivera (Maternal grandmother)');
	await context.close();
});
