import { describe, expect, it } from 'vitest';
import { loadCatalog, patterns } from './catalog';
import { isFamilyFacing } from './family-facing';
import { addCounts, countText, grade, readableText } from './readability';

// Plain language for families (issue 11): the English that families read scores Flesch-Kincaid grade 6 or
// lower as a whole, and no single family-facing sentence is far above it. Spanish follows the same wording
// (messages/glossary.md); the formula is for English only.

const GRADE_FOR_THE_SET = 6;
/** A long message (10 words or more) may be a little harder than the set, not much. */
const GRADE_FOR_A_LONG_MESSAGE = 8;
const LONG_MESSAGE_WORDS = 10;
/**
 * The formula needs a few words to mean anything: one word of four syllables ("Interpreter") scores grade 32.
 * Labels still count in the grade of the whole set.
 */
const MIN_WORDS_TO_RANK = 3;

const en = loadCatalog('en');
const scored = Object.entries(en)
	.filter(([key]) => isFamilyFacing(key))
	.flatMap(([key, value]) => patterns(value).map((pattern) => ({ key, pattern, text: readableText(pattern) })))
	.filter((message) => message.text !== '')
	.map((message) => ({ ...message, counts: countText(message.text), grade: grade(countText(message.text)) }));

const hardestFirst = [...scored].sort((a, b) => b.grade - a.grade);
const setGrade = grade(addCounts(scored.map((message) => message.counts)));

describe('plain language in what families read', () => {
	it('has family-facing messages to score', () => {
		expect(scored.length).toBeGreaterThan(20);
	});

	it(`scores grade ${GRADE_FOR_THE_SET} or lower over the family-facing English`, () => {
		console.log(
			[
				`Flesch-Kincaid grade over ${scored.length} family-facing messages: ${setGrade.toFixed(1)}`,
				`Hardest ten of ${MIN_WORDS_TO_RANK} words or more (a one- or two-word label's own grade says little; labels count in the set):`,
				...hardestFirst.filter((message) => message.counts.word >= MIN_WORDS_TO_RANK).slice(0, 10).map((message) => `  ${message.grade.toFixed(1).padStart(5)}  ${message.key}: ${message.pattern}`)
			].join('\n')
		);
		expect(setGrade).toBeLessThanOrEqual(GRADE_FOR_THE_SET);
	});

	it(`keeps each long family-facing message at grade ${GRADE_FOR_A_LONG_MESSAGE} or lower`, () => {
		const hard = hardestFirst
			.filter((message) => message.counts.word >= LONG_MESSAGE_WORDS && message.grade > GRADE_FOR_A_LONG_MESSAGE)
			.map((message) => `${message.grade.toFixed(1)} ${message.key}: ${message.pattern}`);
		expect(hard, 'Use shorter words and shorter sentences (messages/glossary.md)').toEqual([]);
	});
});

describe('the scoring', () => {
	it('scores a short plain sentence low and a long formal one high', () => {
		expect(grade(countText('Use the link your caseworker sent you.'))).toBeLessThan(6);
		expect(
			grade(countText('Notwithstanding the aforementioned circumstances, participation necessitates comprehensive documentation of individualized considerations.'))
		).toBeGreaterThan(12);
	});

	it('reads a placeholder as one short word and skips messages made only of placeholders', () => {
		expect(readableText('Back to {name}')).toBe('Back to Rosa');
		expect(readableText('Please wait {seconds} seconds')).toBe('Please wait ten seconds');
		expect(readableText('{kind}: {type}')).toBe('');
	});

	it('counts a label as one sentence and each full stop after that', () => {
		expect(countText('Planned').sentence).toBe(1);
		expect(countText('Offline: trying to reconnect. Your typing is kept.')).toMatchObject({ sentence: 2, word: 8 });
		expect(countText('Hello Ana,\n\nOpen this link to join: x\n\nThe link works once. It ends soon.').sentence).toBe(4);
	});
});
