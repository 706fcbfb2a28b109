import { expect, test } from '@playwright/test';
import { english, expectAccessible, fillInviteForm, joinByLink, laterDay, openDemoCase, openInviteForm, personAt, planLinks, plannedMeetingId, uniqueText } from './helpers';

// Issue 20, first part: a caseworker plans a meeting from the case page, picks the people and how each
// joins, sees the facilitator warning when she picks herself, saves; a parent invited to that meeting sees
// it on their page; she cancels it and everyone sees "Cancelled". The new meeting is dated well after the
// demo meeting, which other specs open as the case's first.



test('a caseworker plans a meeting with people and how they join, is warned about facilitating herself, a parent invited sees it, and cancelling shows everywhere', async ({ browser }) => {
	const sam = await personAt(browser, 'caseworker@demo.test');
	const page = sam.page;
	const { caseId } = await openDemoCase(page);
	const before = await planLinks(page);

	await page.getByRole('link', { name: english('plan_meeting_link') }).click();
	await expect(page.getByRole('heading', { level: 1, name: english('plan_meeting_title') })).toBeVisible();

	// What is decided, and the deadline it implies, which follows the emergency box.
	await page.getByRole('radio', { name: english('meeting_kind_ftdm') }).check();
	await page.getByLabel(english('plan_meeting_type')).selectOption('CONSIDERED_REMOVAL');
	await expect(page.getByTestId('deadline')).toHaveText(english('plan_meeting_deadline_before_move'));
	await page.getByLabel(english('plan_meeting_emergency')).check();
	await expect(page.getByTestId('deadline')).toContainText(/\(within 1 working day/);
	await page.getByLabel(english('plan_meeting_emergency')).uncheck();
	await page.getByLabel(english('plan_meeting_type')).selectOption('EXIT_REUNIFICATION');

	await page.getByLabel(english('plan_meeting_date')).fill(laterDay(40));
	await page.getByLabel(english('plan_meeting_time')).fill('10:00');
	await page.getByLabel(english('plan_meeting_length')).fill('60');
	const place = uniqueText('Family Services office, Room 3');
	await page.getByLabel(english('plan_meeting_place')).fill(place);

	// She picks herself: a plain warning, at once.
	await page.getByLabel(english('plan_meeting_facilitator')).selectOption({ label: `Sam Okafor (${english('role_caseworker')})` });
	await expect(page.getByTestId('facilitator-warning')).toHaveText(english('plan_meeting_facilitator_warning', { name: 'Sam Okafor' }));

	// People, with the keyboard: Daniel in person, Grace by video.
	const daniel = page.getByRole('checkbox', { name: /Daniel Ortiz/ });
	await daniel.focus();
	await page.keyboard.press('Space');
	await expect(daniel).toBeChecked();
	await page.getByLabel(english('plan_meeting_mode_named', { name: 'Daniel Ortiz' })).selectOption('IN_PERSON');
	await page.getByRole('checkbox', { name: /Grace Whitfield/ }).check();
	await page.getByLabel(english('plan_meeting_mode_named', { name: 'Grace Whitfield' })).selectOption('VIDEO');
	await expectAccessible(page);

	await page.getByRole('button', { name: english('plan_meeting_create') }).click();
	await expect(page).toHaveURL(new RegExp(`/cases/${caseId}\\?meeting=planned-warning$`));
	await expect(page.getByTestId('meeting-notice')).toContainText(english('plan_meeting_planned'));
	await expect(page.getByTestId('meeting-notice')).toContainText(english('plan_meeting_saved_facilitator_note'));
	const meetingId = await plannedMeetingId(page, before, place);

	// Daniel is invited to that meeting and sees it on his page, planned.
	await openInviteForm(page, 'Daniel Ortiz');
	const invitation = await fillInviteForm(page, { caseId, meetingId, person: 'Daniel Ortiz', toMeeting: true, locale: 'en', requireCode: false });
	const parent = await joinByLink(browser, invitation, { options: { viewport: { width: 320, height: 640 } } });
	await parent.page.goto('/family');
	const heading = english('meeting_heading', { kind: english('meeting_kind_ftdm'), type: english('meeting_type_exit_reunification') });
	const mine = parent.page.locator('li.card').filter({ has: parent.page.getByRole('link', { name: heading }) });
	await expect(mine).toContainText(english('meeting_status_scheduled'));
	await expect(mine).toContainText(place);

	// Cancelling asks for a tick first; nothing is lost without it.
	await page.goto(`/cases/${caseId}/meetings/plan/${meetingId}`);
	await page.getByRole('button', { name: english('plan_meeting_cancel_submit') }).click();
	await expect(page.getByRole('alert')).toHaveText(english('plan_meeting_cancel_problem_confirm'));
	await page.getByLabel(english('plan_meeting_cancel_confirm')).check();
	await page.getByRole('button', { name: english('plan_meeting_cancel_submit') }).click();
	await expect(page.getByTestId('meeting-notice')).toHaveText(english('plan_meeting_cancelled_done'));

	// Daniel's page and the meeting's page say so; the meeting still opens.
	await parent.page.reload();
	await expect(mine).toContainText(english('meeting_status_cancelled'));
	await mine.getByRole('link', { name: heading }).click();
	await expect(parent.page).toHaveURL(new RegExp(`/meetings/${meetingId}$`));
	await expect(parent.page.getByText(english('meeting_status_cancelled'), { exact: true }).first()).toBeVisible();
	expect(await parent.page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);

	await sam.context.close();
	await parent.context.close();
});

test('the plan form fits a 320 px phone and keeps everything typed when a field is wrong', async ({ browser }) => {
	const dana = await personAt(browser, 'facilitator@demo.test', { viewport: { width: 320, height: 700 } });
	const page = dana.page;
	const { caseId } = await openDemoCase(page);
	await page.goto(`/cases/${caseId}/meetings/plan`);
	await page.getByLabel(english('plan_meeting_place')).fill('Library, meeting room B');
	await page.getByLabel(english('plan_meeting_length')).fill('5');
	await page.getByRole('checkbox', { name: /Grace Whitfield/ }).check();
	await page.getByRole('button', { name: english('plan_meeting_create') }).click();
	await expect(page.getByRole('alert')).toContainText(english('plan_meeting_problem_summary'));
	await expect(page.getByText(english('plan_meeting_problem_length'))).toBeVisible();
	await expect(page.getByLabel(english('plan_meeting_place'))).toHaveValue('Library, meeting room B');
	await expect(page.getByRole('checkbox', { name: /Grace Whitfield/ })).toBeChecked();
	await expect(page.getByLabel(english('plan_meeting_length'))).toHaveAttribute('aria-invalid', 'true');
	expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
	await expectAccessible(page);
	await dana.context.close();
});
