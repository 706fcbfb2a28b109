import { devices, expect, test } from '@playwright/test';
import { english, expectAccessible, fillInviteForm, invite, joinByLink, openDemoCase, openInviteForm, personAt, spanish } from './helpers';

// Issue 3, family access: axe finds no serious or critical issue on the pages families and caseworkers
// use for it, in both languages and in the states people meet (a wrong code, a dead link, a made link).
// Each test makes its own invitations on the one shared server.

// axe takes one to three seconds a page on the two shared cores, and each test checks four or five pages.
test.describe.configure({ timeout: 60_000 });

const phone = (({ viewport, deviceScaleFactor, isMobile, hasTouch }) => ({ viewport, deviceScaleFactor, isMobile, hasTouch }))(devices['iPhone 13']);

test('the invite form, blank and with the invitation it made, and the safety page', async ({ browser }) => {
	const sam = await personAt(browser, 'caseworker@demo.test');
	const ids = await openInviteForm(sam.page, 'Rosa Rivera');
	await expectAccessible(sam.page);

	await fillInviteForm(sam.page, { ...ids, person: 'Rosa Rivera', toMeeting: true, locale: 'es', requireCode: true });
	await expect(sam.page.getByTestId('invite-verify-code')).toBeVisible();
	await expectAccessible(sam.page);

	await sam.page.goto(`/cases/${ids.caseId}/safety`);
	await expect(sam.page.getByRole('heading', { level: 1, name: english('safety_title') })).toBeVisible();
	await expectAccessible(sam.page);

	// The case page with its list of invitations (and their "Turn off" buttons).
	await openDemoCase(sam.page);
	await expect(sam.page.getByRole('heading', { level: 2, name: english('case_invites') })).toBeVisible();
	await expectAccessible(sam.page);

	await sam.context.close();
});

test('the invite landing in Spanish on a phone (also after a wrong code), her home page and her devices', async ({ browser }) => {
	const sam = await personAt(browser, 'caseworker@demo.test');
	const invitation = await invite(sam.page, 'Ana Rivera', { locale: 'es', requireCode: true });

	const context = await browser.newContext({ ...phone, locale: 'en-US' });
	const page = await context.newPage();
	await page.goto(invitation.link);
	await expect(page.locator('html')).toHaveAttribute('lang', 'es');
	await expect(page.getByLabel(spanish('invite_code_label'))).toBeVisible();
	await expectAccessible(page);

	await page.getByLabel(spanish('invite_code_label')).fill(invitation.verifyCode === '000000' ? '111111' : '000000');
	await page.getByRole('button', { name: spanish('invite_accept'), exact: true }).tap();
	await expect(page.getByRole('alert')).toHaveText(spanish('invite_problem_bad_code'));
	await expectAccessible(page);

	await page.getByLabel(spanish('invite_code_label')).fill(invitation.verifyCode!);
	await page.getByRole('button', { name: spanish('invite_accept'), exact: true }).tap();
	await expect(page).toHaveURL(/\/family$/);
	await expect(page.getByRole('heading', { level: 1, name: spanish('family_welcome', { name: 'Ana' }) })).toBeVisible();
	await expectAccessible(page);

	await page.getByRole('link', { name: spanish('nav_sessions') }).tap();
	await expect(page.getByRole('heading', { level: 1, name: spanish('sessions_title') })).toBeVisible();
	await expectAccessible(page);

	await context.close();
	await sam.context.close();
});

test('the invite landing in English, and a dead link', async ({ browser }) => {
	const sam = await personAt(browser, 'caseworker@demo.test');
	const invitation = await invite(sam.page, 'Tom Baker', { toMeeting: true, requireCode: true });
	const used = await invite(sam.page, 'Grace Whitfield', { toMeeting: true });
	await (await joinByLink(browser, used)).context.close();

	const context = await browser.newContext();
	const page = await context.newPage();
	await page.goto(invitation.link);
	await expect(page.locator('html')).toHaveAttribute('lang', 'en');
	await expect(page.getByRole('heading', { level: 1, name: english('invite_heading', { name: 'Tom' }) })).toBeVisible();
	await expectAccessible(page);

	await page.goto(used.link);
	await expect(page.getByText(english('invite_dead_used'))).toBeVisible();
	await expectAccessible(page);

	await context.close();
	await sam.context.close();
});

test('the Join page with and without a problem, the landing it leads to, and a caseworker’s devices page', async ({ browser }) => {
	const sam = await personAt(browser, 'caseworker@demo.test');
	const invitation = await invite(sam.page, 'Tom Baker', { toMeeting: true, requireCode: true });

	const context = await browser.newContext();
	const page = await context.newPage();
	await page.goto('/join');
	await expect(page.getByRole('heading', { level: 1, name: english('join_title') })).toBeVisible();
	await expectAccessible(page);

	await page.getByLabel(english('join_code_label')).fill('ZZZZZ-ZZZZZ');
	await page.getByRole('button', { name: english('join_continue') }).click();
	await expect(page.getByRole('alert')).toHaveText(english('join_problem_unknown'));
	await expectAccessible(page);

	// The landing reached with a code read over the phone.
	await page.getByLabel(english('join_code_label')).fill(invitation.shortCode);
	await page.getByRole('button', { name: english('join_continue') }).click();
	await expect(page.getByRole('heading', { level: 1, name: english('invite_heading', { name: 'Tom' }) })).toBeVisible();
	await expectAccessible(page);

	// The caseworker's own devices page.
	await sam.page.goto('/sessions');
	await expect(sam.page.getByRole('heading', { level: 1, name: english('sessions_title') })).toBeVisible();
	await expectAccessible(sam.page);

	await context.close();
	await sam.context.close();
});
