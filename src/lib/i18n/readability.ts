// Flesch-Kincaid grade level of message text, for the plain-language check.
import { fleschKincaid } from 'flesch-kincaid';
import { syllable } from 'syllable';
import { fillPlaceholders } from './catalog';

export type Counts = { sentence: number; word: number; syllable: number };

const WORD = /[\p{L}\p{N}]+(?:['’]\p{L}+)*/gu;
const SENTENCE_END = /[.!?…]+(?=\s|$)/g;
const NUMERIC_PARAMETER = /^(seconds|minutes|hours|days|weeks|count|number|n)$/;

/**
 * What a `{parameter}` is scored as. It is filled with a name, a number or a date the reader already knows,
 * read as one unit: a number as a one-syllable word, anything else as one two-syllable word (a short name).
 */
export function standIn(parameter: string): string {
	return NUMERIC_PARAMETER.test(parameter) ? 'ten' : 'Rosa';
}

/** The text a reader meets, with placeholders filled by stand-ins; '' when it is only placeholders. */
export function readableText(pattern: string): string {
	const withoutPlaceholders = fillPlaceholders(pattern, () => '');
	if (!/\p{L}/u.test(withoutPlaceholders)) return '';
	return fillPlaceholders(pattern, standIn);
}

/**
 * Counts for one message. Each line is at least one sentence: a label ("Planned") or an email's greeting
 * line is read as a unit. Every word has at least one syllable (numbers included).
 */
export function countText(text: string): Counts {
	const words = text.match(WORD) ?? [];
	const lines = text.split('\n').filter((line) => line.trim() !== '');
	return {
		word: words.length,
		syllable: words.reduce((sum, word) => sum + Math.max(1, syllable(word)), 0),
		sentence: Math.max(1, lines.reduce((sum, line) => sum + Math.max(1, (line.match(SENTENCE_END) ?? []).length), 0))
	};
}

export function addCounts(all: Counts[]): Counts {
	return all.reduce((sum, c) => ({ word: sum.word + c.word, syllable: sum.syllable + c.syllable, sentence: sum.sentence + c.sentence }), { word: 0, syllable: 0, sentence: 0 });
}

export function grade(counts: Counts): number {
	return fleschKincaid(counts);
}
