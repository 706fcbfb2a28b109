import { describe, expect, it } from 'vitest';
import { ageOn, hasSide, isCalendarDate, labelsThatApply, relationshipGender, typedText, typedTextFor } from './people';
import { SENSITIVITY_LABELS } from './roles';

describe('ages from birth dates', () => {
	const day = (year: number, month: number, d: number) => ({ year, month, day: d });

	it('counts whole years, turning a year older on the birthday itself', () => {
		expect(ageOn('2012-08-02', day(2026, 8, 1))).toBe(13);
		expect(ageOn('2012-08-02', day(2026, 8, 2))).toBe(14);
		expect(ageOn('2012-08-02', day(2026, 12, 31))).toBe(14);
		expect(ageOn('2026-01-10', day(2026, 3, 1))).toBe(0);
	});

	it('has no age for a missing, malformed or future birth date', () => {
		expect(ageOn(null, day(2026, 1, 1))).toBeNull();
		expect(ageOn('14', day(2026, 1, 1))).toBeNull();
		expect(ageOn('2027-01-01', day(2026, 1, 1))).toBeNull();
	});

	it('knows a calendar date from a string that looks like one', () => {
		expect(isCalendarDate('2012-02-29')).toBe(true);
		expect(isCalendarDate('2013-02-29')).toBe(false);
		expect(isCalendarDate('2012-8-2')).toBe(false);
	});
});

describe('relationships', () => {
	it('give Spanish its gender only where the code says it', () => {
		expect(relationshipGender('FATHER')).toBe('male');
		expect(relationshipGender('MOTHER')).toBe('female');
		expect(relationshipGender('PARENT')).toBeNull();
		expect(relationshipGender(null)).toBeNull();
	});

	it('give grandparents, aunts and uncles a side, and nobody else', () => {
		expect(hasSide('GRANDMOTHER')).toBe(true);
		expect(hasSide('UNCLE')).toBe(true);
		expect(hasSide('MOTHER')).toBe(false);
		expect(hasSide('FOSTER_CAREGIVER')).toBe(false);
		expect(hasSide(null)).toBe(false);
	});
});

describe('text staff typed in two languages', () => {
	it('shows the reader’s language when someone wrote it, otherwise the other, marked as such', () => {
		const place = typedText('Family Services office, Room 2', 'Oficina de Servicios Familiares, sala 2');
		expect(typedTextFor(place, 'es')).toEqual({ text: 'Oficina de Servicios Familiares, sala 2', lang: 'es' });
		expect(typedTextFor(place, 'en')).toEqual({ text: 'Family Services office, Room 2', lang: 'en' });
		expect(typedTextFor(typedText('Room 2', null), 'es')).toEqual({ text: 'Room 2', lang: 'en' });
		expect(typedTextFor(typedText(null, 'Sala 2'), 'en')).toEqual({ text: 'Sala 2', lang: 'es' });
	});

	it('is nothing when both are empty', () => {
		expect(typedText(null, '  ')).toBeNull();
		expect(typedTextFor(null, 'en')).toBeNull();
	});
});

describe('sensitivity labels offered for a person', () => {
	it('offers the child’s words only for a child, and the youth’s private section only from 14', () => {
		const adult = labelsThatApply({ role: 'RELATIVE_KIN', age: null }, SENSITIVITY_LABELS);
		expect(adult).not.toContain('CHILD_VOICE');
		expect(adult).not.toContain('YOUTH_PRIVATE');
		expect(adult).toContain('ADDRESS_CONFIDENTIAL');
		expect(labelsThatApply({ role: 'CHILD_YOUTH', age: 9 }, SENSITIVITY_LABELS)).toContain('CHILD_VOICE');
		expect(labelsThatApply({ role: 'CHILD_YOUTH', age: 9 }, SENSITIVITY_LABELS)).not.toContain('YOUTH_PRIVATE');
		expect(labelsThatApply({ role: 'CHILD_YOUTH', age: 14 }, SENSITIVITY_LABELS)).toContain('YOUTH_PRIVATE');
		expect(labelsThatApply({ role: 'CHILD_YOUTH', age: null }, SENSITIVITY_LABELS)).toContain('YOUTH_PRIVATE');
	});
});
