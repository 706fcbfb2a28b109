import { devices, expect, test, type Page } from '@playwright/test';
import { expectNotesLive, notesOf, openDemoMeeting, personAt } from './helpers';

// Issue 16.9: with others in the notes, lines typed key by key came out as "am4: quick lineS" (the caret
// jumped in front of the first letter) or landed above the previous line (Enter split the block where
// the person had clicked, not at the end Ctrl+End had moved to). Alone, never. What reproduced it here
// (before the fix, 15 of 20 lines and 2 of 60 misplaced): a phone, notes long enough to scroll, a click
// into the notes before each line, and others present, one of them with the caret in the notes.
//
// 30 lines always; NOTES_TYPING_LINES=100 for the long run (about 3 minutes on a loaded machine).
const LINES = Number(process.env.NOTES_TYPING_LINES ?? 30);

test('a caseworker types line after line key by key on a phone while others are in the notes, and every line lands whole and in order', async ({ browser }) => {
	test.setTimeout(60_000 + LINES * 3_000);
	const { viewport, deviceScaleFactor, isMobile, hasTouch } = devices['iPhone 13'];
	const dana = await personAt(browser, 'facilitator@demo.test');
	const lee = await personAt(browser, 'supervisor@demo.test');
	const sam = await personAt(browser, 'caseworker@demo.test', { viewport, deviceScaleFactor, isMobile, hasTouch });
	for (const { page } of [dana, lee, sam]) {
		await openDemoMeeting(page);
		await expectNotesLive(page);
	}
	const tag = Math.random().toString(36).slice(2, 7);

	// Dana has written a page of notes already (so Sam's phone scrolls), and keeps her caret in them.
	const earlier = notesOf(dana.page).editor;
	await earlier.click();
	for (let i = 0; i < 40; i++) {
		await dana.page.keyboard.press('ControlOrMeta+End');
		await dana.page.keyboard.press('Enter');
		// In one edit each, for speed: these lines only make the notes long enough to scroll.
		await dana.page.keyboard.insertText(`Dana ${tag} earlier note ${i}: the family met the school counsellor on Tuesday`);
	}
	const { editor } = notesOf(sam.page);
	await expect(editor).toContainText(`Dana ${tag} earlier note 39`);

	// Sam taps into the notes, goes to the end, starts a new line and types it, key by key, line after line.
	const lines = Array.from({ length: LINES }, (_, i) => `Sam${i} ${tag}: quick line`);
	for (const line of lines) {
		await editor.click();
		await sam.page.keyboard.press('ControlOrMeta+End');
		await sam.page.keyboard.press('Enter');
		await sam.page.keyboard.type(line);
	}
	await expect(editor).toContainText(lines.at(-1)!);

	// Every line whole, in the order typed, in Sam's notes and in what the others see.
	// (Others' carets are drawn inside the text, with their names: those are left out.)
	const samsLines = async (page: typeof sam.page) =>
		(
			await notesOf(page).editor.evaluate((root) =>
				[...root.querySelectorAll('p')].map((p) => {
					const copy = p.cloneNode(true) as HTMLElement;
					copy.querySelectorAll('.collaboration-carets__caret').forEach((caret) => caret.remove());
					return copy.textContent ?? '';
				})
			)
		).filter((text) => text.includes(tag) && !text.startsWith('Dana'));
	expect(await samsLines(sam.page)).toEqual(lines);
	await expect.poll(() => samsLines(dana.page)).toEqual(lines);
	await expect.poll(() => samsLines(lee.page)).toEqual(lines);

	for (const { context } of [dana, lee, sam]) await context.close();
});

// Two people who both go to the end and start a line at the same moment (issue 16.9). Characters of one line
// landed in the other's or in the previous line ('Sam2 …: quick lineDna2 …: quick linea', 3 to 16 bad lines of
// 30 in each run) for three reasons, each fixed in notes-editor.ts and each with a unit test in
// caret-after-others.test.ts: a caret redraw on a timer put back the caret Ctrl+End had moved
// (ReadInputFirst's dispatch); Yjs keeps a caret at the end of someone's line left of the letters they add
// (caretAtEnd); y-tiptap's guess by content put Sam's caret in Dana's new empty line (yjsCaret).
test('two people type lines at the end at the same time, and every line lands whole', async ({ browser }) => {
	test.setTimeout(180_000);
	const dana = await personAt(browser, 'facilitator@demo.test');
	const sam = await personAt(browser, 'caseworker@demo.test');
	for (const { page } of [dana, sam]) {
		await openDemoMeeting(page);
		await expectNotesLive(page);
	}
	const tag = Math.random().toString(36).slice(2, 7);
	const N = 15;
	const write = async (page: Page, who: string) => {
		const lines = Array.from({ length: N }, (_, i) => `${who}${i} ${tag}: quick line`);
		const { editor } = notesOf(page);
		for (const line of lines) {
			await editor.click();
			await page.keyboard.press('ControlOrMeta+End');
			await page.keyboard.press('Enter');
			await page.keyboard.type(line);
		}
		return lines;
	};
	const [dl, sl] = await Promise.all([write(dana.page, 'Dana'), write(sam.page, 'Sam')]);
	await expect(notesOf(sam.page).editor).toContainText(dl.at(-1)!);
	const texts = await notesOf(sam.page).editor.evaluate((root) =>
		[...root.querySelectorAll('p')].map((p) => {
			const c = p.cloneNode(true) as HTMLElement;
			c.querySelectorAll('.collaboration-carets__caret').forEach((x) => x.remove());
			return c.textContent ?? '';
		})
	);
	const mine = texts.filter((t) => t.includes(tag));
	const bad = mine.filter((t) => !dl.includes(t) && !sl.includes(t));
	expect(bad).toEqual([]);
});
