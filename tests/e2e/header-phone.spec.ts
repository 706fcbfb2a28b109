import { devices, expect, test, type Page } from '@playwright/test';
import { english, expectAccessible, expectNotesLiveIn, invite, joinByLink, networkSwitch, notesOf, openDemoMeeting, personAt, spanish } from './helpers';

// Issue 17.12: the signed-in header took a quarter of a phone screen (four rows, ~190 px at 390 px wide).
// On a phone it is two rows now, in English and in Spanish, and nothing in it is lost: the skip link, the
// language switch, the links, who is signed in (for screen readers) and the sign-out button.

async function headerHeight(page: Page): Promise<number> {
	return page.locator('header').evaluate((el) => Math.round(el.getBoundingClientRect().height));
}

for (const { who, locale, width } of [
	{ who: 'caseworker@demo.test', locale: 'en', width: 390 },
	{ who: 'supervisor@demo.test', locale: 'es', width: 390 },
	{ who: 'caseworker@demo.test', locale: 'es', width: 320 }
] as const) {
	test(`on a ${width} px phone in ${locale === 'en' ? 'English' : 'Spanish'}, the signed-in header (${who.split('@')[0]}) takes two rows at most and keeps every control`, async ({ browser }) => {
		const { page, context } = await personAt(browser, who, {
			viewport: { width, height: 740 },
			isMobile: true,
			hasTouch: true,
			locale: locale === 'es' ? 'es-MX' : 'en-US',
			extraHTTPHeaders: { 'accept-language': locale === 'es' ? 'es-MX' : 'en-US' }
		});
		await openDemoMeeting(page);
		const say = locale === 'es' ? spanish : english;
		const header = page.locator('header');
		expect(await headerHeight(page)).toBeLessThanOrEqual(100);
		await expect(header.getByRole('button', { name: say('sign_out') })).toBeVisible();
		await expect(header.getByRole('button', { name: 'Español' })).toBeVisible();
		await expect(header.getByRole('link', { name: say('nav_sessions') })).toBeVisible();
		await expect(header.getByText(/Sam Okafor|Lee Chen/)).toBeAttached();
		await expectWithinPhone(page, width, say('sign_out'));
		await context.close();
	});
}

/**
 * Nothing of the page runs past the phone's own width. Not `window.innerWidth`: on a mobile viewport the
 * browser widens its layout to whatever overflows, so that compared a too-wide page with itself (a family
 * member's "Cerrar sesión" ran 13 px off a 320 px screen while it passed).
 */
async function expectWithinPhone(page: Page, width: number, signOut: string): Promise<void> {
	expect(await page.evaluate(() => document.scrollingElement!.scrollWidth)).toBeLessThanOrEqual(width);
	const box = (await page.locator('header').getByText(signOut, { exact: true }).boundingBox())!;
	expect(box.x + box.width).toBeLessThanOrEqual(width);
}

test('on a 320 px phone in Spanish, a family member’s header keeps sign-out on the screen', async ({ browser }) => {
	const staff = await personAt(browser, 'caseworker@demo.test');
	const invitation = await invite(staff.page, 'Grace Whitfield', { locale: 'es' });
	const { context, page } = await joinByLink(browser, invitation, { locale: 'es', options: { viewport: { width: 320, height: 640 }, isMobile: true, hasTouch: true, locale: 'es-MX', extraHTTPHeaders: { 'accept-language': 'es-MX' } } });
	await page.goto('/family');
	expect(await headerHeight(page)).toBeLessThanOrEqual(100);
	await expect(page.locator('header').getByRole('link', { name: spanish('sign_out') })).toBeVisible();
	await expect(page.locator('header').getByRole('button', { name: 'English' })).toBeVisible();
	await expectWithinPhone(page, 320, spanish('sign_out'));
	await context.close();
	await staff.context.close();
});

test('axe on the meeting page on a phone, in Spanish: live, and offline with the warning in view', async ({ browser }) => {
	const { viewport, deviceScaleFactor, isMobile, hasTouch } = devices['iPhone 13'];
	const { page, context } = await personAt(browser, 'caseworker@demo.test', {
		viewport,
		deviceScaleFactor,
		isMobile,
		hasTouch,
		locale: 'es-MX',
		extraHTTPHeaders: { 'accept-language': 'es-MX' }
	});
	const network = await networkSwitch(page);
	await openDemoMeeting(page);
	await expectNotesLiveIn(page, 'es');
	await expectAccessible(page);
	// Writing at the end of the notes, the connection drops: the warning is on screen where they type.
	const { status, editor } = notesOf(page);
	await editor.tap();
	await page.keyboard.press('ControlOrMeta+End');
	network.offline(true);
	await expect(status).toHaveText(spanish('notes_status_offline'));
	await expect(status).toBeInViewport();
	await expectAccessible(page);
	await context.close();
});
