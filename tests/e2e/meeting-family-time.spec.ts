import { expect, test } from '@playwright/test';
import { english, expectAccessible, laterDay, openDemoCase, personAt, planLinks, plannedMeetingId, uniqueText } from './helpers';

// Issue 20, "Separate and private parts" (and the board's layout): in a family group conference the facilitator starts private
// family time from the agenda when the meeting reaches that stage, and ends it from there; the meeting's
// parts (whole team, family time) follow. A conference of its own, dated after the demo meeting.


test('the facilitator starts and ends private family time from the agenda of a family group conference', async ({ browser }) => {
	const dana = await personAt(browser, 'facilitator@demo.test');
	const page = dana.page;
	const { caseId } = await openDemoCase(page);
	const before = await planLinks(page);
	await page.goto(`/cases/${caseId}/meetings/plan`);
	await page.getByRole('radio', { name: english('meeting_kind_fgdm') }).check();
	await page.getByLabel(english('plan_meeting_date')).fill(laterDay(60));
	await page.getByLabel(english('plan_meeting_time')).fill('12:00');
	const place = uniqueText('Community centre, Room 1');
	await page.getByLabel(english('plan_meeting_place')).fill(place);
	await page.getByLabel(english('plan_meeting_facilitator')).selectOption({ label: `Dana Reyes (${english('role_facilitator')})` });
	await page.getByRole('checkbox', { name: /Rosa Rivera/ }).check();
	await page.getByRole('button', { name: english('plan_meeting_create') }).click();
	await expect(page).toHaveURL(new RegExp(`/cases/${caseId}\\?meeting=planned`));
	const meetingId = await plannedMeetingId(page, before, place);

	await page.goto(`/meetings/${meetingId}`);
	await page.getByRole('button', { name: english('agenda_run_set_up') }).click();
	// The board's layout, chosen before any card: a family team's strengths, needs and plan.
	await page.getByLabel(english('agenda_run_framework')).selectOption({ label: english('agenda_run_framework_FTM_STRENGTHS_NEEDS') });
	await page.getByRole('button', { name: english('agenda_run_framework_set') }).click();
	await expect(page.getByRole('heading', { name: english('board_column_NEEDS') })).toBeVisible();
	await expect(page.getByRole('heading', { name: english('board_column_WORRIES') })).toHaveCount(0);
	const familyStage = english('agenda_stage_PRIVATE_FAMILY_TIME');
	await page.getByRole('button', { name: english('agenda_run_go_to', { stage: familyStage }) }).click();
	await expect(page.getByText(english('agenda_now', { stage: familyStage }))).toBeVisible();
	const control = page.getByTestId('agenda-family-time');
	await expect(control).toContainText(english('agenda_run_family_time_hint'));
	await expectAccessible(page);
	await control.getByRole('button', { name: english('agenda_run_family_time_start') }).click();
	await expect(control).toContainText(english('agenda_run_family_time_on'));
	await expect(page.getByRole('navigation', { name: english('sessions_nav_label') }).getByRole('link', { name: english('session_family_alone') })).toBeVisible();
	await control.getByRole('button', { name: english('agenda_run_family_time_end') }).click();
	await expect(control).toContainText(english('agenda_run_family_time_hint'));
	await dana.context.close();
});
