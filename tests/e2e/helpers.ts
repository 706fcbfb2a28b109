import { expect, type Browser, type BrowserContext, type Locator, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fillPlaceholders, loadCatalog } from '../../src/lib/i18n/catalog.ts';
import { OUTBOX_DIR } from '../../playwright.config.ts';

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
/**
 * The demo meeting's link on the demo case's page: the seeded one, found by its place, never "the first
 * meeting" (specs running beside this one plan and move other meetings of the case, which reorders the list).
 */
export function demoMeetingLink(page: Page) {
	return page.locator('li.card').filter({ hasText: /Family Services office, Room 2|Oficina de Servicios Familiares, sala 2/ }).locator('a[href^="/meetings/"]').first();
}

export async function openDemoMeeting(page: Page): Promise<void> {
	await page.goto('/cases');
	await page.getByRole('link', { name: 'Rivera family' }).click();
	await demoMeetingLink(page).click();
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
	// Key by key, as a person types: several tests write in the one demo meeting at once, and each line must
	// still land whole (issue 16.9; it did not, and insertText had hidden that).
	await page.keyboard.type(text);
	await expect(editor).toContainText(text);
}

/**
 * Puts the page's notes sockets behind a switch: `offline(true)` drops them and refuses new ones (as a
 * lost connection would), `offline(false)` lets the page connect again.
 */
export async function networkSwitch(page: Page): Promise<{ offline: (value: boolean) => void }> {
	let isOffline = false;
	const open = new Set<{ close: (o?: { code?: number }) => Promise<void> }>();
	await page.routeWebSocket(/\/collab\//, (ws) => {
		if (isOffline) return void ws.close({ code: 1013 });
		ws.connectToServer();
		open.add(ws);
		ws.onClose(() => open.delete(ws));
	});
	return {
		offline: (value) => {
			isOffline = value;
			if (value) for (const ws of open) void ws.close({ code: 1012 });
		}
	};
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

// ——— Family access (issue 3): invitations as a caseworker makes them and a family member opens them ———

const catalogs = { en: englishCatalog, es: loadCatalog('es') } as const;

/** What the app says in `locale` for a message key, with its `{parameters}` filled in (see `english`). */
export function message(locale: 'en' | 'es', key: string, params: Record<string, string | number> = {}): string {
	const value = catalogs[locale][key];
	if (typeof value !== 'string') throw new Error(`messages/${locale}.json has no plain message "${key}"`);
	return fillPlaceholders(value, (name) => String(params[name] ?? `{${name}}`));
}

/** What the app says in Spanish for a message key. */
export function spanish(key: string, params: Record<string, string | number> = {}): string {
	return message('es', key, params);
}

/** The private details of Ana Rivera (a survivor of domestic violence) in the demo case. */
export const ANA_PRIVATE = ['12 Example Lane', '+15555550101', 'ana.rivera@example.test'] as const;

/** Opens the demo case from the case list and reads its id and its meeting's id from the page. */
export async function openDemoCase(page: Page): Promise<{ caseId: string; meetingId: string }> {
	await page.goto('/cases');
	await page.getByRole('link', { name: 'Rivera family' }).click();
	await expect(page).toHaveURL(/\/cases\/[a-z2-7]+$/);
	const caseId = new URL(page.url()).pathname.split('/').pop()!;
	const href = await demoMeetingLink(page).getAttribute('href');
	return { caseId, meetingId: href!.split('/').pop()! };
}

/** From the case page, the "Invite" link in the row of `person` ("Ana Rivera"): the form opens with them chosen. */
export async function openInviteForm(page: Page, person: string): Promise<{ caseId: string; meetingId: string }> {
	const ids = await openDemoCase(page);
	await page.getByRole('link', { name: english('case_invite_named', { name: person }) }).click();
	await expect(page.getByRole('heading', { level: 1, name: english('invite_form_title') })).toBeVisible();
	return ids;
}

export type Invitation = { caseId: string; meetingId: string; inviteId: string; person: string; link: string; shortCode: string; verifyCode: string | null };

/**
 * A caseworker (on the case page's invite form) invites `person` to the whole case or to the demo
 * meeting, to be given in person (nothing is sent), and reads what the page shows once.
 */
export async function invite(
	page: Page,
	person: string,
	{ toMeeting = false, locale = 'en', requireCode = false, channel = 'in_person' }: { toMeeting?: boolean; locale?: 'en' | 'es'; requireCode?: boolean; channel?: Channel } = {}
): Promise<Invitation> {
	const { caseId, meetingId } = await openInviteForm(page, person);
	return fillInviteForm(page, { caseId, meetingId, person, toMeeting, locale, requireCode, channel });
}

type Channel = 'in_person' | 'email' | 'sms';

/** Fills and submits the invite form already on the page (see `invite`); given in person unless `channel` says otherwise. */
export async function fillInviteForm(
	page: Page,
	{ caseId, meetingId, person, toMeeting, locale, requireCode, channel = 'in_person' }: { caseId: string; meetingId: string; person: string; toMeeting: boolean; locale: 'en' | 'es'; requireCode: boolean; channel?: Channel }
): Promise<Invitation> {
	await page.getByLabel(english('invite_form_scope')).selectOption(toMeeting ? meetingId : '');
	await page.getByLabel(english(`invite_channel_${channel}`)).check();
	await page.getByRole('radio', { name: locale === 'es' ? 'Español' : 'English', exact: true }).check();
	await page.getByLabel(english('invite_form_require_code')).setChecked(requireCode);
	await page.getByRole('button', { name: english('invite_form_submit') }).click();
	await expect(page.getByRole('heading', { level: 2, name: english('invite_created_heading', { name: person }) })).toBeVisible();
	const link = (await page.getByTestId('invite-link').textContent())!.trim();
	const shortCode = (await page.getByTestId('invite-short-code').textContent())!.trim();
	const verifyCode = requireCode ? (await page.getByTestId('invite-verify-code').textContent())!.trim() : null;
	if (!requireCode) await expect(page.getByTestId('invite-verify-code')).toHaveCount(0);
	// The invitations list on the case page names the person and the scope, which other tests' invitations
	// share; the invite's id (in the page's form data, and in the list's hidden "inviteId" input) tells
	// which one this is.
	const inviteId = /inviteId:"([a-z2-7]+)"/.exec(await page.content())?.[1];
	if (!inviteId) throw new Error('the created invitation has no id in the page');
	return { caseId, meetingId, inviteId, person, link, shortCode, verifyCode };
}

/**
 * A family member opens their invitation link in a new browser context of their own (their phone),
 * types the 6-digit code if there is one and joins. Resolves on the page the app sends them to.
 */
export async function joinByLink(
	browser: Browser,
	invitation: Invitation,
	{ locale = 'en', options = {} }: { locale?: 'en' | 'es'; options?: Parameters<Browser['newContext']>[0] } = {}
): Promise<{ context: BrowserContext; page: Page }> {
	const context = await browser.newContext(options);
	const page = await context.newPage();
	await page.goto(invitation.link);
	if (invitation.verifyCode) await page.getByLabel(message(locale, 'invite_code_label')).fill(invitation.verifyCode);
	await page.getByRole('button', { name: message(locale, 'invite_accept'), exact: true }).click();
	await expect(page).not.toHaveURL(/\/invite\//);
	return { context, page };
}

/** The invitation's row in the case page's list of invitations. */
export function invitationRow(page: Page, invitation: Invitation): Locator {
	return page.locator('li').filter({ has: page.locator(`input[name="inviteId"][value="${invitation.inviteId}"]`) });
}

/** The caseworker turns the invitation off from the case page, as they would. */
export async function turnOff(page: Page, invitation: Invitation): Promise<void> {
	await page.goto(`/cases/${invitation.caseId}`);
	await invitationRow(page, invitation).getByRole('button', { name: english('invite_revoke_named', { name: invitation.person }) }).click();
	await expect(page.getByRole('status').filter({ hasText: english('invite_revoked_done') })).toBeVisible();
}

/** The live notes are connected and synced, read in `locale`. */
export async function expectNotesLiveIn(page: Page, locale: 'en' | 'es'): Promise<void> {
	const { status } = notesOf(page);
	await expect(status).toHaveText(message(locale, 'notes_status_live'));
	await expect(status).toHaveAttribute('data-status', 'connected');
	await expect(status).toHaveAttribute('data-synced', 'true');
}

/** The messages the server sent to `to` (a phone number or email), oldest first, as its file transport wrote them. */
export function messagesTo(to: string, kind?: string): { kind: string; text: string; locale: string }[] {
	let names: string[];
	try {
		names = readdirSync(OUTBOX_DIR);
	} catch {
		return [];
	}
	return names
		.filter((n) => n.endsWith('.json'))
		.sort()
		.map((n) => JSON.parse(readFileSync(join(OUTBOX_DIR, n), 'utf8')) as { to: string; kind: string; text: string; locale: string })
		.filter((m) => m.to === to && (kind === undefined || m.kind === kind));
}

/** The 6-digit sign-in code in the newest message of that kind to `to`, once there are more than `before`. */
export async function newSignInCode(to: string, before: number): Promise<string> {
	await expect.poll(() => messagesTo(to, 'sign-in-code').length).toBeGreaterThan(before);
	return /\b(\d{6})\b/.exec(messagesTo(to, 'sign-in-code').at(-1)!.text)![1];
}

/** The links to change each planned meeting, on the case page `page` shows. */
export async function planLinks(page: Page): Promise<string[]> {
	return page.locator('a[href*="/meetings/plan/"]').evaluateAll((links) => links.map((a) => a.getAttribute('href')!));
}

/**
 * The id of the meeting just planned on the case page `page` shows: of the change links not in `before`, the
 * one whose form holds `place` (the place typed for it, unique to the test). Other specs plan meetings on the
 * same case at the same time, so "the one new link" is not enough.
 */
export async function plannedMeetingId(page: Page, before: readonly string[], place: string): Promise<string> {
	const candidates = (await planLinks(page)).filter((href) => !before.includes(href));
	for (const href of candidates) {
		const html = await (await page.request.get(href)).text();
		if (html.includes(place)) return href.split('/').at(-1)!;
	}
	throw new Error(`no new meeting planned at ${place} among ${candidates.length} new ones`);
}

/** The date `days` from now, as a date input takes it (the runner's zone; the server reads it in the meeting's zone). */
export function laterDay(days: number): string {
	const d = new Date(Date.now() + days * 86_400_000);
	return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}
