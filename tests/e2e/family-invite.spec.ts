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
	openInviteForm,
	personAt,
	spanish,
	turnOff,
	typeInNotes,
	uniqueText
} from './helpers';

// Issue 3, family access: a caseworker invites a family member, who joins from their own phone with no
// account, and they write that person's part of the meeting together, live.
// One shared server and database for every spec file: each test makes its own invitations, and types
// its own random text in notes that other tests share.

test('Ana is invited in Spanish, joins on her phone with her code, and writes her separate meeting’s notes with the caseworker, live', async ({ browser }) => {
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
	for (const [link, key] of [
		[used.link, 'invite_dead_used'],
		[turnedOff.link, 'invite_dead_revoked'],
		[unknown, 'invite_dead_unknown']
	] as const) {
		await page.goto(link);
		await expect(page.getByRole('heading', { level: 1, name: english('invite_dead_heading') })).toBeVisible();
		await expect(page.getByText(english(key))).toBeVisible();
		await expect(page.getByText(english('invite_ask_new_link'))).toBeVisible();
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
	await expect(page.getByText(english('invite_to_meeting', { inviter: 'Sam Okafor', meeting: english('meeting_kind_ftdm') }))).toBeVisible();
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
