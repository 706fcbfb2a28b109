import { expect, test } from '@playwright/test';
import { english, expectAccessible, expectNotesLive, notesOf, openDemoMeeting, personAt, signIn, typeInNotes, uniqueText } from './helpers';

// Issue 2, the foundation: people who use a keyboard or a screen reader can do everything the others can.

test('keyboard only: the skip link comes first, then the language switch, and the sign-in form works without a mouse', async ({ page }) => {
	await page.goto('/sign-in');
	const focused = page.locator(':focus');

	await page.keyboard.press('Tab');
	await expect(page.getByRole('link', { name: english('skip_to_content') })).toBeFocused();
	await page.keyboard.press('Tab');
	await expect(page.getByRole('link', { name: 'Hearth', exact: true })).toBeFocused();
	await page.keyboard.press('Tab');
	await expect(page.getByRole('button', { name: 'English' })).toBeFocused();
	await page.keyboard.press('Tab');
	await expect(page.getByRole('button', { name: 'Español' })).toBeFocused();
	// First on the page, a family member's way back (they have no password), then the staff form.
	await page.keyboard.press('Tab');
	await expect(page.getByRole('link', { name: english('sign_in_family_button') })).toBeFocused();
	await page.keyboard.press('Tab');
	await expect(page.getByLabel(english('sign_in_email'))).toBeFocused();

	// Back to the top: the skip link jumps over the header, straight to the page's content.
	await page.goto('/sign-in');
	await page.keyboard.press('Tab');
	await page.keyboard.press('Enter');
	await expect(page.locator('main')).toBeFocused();
	await page.keyboard.press('Tab');
	await expect(page.getByRole('link', { name: english('sign_in_family_button') })).toBeFocused();
	await page.keyboard.press('Tab');
	await expect(page.getByLabel(english('sign_in_email'))).toBeFocused();
	await page.keyboard.type('caseworker@demo.test');
	await page.keyboard.press('Tab');
	await expect(page.getByLabel(english('sign_in_password'))).toBeFocused();
	await page.keyboard.type('hearth-demo');
	await page.keyboard.press('Tab');
	await expect(focused).toHaveText(english('sign_in_submit'));
	await page.keyboard.press('Enter');

	// (The browser carries the skip link's #main through the form post and redirect.)
	await expect(page).toHaveURL(/\/cases(#main)?$/);
	await expect(page.getByRole('heading', { level: 1, name: english('cases_title') })).toBeVisible();
});

test('axe finds no serious or critical issue on the sign-in, case list, case and meeting pages', async ({ page, browser }) => {
	test.slow(); // six pages through axe, one with two people live: ~21 s alone, up to 32 s on two busy cores
	await page.goto('/sign-in');
	await expectAccessible(page);

	// The same page with a problem shown (role=alert, aria-invalid fields).
	await page.getByRole('button', { name: english('sign_in_submit'), exact: true }).click();
	await expect(page.getByRole('alert')).toHaveText(english('sign_in_error_email_missing'));
	await expectAccessible(page);

	await signIn(page, 'facilitator@demo.test');
	await expectAccessible(page);

	await openDemoMeeting(page);
	await expectNotesLive(page);
	await expectAccessible(page);

	// With someone else typing: their caret and name label show in the notes, their name in "Here now".
	const sam = await personAt(browser, 'caseworker@demo.test');
	await openDemoMeeting(sam.page);
	const line = uniqueText('Sam is typing');
	await typeInNotes(sam.page, line);
	await expect(notesOf(page).editor).toContainText(line);
	await expect(page.locator('.collaboration-carets__label', { hasText: 'Sam Okafor' }).first()).toBeVisible();
	await expectAccessible(page);
	await sam.context.close();

	await page.getByRole('link', { name: english('back_to_case', { name: 'Rivera family' }) }).click();
	await expect(page.getByRole('heading', { level: 1, name: 'Rivera family' })).toBeVisible();
	await expectAccessible(page);
});
