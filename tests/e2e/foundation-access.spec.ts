import { expect, test, type Browser, type Page, type Response } from '@playwright/test';
import { english, expectAccessible, expectNotesLive, openDemoMeeting, personAt, submitSignIn, tryCollabSocket } from './helpers';

// Issue 2, the foundation: a case is open only to the staff assigned to it. Someone else who gets hold of
// a link (copied from a colleague's screen, an email, the browser history) sees a plain "no access" page
// with nothing of the family on it, and the meeting's live document refuses their connection too.

// Everything of the demo case a refused person must not learn: the family, its team, its staff.
const CASE_SECRETS = ['Rivera', 'Ortiz', 'Whitfield', 'Baker', 'Mateo', 'Dana Reyes', 'Sam Okafor', 'Lee Chen', 'grandmother'];

/** The case and meeting addresses, copied from the caseworker's own browser. */
async function demoAddresses(browser: Browser): Promise<{ caseUrl: string; meetingUrl: string; docId: string }> {
	const { context, page } = await personAt(browser, 'caseworker@demo.test');
	await openDemoMeeting(page);
	const meetingUrl = new URL(page.url()).pathname;
	const caseUrl = (await page.getByRole('link', { name: english('back_to_case', { name: 'Rivera family' }) }).getAttribute('href'))!;
	await context.close();
	return { caseUrl, meetingUrl, docId: `meeting:${meetingUrl.split('/').pop()}` };
}

async function expectRefused(page: Page, response: Response | null): Promise<void> {
	expect(response?.status()).toBe(403);
	await expect(page.getByRole('heading', { level: 1 })).toHaveText(english('error_title'));
	await expect(page.getByText(english('error_forbidden'))).toBeVisible();
	// Neither the HTML the server sent (with its serialized data) nor the page as shown holds case data.
	const sent = await response!.text();
	const shown = await page.content();
	for (const secret of CASE_SECRETS) {
		expect(sent, `the 403 response mentions ${secret}`).not.toContain(secret);
		expect(shown, `the 403 page mentions ${secret}`).not.toContain(secret);
	}
}

test('a caseworker who is not on the case is refused the case, the meeting and its live notes', async ({ browser }) => {
	const { caseUrl, meetingUrl, docId } = await demoAddresses(browser);
	const riley = await personAt(browser, 'outsider@demo.test');
	const { page } = riley;

	// Riley's own case list does not show the family.
	await expect(page.getByRole('heading', { level: 1, name: english('cases_title') })).toBeVisible();
	await expect(page.getByText('Rivera')).toHaveCount(0);

	await expectRefused(page, await page.goto(caseUrl));
	await expectAccessible(page);
	await expectRefused(page, await page.goto(meetingUrl));

	// The live document refuses the connection before it ever opens (no `open` event, only error/close).
	const attempt = await tryCollabSocket(page, docId);
	expect(attempt).toEqual({ opened: false, errored: true, closed: true });

	// Control: the same connection from a person on the case does open, so the refusal above is the policy.
	const sam = await personAt(browser, 'caseworker@demo.test');
	expect(await tryCollabSocket(sam.page, docId)).toMatchObject({ opened: true, closed: true });

	await sam.context.close();
	await riley.context.close();
});

test('the administrator manages accounts but sees no case, and is refused the case page', async ({ browser }) => {
	const { caseUrl, docId } = await demoAddresses(browser);
	const morgan = await personAt(browser, 'admin@demo.test');
	const { page } = morgan;

	await expect(page.getByText(english('cases_none_admin'))).toBeVisible();
	await expect(page.getByRole('link', { name: 'Rivera family' })).toHaveCount(0);
	await expectAccessible(page);

	await expectRefused(page, await page.goto(caseUrl));
	expect(await tryCollabSocket(page, docId)).toMatchObject({ opened: false, closed: true });

	await morgan.context.close();
});

test('a signed-out visitor is sent to sign in, then back to the page they asked for', async ({ browser }) => {
	const { meetingUrl } = await demoAddresses(browser);
	const context = await browser.newContext();
	const page = await context.newPage();

	// The case list.
	await page.goto('/cases');
	await expect(page).toHaveURL('/sign-in?next=%2Fcases');
	await expect(page.getByRole('heading', { level: 1, name: english('sign_in_title') })).toBeVisible();
	await submitSignIn(page, 'supervisor@demo.test');
	await expect(page).toHaveURL('/cases');
	await expect(page.getByRole('link', { name: 'Rivera family' })).toBeVisible();

	// A meeting link (as from an email), in a fresh context: lands on the meeting itself after sign-in.
	const other = await browser.newContext();
	const visitor = await other.newPage();
	await visitor.goto(meetingUrl);
	await expect(visitor).toHaveURL(`/sign-in?next=${encodeURIComponent(meetingUrl)}`);
	// The sign-in page of a refused visitor tells nothing about the meeting either.
	expect(await visitor.content()).not.toContain('Rivera');
	await submitSignIn(visitor, 'facilitator@demo.test');
	await expect(visitor).toHaveURL(meetingUrl);
	await expectNotesLive(visitor);

	await context.close();
	await other.close();
});

test('the `next` parameter never sends anyone to another site', async ({ page }) => {
	await page.goto('/sign-in?next=%2F%2Fevil.example%2Fcases');
	await submitSignIn(page, 'supervisor@demo.test');
	await expect(page).toHaveURL('/cases');
});

test('the error pages are plain and accessible: an unknown page', async ({ browser }) => {
	// Not the supervisor: language.spec.ts switches Lee Chen to Spanish for a while, in parallel.
	const { page, context } = await personAt(browser, 'facilitator@demo.test');
	const response = await page.goto('/cases/nothing-here/at-all');
	expect(response?.status()).toBe(404);
	await expect(page.getByText(english('error_not_found'))).toBeVisible();
	await expectAccessible(page);
	await context.close();
});
