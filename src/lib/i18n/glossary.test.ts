import { describe, expect, it } from 'vitest';
import { fillPlaceholders, loadCatalog, patterns } from './catalog';
import { loadGlossary, parseGlossary, uses } from './glossary';

// The practice's terms are used consistently (messages/glossary.md): a parent who reads "trabajador(a)
// social" on one page must not meet "asistente social" on the next for the same person.

const en = loadCatalog('en');
const es = loadCatalog('es');
const glossary = loadGlossary();

const text = (value: (typeof en)[string] | undefined) => (value === undefined ? '' : patterns(value).map((p) => fillPlaceholders(p, () => '')).join('\n'));

describe('glossary', () => {
	it('holds the practice terms', () => {
		const english = glossary.flatMap((pair) => pair.en);
		for (const term of ['family team meeting', 'family group conference', 'case plan', 'protective factors', 'danger statement', 'safety goal', 'safety plan', 'support person', 'relative notice', 'caseworker', 'facilitator', 'caregiver', 'visit'])
			expect(english).toContain(term);
	});

	it('each Spanish message uses the glossary words for the terms its English uses', () => {
		const inconsistent: string[] = [];
		for (const key of Object.keys(en)) {
			const english = text(en[key]);
			const spanish = text(es[key]);
			if (!spanish) continue; // a missing translation is messages.test.ts's to report
			for (const pair of glossary) {
				const term = pair.en.find((form) => uses(english, form));
				if (term && !pair.es.some((form) => uses(spanish, form)))
					inconsistent.push(`${key}: "${term}" should be "${pair.es.join('" or "')}" (glossary.md:${pair.line}) in "${spanish}"`);
			}
		}
		expect(inconsistent, 'Use the glossary term, or add a form to its row in messages/glossary.md').toEqual([]);
	});
});

describe('reading the glossary', () => {
	const sample = `Intro text.

| English | Español | Plain English for families | Para las familias | Code |
|---|---|---|---|---|
| caseworker | trabajador(a) social | — | — | \`caseworker\` |
| removal | salida del hogar | left home | salieron de casa; salió de casa | — |

| Other | Table |
|---|---|
| not | read |
`;

	it('reads terms and plain wordings, with their forms and lines', () => {
		expect(parseGlossary(sample)).toEqual([
			{ en: ['caseworker'], es: ['trabajador(a) social'], line: 5 },
			{ en: ['removal'], es: ['salida del hogar'], line: 6 },
			{ en: ['left home'], es: ['salieron de casa', 'salió de casa'], line: 6 }
		]);
	});

	it('matches whole words, whatever the capitals, but not other words that contain them', () => {
		expect(uses('Use the link your Caseworker sent you.', 'caseworker')).toBe(true);
		expect(uses('Ask your supervisor(a).', 'supervisor(a)')).toBe(true);
		expect(uses('Ask your supervisor.', 'supervisor(a)')).toBe(false);
		expect(uses('Parental resilience', 'parent')).toBe(false);
		expect(uses('Los niños', 'niño')).toBe(false);
	});
});
