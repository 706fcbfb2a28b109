import { expect, test, type Browser, type Page } from '@playwright/test';
import { english, expectNotesLive, notesOf, openDemoMeeting, personAt, typeInNotes, uniqueText } from './helpers';

// Issue 8, a parent joining on a phone: the saved notes are in the page itself, so they show at first
// paint (and without JavaScript), and the live editor takes their place once it has the document, in
// the same place, without anything moving.

/** The boxes of the first few blocks of the notes, in the saved view or in the editor. */
/**
 * Where the first blocks of `selector` sit, measured from the top of the notes' own region: what moves above
 * it meanwhile (the agenda, set up live by another test in the shared demo meeting) is not the notes moving.
 */
async function blockBoxes(page: Page, selector: string): Promise<{ tag: string; x: number; y: number; width: number; height: number }[]> {
	return page.locator(selector).evaluate((root) => {
		const region = root.closest('section') ?? document.body;
		const top = region.getBoundingClientRect().top;
		return [...root.children].slice(0, 6).map((el) => {
			const r = el.getBoundingClientRect();
			return { tag: el.tagName, x: Math.round(r.x), y: Math.round(r.y - top), width: Math.round(r.width), height: Math.round(r.height) };
		});
	});
}

/** The caseworker writes a line in the demo meeting's notes (saved once it shows). */
async function samWrites(browser: Browser, label: string) {
	const sam = await personAt(browser, 'caseworker@demo.test');
	await openDemoMeeting(sam.page);
	await expectNotesLive(sam.page);
	const line = uniqueText(label);
	await typeInNotes(sam.page, line);
	return { sam, line, meetingUrl: sam.page.url() };
}

test('the saved notes show before the editor, then the editor takes their place without anything moving', async ({ browser }) => {
	const { sam, line, meetingUrl } = await samWrites(browser, 'Sam: Rosa will pick the children up on Tuesdays');

	const dana = await personAt(browser, 'facilitator@demo.test');
	const { page } = dana;
	// Hold the editor's JavaScript back until the saved notes have been looked at.
	let release: () => void = () => {};
	const released = new Promise<void>((resolve) => (release = resolve));
	await page.route('**/_app/immutable/chunks/*.js', async (route) => {
		const response = await route.fetch();
		const body = await response.text();
		if (body.includes('ProseMirror')) await released;
		await route.fulfill({ response, body });
	});
	const sockets: string[] = [];
	page.on('websocket', (ws) => sockets.push(ws.url()));
	await page.goto(meetingUrl);
	const saved = page.locator('.notes-saved');
	await expect(saved).toContainText(line);
	// One notes region: the saved text is no textbox, and the editor is not on the page yet. (The board,
	// action items and decision below have text boxes of their own.)
	const notesRegion = page.getByRole('region', { name: english('notes_heading') });
	await expect(notesRegion.getByRole('textbox')).toHaveCount(0);
	await expect(notesOf(page).editor).toHaveCount(0);
	// The socket is already open, before the editor has arrived.
	await expect(notesOf(page).status).toHaveAttribute('data-status', 'connected');
	const before = await blockBoxes(page, '.notes-saved');
	expect(before.length).toBeGreaterThan(0);

	release();
	await expectNotesLive(page);
	await expect(saved).toHaveCount(0);
	await expect(notesOf(page).editor).toBeVisible();
	await expect(notesOf(page).editor).toContainText(line);
	await expect(notesRegion.getByRole('textbox')).toHaveCount(1);
	// The editor's first blocks sit exactly where the saved ones were.
	expect(await blockBoxes(page, '.notes-editor')).toEqual(before);
	// One socket: the one the page's first script opened is the one the editor uses.
	expect(sockets).toEqual([expect.stringMatching(/\/collab\/meeting:[a-z2-7]+\?sv=AA$/)]);

	await dana.context.close();
	await sam.context.close();
});

test('without JavaScript, the meeting page still shows the saved notes, and says how to see them live', async ({ browser }) => {
	const { sam, line, meetingUrl } = await samWrites(browser, 'Sam: the school meeting moved to Friday');
	const reader = await personAt(browser, 'facilitator@demo.test', { javaScriptEnabled: false });
	await reader.page.goto(meetingUrl);
	await expect(reader.page.locator('.notes-saved')).toContainText(line);
	// (Playwright's text search skips <noscript>, so it is found by its element.)
	await expect(reader.page.locator('.notes noscript p')).toHaveText(english('notes_saved_no_script'));
	await expect(reader.page.locator('.notes noscript p')).toBeVisible();
	await expect(reader.page.getByRole('textbox')).toHaveCount(0);

	await reader.context.close();
	await sam.context.close();
});
