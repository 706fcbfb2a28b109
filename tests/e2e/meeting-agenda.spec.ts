import { devices, expect, test, type Page } from '@playwright/test';
import { english, expectAccessible, invite, joinByLink, openDemoMeeting, personAt, spanish } from './helpers';

// Issue 20, the meeting room's agenda: the facilitator runs it from a laptop; a parent follows on a phone
// whose clock is five minutes fast; a grandmother reads it in Spanish and joins late. Every screen shows
// the same stage and the same time left, because the server owns the timer's end.

const phone = (({ viewport, deviceScaleFactor, isMobile, hasTouch }) => ({ viewport, deviceScaleFactor, isMobile, hasTouch }))(devices['iPhone 13']);

/** Seconds left on the page's stage timer ("12:34"). */
async function secondsLeft(page: Page): Promise<number> {
	const text = (await page.getByRole('timer').textContent())!.trim();
	const [minutes, seconds] = text.split(':').map(Number);
	return minutes * 60 + seconds;
}

/** The time left on two screens, read as close together as the test can: within a second of each other. */
async function expectSameTimeLeft(a: Page, b: Page): Promise<void> {
	await expect(async () => {
		const [x, y] = await Promise.all([secondsLeft(a), secondsLeft(b)]);
		expect(Math.abs(x - y)).toBeLessThanOrEqual(1);
	}).toPass({ timeout: 5000 });
}

test('the facilitator moves the stage and runs the timer; a parent on a phone with a wrong clock and a late joiner in Spanish see the same', async ({ browser }) => {
	const sam = await personAt(browser, 'caseworker@demo.test');
	const daniel = await invite(sam.page, 'Daniel Ortiz', { toMeeting: true });
	const rosa = await invite(sam.page, 'Rosa Rivera', { toMeeting: true, locale: 'es' });

	const dana = await personAt(browser, 'facilitator@demo.test');
	await openDemoMeeting(dana.page);
	const meetingUrl = dana.page.url();
	const agenda = dana.page.getByRole('region', { name: english('agenda_heading') });
	const setUp = dana.page.getByRole('button', { name: english('agenda_run_set_up') });
	await expect(setUp.or(dana.page.getByRole('button', { name: english('agenda_run_next') }))).toBeVisible();
	if (await setUp.isVisible()) await setUp.click();
	await expect(agenda.getByRole('list', { name: english('agenda_stage_list') }).getByRole('listitem')).toHaveCount(6);

	// Daniel's phone: its clock runs five minutes fast.
	const parent = await joinByLink(browser, daniel, { options: phone });
	await parent.context.addInitScript(() => {
		const realNow = Date.now.bind(Date);
		Date.now = () => realNow() + 5 * 60_000;
	});
	await parent.page.goto(meetingUrl);
	await expect(parent.page.getByRole('timer')).toBeVisible();
	// A parent follows the agenda; only the facilitator runs it.
	await expect(parent.page.getByRole('button', { name: english('agenda_run_next') })).toHaveCount(0);
	await expect(parent.page.getByRole('heading', { name: english('agenda_opening_title') })).toBeVisible();

	// The facilitator starts the timer and moves to the next stage: the parent's screen follows within a second.
	const resume = dana.page.getByRole('button', { name: new RegExp(`^(${english('agenda_run_start')}|${english('agenda_run_resume')})$`) });
	if (await resume.isVisible()) await resume.click();
	await dana.page.getByRole('button', { name: english('agenda_run_next') }).click();
	const stageTwo = english('agenda_now', { stage: english('agenda_stage_IDENTIFY_SITUATION') });
	await expect(dana.page.getByText(stageTwo)).toBeVisible();
	await expect(parent.page.getByText(stageTwo)).toBeVisible({ timeout: 1000 });
	await expectSameTimeLeft(dana.page, parent.page);

	// Add time keeps what was left: about 15 + 5 minutes now, on both screens.
	await dana.page.getByRole('button', { name: english('agenda_run_add_time') }).click();
	await expect(async () => expect(await secondsLeft(parent.page)).toBeGreaterThan(19 * 60)).toPass({ timeout: 2000 });
	await expectSameTimeLeft(dana.page, parent.page);

	// Rosa joins late, in Spanish: the same stage, in her words, and the same time left.
	const grandmother = await joinByLink(browser, rosa, { locale: 'es', options: phone });
	await grandmother.page.goto(meetingUrl);
	await expect(grandmother.page.getByText(spanish('agenda_now', { stage: spanish('agenda_stage_IDENTIFY_SITUATION') }))).toBeVisible();
	await expectSameTimeLeft(dana.page, grandmother.page);

	// Paused, all three show the same time, which no longer runs.
	await dana.page.getByRole('button', { name: english('agenda_run_pause') }).click();
	await expect(parent.page.getByText(english('agenda_paused'))).toBeVisible();
	await expectSameTimeLeft(parent.page, grandmother.page);

	await expectAccessible(parent.page);
	await expectAccessible(dana.page);
	// Nothing scrolls sideways on the phone.
	expect(await parent.page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);

	for (const p of [sam, dana, parent, grandmother]) await p.context.close();
});
