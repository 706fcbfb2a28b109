import { devices, expect, test } from '@playwright/test';
import { english, expectAccessible, fillInviteForm, joinByLink, laterDay, openDemoCase, openInviteForm, personAt, planLinks, plannedMeetingId, spanish, uniqueText } from './helpers';

// Issue 20, "Close": the facilitator plans a meeting, a parent on a phone (in Spanish) adds a card to its
// board, the facilitator records who came and closes it; the parent's open page turns read only at once and
// says why; each person reads the summary in their own language (the caseworker with the fidelity facts), it
// passes axe and fits the phone. A meeting of its own, dated after the demo meeting other specs share.

const phone = (({ viewport, deviceScaleFactor, isMobile, hasTouch }) => ({ viewport, deviceScaleFactor, isMobile, hasTouch }))(devices['iPhone 13']);



test('the facilitator closes a meeting: the parent’s open page turns read only at once, and everyone reads the summary in their language', async ({ browser }) => {
	const dana = await personAt(browser, 'facilitator@demo.test');
	const page = dana.page;
	const { caseId } = await openDemoCase(page);
	const before = await planLinks(page);
	await page.goto(`/cases/${caseId}/meetings/plan`);
	await page.getByRole('radio', { name: english('meeting_kind_ftdm') }).check();
	await page.getByLabel(english('plan_meeting_type')).selectOption('PLACEMENT_CHANGE');
	await page.getByLabel(english('plan_meeting_date')).fill(laterDay(50));
	await page.getByLabel(english('plan_meeting_time')).fill('17:30');
	await page.getByLabel(english('plan_meeting_length')).fill('90');
	const place = uniqueText('Family Services office, Room 5');
	await page.getByLabel(english('plan_meeting_place')).fill(place);
	await page.getByLabel(english('plan_meeting_facilitator')).selectOption({ label: `Dana Reyes (${english('role_facilitator')})` });
	await page.getByRole('checkbox', { name: /Daniel Ortiz/ }).check();
	await page.getByLabel(english('plan_meeting_mode_named', { name: 'Daniel Ortiz' })).selectOption('PHONE');
	await page.getByRole('button', { name: english('plan_meeting_create') }).click();
	await expect(page).toHaveURL(new RegExp(`/cases/${caseId}\\?meeting=planned`));
	const meetingId = await plannedMeetingId(page, before, place);

	// Daniel, invited to that meeting, reads Spanish on his phone and adds a card.
	await openInviteForm(page, 'Daniel Ortiz');
	const invitation = await fillInviteForm(page, { caseId, meetingId, person: 'Daniel Ortiz', toMeeting: true, locale: 'es', requireCode: false });
	const parent = await joinByLink(browser, invitation, { locale: 'es', options: phone });
	await parent.page.goto(`/meetings/${meetingId}`);
	const working = spanish('board_column_WORKING_WELL');
	const words = uniqueText('Los domingos llevo a los niños al parque');
	const add = parent.page.getByRole('group', { name: spanish('board_add_heading', { column: working }) });
	await add.getByLabel(spanish('board_card_text')).fill(words);
	await add.getByRole('button', { name: spanish('board_add') }).click();
	await expect(parent.page.getByText(spanish('board_added', { column: working }))).toBeAttached();
	// He starts a second card and has not added it yet when the meeting closes.
	const halfTyped = uniqueText('Y también le ayudo con la tarea');
	await add.getByLabel(spanish('board_card_text')).fill(halfTyped);

	// Dana opens the meeting and closes it: without the box ticked, nothing closes and her ticks stay.
	await page.goto(`/meetings/${meetingId}`);
	await expect(page.getByRole('list', { name: english('board_column_WORKING_WELL') }).getByRole('listitem').filter({ hasText: words })).toBeVisible();
	await page.getByRole('link', { name: english('meeting_close_link') }).click();
	await expect(page.getByRole('heading', { level: 1, name: english('close_title') })).toBeVisible();
	await page.getByRole('checkbox', { name: /Dana Reyes/ }).check();
	await page.getByRole('checkbox', { name: /Daniel Ortiz/ }).check();
	await expect(page.getByLabel(english('close_how', { name: 'Daniel Ortiz' }))).toHaveValue('PHONE');
	await expectAccessible(page);
	await page.getByRole('button', { name: english('close_submit') }).click();
	await expect(page.getByRole('alert')).toHaveText(english('close_problem_confirm'));
	await expect(page.getByRole('checkbox', { name: /Daniel Ortiz/ })).toBeChecked();
	await page.getByLabel(english('close_confirm')).check();
	await page.getByRole('button', { name: english('close_submit') }).click();
	await expect(page.getByRole('heading', { level: 1, name: english('summary_title') })).toBeVisible();
	await expect(page.getByTestId('summary-WORKING_WELL')).toContainText(words);
	await expect(page.getByTestId('summary-came')).toContainText('Daniel Ortiz');

	// Daniel's open page says so at once, and his board takes no more cards.
	await expect(parent.page.getByTestId('meeting-closed')).toHaveText(new RegExp(spanish('meeting_closed_notice')), { timeout: 2000 });
	await expect(parent.page.getByRole('group', { name: spanish('board_add_heading', { column: working }) })).toHaveCount(0);
	// What he was typing is not lost without a word: it stays on his page, to copy.
	await expect(parent.page.getByLabel(spanish('board_kept_after_close'))).toHaveValue(halfTyped);
	await expect(parent.page.locator('.notes-editor')).toHaveAttribute('aria-readonly', 'true');

	// He reads the summary in Spanish, on his phone, with his card and how he took part; no staff facts.
	await parent.page.getByRole('link', { name: spanish('meeting_summary_link') }).click();
	await expect(parent.page.getByRole('heading', { level: 1, name: spanish('summary_title') })).toBeVisible();
	await expect(parent.page.getByTestId('summary-WORKING_WELL')).toContainText(words);
	await expect(parent.page.getByTestId('summary-came')).toContainText(`Daniel Ortiz`);
	await expect(parent.page.getByTestId('summary-came')).toContainText(spanish('plan_meeting_mode_phone'));
	await expect(parent.page.getByTestId('summary-fidelity')).toHaveCount(0);
	await expect(parent.page.getByRole('button', { name: spanish('summary_print') })).toBeVisible();
	expect(await parent.page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
	await expectAccessible(parent.page);

	// The caseworker reads it too, with the fidelity facts; the meeting's own page says it is over.
	const sam = await personAt(browser, 'caseworker@demo.test');
	await sam.page.goto(`/meetings/${meetingId}/summary`);
	await expect(sam.page.getByTestId('summary-fidelity')).toContainText(english('summary_staff_parent_came', { name: 'Daniel Ortiz' }));
	await expectAccessible(sam.page);
	await sam.page.goto(`/meetings/${meetingId}`);
	await expect(sam.page.getByTestId('meeting-closed')).toBeVisible();

	for (const p of [dana, parent, sam]) await p.context.close();
});
