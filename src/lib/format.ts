// Dates and times for people: always Intl, in the viewer's locale and the meeting's (or viewer's) zone,
// never by string concatenation.

/**
 * The messages' languages are plain `en` and `es`, but bare `es` formats the way Spain does ("17:30 GMT-6").
 * Hearth's families are in the United States: format as `es-US` ("5:30 p.m. CST", like the English page).
 * A full tag (`es-MX`) is kept as given. When agencies outside the US use Hearth, this is agency config.
 */
const REGION: Record<string, string> = { en: 'en-US', es: 'es-US' };
export function formattingLocale(locale: string): string {
	return REGION[locale] ?? locale;
}

export function formatDateTime(instant: number, locale: string, timeZone: string): string {
	return formatInstant(instant, locale, timeZone, { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric', hour: 'numeric', minute: '2-digit' });
}

/**
 * The same instant, short, for a text message: "Wed, Nov 4, 5:30 PM CST" (en), "mié, 4 de nov, 5:30 p.m.
 * CST" (es, as es-US). `timeZone` is the meeting's (IANA name); the zone's short name is always shown.
 */
export function formatShortDateTime(instant: number, locale: string, timeZone: string): string {
	return formatInstant(instant, locale, timeZone, { weekday: 'short', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' });
}

function formatInstant(instant: number, locale: string, timeZone: string, parts: Intl.DateTimeFormatOptions): string {
	return new Intl.DateTimeFormat(formattingLocale(locale), { ...parts, timeZone, timeZoneName: 'short' }).format(new Date(instant));
}

/** A calendar date stored as YYYY-MM-DD, shown as a date (no time zone shift). */
export function formatDate(isoDate: string, locale: string): string {
	const [y, mo, d] = isoDate.split('-').map(Number);
	return new Intl.DateTimeFormat(formattingLocale(locale), { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' }).format(new Date(Date.UTC(y, mo - 1, d)));
}

export function formatList(items: string[], locale: string): string {
	return new Intl.ListFormat(formattingLocale(locale), { style: 'long', type: 'conjunction' }).format(items);
}
