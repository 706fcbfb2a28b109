import { devices, expect, test } from '@playwright/test';
import { english, expectAccessible, expectNotesLiveIn, invite, joinByLink, messagesTo, newSignInCode, personAt, spanish } from './helpers';

// Issue 16.12: a family member who signs out is not locked out. Before signing out they read how they come
// back; then a new code, sent only to the phone or email of their invitation, signs them in again. Their
// link never works twice. Each test makes its own invitations on the one shared server.

// axe takes one to three seconds a page on the two shared cores.
test.describe.configure({ timeout: 90_000 });

const phone = (({ viewport, deviceScaleFactor, isMobile, hasTouch }) => ({ viewport, deviceScaleFactor, isMobile, hasTouch }))(devices['iPhone 13']);
const ROSA_PHONE = '+15555550103';

test('Rosa, invited by text message, signs out, is told how to come back, and comes back with a new code sent to her phone', async ({ browser }) => {
	const sam = await personAt(browser, 'caseworker@demo.test');
	const invitation = await invite(sam.page, 'Rosa Rivera', { toMeeting: true, locale: 'es', channel: 'sms' });
	const rosa = await joinByLink(browser, invitation, { locale: 'es', options: { ...phone, locale: 'es-MX' } });
	const page = rosa.page;
	await expect(page).toHaveURL(new RegExp(`/meetings/${invitation.meetingId}$`));
	await expectNotesLiveIn(page, 'es');

	// Sign out: first, how she will come back.
	await page.getByRole('link', { name: spanish('sign_out'), exact: true }).tap();
	await expect(page.getByRole('heading', { level: 1, name: spanish('family_sign_out_title') })).toBeVisible();
	await expect(page.getByText(spanish('family_sign_out_back_sms'))).toBeVisible();
	await expectAccessible(page);
	await page.getByRole('button', { name: spanish('sign_out'), exact: true }).tap();
	await expect(page).toHaveURL(/\/join$/);
	await expect(page.getByRole('heading', { level: 2, name: spanish('join_again_heading') })).toBeVisible();
	await expectAccessible(page);

	// Someone else who has her link (a forwarded message) cannot use it: it was used.
	const other = await browser.newContext();
	const stranger = await other.newPage();
	const answer = await stranger.goto(invitation.link);
	expect(answer?.status()).toBe(410);
	// (In Spanish: a link opens in its invitation's language.)
	await expect(stranger.getByText(spanish('invite_dead_used'))).toBeVisible();
	await expect(stranger.getByRole('button', { name: spanish('invite_accept'), exact: true })).toHaveCount(0);
	await other.close();

	// Rosa opens her link again: used, and she can ask for a new code on it, sent to her phone.
	await page.goto(invitation.link);
	await expect(page.getByText(spanish('invite_dead_used'))).toBeVisible();
	await expect(page.getByText(spanish('join_again_from_invite_sms'))).toBeVisible();
	await expectAccessible(page);
	const before = messagesTo(ROSA_PHONE, 'sign-in-code').length;
	await page.getByRole('button', { name: spanish('join_again_send') }).tap();
	await expect(page.getByRole('heading', { level: 1, name: spanish('join_again_code_title') })).toBeVisible();
	await expect(page.getByRole('status')).toHaveText(spanish('join_again_sent_sms', { minutes: 10 }));
	await expectAccessible(page);
	const code = await newSignInCode(ROSA_PHONE, before);
	expect(messagesTo(ROSA_PHONE, 'sign-in-code').at(-1)!.locale).toBe('es');
	// The code is on her phone, not on the page.
	expect(await page.content()).not.toContain(code);

	// A wrong code: said plainly, in Spanish; then the right one lets her in, back to her meeting.
	const field = page.getByLabel(spanish('join_again_code_label'));
	await field.fill(code === '000000' ? '111111' : '000000');
	await page.getByRole('button', { name: spanish('join_again_sign_in') }).tap();
	await expect(page.getByRole('alert')).toHaveText(spanish('join_again_bad_code'));
	await expect(field).toHaveAttribute('aria-invalid', 'true');
	await expectAccessible(page);
	await field.fill(code);
	await page.getByRole('button', { name: spanish('join_again_sign_in') }).tap();
	await expect(page).toHaveURL(new RegExp(`/meetings/${invitation.meetingId}$`));
	await expectNotesLiveIn(page, 'es');

	await rosa.context.close();
	await sam.context.close();
});

test('Grace, invited by email, signs out from her devices page and comes back by typing her email on the Join page; an unknown address gets the same answer', async ({ browser }) => {
	const sam = await personAt(browser, 'caseworker@demo.test');
	const invitation = await invite(sam.page, 'Grace Whitfield', { toMeeting: true, channel: 'email' });
	const grace = await joinByLink(browser, invitation, { options: phone });
	const page = grace.page;

	// Her devices page says how she comes back, next to "Sign out" for this device; it names her browser plainly.
	await page.getByRole('link', { name: english('nav_sessions') }).tap();
	await expect(page.getByRole('heading', { level: 2, name: english('family_sign_out_how_back') })).toBeVisible();
	await expect(page.getByText(english('family_sign_out_back_email'))).toBeVisible();
	// (The tests' browser says it is Chrome on Windows: Playwright's "Desktop Chrome".)
	await expect(page.getByText(english('sessions_device_windows', { browser: 'Chrome' }))).toBeVisible();
	await expect(page.getByText('Mozilla')).toHaveCount(0);
	await expectAccessible(page);
	await page.getByRole('button', { name: english('sign_out'), exact: true }).tap();
	await expect(page).toHaveURL(/\/join$/);

	// Someone types an address no invitation has: the same answer as for a real one, and nothing is sent.
	const other = await browser.newContext();
	const someone = await other.newPage();
	await someone.goto('/join');
	await someone.getByLabel(english('join_again_destination_label')).fill('nobody@example.test');
	await someone.getByRole('button', { name: english('join_again_send') }).click();
	await expect(someone.getByRole('status')).toHaveText(english('join_again_sent_typed', { minutes: 10 }));
	await other.close();

	const to = 'grace.whitfield@example.test';
	const before = messagesTo(to, 'sign-in-code').length;
	await page.getByLabel(english('join_again_destination_label')).fill('Grace.Whitfield@example.test');
	await page.getByRole('button', { name: english('join_again_send') }).tap();
	await expect(page.getByRole('status')).toHaveText(english('join_again_sent_typed', { minutes: 10 }));
	await expectAccessible(page);
	expect(messagesTo('nobody@example.test')).toEqual([]);
	await page.getByLabel(english('join_again_code_label')).fill(await newSignInCode(to, before));
	await page.getByRole('button', { name: english('join_again_sign_in') }).tap();
	await expect(page).toHaveURL(new RegExp(`/meetings/${invitation.meetingId}$`));

	await grace.context.close();
	await sam.context.close();
});

test('Lucia, given her invitation in person, is told to ask her caseworker for a new code', async ({ browser }) => {
	const sam = await personAt(browser, 'caseworker@demo.test');
	const invitation = await invite(sam.page, 'Lucia Ortiz', { toMeeting: true });
	const lucia = await joinByLink(browser, invitation);
	await lucia.page.getByRole('link', { name: english('sign_out'), exact: true }).click();
	await expect(lucia.page.getByText(english('family_sign_out_back_ask'))).toBeVisible();
	await lucia.page.getByRole('button', { name: english('sign_out'), exact: true }).click();
	await expect(lucia.page).toHaveURL(/\/join$/);
	await lucia.page.goto(invitation.link);
	await expect(lucia.page.getByText(english('join_again_ask'))).toBeVisible();
	await expect(lucia.page.getByRole('button', { name: english('join_again_send') })).toHaveCount(0);
	await lucia.context.close();
	await sam.context.close();
});
