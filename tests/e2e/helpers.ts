import { expect, type Browser, type BrowserContext, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';

export const PASSWORD = 'hearth-demo';

export async function signIn(page: Page, email: string, password = PASSWORD): Promise<void> {
	await page.goto('/sign-in');
	await page.locator('#email').fill(email);
	await page.locator('#password').fill(password);
	await page.locator('form.card button[type=submit]').click();
	await expect(page).toHaveURL(/\/cases/);
}

/** A new browser context (a separate person, with their own cookies) signed in as `email`. */
export async function personAt(browser: Browser, email: string, options: Parameters<Browser['newContext']>[0] = {}): Promise<{ context: BrowserContext; page: Page }> {
	const context = await browser.newContext(options);
	const page = await context.newPage();
	await signIn(page, email);
	return { context, page };
}

/** Opens the demo case's first meeting from the case list, as a person would. */
export async function openDemoMeeting(page: Page): Promise<void> {
	await page.goto('/cases');
	await page.getByRole('link', { name: 'Rivera family' }).click();
	await page.locator('a[href^="/meetings/"]').first().click();
	await expect(page).toHaveURL(/\/meetings\//);
}

/** axe finds no serious or critical issue on the page. */
export async function expectAccessible(page: Page): Promise<void> {
	const results = await new AxeBuilder({ page }).analyze();
	const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
	expect(serious.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`)).toEqual([]);
}
