import { expect, test } from '@playwright/test';
import { english, expectAccessible, fillInviteForm, joinByLink, laterDay, openDemoCase, openInviteForm, personAt, planLinks, plannedMeetingId, spanish, uniqueText } from './helpers';

// Issue 22, propose and choose: the caseworker plans a meeting with Daniel, sends him two of the ranked
// times; Daniel, on a 320 px phone in Spanish, answers each from his own page (a missing answer keeps what
// he chose); the caseworker sees his answer and that everyone has answered, is asked why when she confirms
// the time he said no to, gives the reason, and the meeting moves; Daniel's page then says the time is
// chosen. The meeting is a new one, so that other specs' demo meeting keeps its time.

test('the worker proposes times, a parent answers on a phone in Spanish, the worker sees it and confirms one', async ({ browser }) => {
	const sam = await personAt(browser, 'caseworker@demo.test');
	const page = sam.page;
	const { caseId } = await openDemoCase(page);
	const before = await planLinks(page);

	// A meeting with Daniel, facilitated by Dana.
	await page.getByRole('link', { name: english('plan_meeting_link') }).click();
	await page.getByRole('radio', { name: english('meeting_kind_ftdm') }).check();
	await page.getByLabel(english('plan_meeting_type')).selectOption('EXIT_REUNIFICATION');
	await page.getByLabel(english('plan_meeting_date')).fill(laterDay(45));
	await page.getByLabel(english('plan_meeting_time')).fill('10:00');
	await page.getByLabel(english('plan_meeting_length')).fill('60');
	const place = uniqueText('Family Services office, Room 5');
	await page.getByLabel(english('plan_meeting_place')).fill(place);
	await page.getByLabel(english('plan_meeting_facilitator')).selectOption({ label: `Dana Reyes (${english('role_facilitator')})` });
	await page.getByRole('checkbox', { name: /Daniel Ortiz/ }).check();
	await page.getByLabel(english('plan_meeting_mode_named', { name: 'Daniel Ortiz' })).selectOption('IN_PERSON');
	await page.getByRole('button', { name: english('plan_meeting_create') }).click();
	await expect(page).toHaveURL(new RegExp(`/cases/${caseId}\\?meeting=planned`));
	const meetingId = await plannedMeetingId(page, before, place);

	// Daniel is invited to it, in Spanish.
	await openInviteForm(page, 'Daniel Ortiz');
	const invitation = await fillInviteForm(page, { caseId, meetingId, person: 'Daniel Ortiz', toMeeting: true, locale: 'es', requireCode: false });

	// Sam ticks the first two ranked times and sends them.
	await page.goto(`/cases/${caseId}/meetings/${meetingId}/times`);
	await expect(page.getByText(english('proposal_none'))).toBeVisible();
	const picks = page.getByRole('group', { name: english('times_ranked') }).getByRole('checkbox');
	await picks.nth(0).check();
	await picks.nth(1).check();
	await page.getByRole('button', { name: english('proposal_send') }).click();
	await expect(page.getByRole('status').filter({ hasText: english('proposal_sent') })).toBeVisible();
	await expect(page.getByTestId('not-answered')).toContainText('Daniel Ortiz');

	// Daniel, on his phone, in Spanish.
	const daniel = await joinByLink(browser, invitation, { locale: 'es', options: { viewport: { width: 320, height: 640 }, isMobile: true, hasTouch: true, locale: 'es-MX' } });
	const phone = daniel.page;
	await phone.goto('/family');
	await phone.getByRole('link', { name: spanish('family_times_link') }).click();
	await expect(phone.getByRole('heading', { level: 1, name: spanish('family_times_title') })).toBeVisible();
	await expect(phone.getByTestId('zone')).toHaveText(spanish('family_times_zone', { zone: 'America/Chicago' }));
	const times = phone.locator('fieldset.option');
	await expect(times).toHaveCount(2);
	await times.nth(0).getByRole('radio', { name: spanish('family_times_yes'), exact: true }).check();
	await times.nth(0).getByLabel(spanish('family_times_join_label')).selectOption('IN_PERSON');
	// He forgets the second time: asked again, his first answer kept.
	await phone.getByRole('button', { name: spanish('family_times_save') }).click();
	await expect(phone.getByRole('alert')).toHaveText(spanish('family_times_problem'));
	await expect(times.nth(0).getByRole('radio', { name: spanish('family_times_yes'), exact: true })).toBeChecked();
	await expectAccessible(phone);
	await times.nth(1).getByRole('radio', { name: spanish('family_times_no'), exact: true }).check();
	await phone.getByRole('button', { name: spanish('family_times_save') }).click();
	await expect(phone.getByRole('status').filter({ hasText: spanish('family_times_saved') })).toBeVisible();
	expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
	await expectAccessible(phone);

	// Sam sees his answers and that everyone has answered.
	await page.reload();
	const options = page.getByTestId('proposal-options').locator(':scope > li');
	await expect(options.nth(0)).toContainText(english('proposal_answer_line', { name: 'Daniel Ortiz', answer: english('family_times_yes'), mode: english('availability_join_in_person') }));
	await expect(options.nth(1)).toContainText(`Daniel Ortiz: ${english('family_times_no')}`);
	await expect(page.getByTestId('everyone-answered')).toHaveText(english('proposal_everyone'));

	// Confirming the time he said no to asks why, and keeps the form.
	await options.nth(1).getByRole('button', { name: english('proposal_confirm') }).click();
	const second = page.getByTestId('proposal-options').locator(':scope > li').nth(1);
	await expect(second.getByRole('alert')).toHaveText(english('proposal_override_needed', { names: 'Daniel Ortiz' }));
	await second.getByLabel(english('proposal_reason_label')).fill('The only day the interpreter can come');
	await second.getByRole('button', { name: english('proposal_confirm') }).click();
	await expect(page.getByRole('status').filter({ hasText: english('proposal_confirmed') })).toBeVisible();
	await expect(page.getByText(english('proposal_override_shown', { reason: 'The only day the interpreter can come' }))).toBeVisible();

	// Daniel's page says the time is chosen.
	await phone.reload();
	await expect(phone.getByRole('status').filter({ hasText: /Su trabajador social eligió un horario/ })).toBeVisible();
	await expectAccessible(phone);

	for (const c of [sam.context, daniel.context]) await c.close();
});
