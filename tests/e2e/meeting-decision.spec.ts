import { devices, expect, test } from '@playwright/test';
import { english, expectAccessible, invite, joinByLink, openDemoMeeting, personAt, spanish } from './helpers';

// Issue 20, the meeting room's decision: the facilitator records it from the meeting page (the team did
// not agree: the agency's decision, who made it and why, the father's disagreement in his words); what she
// left out is explained without losing what she typed; a parent reading in Spanish on a phone sees it at once.

const phone = (({ viewport, deviceScaleFactor, isMobile, hasTouch }) => ({ viewport, deviceScaleFactor, isMobile, hasTouch }))(devices['iPhone 13']);

test('the facilitator records the agency’s decision; what is missing is explained and kept; a parent sees it at once in Spanish', async ({ browser }) => {
	const sam = await personAt(browser, 'caseworker@demo.test');
	const rosaInvite = await invite(sam.page, 'Rosa Rivera', { toMeeting: true, locale: 'es' });
	const dana = await personAt(browser, 'facilitator@demo.test');
	await openDemoMeeting(dana.page);
	const grandmother = await joinByLink(browser, rosaInvite, { locale: 'es', options: phone });
	await grandmother.page.goto(dana.page.url());
	await expect(grandmother.page.getByRole('heading', { name: spanish('decision_heading') })).toBeVisible();

	const form = dana.page.getByRole('group', { name: english('decision_form_heading') });
	for (const child of ['Mateo Rivera', 'Sofia Rivera']) {
		await form.getByLabel(english('decision_for_child', { name: child })).selectOption({ label: english('decision_rec_MAINTAIN_PRESENT') });
	}
	await form.getByLabel(english('decision_form_no')).check();
	const words = 'Daniel: I want them to come home to me now.';
	// Whose words are read by whom: everyone who may see the meeting, in every part (never the mother's words
	// for the father to read unless she agreed: domain.md §6).
	await expect(form.getByLabel(english('decision_form_dissent'))).toHaveAccessibleDescription(english('decision_form_dissent_hint'));
	await form.getByLabel(english('decision_form_dissent')).fill(words);
	// No decision-maker, no reason: explained, and what she typed is still there.
	await form.getByRole('button', { name: english('decision_form_save') }).click();
	await expect(dana.page.getByRole('alert').filter({ hasText: english('decision_problem_decision_maker') })).toBeVisible();
	await expect(form.getByLabel(english('decision_form_dissent'))).toHaveValue(words);

	await form.getByLabel(english('decision_form_maker')).selectOption({ label: 'Lee Chen' });
	await form.getByLabel(english('decision_form_reason')).fill('The children are settled at school; a move now would disrupt them.');
	await form.getByRole('button', { name: english('decision_form_save') }).click();
	await expect(dana.page.getByText(english('decision_form_saved'))).toBeVisible();

	// Rosa's phone shows it within a second, in Spanish, with Daniel's own words.
	const section = grandmother.page.getByRole('region', { name: spanish('decision_heading') });
	await expect(section.getByText(spanish('decision_agency', { name: 'Lee Chen' }))).toBeVisible({ timeout: 1000 });
	await expect(section).toContainText(spanish('decision_rec_MAINTAIN_PRESENT'));
	await expect(section).toContainText(words);

	await expectAccessible(grandmother.page);
	await expectAccessible(dana.page);
	expect(await grandmother.page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
	for (const p of [sam, dana, grandmother]) await p.context.close();
});
