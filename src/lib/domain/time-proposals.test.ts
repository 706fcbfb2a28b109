import { describe, expect, it } from 'vitest';
import { parseAnswers, parseProposal, reconcileOptions, requiredNos, tallyAnswers, type AnswerShown, type StoredAnswer } from './time-proposals';

const NOW = Date.UTC(2026, 11, 1, 15, 0); // Tuesday 1 December 2026, 15:00 UTC
const HOUR = 3_600_000;
const at = (hours: number) => String(NOW + hours * HOUR);

describe('parseProposal', () => {
	it('takes two to five different times that have not passed, in time order, each once', () => {
		const parsed = parseProposal({ picked: [at(24), at(24)], date: '', time: '', timeZone: 'America/New_York', durationMinutes: '60' }, NOW);
		expect(parsed).toEqual({ ok: false, fields: ['picked'] });
		const ok = parseProposal({ picked: [at(48), at(24)], date: '', time: '', timeZone: 'America/New_York', durationMinutes: '90' }, NOW);
		expect(ok).toEqual({ ok: true, options: [{ startsAt: NOW + 24 * HOUR, durationMinutes: 90 }, { startsAt: NOW + 48 * HOUR, durationMinutes: 90 }] });
		expect(parseProposal({ picked: [1, 2, 3, 4, 5, 6].map((d) => at(d * 24)), date: '', time: '', timeZone: 'UTC', durationMinutes: '60' }, NOW)).toEqual({ ok: false, fields: ['picked'] });
	});

	it('refuses a time already past, and a typed time with a day but no hour', () => {
		expect(parseProposal({ picked: [at(-1), at(24)], date: '', time: '', timeZone: 'UTC', durationMinutes: '60' }, NOW)).toEqual({ ok: false, fields: ['picked'] });
		expect(parseProposal({ picked: [at(24)], date: '2026-12-09', time: '', timeZone: 'UTC', durationMinutes: '60' }, NOW)).toEqual({ ok: false, fields: ['time'] });
		expect(parseProposal({ picked: [at(24)], date: '2026-11-02', time: '10:00', timeZone: 'UTC', durationMinutes: '60' }, NOW)).toEqual({ ok: false, fields: ['date'] });
		expect(parseProposal({ picked: [at(24), at(25)], date: '', time: '', timeZone: 'UTC', durationMinutes: '5' }, NOW)).toEqual({ ok: false, fields: ['durationMinutes'] });
	});

	it('reads a typed time as wall time in the zone given, whatever the server’s zone', () => {
		const parsed = parseProposal({ picked: [at(24)], date: '2026-12-09', time: '17:30', timeZone: 'America/Los_Angeles', durationMinutes: '60' }, NOW);
		expect(parsed.ok && parsed.options.map((o) => new Date(o.startsAt).toISOString())).toEqual([new Date(NOW + 24 * HOUR).toISOString(), '2026-12-10T01:30:00.000Z']);
	});
});

describe('reconcileOptions: changing the times never loses or moves an answer', () => {
	const stored = [
		{ id: 'a', startsAt: 1000, durationMinutes: 60, withdrawn: false },
		{ id: 'b', startsAt: 2000, durationMinutes: 60, withdrawn: false },
		{ id: 'c', startsAt: 3000, durationMinutes: 60, withdrawn: true }
	];

	it('keeps a time still wanted, withdraws one taken out, brings back one wanted again, adds a new one', () => {
		expect(reconcileOptions(stored, [{ startsAt: 1000, durationMinutes: 60 }, { startsAt: 3000, durationMinutes: 60 }, { startsAt: 4000, durationMinutes: 60 }])).toEqual({
			add: [{ startsAt: 4000, durationMinutes: 60 }],
			withdraw: ['b'],
			revive: ['c']
		});
	});

	it('treats a new length as a new time (an answer was given for the old one)', () => {
		expect(reconcileOptions(stored.slice(0, 1), [{ startsAt: 1000, durationMinutes: 90 }])).toEqual({ add: [{ startsAt: 1000, durationMinutes: 90 }], withdraw: ['a'], revive: [] });
	});
});

describe('parseAnswers', () => {
	it('needs an answer to every open time, and how they join when they can come', () => {
		expect(parseAnswers({ x: { answer: 'YES', joinMode: 'VIDEO' }, y: { answer: 'NO', joinMode: '' } }, ['x', 'y'])).toEqual({
			ok: true,
			answers: [
				{ optionId: 'x', answer: 'YES', joinMode: 'VIDEO' },
				{ optionId: 'y', answer: 'NO', joinMode: 'WRITTEN' }
			]
		});
		expect(parseAnswers({ x: { answer: 'IF_NEED_BE', joinMode: '' }, y: { answer: 'MAYBE', joinMode: 'PHONE' } }, ['x', 'y', 'z'])).toEqual({ ok: false, fields: ['x', 'y', 'z'] });
		expect(parseAnswers({ x: { answer: 'NO', joinMode: 'TELEPATHY' } }, ['x'])).toEqual({ ok: false, fields: ['x'] });
	});
});

describe('tallyAnswers and requiredNos', () => {
	const answers: StoredAnswer[] = [
		{ optionId: 'o1', personId: 'ana', answer: 'IF_NEED_BE', joinMode: 'PHONE' },
		{ optionId: 'o2', personId: 'ana', answer: 'NO', joinMode: 'WRITTEN' },
		{ optionId: 'o1', personId: 'rosa', answer: 'YES', joinMode: 'IN_PERSON' }
	];

	it('shows each answer as the reader may see it, and nothing of someone hidden, not even that they have not answered', () => {
		const shown = (p: string): AnswerShown => (p === 'ana' ? 'available' : p === 'daniel' ? 'nothing' : 'answer');
		const tally = tallyAnswers(['o1', 'o2'], ['o1', 'o2'], ['ana', 'rosa', 'daniel'], answers, shown);
		expect(tally.options).toEqual([
			{ optionId: 'o1', answers: [{ personId: 'ana', available: true }, { personId: 'rosa', answer: 'YES', joinMode: 'IN_PERSON' }] },
			{ optionId: 'o2', answers: [{ personId: 'ana', available: false }] }
		]);
		expect(tally.notAnswered).toEqual(['rosa']);
		expect(tally.everyoneAnswered).toBe(false);
		const hidden = tallyAnswers(['o1'], ['o1'], ['ana', 'daniel'], answers, (p) => (p === 'ana' ? 'nothing' : 'answer'));
		expect(hidden.options[0].answers).toEqual([{ personId: 'rosa', answer: 'YES', joinMode: 'IN_PERSON' }]);
		expect(hidden.notAnswered).toEqual(['daniel']);
	});

	it('says everyone has answered when each visible invitee answered every open time (withdrawn ones do not count)', () => {
		const tally = tallyAnswers(['o1', 'o2'], ['o1'], ['ana', 'rosa'], answers, () => 'answer');
		expect(tally).toMatchObject({ notAnswered: [], everyoneAnswered: true });
		expect(tallyAnswers(['o1'], ['o1'], [], [], () => 'answer').everyoneAnswered).toBe(false);
	});

	it('names the required people who said no to a time', () => {
		expect(requiredNos('o2', ['ana', 'daniel'], answers)).toEqual(['ana']);
		expect(requiredNos('o1', ['ana'], answers)).toEqual([]);
		expect(requiredNos('o1', [], answers)).toEqual([]);
	});
});
