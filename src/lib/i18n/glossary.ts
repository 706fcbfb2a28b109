// The glossary's tables (messages/glossary.md), read as pairs of wordings that must travel together: when an
// English message uses a term, its Spanish message uses the glossary's Spanish for it.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** One wording in both languages; each side lists its accepted forms (singular, plural, verb forms). */
export type TermPair = { en: string[]; es: string[]; line: number };

const NONE = '—';

function forms(cell: string): string[] {
	return cell
		.split(';')
		.map((form) => form.trim())
		.filter((form) => form !== '' && form !== NONE);
}

function cells(row: string): string[] {
	return row
		.trim()
		.replace(/^\|/, '')
		.replace(/\|$/, '')
		.split('|')
		.map((cell) => cell.trim());
}

/**
 * Every table whose header names the columns "English" and "Español" (the term), and optionally "Plain
 * English for families" and "Para las familias" (the plain wording), gives one pair per filled column pair.
 */
export function parseGlossary(markdown: string): TermPair[] {
	const pairs: TermPair[] = [];
	let columns: { en: number; es: number }[] | null = null;
	markdown.split('\n').forEach((row, index) => {
		if (!row.trim().startsWith('|')) {
			columns = null;
			return;
		}
		const row_ = cells(row);
		if (row_.every((cell) => /^:?-+:?$/.test(cell))) return;
		if (!columns) {
			const at = (name: string) => row_.indexOf(name);
			columns = [
				{ en: at('English'), es: at('Español') },
				{ en: at('Plain English for families'), es: at('Para las familias') }
			].filter((c) => c.en >= 0 && c.es >= 0);
			return;
		}
		for (const column of columns) {
			const en = forms(row_[column.en] ?? '');
			const es = forms(row_[column.es] ?? '');
			if (en.length > 0 && es.length > 0) pairs.push({ en, es, line: index + 1 });
		}
	});
	return pairs;
}

export function loadGlossary(): TermPair[] {
	return parseGlossary(readFileSync(fileURLToPath(new URL('../../../messages/glossary.md', import.meta.url)), 'utf8'));
}

function escape(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const patternsByForm = new Map<string, RegExp>();

/** The form stands in the text as whole words, whatever the capitals (accents count). */
export function uses(text: string, form: string): boolean {
	let pattern = patternsByForm.get(form);
	if (!pattern) {
		pattern = new RegExp(`(?<![\\p{L}\\p{N}])${escape(form)}(?![\\p{L}\\p{N}])`, 'iu');
		patternsByForm.set(form, pattern);
	}
	return pattern.test(text);
}
