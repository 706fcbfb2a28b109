import { describe, expect, it } from 'vitest';
import { valuesOf, type AvailabilityValues } from './availability.ts';
import { parseAvailability, recordFromRow } from './availability-parse.ts';

function form(extra: Partial<AvailabilityValues> = {}): AvailabilityValues {
	const empty = valuesOf(null, 'America/Los_Angeles');
	return { ...empty, ...extra, grid: { ...empty.grid, ...(extra.grid ?? {}) } };
}

describe('the availability form', () => {
	it('turns marked parts of the week into blocks, and reads them back into the same cells', () => {
		const parsed = parseAvailability(form({ grid: { '2-LUNCH': 'BEST', '6-MORNING': 'IF_NEED_BE', '1-EARLY': 'CANT' }, join: ['PHONE', 'IN_PERSON'], place: 'COMMUNITY', placeName: ' Library on 5th ', need: ['INTERPRETER'], language: 'Mam' }));
		if (!parsed.ok) throw new Error(parsed.fields.join());
		expect(parsed.record.weekly).toEqual([
			{ weekday: 1, start: 360, end: 480, preference: 'CANT' },
			{ weekday: 2, start: 720, end: 780, preference: 'BEST' },
			{ weekday: 6, start: 480, end: 720, preference: 'IF_NEED_BE' }
		]);
		expect(parsed.record).toMatchObject({ timeZone: 'America/Los_Angeles', joinModes: ['PHONE', 'IN_PERSON'], inPersonPlace: 'COMMUNITY', placeName: 'Library on 5th', needs: ['INTERPRETER'], interpreterLanguage: 'Mam' });
		const back = valuesOf(parsed.record, 'UTC');
		expect(back.grid['2-LUNCH']).toBe('BEST');
		expect(back.grid['6-MORNING']).toBe('IF_NEED_BE');
		expect(back.grid['3-LUNCH']).toBe('');
		expect(back.timeZone).toBe('America/Los_Angeles');
	});

	it('takes a complete date change, names an incomplete or impossible one, and keeps nothing said as valid', () => {
		const ok = parseAvailability(form({ dates: [{ date: '2026-12-09', from: '17:00', to: '19:30', mark: 'CANT' }, { date: '', from: '', to: '', mark: '' }, { date: '', from: '', to: '', mark: '' }] }));
		expect(ok.ok && ok.record.dates).toEqual([{ date: '2026-12-09', start: 1020, end: 1170, preference: 'CANT' }]);
		const bad = parseAvailability(
			form({ timeZone: 'Mars/Base', dates: [{ date: '2026-02-30', from: '10:00', to: '11:00', mark: 'BEST' }, { date: '2026-12-09', from: '11:00', to: '10:00', mark: 'BEST' }, { date: '2026-12-10', from: '10:10', to: '11:00', mark: 'BEST' }] })
		);
		expect(bad).toEqual({ ok: false, fields: ['timeZone', 'date-0', 'date-1', 'date-2'] });
		expect(parseAvailability(form()).ok).toBe(true);
	});

	it('refuses codes no page offers, and drops a place name or a language that does not go with the answer', () => {
		expect(parseAvailability(form({ grid: { '1-EARLY': 'MAYBE' } })).ok).toBe(false);
		expect(parseAvailability(form({ join: ['CARRIER_PIGEON'] })).ok).toBe(false);
		expect(parseAvailability(form({ place: 'MOON' })).ok).toBe(false);
		expect(parseAvailability(form({ placeName: 'x'.repeat(121) }))).toEqual({ ok: false, fields: ['placeName'] });
		const loose = parseAvailability(form({ join: ['VIDEO'], place: 'COMMUNITY', placeName: 'Library', need: ['TRANSPORT'], language: 'Mam' }));
		expect(loose.ok && loose.record).toMatchObject({ inPersonPlace: null, placeName: null, interpreterLanguage: null });
	});

	it('reads a stored row defensively', () => {
		const r = recordFromRow({ timeZone: 'UTC', weekly: '[{"weekday":1,"start":0,"end":60,"preference":"BEST"},{"weekday":9,"start":0,"end":60,"preference":"BEST"}]', dates: 'not json', joinModes: '["PHONE","FAX"]', inPersonPlace: 'MOON', placeName: null, needs: '[]', interpreterLanguage: null });
		expect(r.weekly).toHaveLength(1);
		expect(r.dates).toEqual([]);
		expect(r.joinModes).toEqual(['PHONE']);
		expect(r.inPersonPlace).toBeNull();
	});
});
