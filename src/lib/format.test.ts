import { describe, expect, it } from 'vitest';
import { formatDate, formatDateTime, formatList, formatShortDateTime } from './format';

describe('formatting for people', () => {
	const instant = Date.UTC(2026, 11, 1, 23, 30); // 1 Dec 2026, 17:30 in Chicago

	it('writes a meeting time in Spanish in the meeting zone', () => {
		const text = formatDateTime(instant, 'es-MX', 'America/Chicago');
		expect(text).toContain('martes');
		expect(text).toContain('1 de diciembre de 2026');
		expect(text).toMatch(/5:30\s?p\.\s?m\./);
	});

	it('writes plain "es" the way Spanish speakers in the US read it, not as Spain does', () => {
		// Bare `es` would give "17:30 GMT-6"; the English page says "5:30 PM CST".
		expect(formatDateTime(instant, 'es', 'America/Chicago')).toMatch(/^martes, 1 de diciembre de 2026, 5:30\sp\.\s?m\.\sCST$/);
	});

	it('writes the same time in English', () => {
		expect(formatDateTime(instant, 'en', 'America/Chicago')).toMatch(/Tuesday, December 1, 2026 at 5:30\sPM/);
	});

	it('writes a short meeting time for a text message, with the zone, in each language', () => {
		expect(formatShortDateTime(instant, 'en', 'America/Chicago')).toMatch(/^Tue, Dec 1, 5:30\sPM\sCST$/);
		expect(formatShortDateTime(instant, 'es', 'America/Chicago')).toMatch(/^mar, 1 (de )?dic, 5:30\sp\.\s?m\.\sCST$/);
	});

	it('shows a date without shifting it a day', () => {
		expect(formatDate('2026-11-14', 'en')).toBe('November 14, 2026');
		expect(formatDate('2026-11-14', 'es')).toBe('14 de noviembre de 2026');
	});

	it('joins lists the way each language does', () => {
		expect(formatList(['Ana', 'Rosa', 'Sam'], 'es')).toBe('Ana, Rosa y Sam');
		expect(formatList(['Ana', 'Rosa', 'Sam'], 'en')).toBe('Ana, Rosa, and Sam');
	});
});
