import { expect, type Browser, type BrowserContext, type Locator, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { fillPlaceholders, loadCatalog } from '../../src/lib/i18n/catalog.ts';

export const PASSWORD = 'hearth-demo';

export async function signIn(page: Page, email: string, password = PASSWORD): Promise<void> {
	await page.goto('/sign-in');
	await page.locator('#email').fill(email);
	await page.locator('#password').fill(password);
	await page.locator('form.card button[type=submit]').click();
	await expect(page).toHaveURL(/\/cases/);
}

/** A new browser context (a separate person, with their own cookies) signed in as `email`. */
export async function personAt(browser: Browser, email: string, options: Parameters<Browser['newContext']>[0] = {}): Promise<{ context: BrowserContext; page: Page }> {
	const context = await browser.newContext(options);
	const page = await context.newPage();
	await signIn(page, email);
	return { context, page };
}

/** Opens the demo case's first meeting from the case list, as a person would. */
export async function openDemoMeeting(page: Page): Promise<void> {
	await page.goto('/cases');
	await page.getByRole('link', { name: 'Rivera family' }).click();
	await page.locator('a[href^="/meetings/"]').first().click();
	await expect(page).toHaveURL(/\/meetings\//);
}

/** axe finds no serious or critical issue on the page. */
export async function expectAccessible(page: Page): Promise<void> {
	const results = await new AxeBuilder({ page }).analyze();
	const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
	expect(serious.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`)).toEqual([]);
}

/** Fills and submits the sign-in form already on the page (e.g. after a redirect that carries `next`). */
export async function submitSignIn(page: Page, email: string, password = PASSWORD): Promise<void> {
	await page.getByLabel(english('sign_in_email')).fill(email);
	await page.getByLabel(english('sign_in_password')).fill(password);
	await page.getByRole('button', { name: english('sign_in_submit'), exact: true }).click();
}

/** A string nobody else types: the demo meeting's notes are shared by every test that opens them. */
export function uniqueText(label: string): string {
	return `${label} ${Math.random().toString(36).slice(2, 10)}`;
}

/** The shared notes of the meeting page: the editor, its status line and the "Here now" list. */
export function notesOf(page: Page): { editor: Locator; status: Locator; presence: Locator } {
	return {
		editor: page.locator('.notes-editor'),
		status: page.locator('[role=status][data-status]'),
		presence: page.getByRole('list', { name: english('presence_heading') })
	};
}

/** The notes are connected and synced: what the status line says, and its data attributes. */
export async function expectNotesLive(page: Page): Promise<void> {
	const { status } = notesOf(page);
	await expect(status).toHaveText(english('notes_status_live'));
	await expect(status).toHaveAttribute('data-status', 'connected');
	await expect(status).toHaveAttribute('data-synced', 'true');
}

/** Types a new paragraph at the end of the shared notes, as a person would (click or tap, then keys). */
export async function typeInNotes(page: Page, text: string, { touch = false } = {}): Promise<void> {
	const { editor } = notesOf(page);
	if (touch) await editor.tap();
	else await editor.click();
	await page.keyboard.press('ControlOrMeta+End');
	await page.keyboard.press('Enter');
	await page.keyboard.type(text);
	await expect(editor).toContainText(text);
}

/**
 * Opens a WebSocket to the collab server from inside the page (its cookies, its origin) and reports
 * whether it ever opened. Resolves on `close`; an opened socket is closed at once.
 */
export async function tryCollabSocket(page: Page, docId: string): Promise<{ opened: boolean; errored: boolean; closed: boolean }> {
	return page.evaluate(
		(doc) =>
			new Promise<{ opened: boolean; errored: boolean; closed: boolean }>((resolve) => {
				const result = { opened: false, errored: false, closed: false };
				const ws = new WebSocket(`${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/collab/${doc}`);
				ws.binaryType = 'arraybuffer';
				ws.onopen = () => {
					result.opened = true;
					ws.close();
				};
				ws.onerror = () => (result.errored = true);
				ws.onclose = () => resolve({ ...result, closed: true });
			}),
		docId
	);
}

const englishCatalog = loadCatalog('en');

function englishText(key: string): string {
	const value = englishCatalog[key];
	if (typeof value !== 'string') throw new Error(`messages/en.json has no plain message "${key}"`);
	return value;
}

/**
 * What the app says in English for a message key of messages/en.json, with its `{parameters}` filled in.
 * Tests find text through the keys, so rewording a message (plain language) does not break them.
 */
export function english(key: string, params: Record<string, string | number> = {}): string {
	return fillPlaceholders(englishText(key), (name) => String(params[name] ?? `{${name}}`));
}

/** The English message as a whole-text pattern, any value standing in for each `{parameter}`. */
export function englishPattern(key: string): RegExp {
	const marker = '\u0000';
	const parts = fillPlaceholders(englishText(key), () => marker).split(marker);
	return new RegExp(`^${parts.map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.+')}$`);
}
