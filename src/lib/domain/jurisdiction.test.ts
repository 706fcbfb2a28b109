import { describe, expect, it } from 'vitest';
import { JURISDICTION_DEFAULTS, addWorkingDays, decisionDeadline, isAfterDeadline, isCompleteConfig, isWorkingDay, type JurisdictionConfig } from './jurisdiction.ts';

const friday = { year: 2026, month: 11, day: 27 };
const monday = { year: 2026, month: 11, day: 30 };

describe('working days', () => {
	it('the next working day of a Friday is the Monday', () => {
		expect(addWorkingDays(friday, 1)).toEqual(monday);
	});
	it('of a Saturday and of a Sunday, too; of a Monday, the Tuesday', () => {
		expect(addWorkingDays({ year: 2026, month: 11, day: 28 }, 1)).toEqual(monday);
		expect(addWorkingDays({ year: 2026, month: 11, day: 29 }, 1)).toEqual(monday);
		expect(addWorkingDays(monday, 1)).toEqual({ year: 2026, month: 12, day: 1 });
	});
	it('skips the jurisdiction holidays, across a month and a year', () => {
		const config: JurisdictionConfig = { ...JURISDICTION_DEFAULTS, holidays: ['2026-12-31', '2027-01-01'] };
		expect(addWorkingDays({ year: 2026, month: 12, day: 30 }, 1, config)).toEqual({ year: 2027, month: 1, day: 4 });
		expect(isWorkingDay({ year: 2026, month: 12, day: 31 }, config)).toBe(false);
		expect(isWorkingDay({ year: 2026, month: 12, day: 31 })).toBe(true);
	});
	it('counts several working days', () => {
		expect(addWorkingDays(friday, 3)).toEqual({ year: 2026, month: 12, day: 2 });
	});
});

describe('decision deadlines (domain.md §5 defaults)', () => {
	it('considered removal: before the move; in an emergency by the next working day', () => {
		expect(decisionDeadline('CONSIDERED_REMOVAL', false, friday)).toEqual({ kind: 'BEFORE_MOVE' });
		expect(decisionDeadline('CONSIDERED_REMOVAL', true, friday)).toEqual({ kind: 'BY_DAY', day: monday, workingDays: 1 });
	});
	it('placement change: before the move; in an emergency within 1 business day', () => {
		expect(decisionDeadline('PLACEMENT_CHANGE', false, friday)).toEqual({ kind: 'BEFORE_MOVE' });
		expect(decisionDeadline('PLACEMENT_CHANGE', true, friday)).toEqual({ kind: 'BY_DAY', day: monday, workingDays: 1 });
	});
	it('exit: before the move home; permanency: before the hearing', () => {
		expect(decisionDeadline('EXIT_REUNIFICATION', true, friday)).toEqual({ kind: 'BEFORE_MOVE' });
		expect(decisionDeadline('PERMANENCY_PLANNING', false, friday)).toEqual({ kind: 'BEFORE_HEARING' });
	});
	it('another state changes the data, not the code', () => {
		const config: JurisdictionConfig = { ...JURISDICTION_DEFAULTS, rules: { ...JURISDICTION_DEFAULTS.rules, PLACEMENT_CHANGE: { usual: { kind: 'BEFORE_MOVE' }, emergency: { kind: 'WORKING_DAYS', days: 3 } } } };
		expect(decisionDeadline('PLACEMENT_CHANGE', true, friday, config)).toEqual({ kind: 'BY_DAY', day: { year: 2026, month: 12, day: 2 }, workingDays: 3 });
	});
	it('a meeting after a dated deadline is late; the same day is not', () => {
		const deadline = decisionDeadline('CONSIDERED_REMOVAL', true, friday);
		expect(isAfterDeadline(deadline, monday)).toBe(false);
		expect(isAfterDeadline(deadline, { year: 2026, month: 12, day: 1 })).toBe(true);
		expect(isAfterDeadline({ kind: 'BEFORE_MOVE' }, { year: 2030, month: 1, day: 1 })).toBe(false);
	});
	it('the defaults cover every trigger', () => {
		expect(isCompleteConfig(JURISDICTION_DEFAULTS)).toBe(true);
		expect(isCompleteConfig({ ...JURISDICTION_DEFAULTS, rules: { ...JURISDICTION_DEFAULTS.rules, EXIT_REUNIFICATION: undefined as never } })).toBe(false);
	});
	it('a plan template names known sections, each once', () => {
		expect(isCompleteConfig({ ...JURISDICTION_DEFAULTS, planTemplate: ['VISION', 'GOALS'] })).toBe(true);
		expect(isCompleteConfig({ ...JURISDICTION_DEFAULTS, planTemplate: [] })).toBe(false);
		expect(isCompleteConfig({ ...JURISDICTION_DEFAULTS, planTemplate: ['VISION', 'VISION'] })).toBe(false);
		expect(isCompleteConfig({ ...JURISDICTION_DEFAULTS, planTemplate: ['VISION', 'Our vision' as never] })).toBe(false);
	});
});
