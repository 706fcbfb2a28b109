import { expect, test } from '@playwright/test';
import { english, expectAccessible, personAt, uniqueText } from './helpers';

// Issue 23, first part: a caseworker opens a case from her case list, with a facilitator, and adds the
// family's first person; a mistake keeps what she typed. The facilitator then has the case too.

test('a caseworker opens a case and adds its first person; the facilitator she named has it too', async ({ browser }) => {
	const sam = await personAt(browser, 'caseworker@demo.test');
	const page = sam.page;
	await page.goto('/cases');
	await page.getByRole('link', { name: english('case_open_link') }).click();
	await expect(page.getByRole('heading', { level: 1, name: english('case_open_title') })).toBeVisible();
	await expectAccessible(page);
	const name = uniqueText('Testfamily Moreau');
	// She forgets the name: told so, the date she gave is kept.
	await page.getByLabel(english('case_open_removal')).fill('2026-11-18');
	await page.getByLabel(english('case_open_facilitator')).selectOption({ label: 'Dana Reyes' });
	await page.getByRole('button', { name: english('case_open_submit') }).click();
	await expect(page.getByRole('alert')).toHaveText(english('case_open_problem'));
	await expect(page.getByLabel(english('case_open_removal'))).toHaveValue('2026-11-18');
	await expect(page.getByLabel(english('case_open_name'))).toHaveAttribute('aria-invalid', 'true');
	await expectAccessible(page);
	await page.getByLabel(english('case_open_name')).fill(name);
	await page.getByRole('button', { name: english('case_open_submit') }).click();
	await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
	await expect(page.getByRole('status').filter({ hasText: english('case_opened') })).toBeVisible();

	// The family's first person.
	await page.getByRole('link', { name: english('person_add_link') }).click();
	await page.getByLabel(english('person_add_role')).selectOption('PARENT');
	await page.getByLabel(english('person_add_given')).fill('Élise');
	await page.getByLabel(english('person_add_family')).fill('Moreau');
	await page.getByLabel(english('person_add_locale')).selectOption('es');
	await expectAccessible(page);
	await page.getByRole('button', { name: english('person_add_submit') }).click();
	await expect(page.getByRole('status').filter({ hasText: english('person_added', { name: 'Élise Moreau' }) })).toBeVisible();
	await page.getByRole('link', { name: english('back_to_case', { name }) }).click();
	await expect(page.getByRole('table').getByText('Élise Moreau')).toBeVisible();

	// Dana, named as its facilitator, finds it in her own list.
	const dana = await personAt(browser, 'facilitator@demo.test');
	await dana.page.goto('/cases');
	await expect(dana.page.getByRole('link', { name })).toBeVisible();
	// She does not open cases herself.
	await expect(dana.page.getByRole('link', { name: english('case_open_link') })).toHaveCount(0);
	for (const p of [sam, dana]) await p.context.close();
});
