import { devices, expect, test } from '@playwright/test';
import { english, expectAccessible, invite, joinByLink, personAt, spanish } from './helpers';

// Issue 22, giving availability: Ana, on a phone in Spanish, says from her own page when she can meet and
// how she takes part; a mistake keeps what she chose; her worker then reads it on her person page; Daniel,
// kept apart from her, opens only his own form and finds nothing of hers in it.

const phone = (({ viewport, deviceScaleFactor, isMobile, hasTouch }) => ({ viewport, deviceScaleFactor, isMobile, hasTouch }))(devices['iPhone 13']);
const PLACE = 'Biblioteca del Este';

test('Ana gives her availability on a phone in Spanish; her worker reads it; Daniel never sees it', async ({ browser }) => {
	const sam = await personAt(browser, 'caseworker@demo.test');
	const invitation = await invite(sam.page, 'Ana Rivera', { locale: 'es' });
	const ana = await joinByLink(browser, invitation, { locale: 'es', options: { ...phone, locale: 'es-MX' } });
	await ana.page.goto('/family');
	await ana.page.getByRole('link', { name: spanish('availability_link') }).click();
	await expect(ana.page.getByRole('heading', { level: 1, name: spanish('availability_title') })).toBeVisible();

	await ana.page.getByLabel(spanish('availability_zone')).selectOption('America/Los_Angeles');
	// Tuesday's lunch works best, Thursday evening if she has to, Monday early she can't.
	const day = (name: RegExp) => ana.page.getByRole('group', { name });
	await day(/martes/i).getByLabel(spanish('availability_period_lunch')).selectOption({ label: spanish('availability_mark_best') });
	await day(/jueves/i).getByLabel(spanish('availability_period_evening')).selectOption({ label: spanish('availability_mark_if_need_be') });
	await day(/lunes/i).getByLabel(spanish('availability_period_early')).selectOption({ label: spanish('availability_mark_cant') });
	// A day she works late, with the end typed before the start by mistake.
	const change = ana.page.getByRole('group', { name: spanish('availability_date_legend', { number: 1 }) });
	await change.getByLabel(spanish('availability_date'), { exact: true }).fill('2027-01-13');
	await change.getByLabel(spanish('availability_from')).fill('17:00');
	await change.getByLabel(spanish('availability_to')).fill('16:00');
	await change.getByLabel(spanish('availability_date_mark')).selectOption({ label: spanish('availability_mark_cant') });
	await ana.page.getByLabel(spanish('availability_join_phone')).check();
	await ana.page.getByLabel(spanish('availability_join_in_person')).check();
	await ana.page.getByLabel(spanish('availability_place_community')).check();
	await ana.page.getByLabel(spanish('availability_place_name')).fill(PLACE);
	await ana.page.getByLabel(spanish('availability_need_child_care')).check();
	await ana.page.getByRole('button', { name: spanish('availability_save') }).click();

	// Nothing saved, everything she chose still there, the change named.
	await expect(ana.page.getByRole('alert')).toHaveText(spanish('availability_problem'));
	await expect(ana.page.getByText(spanish('availability_date_problem'))).toBeVisible();
	await expect(ana.page.getByLabel(spanish('availability_place_name'))).toHaveValue(PLACE);
	await expect(day(/martes/i).getByLabel(spanish('availability_period_lunch'))).toHaveValue('BEST');
	await expect(ana.page.getByLabel(spanish('availability_zone'))).toHaveValue('America/Los_Angeles');
	await expectAccessible(ana.page);

	await change.getByLabel(spanish('availability_to')).fill('19:00');
	await ana.page.getByRole('button', { name: spanish('availability_save') }).click();
	await expect(ana.page.getByRole('status').filter({ hasText: spanish('availability_saved') })).toBeVisible();
	// The page fits her phone: nothing runs off its side.
	expect(await ana.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(phone.viewport.width);
	await expectAccessible(ana.page);

	// Her worker reads it on her person page, in the worker's language.
	await sam.page.goto(`/cases/${invitation.caseId}`);
	await sam.page.getByRole('link', { name: english('person_edit_named', { name: 'Ana Rivera' }) }).click();
	await sam.page.getByRole('link', { name: english('availability_link_staff', { name: 'Ana' }) }).click();
	await expect(sam.page.getByRole('heading', { level: 1, name: english('availability_title_for', { name: 'Ana' }) })).toBeVisible();
	await expect(sam.page.getByLabel(english('availability_place_name'))).toHaveValue(PLACE);
	await expect(sam.page.getByRole('group', { name: /tuesday/i }).getByLabel(english('availability_period_lunch'))).toHaveValue('BEST');

	// Daniel, kept apart from her, has his own form, empty, and nothing of hers.
	const danielInvite = await invite(sam.page, 'Daniel Ortiz');
	const daniel = await joinByLink(browser, danielInvite);
	await daniel.page.goto('/family/availability');
	await expect(daniel.page.getByRole('heading', { level: 1, name: english('availability_title') })).toBeVisible();
	await expect(daniel.page.getByLabel(english('availability_place_name'))).toHaveValue('');
	expect(await daniel.page.content()).not.toContain(PLACE);
	expect(await daniel.page.content()).not.toContain('2027-01-13');

	for (const c of [sam.context, ana.context, daniel.context]) await c.close();
});
