import { devices, expect, test } from '@playwright/test';
import { english, expectAccessible, invite, joinByLink, openDemoMeeting, personAt, uniqueText } from './helpers';

// Issue 20, the board's danger statements, safety goals and safety scale: the facilitator writes a danger
// statement, a parent on a phone answers it with a safety goal and pairs the two with the keyboard; each gives
// their own answer on the 0–10 scale with the keyboard, and everyone sees the spread. Family members see the
// values of other family members' answers, not who gave them. The demo meeting's board is shared with other
// tests: each card carries its own text.

const phone = (({ viewport, deviceScaleFactor, isMobile, hasTouch }) => ({ viewport, deviceScaleFactor, isMobile, hasTouch }))(devices['iPhone 13']);

test('a parent pairs a safety goal with the facilitator’s danger statement and each rates the safety scale, all by keyboard; everyone sees the spread', async ({ browser }) => {
	const sam = await personAt(browser, 'caseworker@demo.test');
	const danielInvite = await invite(sam.page, 'Daniel Ortiz', { toMeeting: true });
	const luciaInvite = await invite(sam.page, 'Lucia Ortiz', { toMeeting: true });
	const dana = await personAt(browser, 'facilitator@demo.test');
	await openDemoMeeting(dana.page);
	const meetingUrl = dana.page.url();
	const parent = await joinByLink(browser, danielInvite, { options: phone });
	await parent.page.goto(meetingUrl);
	const worries = english('board_column_WORRIES');
	const needs = english('board_column_NEEDS_TO_HAPPEN');

	// Dana writes a danger statement; Daniel a safety goal.
	const statement = uniqueText('Kids alone at night');
	const goal = uniqueText('An adult home every night');
	const danaForm = dana.page.getByRole('group', { name: english('board_add_heading', { column: worries }) });
	await danaForm.getByLabel(english('board_card_text')).fill(statement);
	await danaForm.getByLabel(english('board_card_type')).selectOption({ label: english('board_category_DANGER_STATEMENT') });
	await danaForm.getByRole('button', { name: english('board_add') }).press('Enter');
	const danaStatement = dana.page.getByRole('list', { name: worries }).getByRole('listitem').filter({ hasText: statement });
	await expect(danaStatement).toContainText(english('board_pair_no_goal'));
	const parentForm = parent.page.getByRole('group', { name: english('board_add_heading', { column: needs }) });
	await parentForm.getByLabel(english('board_card_text')).fill(goal);
	await parentForm.getByLabel(english('board_card_type')).selectOption({ label: english('board_category_SAFETY_GOALS') });
	await parentForm.getByRole('button', { name: english('board_add') }).press('Enter');

	// Daniel pairs them with the keyboard: the newest danger statement is the list's last choice.
	const parentGoal = parent.page.getByRole('list', { name: needs }).getByRole('listitem').filter({ hasText: goal });
	const which = parentGoal.getByLabel(english('board_pair_label'));
	await expect(which.getByRole('option', { name: statement })).toBeAttached();
	await which.focus();
	await which.press('End');
	await expect(which.locator('option:checked')).toHaveText(statement);
	await expect(parent.page.getByText(english('board_paired', { text: statement }))).toBeAttached();
	// Dana's danger statement now shows the goal that answers it, within a second.
	await expect(danaStatement).toContainText(english('board_pair_goal', { text: goal }), { timeout: 1000 });
	await expect(danaStatement).not.toContainText(english('board_pair_no_goal'));

	// Each gives their own answer with the keyboard: into the group, arrows to the value, Tab to save, Enter.
	async function rate(page: typeof dana.page, value: number): Promise<void> {
		const group = page.getByRole('group', { name: english('board_scale_pick') });
		await group.getByRole('radio').first().focus();
		await page.keyboard.press('Home');
		for (let i = 0; i < value; i++) await page.keyboard.press('ArrowRight');
		await expect(group.getByRole('radio', { name: String(value), exact: true })).toBeChecked();
		await page.keyboard.press('Tab');
		await expect(page.getByRole('button', { name: english('board_scale_save') })).toBeFocused();
		await page.keyboard.press('Enter');
		await expect(page.getByText(english('board_scale_yours', { value }))).toBeVisible();
	}
	await rate(parent.page, 7);
	await rate(dana.page, 4);
	const spread = `${english('board_scale_said_one', { value: 4 })}, ${english('board_scale_said_one', { value: 7 })}. ${english('board_scale_range', { low: 4, high: 7 })}`;
	await expect(dana.page.getByTestId('scale-spread')).toHaveText(spread, { timeout: 1000 });
	await expect(parent.page.getByTestId('scale-spread')).toHaveText(spread, { timeout: 1000 });
	// Staff see who gave each answer.
	const danaTable = dana.page.getByRole('table', { name: english('board_scale_table') });
	await expect(danaTable.getByRole('row', { name: `7 Daniel Ortiz` })).toBeVisible();
	await expect(danaTable.getByRole('row', { name: `4 ${english('board_scale_you')}` })).toBeVisible();

	// Lucia, a relative, answers 7 too; Daniel sees her value, not her name; Dana sees both names.
	const relative = await joinByLink(browser, luciaInvite, { options: phone });
	await relative.page.goto(meetingUrl);
	await rate(relative.page, 7);
	const parentTable = parent.page.getByRole('table', { name: english('board_scale_table') });
	await expect(parentTable.getByRole('row', { name: `7 ${english('board_scale_unnamed')}` })).toBeVisible({ timeout: 1000 });
	await expect(parentTable.getByRole('row', { name: '4 Dana Reyes' })).toBeVisible();
	await expect(parentTable).not.toContainText('Lucia');
	await expect(danaTable.getByRole('row', { name: '7 Lucia Ortiz' })).toBeVisible({ timeout: 1000 });
	await expect(dana.page.getByTestId('scale-spread')).toHaveText(
		`${english('board_scale_said_one', { value: 4 })}, ${english('board_scale_said_many', { count: 2, value: 7 })}. ${english('board_scale_range', { low: 4, high: 7 })}`
	);

	// Daniel changes his mind: his one answer changes for everyone.
	await rate(parent.page, 6);
	await expect(danaTable.getByRole('row', { name: '6 Daniel Ortiz' })).toBeVisible({ timeout: 1000 });
	await expect(danaTable.getByRole('row')).toHaveCount(4);

	await expectAccessible(parent.page);
	await expectAccessible(dana.page);
	expect(await parent.page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
	for (const p of [sam, dana, parent, relative]) await p.context.close();
});
