import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { demoMeetingLink, expectAccessible, expectNotesLive, notesOf, openDemoMeeting, personAt, signIn, spanish, typeInNotes, uniqueText } from './helpers';

// Issue 11: every page in Spanish and English, each person in their own. A browser that asks for Spanish
// gets Spanish; the visible "English | Español" switch changes it, and the choice follows the person:
// across pages, across sign-in, and (once signed in) to their other browsers through their profile.
// Two staff members on one meeting each read the page in their own language while writing the same notes.
//
// Shared demo accounts: other spec files sign in as the same staff at the same time and expect English.
// Only the supervisor's saved language is ever changed here, and it is set back to English at the end of
// each test that changes it. The caseworker and the facilitator are never switched while signed in.

const SPANISH_DAYS = ['lunes', 'martes', 'miércoles', 'jueves', 'viernes', 'sábado', 'domingo'];
const ENGLISH_DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const SPANISH_MONTHS = ['enero', 'febrero', 'marzo', 'abril', 'mayo', 'junio', 'julio', 'agosto', 'septiembre', 'octubre', 'noviembre', 'diciembre'];
const ENGLISH_MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
// "martes, 1 de diciembre de 2026, 5:30 p.m. CST" and "Tuesday, December 1, 2026 at 5:30 PM CST"
const SPANISH_DATE = new RegExp(`^(${SPANISH_DAYS.join('|')}), (\\d{1,2}) de (${SPANISH_MONTHS.join('|')}) de (\\d{4}),? (\\d{1,2}:\\d{2})\\s?p\\.\\s?m\\.`);
const ENGLISH_DATE = new RegExp(`^(${ENGLISH_DAYS.join('|')}), (${ENGLISH_MONTHS.join('|')}) (\\d{1,2}), (\\d{4}),? (?:at )?(\\d{1,2}:\\d{2})\\sPM`);

const LANGUAGES = { English: 'en', Español: 'es' } as const;
type LanguageName = keyof typeof LANGUAGES;

async function expectLanguage(page: Page, lang: 'en' | 'es'): Promise<void> {
	await expect(page.locator('html')).toHaveAttribute('lang', lang);
	const current = (Object.keys(LANGUAGES) as LanguageName[]).find((name) => LANGUAGES[name] === lang)!;
	await expect(page.getByRole('button', { name: current, exact: true })).toHaveAttribute('aria-pressed', 'true');
}

/** Uses the visible switch, as a person would, and waits for the same page to come back in that language. */
async function chooseLanguage(page: Page, name: LanguageName): Promise<void> {
	const before = new URL(page.url()).pathname;
	await page.getByRole('button', { name, exact: true }).click();
	await expectLanguage(page, LANGUAGES[name]);
	await expect(page).toHaveURL((url) => url.pathname === before);
}

/** The `<dd>` beside a `<dt>` of the meeting's facts. */
function fact(page: Page, term: string) {
	return page.locator('dl.facts dt', { hasText: term }).locator('xpath=following-sibling::dd[1]');
}

async function newPage(browser: Browser, locale: string): Promise<{ context: BrowserContext; page: Page }> {
	const context = await browser.newContext({ locale });
	return { context, page: await context.newPage() };
}

test('a browser that asks for Spanish gets Spanish, and the switch sticks across pages and sign-in', async ({ browser }) => {
	const { context, page } = await newPage(browser, 'es-MX');

	// Accept-Language: es-MX, no choice made yet.
	await page.goto('/sign-in');
	await expectLanguage(page, 'es');
	await expect(page.getByRole('heading', { level: 1, name: 'Iniciar sesión' })).toBeVisible();
	await expect(page.getByText('Use el enlace que le envió su trabajador social.')).toBeVisible();

	// The switch, both ways.
	await chooseLanguage(page, 'English');
	await expect(page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible();
	await expect(page.getByLabel('Email')).toBeVisible();

	// Another page keeps the choice, although the browser still asks for Spanish.
	await page.goto('/no-such-page');
	await expectLanguage(page, 'en');
	await expect(page.getByText('We could not find this page.')).toBeVisible();
	await chooseLanguage(page, 'Español');
	await expect(page.getByText('No encontramos esta página.')).toBeVisible();
	await page.goto('/sign-in');
	await expectLanguage(page, 'es');

	// Signing in keeps it (the caseworker has no saved language), and so does every page after.
	await signIn(page, 'caseworker@demo.test');
	await expectLanguage(page, 'es');
	await expect(page.getByRole('heading', { level: 1, name: 'Sus casos' })).toBeVisible();
	await page.getByRole('link', { name: 'Rivera family' }).click();
	await expect(page.getByRole('heading', { level: 2, name: 'Personas del equipo de esta familia' })).toBeVisible();
	// Roles in Spanish take the person's gender from their relationship: a father is "Padre", a mother "Madre".
	await expect(page.getByRole('cell', { name: 'Padre', exact: true })).toBeVisible();
	await expect(page.getByRole('cell', { name: 'Madre', exact: true })).toBeVisible();
	await expect(page.getByRole('cell', { name: 'Madre o padre' })).toHaveCount(0);
	await demoMeetingLink(page).click();
	await expectLanguage(page, 'es');
	await expect(page.getByRole('heading', { level: 2, name: 'Notas compartidas' })).toBeVisible();

	// And signing out.
	await page.getByRole('button', { name: 'Cerrar sesión' }).click();
	await expect(page).toHaveURL('/sign-in');
	await expectLanguage(page, 'es');
	await context.close();
});

test('a signed-in person’s choice is saved on their profile and follows them to another browser', async ({ browser }) => {
	// Lee reads English at work, switches to Spanish once signed in.
	const office = await personAt(browser, 'supervisor@demo.test', { locale: 'en-US' });
	await expectLanguage(office.page, 'en');
	await expect(office.page.getByRole('heading', { level: 1, name: 'Your cases' })).toBeVisible();
	await chooseLanguage(office.page, 'Español');
	try {
		await expect(office.page.getByRole('heading', { level: 1, name: 'Sus casos' })).toBeVisible();

		// A different browser: no cookie, and it asks for English. Before sign-in it is English…
		const laptop = await newPage(browser, 'en-US');
		await laptop.page.goto('/sign-in');
		await expectLanguage(laptop.page, 'en');
		// …and after, Lee's saved Spanish.
		await signIn(laptop.page, 'supervisor@demo.test');
		await expectLanguage(laptop.page, 'es');
		await expect(laptop.page.getByRole('heading', { level: 1, name: 'Sus casos' })).toBeVisible();
		await laptop.context.close();
	} finally {
		await chooseLanguage(office.page, 'English');
		await office.context.close();
	}
});

test('two staff on one meeting each read it in their own language and write the same notes', async ({ browser }) => {
	test.setTimeout(60_000); // both type their lines key by key
	// Lee Chen (supervisor) reads Spanish: switches after signing in. Dana Reyes (facilitator) reads English.
	const lee = await personAt(browser, 'supervisor@demo.test', { locale: 'en-US' });
	await chooseLanguage(lee.page, 'Español');
	try {
		const dana = await personAt(browser, 'facilitator@demo.test', { locale: 'en-US' });
		await openDemoMeeting(lee.page);
		await openDemoMeeting(dana.page);
		expect(new URL(lee.page.url()).pathname).toBe(new URL(dana.page.url()).pathname);

		// The same meeting, each in their own words.
		await expectLanguage(lee.page, 'es');
		await expectLanguage(dana.page, 'en');
		await expect(lee.page.getByRole('heading', { level: 1 })).toHaveText('Reunión del equipo familiar: dónde vivirán los niños ahora');
		await expect(dana.page.getByRole('heading', { level: 1 })).toHaveText('Family team meeting: where the children will live next');
		await expect(fact(lee.page, 'Duración')).toHaveText('90 minutos');
		await expect(fact(dana.page, 'How long')).toHaveText('90 minutes');
		await expect(fact(lee.page, 'Estado')).toHaveText('Planeada');
		await expect(fact(dana.page, 'Status')).toHaveText('Planned');
		// The place is what staff typed, never translated by the app: each reads the words staff wrote in their language.
		await expect(fact(lee.page, 'Dónde')).toHaveText('Oficina de Servicios Familiares, sala 2 (o por video)');
		await expect(fact(dana.page, 'Where')).toHaveText('Family Services office, Room 2 (or by video)');

		// The date in each viewer's language: the same day, weekday, month and time.
		await expect(fact(lee.page, 'Cuándo')).toHaveText(SPANISH_DATE);
		await expect(fact(dana.page, 'When')).toHaveText(ENGLISH_DATE);
		const es = (await fact(lee.page, 'Cuándo').innerText()).match(SPANISH_DATE)!;
		const en = (await fact(dana.page, 'When').innerText()).match(ENGLISH_DATE)!;
		expect(SPANISH_DAYS.indexOf(es[1])).toBe(ENGLISH_DAYS.indexOf(en[1]));
		expect({ day: es[2], month: SPANISH_MONTHS.indexOf(es[3]), year: es[4], time: es[5] }).toEqual({
			day: en[3],
			month: ENGLISH_MONTHS.indexOf(en[2]),
			year: en[4],
			time: en[5]
		});

		// The live notes: labels and status in each language, and each sees the other by role in their own.
		const leeNotes = notesOf(lee.page);
		const danaNotes = notesOf(dana.page);
		await expect(leeNotes.status).toHaveText(spanish('notes_status_live'));
		await expect(leeNotes.status).toHaveAttribute('data-synced', 'true');
		await expectNotesLive(dana.page);
		await expect(leeNotes.editor).toHaveAttribute('aria-label', 'Notas compartidas de la reunión. Todos aquí ven lo que usted escribe.');
		await expect(danaNotes.editor).toHaveAttribute('aria-label', 'Shared meeting notes. Everyone here sees what you type.');
		const leePresence = lee.page.getByRole('list', { name: 'Aquí ahora' });
		await expect(leePresence.getByRole('listitem').filter({ hasText: 'Dana Reyes, facilitador(a)' }).first()).toBeVisible();
		await expect(leePresence.getByRole('listitem').filter({ hasText: 'Lee Chen (usted)' })).toHaveCount(1);
		await expect(danaNotes.presence.getByRole('listitem').filter({ hasText: 'Lee Chen, supervisor' }).first()).toBeVisible();

		// What one types reaches the other as typed, accents and all.
		const fromLee = uniqueText('Lee: la abuela Rosa puede recoger a los niños los martes, ¿verdad?');
		await typeInNotes(lee.page, fromLee);
		await expect(danaNotes.editor).toContainText(fromLee);
		const fromDana = uniqueText('Dana: yes, and Sofía’s school meeting moved to Friday');
		await typeInNotes(dana.page, fromDana);
		await expect(leeNotes.editor).toContainText(fromDana);

		await dana.context.close();
	} finally {
		await chooseLanguage(lee.page, 'English');
		await lee.context.close();
	}
});

test('the Spanish sign-in, case and meeting pages have no serious accessibility issue', async ({ browser }) => {
	const { context, page } = await newPage(browser, 'es-MX');
	await page.goto('/sign-in');
	await expectLanguage(page, 'es');
	await expectAccessible(page);

	await signIn(page, 'caseworker@demo.test');
	await page.getByRole('link', { name: 'Rivera family' }).click();
	await expectLanguage(page, 'es');
	await expect(page.getByRole('heading', { level: 2, name: 'Reuniones' })).toBeVisible();
	await expectAccessible(page);

	await demoMeetingLink(page).click();
	await expectLanguage(page, 'es');
	await expect(notesOf(page).status).toHaveText(spanish('notes_status_live'));
	await expectAccessible(page);
	await context.close();
});
