import { expect, test } from '@playwright/test';
import { english, expectAccessible, fillInviteForm, joinByLink, laterDay, openDemoCase, openInviteForm, personAt, planLinks, plannedMeetingId, spanish, uniqueText } from './helpers';

// Issue 20, family feedback (domain.md §7): after a meeting is closed, a grandmother on a 320 px phone in
// Spanish finds the survey on her page, answers it with the keyboard and sends it; the link is gone after.
// The supervisor sees that there are not yet enough answers to show any. The spec plans and closes a
// meeting of its own: other specs share the demo meeting, which must stay open.


test('a family member answers the survey after the meeting on a phone, in Spanish, with the keyboard; the supervisor sees no answer while there are fewer than five', async ({ browser }) => {
	const sam = await personAt(browser, 'caseworker@demo.test');
	const page = sam.page;
	const { caseId } = await openDemoCase(page);
	const before = await planLinks(page);
	await page.getByRole('link', { name: english('plan_meeting_link') }).click();
	await page.getByRole('radio', { name: english('meeting_kind_ftdm') }).check();
	await page.getByLabel(english('plan_meeting_type')).selectOption('PERMANENCY_PLANNING');
	await page.getByLabel(english('plan_meeting_date')).fill(laterDay(45));
	await page.getByLabel(english('plan_meeting_time')).fill('15:00');
	await page.getByLabel(english('plan_meeting_length')).fill('60');
	const place = uniqueText('Family Services office, Room 6');
	await page.getByLabel(english('plan_meeting_place')).fill(place);
	await page.getByLabel(english('plan_meeting_facilitator')).selectOption({ label: `Dana Reyes (${english('role_facilitator')})` });
	await page.getByRole('checkbox', { name: /Rosa Rivera/ }).check();
	await page.getByRole('button', { name: english('plan_meeting_create') }).click();
	await expect(page.getByTestId('meeting-notice')).toContainText(english('plan_meeting_planned'));
	const meetingId = await plannedMeetingId(page, before, place);

	await openInviteForm(page, 'Rosa Rivera');
	const invitation = await fillInviteForm(page, { caseId, meetingId, person: 'Rosa Rivera', toMeeting: true, locale: 'es', requireCode: false });
	const rosa = await joinByLink(browser, invitation, { locale: 'es', options: { viewport: { width: 320, height: 640 }, isMobile: true, hasTouch: true } });

	// Before the meeting is held there is nothing to answer.
	await rosa.page.goto('/family');
	await expect(rosa.page.getByRole('heading', { name: spanish('feedback_home_heading') })).toHaveCount(0);
	await rosa.page.goto(`/meetings/${meetingId}/feedback`);
	await expect(rosa.page.getByTestId('feedback-not-yet')).toHaveText(spanish('feedback_not_yet'));

	// The facilitator closes it.
	const dana = await personAt(browser, 'facilitator@demo.test');
	await dana.page.goto(`/meetings/${meetingId}/close`);
	await dana.page.getByLabel(english('close_confirm')).check();
	await dana.page.getByRole('button', { name: english('close_submit') }).click();
	await expect(dana.page).toHaveURL(new RegExp(`/meetings/${meetingId}/summary$`));
	// The facilitator is offered no survey, and cannot open it.
	await expect(dana.page.getByTestId('summary-feedback')).toHaveCount(0);

	// Rosa finds the survey on her page.
	await rosa.page.goto('/family');
	await expect(rosa.page.getByRole('heading', { name: spanish('feedback_home_heading') })).toBeVisible();
	await rosa.page.getByTestId('family-feedback').getByRole('link').click();
	await expect(rosa.page).toHaveURL(new RegExp(`/meetings/${meetingId}/feedback$`));
	await expect(rosa.page.getByRole('heading', { level: 1, name: spanish('feedback_title') })).toBeVisible();
	await expectAccessible(rosa.page);
	expect(await rosa.page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);

	// With the keyboard: the first statement's group, its first choice, then an arrow key moves the choice.
	const first = rosa.page.getByRole('group', { name: `1. ${spanish('feedback_item_purpose')}` });
	await first.getByRole('radio', { name: spanish('feedback_scale_5'), exact: true }).focus();
	await rosa.page.keyboard.press('Space');
	await expect(first.getByRole('radio', { name: spanish('feedback_scale_5'), exact: true })).toBeChecked();
	await rosa.page.keyboard.press('ArrowRight');
	await expect(first.getByRole('radio', { name: spanish('feedback_scale_4'), exact: true })).toBeChecked();
	await rosa.page.getByRole('group', { name: `4. ${spanish('feedback_item_respect')}` }).getByRole('radio', { name: spanish('feedback_scale_5'), exact: true }).check();
	await rosa.page.getByRole('group', { name: `8. ${spanish('feedback_item_safe')}` }).getByRole('radio', { name: spanish('feedback_scale_skip'), exact: true }).check();
	await rosa.page.getByLabel(spanish('feedback_comment_label')).fill('Me sentí escuchada.');
	await rosa.page.getByRole('button', { name: spanish('feedback_send') }).click();
	await expect(rosa.page.getByTestId('feedback-thanks')).toHaveText(spanish('feedback_thanks'));

	// Answered once: the page says so, and the link has gone from her page.
	await rosa.page.goto(`/meetings/${meetingId}/feedback`);
	await expect(rosa.page.getByTestId('feedback-answered')).toHaveText(spanish('feedback_answered'));
	await rosa.page.goto('/family');
	await expect(rosa.page.getByRole('heading', { name: spanish('feedback_home_heading') })).toHaveCount(0);

	// The supervisor: one answer is not enough to show anything.
	const lee = await personAt(browser, 'supervisor@demo.test');
	await lee.page.goto('/cases');
	await lee.page.getByRole('link', { name: english('feedback_report_link') }).click();
	await expect(lee.page.getByRole('heading', { level: 1, name: english('feedback_report_title') })).toBeVisible();
	await expect(lee.page.getByTestId('feedback-not-enough').first()).toHaveText(english('feedback_report_not_enough'));
	await expect(lee.page.getByText('Me sentí escuchada.')).toHaveCount(0);
	await expectAccessible(lee.page);
	// The facilitator may not open it.
	const refused = await dana.page.goto('/feedback');
	expect(refused?.status()).toBe(403);

	for (const p of [sam, rosa, dana, lee]) await p.context.close();
});
