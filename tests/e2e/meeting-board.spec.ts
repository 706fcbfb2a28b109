import { devices, expect, test } from '@playwright/test';
import { english, expectAccessible, invite, joinByLink, openDemoMeeting, personAt, uniqueText } from './helpers';

// Issue 20, the meeting room's board: a parent on a phone adds a card, the facilitator sees it within a
// second and moves it, a relative rewords it, all with the keyboard and buttons (no dragging), and it is
// still there after a reload. Other tests share the demo meeting's board: each card carries its own text.

const phone = (({ viewport, deviceScaleFactor, isMobile, hasTouch }) => ({ viewport, deviceScaleFactor, isMobile, hasTouch }))(devices['iPhone 13']);

test('a parent adds a card from a phone; the facilitator sees it within a second and moves it; a relative rewords it; an action item the parent takes on', async ({ browser }) => {
	const sam = await personAt(browser, 'caseworker@demo.test');
	const danielInvite = await invite(sam.page, 'Daniel Ortiz', { toMeeting: true });
	const luciaInvite = await invite(sam.page, 'Lucia Ortiz', { toMeeting: true });
	const dana = await personAt(browser, 'facilitator@demo.test');
	await openDemoMeeting(dana.page);
	const meetingUrl = dana.page.url();

	const parent = await joinByLink(browser, danielInvite, { options: phone });
	await parent.page.goto(meetingUrl);
	const worries = english('board_column_WORRIES');
	const working = english('board_column_WORKING_WELL');
	const needs = english('board_column_NEEDS_TO_HAPPEN');
	const words = uniqueText('Dad walks the kids to school every morning');

	// Daniel adds his card to "What is working well?" with the keyboard, in his own words.
	const form = parent.page.getByRole('group', { name: english('board_add_heading', { column: working }) });
	await form.getByLabel(english('board_card_text')).fill(words);
	await form.getByLabel(english('board_card_own_words')).check();
	await form.getByRole('button', { name: english('board_add') }).press('Enter');
	await expect(parent.page.getByText(english('board_added', { column: working }))).toBeAttached();

	// Dana sees it under that column within a second, marked as the family's own words.
	const danaWorking = dana.page.getByRole('list', { name: working });
	const card = danaWorking.getByRole('listitem').filter({ hasText: words });
	await expect(card).toBeVisible({ timeout: 1000 });
	await expect(card).toContainText(english('board_card_own_words_mark'));
	await expect(card).toContainText(english('board_card_by', { name: 'Daniel Ortiz' }));

	// She moves it to "What needs to happen?"; Daniel's phone shows it there.
	await card.getByLabel(english('board_move_to')).selectOption({ label: needs });
	await card.getByRole('button', { name: new RegExp(`^${english('board_move_named', { text: '' })}`) }).click();
	const onPhone = parent.page.getByRole('list', { name: needs }).getByRole('listitem').filter({ hasText: words });
	await expect(onPhone).toBeVisible({ timeout: 1000 });
	await expect(parent.page.getByRole('list', { name: working }).getByRole('listitem').filter({ hasText: words })).toHaveCount(0);

	// Lucia (a relative) rewords it: Daniel and Dana see her words.
	const relative = await joinByLink(browser, luciaInvite, { options: phone });
	await relative.page.goto(meetingUrl);
	const hers = relative.page.getByRole('list', { name: needs }).getByRole('listitem').filter({ hasText: words });
	await hers.getByRole('button', { name: new RegExp(`^${english('board_edit_named', { text: '' })}`) }).click();
	// The card's own text box (the "add a card" forms have boxes with the same label, outside the list).
	const box = relative.page.getByRole('list', { name: needs }).getByLabel(english('board_card_text'));
	await expect(box).toHaveValue(words);
	await box.press('End');
	await box.pressSequentially(', rain or shine');
	await relative.page.getByRole('button', { name: english('board_done') }).click();
	await expect(onPhone).toContainText(`${words}, rain or shine`, { timeout: 2000 });
	await expect(dana.page.getByRole('list', { name: needs }).getByRole('listitem').filter({ hasText: `${words}, rain or shine` })).toBeVisible();

	// It is stored: after a reload it is still there, once.
	await dana.page.reload();
	await expect(dana.page.getByRole('list', { name: needs }).getByRole('listitem').filter({ hasText: words })).toHaveCount(1);
	await expect(dana.page.getByRole('heading', { level: 3, name: worries })).toBeVisible();

	// An action item Daniel takes on himself, by a date: Dana sees who and when, ticks it done, and he sees it done.
	const task = uniqueText('Ask the school about the bus pass');
	const addItem = parent.page.getByRole('group', { name: english('action_item_add_heading') });
	await addItem.getByLabel(english('action_item_what')).fill(task);
	await addItem.getByLabel(english('action_item_who')).selectOption({ label: 'Daniel Ortiz' });
	await addItem.getByLabel(english('action_item_when')).fill('2027-01-15');
	await addItem.getByRole('button', { name: english('action_item_add') }).click();
	const danaItem = dana.page.getByRole('list', { name: english('action_items_heading') }).getByRole('listitem').filter({ hasText: task });
	await expect(danaItem).toBeVisible({ timeout: 1000 });
	await expect(danaItem).toContainText('Daniel Ortiz');
	await expect(danaItem).toContainText(english('action_item_due', { date: 'January 15, 2027' }));
	await danaItem.getByRole('checkbox').check();
	await expect(parent.page.getByRole('list', { name: english('action_items_heading') }).getByRole('listitem').filter({ hasText: task }).getByRole('checkbox')).toBeChecked({ timeout: 1000 });

	await expectAccessible(parent.page);
	await expectAccessible(dana.page);
	expect(await parent.page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
	for (const p of [sam, dana, parent, relative]) await p.context.close();
});

test('with the keyboard, focus goes into a card’s or an item’s form and its removal question, and back to the button after', async ({ browser }) => {
	const dana = await personAt(browser, 'facilitator@demo.test');
	await openDemoMeeting(dana.page);
	const page = dana.page;
	const worries = english('board_column_WORRIES');
	const words = uniqueText('Focus stays with the card');
	const form = page.getByRole('group', { name: english('board_add_heading', { column: worries }) });
	await form.getByLabel(english('board_card_text')).fill(words);
	await form.getByRole('button', { name: english('board_add') }).press('Enter');
	const card = page.getByRole('list', { name: worries }).getByRole('listitem').filter({ hasText: words });
	const change = card.getByRole('button', { name: english('board_edit_named', { text: words }) });
	// Before: the button that opened the form was replaced by it, and focus fell to the page's body.
	await change.press('Enter');
	await expect(page.getByRole('list', { name: worries }).getByLabel(english('board_card_text'))).toBeFocused();
	await page.getByRole('list', { name: worries }).getByRole('button', { name: english('board_done') }).press('Enter');
	await expect(change).toBeFocused();
	const remove = card.getByRole('button', { name: english('board_remove_named', { text: words }) });
	await remove.press('Enter');
	await expect(card.getByRole('button', { name: english('board_remove_yes') })).toBeFocused();
	await card.getByRole('button', { name: english('board_remove_no') }).press('Enter');
	await expect(remove).toBeFocused();
	await remove.press('Enter');
	await card.getByRole('button', { name: english('board_remove_yes') }).press('Enter');
	await expect(card).toHaveCount(0);
	await expect(page.getByRole('heading', { name: worries })).toBeFocused();

	const item = uniqueText('Call the school');
	const addItem = page.getByRole('group', { name: english('action_item_add_heading') });
	await addItem.getByLabel(english('action_item_what')).fill(item);
	await addItem.getByRole('button', { name: english('action_item_add') }).press('Enter');
	const changeItem = page.getByRole('button', { name: english('action_item_change_named', { text: item }) });
	await changeItem.press('Enter');
	await expect(page.getByRole('listitem').getByLabel(english('action_item_what'))).toBeFocused();
	await page.getByRole('button', { name: english('action_item_finish') }).press('Enter');
	await expect(changeItem).toBeFocused();
	await dana.context.close();
});
