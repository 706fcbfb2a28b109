import { expect, test, type Page } from '@playwright/test';
import { english, expectAccessible, invite, joinByLink, personAt, uniqueText } from './helpers';

// Issue 21, saved versions of the case plan, as a new team would try it: Lucia (the children's aunt, invited to
// the whole case) types in the plan on a 320 px phone and saves a named version; she types more; Sam (the
// caseworker, at a desk) opens the saved version, which reads as it was, and compares it with the plan now,
// with the keyboard: the added words are marked with <ins> and words a screen reader says, not by colour
// alone. (The demo's two parents are a keep-apart pair, who only read the shared plan: neither may save a
// version, tests/integration/plan-versions.test.ts; a relative invited to the whole case writes here.)

const PHONE = { viewport: { width: 320, height: 640 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

// The paragraphs under the second and third sections (strengths, worries), empty in the template: the
// family's vision (the first) is case-plan.spec.ts's, which runs beside this one on the same plan.
const strengths = (page: Page) => page.locator('.plan-editor > p').nth(1);
const worries = (page: Page) => page.locator('.plan-editor > p').nth(2);

async function expectSaved(page: Page): Promise<void> {
	await expect(page.getByTestId('plan-status')).toHaveText(english('case_plan_status_live'));
	await expect(page.getByTestId('plan-status')).toHaveAttribute('data-saved', 'true');
}

async function fitsPhone(page: Page): Promise<void> {
	expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
}

test('a relative saves a version from her phone; the caseworker opens it and compares it with the plan now', async ({ browser }) => {
	test.setTimeout(120_000);
	const sam = await personAt(browser, 'caseworker@demo.test');
	const lucia = await joinByLink(browser, await invite(sam.page, 'Lucia Ortiz'), { options: PHONE });
	await lucia.page.getByRole('link', { name: english('case_plan_family_link') }).tap();
	await expect(lucia.page).toHaveURL(/\/cases\/[a-z2-7]+\/plan$/);
	const planUrl = lucia.page.url();
	await expectSaved(lucia.page);

	// She types, and waits until the plan says it has all her changes.
	const before = uniqueText('Lucia: I pick the children up from school on Fridays');
	await strengths(lucia.page).tap();
	await lucia.page.keyboard.type(before);
	await expect(strengths(lucia.page)).toContainText(before);
	await expectSaved(lucia.page);

	// Saved versions → name it → save.
	await lucia.page.getByRole('link', { name: english('case_plan_versions_link') }).tap();
	await expect(lucia.page).toHaveURL(/\/plan\/versions$/);
	const name = uniqueText('Before the school meeting');
	await lucia.page.getByLabel(english('case_plan_versions_name_label')).fill(name);
	await lucia.page.getByRole('button', { name: english('case_plan_versions_save') }).tap();
	await expect(lucia.page.getByRole('status')).toHaveText(english('case_plan_versions_saved', { name }));
	await expect(lucia.page.getByTestId('plan-versions').getByRole('link', { name })).toBeVisible();
	await expect(lucia.page.getByTestId('plan-versions')).toContainText('Saved by Lucia Ortiz');
	await fitsPhone(lucia.page);
	await expectAccessible(lucia.page);

	// She goes on writing after the version was saved, under the next section. (End on a phone goes to the
	// end of the line on screen, not of the paragraph: another paragraph keeps her first words whole.)
	const after = uniqueText('Lucia: the children love their school');
	await lucia.page.goto(planUrl);
	await expectSaved(lucia.page);
	await worries(lucia.page).tap();
	await lucia.page.keyboard.type(after);
	await expect(worries(lucia.page)).toContainText(after);
	await expectSaved(lucia.page);

	// Sam opens the saved version: it reads as it was, read only, with no editor.
	await sam.page.goto(planUrl);
	await sam.page.getByRole('link', { name: english('case_plan_versions_link') }).click();
	await sam.page.getByTestId('plan-versions').getByRole('link', { name }).click();
	await expect(sam.page.getByRole('heading', { level: 1 })).toHaveText(english('case_plan_version_title', { name }));
	const version = sam.page.getByTestId('plan-version');
	await expect(version).toContainText(before);
	await expect(version).not.toContainText(after);
	await expect(version.locator('.plan-section h2').first()).toHaveText(english('case_plan_section_VISION'));
	await expect(sam.page.locator('[contenteditable]')).toHaveCount(0);
	await expectAccessible(sam.page);

	// He compares it with the plan now from the list, with the keyboard only.
	await sam.page.getByRole('link', { name: english('case_plan_versions_back_list') }).click();
	const from = sam.page.getByLabel(english('case_plan_versions_compare_from'));
	await from.focus();
	await from.selectOption({ label: name });
	await sam.page.getByLabel(english('case_plan_versions_compare_to')).selectOption({ label: english('case_plan_versions_current') });
	await sam.page.getByRole('button', { name: english('case_plan_versions_compare'), exact: true }).focus();
	await sam.page.keyboard.press('Enter');
	await expect(sam.page).toHaveURL(/\/plan\/compare\?from=[a-z2-7]+&to=current$/);
	const compared = sam.page.getByTestId('plan-compare');
	const added = compared.locator('ins').filter({ hasText: after.split(' ').at(-1)! });
	await expect(added.first()).toBeVisible();
	// Said in words too, for a screen reader (visually hidden): not by colour alone.
	await expect(added.first().locator('.visually-hidden')).toHaveText(`${english('case_plan_compare_added')} `);
	await expect(compared).toContainText(before);
	await expectAccessible(sam.page);

	// The compare works on her phone too.
	await lucia.page.goto(sam.page.url());
	await expect(lucia.page.getByTestId('plan-compare').locator('ins').first()).toBeVisible();
	await fitsPhone(lucia.page);
	await expectAccessible(lucia.page);

	for (const person of [sam, lucia]) await person.context.close();
});
