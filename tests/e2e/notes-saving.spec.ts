import { expect, test, type Browser } from '@playwright/test';
import { english, expectNotesLive, networkSwitch, notesOf, openDemoMeeting, personAt, submitSignIn, typeInNotes, uniqueText } from './helpers';

// Issue 16: the notes' status says only what is true, the page warns before a reload loses typing, and when
// the server will not save (session ended, a change too large) the page says so and keeps the text.

/** The caseworker on the demo meeting, live, with a switch for the notes' connection (see networkSwitch). */
async function samInTheMeeting(browser: Browser) {
	const sam = await personAt(browser, 'caseworker@demo.test');
	const network = await networkSwitch(sam.page);
	await openDemoMeeting(sam.page);
	await expectNotesLive(sam.page);
	return { sam, page: sam.page, network, ...notesOf(sam.page) };
}

test('typing while offline is kept on the page, the status says not to reload, a reload asks first, and it is saved once back online', async ({ browser }) => {
	test.setTimeout(60_000);
	const { sam, page, network, status, editor } = await samInTheMeeting(browser);

	network.offline(true);
	await expect(status).toHaveText(english('notes_status_offline'));
	await expect(status).toHaveAttribute('data-tone', 'warning');
	const line = uniqueText('Sam (offline): Mateo’s inhaler is in his backpack');
	await typeInNotes(page, line);
	await expect(status).toHaveText(english('notes_status_offline'));
	await expect(status).toHaveAttribute('data-saved', 'false');

	// A reload asks first; staying keeps the line on the page.
	const asked = page.waitForEvent('dialog');
	const reload = page.reload({ timeout: 3000 }).catch(() => 'stayed');
	const dialog = await asked;
	expect(dialog.type()).toBe('beforeunload');
	await dialog.dismiss();
	expect(await reload).toBe('stayed');
	await expect(editor).toContainText(line);

	// Back online: saved, and then a reload does not ask and shows the line.
	network.offline(false);
	// (The provider tries again after a back-off of up to 5 s.)
	await expect(status).toHaveText(english('notes_status_live'), { timeout: 15_000 });
	await expectNotesLive(page);
	await expect(status).toHaveAttribute('data-saved', 'true');
	page.on('dialog', (d) => {
		throw new Error(`asked before leaving with nothing unsaved: ${d.type()}`);
	});
	await page.reload();
	await expectNotesLive(page);
	await expect(editor).toContainText(line);
	await sam.context.close();
});

test('a paste too large to send at once is turned away with a plain message, and what is typed before and after is saved', async ({ browser }) => {
	test.setTimeout(60_000);
	const sam = await personAt(browser, 'caseworker@demo.test');
	const { page } = sam;
	await openDemoMeeting(page);
	await expectNotesLive(page);
	const { editor } = notesOf(page);
	const before = uniqueText('Sam: before the paste');
	await typeInNotes(page, before);
	await expectNotesLive(page);

	// 140,000 characters, 280,000 bytes in UTF-8 (ñ is two): over the limit in bytes, though not in characters.
	const huge = 'ñ'.repeat(140_000);
	await page.keyboard.press('Enter');
	await editor.evaluate((el, text) => {
		const data = new DataTransfer();
		data.setData('text/plain', text);
		el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
	}, huge);
	await expect(page.getByRole('alert')).toHaveText(english('notes_too_long_to_add'));
	await expect(editor).not.toContainText('ññññññññññ');
	await expectNotesLive(page);

	// A paste of a normal size still goes in, and typing goes on; both are saved.
	const after = uniqueText('Sam: after the paste');
	await typeInNotes(page, after);
	await expect(page.getByRole('alert')).toHaveCount(0);
	await expectNotesLive(page);
	await page.reload();
	await expectNotesLive(page);
	await expect(editor).toContainText(before);
	await expect(editor).toContainText(after);
	await expect(editor).not.toContainText('ññññññññññ');
	await sam.context.close();
});

test('when the session ends mid-meeting, the notes say so, keep the text, and sign-in comes back to the meeting', async ({ browser }) => {
	const sam = await personAt(browser, 'caseworker@demo.test');
	const { page } = sam;
	await openDemoMeeting(page);
	await expectNotesLive(page);
	const meetingUrl = page.url();
	const line = uniqueText('Sam: the school can meet on Friday');
	await typeInNotes(page, line);
	await expectNotesLive(page);

	// Signed out in another tab (the same happens when the session expires or is ended from "Your devices").
	const other = await sam.context.newPage();
	await other.goto('/cases');
	await other.getByRole('button', { name: english('sign_out') }).click();
	await expect(other).toHaveURL(/\/sign-in/);

	const { status, editor } = notesOf(page);
	await expect(status).toContainText(english('notes_ended_signed_out'));
	await expect(status).toHaveAttribute('data-tone', 'problem');
	await expect(editor).toContainText(line);
	await expect(editor).toHaveAttribute('aria-readonly', 'true');
	await expect(editor).toHaveAttribute('contenteditable', 'false');

	await status.getByRole('link', { name: english('notes_sign_in_again') }).click();
	await submitSignIn(page, 'caseworker@demo.test');
	await expect(page).toHaveURL(meetingUrl);
	await expectNotesLive(page);
	await expect(editor).toContainText(line);
	await sam.context.close();
});

test('when the session ends while the connection is down, the page says so once it tries again, and keeps the text', async ({ browser }) => {
	const { sam, page, network, status, editor } = await samInTheMeeting(browser);
	network.offline(true);
	const line = uniqueText('Sam (offline, then signed out): call the school');
	await typeInNotes(page, line);
	await expect(status).toHaveText(english('notes_status_offline'));

	// Signed out elsewhere meanwhile: no socket is open to be told (the server refuses the next one).
	const other = await sam.context.newPage();
	await other.goto('/cases');
	await other.getByRole('button', { name: english('sign_out') }).click();
	await expect(other).toHaveURL(/\/sign-in/);

	await expect(status).toContainText(english('notes_ended_signed_out'), { timeout: 20_000 });
	await expect(status.getByRole('link', { name: english('notes_sign_in_again') })).toBeVisible();
	await expect(editor).toContainText(line);
	await expect(editor).toHaveAttribute('contenteditable', 'false');
	await sam.context.close();
});
