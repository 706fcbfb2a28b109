import { devices, expect, test, type Page } from '@playwright/test';
import { english, expectNotesLive, notesOf, openDemoMeeting, personAt, typeInNotes, uniqueText } from './helpers';

// Issue 2, the foundation: people in a family team meeting write the notes together, live.
// The demo meeting's notes are one shared document for every test that opens it (and other spec files
// run in parallel), so each test types its own random text and asserts containment, never equality.

test('the facilitator and the caseworker see each other and each other’s notes within a second', async ({ browser }) => {
	const dana = await personAt(browser, 'facilitator@demo.test');
	const sam = await personAt(browser, 'caseworker@demo.test');
	await openDemoMeeting(dana.page);
	await openDemoMeeting(sam.page);
	await expectNotesLive(dana.page);
	await expectNotesLive(sam.page);

	// Each sees the other in "Here now" (with their role), and themselves marked as "(you)".
	// Other tests may be in the meeting too, hence first() for the others.
	const danaNotes = notesOf(dana.page);
	const samNotes = notesOf(sam.page);
	const here = (notes: typeof danaNotes, text: string) => notes.presence.getByRole('listitem').filter({ hasText: text });
	await expect(here(danaNotes, `Sam Okafor, ${english('role_caseworker')}`).first()).toBeVisible();
	await expect(here(danaNotes, english('presence_you', { name: 'Dana Reyes' }))).toHaveCount(1);
	// Staff read the role's name; a family member reads what it does (meeting-attack.test.ts).
	await expect(here(samNotes, `Dana Reyes, ${english('role_facilitator')}`).first()).toBeVisible();
	await expect(here(samNotes, english('presence_you', { name: 'Sam Okafor' }))).toHaveCount(1);

	// What Dana types reaches Sam within a second…
	const fromDana = uniqueText('Dana: Grandma Rosa can pick the kids up on Tuesdays');
	await typeInNotes(dana.page, fromDana);
	await expect(samNotes.editor).toContainText(fromDana, { timeout: 1000 });

	// …and what Sam types reaches Dana within a second.
	const fromSam = uniqueText('Sam: school meeting moved to Friday');
	await typeInNotes(sam.page, fromSam);
	await expect(danaNotes.editor).toContainText(fromSam, { timeout: 1000 });

	// Still live on both sides after the exchange.
	await expectNotesLive(dana.page);
	await expectNotesLive(sam.page);

	// The server kept the notes: a fresh load of the page shows both lines.
	await sam.page.reload();
	await expectNotesLive(sam.page);
	await expect(samNotes.editor).toContainText(fromDana);
	await expect(samNotes.editor).toContainText(fromSam);

	await dana.context.close();
	await sam.context.close();
});

test('on a phone, a caseworker signs in, opens the meeting and types notes, and nothing scrolls sideways', async ({ browser }) => {
	// iPhone 13 size and touch, still Chromium (its Safari user agent would make ProseMirror take iOS code paths).
	const { viewport, deviceScaleFactor, isMobile, hasTouch } = devices['iPhone 13'];
	const phone = await personAt(browser, 'caseworker@demo.test', { viewport, deviceScaleFactor, isMobile, hasTouch });
	const { page } = phone;

	await openDemoMeeting(page);
	await expectNotesLive(page);
	await typeInNotes(page, uniqueText('From my phone: Mateo needs his inhaler at school'), { touch: true });
	await expectNotesLive(page);
	await expectNoSidewaysScroll(page);

	// The case page, with its table of the family's team, fits the screen too.
	await page.getByRole('link', { name: english('back_to_case', { name: 'Rivera family' }) }).tap();
	await expect(page.getByRole('heading', { level: 1, name: 'Rivera family' })).toBeVisible();
	await expectNoSidewaysScroll(page);

	// And the case list.
	await page.getByRole('link', { name: english('back_to_cases') }).tap();
	await expect(page.getByRole('heading', { level: 1, name: english('cases_title') })).toBeVisible();
	await expectNoSidewaysScroll(page);

	await phone.context.close();
});

async function expectNoSidewaysScroll(page: Page): Promise<void> {
	const widths = await page.evaluate(() => ({ scroll: document.scrollingElement!.scrollWidth, inner: window.innerWidth }));
	expect(widths.scroll, `the page is ${widths.scroll}px wide on a ${widths.inner}px screen`).toBeLessThanOrEqual(widths.inner);
}
