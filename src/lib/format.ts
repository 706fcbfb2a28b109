// Dates and times for people: always Intl, in the viewer's locale and the meeting's (or viewer's) zone,
// never by string concatenation.

export function formatDateTime(instant: number, locale: string, timeZone: string): string {
	return new Intl.DateTimeFormat(locale, {
		weekday: 'long',
		year: 'numeric',
		month: 'long',
		day: 'numeric',
		hour: 'numeric',
		minute: '2-digit',
		timeZone,
		timeZoneName: 'short'
	}).format(new Date(instant));
}

/** A calendar date stored as YYYY-MM-DD, shown as a date (no time zone shift). */
export function formatDate(isoDate: string, locale: string): string {
	const [y, mo, d] = isoDate.split('-').map(Number);
	return new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' }).format(new Date(Date.UTC(y, mo - 1, d)));
}

export function formatList(items: string[], locale: string): string {
	return new Intl.ListFormat(locale, { style: 'long', type: 'conjunction' }).format(items);
}
