import { describe, expect, it } from 'vitest';
import { m } from '$lib/paraglide/messages';
import { fillPlaceholders, loadCatalog, parameters, patterns } from './catalog';

// Both languages carry every message with the same parameters, and the compiled `m` really holds them.
// The last point guards the trap in stack.md: with a CDN plugin path, compiling offline "succeeds" with no
// messages and every page answers 500.

const en = loadCatalog('en');
const es = loadCatalog('es');
const keys = [...new Set([...Object.keys(en), ...Object.keys(es)])].sort();

/**
 * Messages whose Spanish is rightly the same as their English. Say why; anything with words in it almost
 * never belongs here.
 */
const SAME_IN_BOTH_LANGUAGES: Record<string, string> = {
	meeting_heading: 'only "{kind}: {type}": both parts are translated messages of their own',
	relationship_with_note: 'only "{relationship} ({note})": a translated relationship and the note staff typed',
	agenda_heading: '"Agenda" is the Spanish word too',
	agenda_minutes: '"{minutes} min": the abbreviation of minutes is "min" in both',
	family_times_no: '"No" is the Spanish word too',
	family_times_person_answer: 'only "{name}: {answer}": a name and a translated answer',
	proposal_answer_line: 'only "{name}: {answer}, {mode}": a name, a translated answer and a translated way to join'
};

/** Informal "tú" forms. Hearth speaks to families as "usted" (messages/glossary.md, Register). */
const INFORMAL_SPANISH = /(?<![\p{L}])(tú|tu|tus|te|ti|contigo|vos|vosotros|vosotras|os)(?![\p{L}])/iu;

describe('message files', () => {
	it('hold messages at all', () => {
		expect(keys.length).toBeGreaterThan(20);
	});

	it('every English message has a Spanish one', () => {
		expect(Object.keys(en).filter((key) => !(key in es))).toEqual([]);
	});

	it('every Spanish message has an English one', () => {
		expect(Object.keys(es).filter((key) => !(key in en))).toEqual([]);
	});

	it('each message takes the same {parameters} in both languages', () => {
		const differing = keys
			.filter((key) => key in en && key in es)
			.filter((key) => parameters(en[key]).join() !== parameters(es[key]).join())
			.map((key) => `${key}: en {${parameters(en[key]).join('}, {')}} / es {${parameters(es[key]).join('}, {')}}`);
		expect(differing).toEqual([]);
	});

	it('no message is empty', () => {
		const empty = keys.flatMap((key) =>
			[['en', en[key]] as const, ['es', es[key]] as const].filter(([, value]) => value !== undefined && patterns(value).some((text) => text.trim() === '')).map(([locale]) => `${locale}: ${key}`)
		);
		expect(empty).toEqual([]);
	});

	it('every Spanish message is translated, unless it is listed as the same in both', () => {
		const untranslated = keys
			.filter((key) => key in en && key in es && !(key in SAME_IN_BOTH_LANGUAGES))
			.filter((key) => JSON.stringify(en[key]) === JSON.stringify(es[key]))
			.map((key) => `${key}: "${patterns(es[key]).join(' / ')}"`);
		expect(untranslated, 'Translate these, or add the key with a reason to SAME_IN_BOTH_LANGUAGES').toEqual([]);
	});

	it('the list of messages that stay the same holds only keys that exist and are still the same', () => {
		const stale = Object.keys(SAME_IN_BOTH_LANGUAGES).filter((key) => !(key in en) || JSON.stringify(en[key]) !== JSON.stringify(es[key]));
		expect(stale).toEqual([]);
	});

	it('Spanish questions and exclamations open with ¿ and ¡', () => {
		const unopened = Object.entries(es)
			.filter(([, value]) => patterns(value).some((text) => (text.includes('?') && !text.includes('¿')) || (text.includes('!') && !text.includes('¡'))))
			.map(([key, value]) => `${key}: "${patterns(value).join(' / ')}"`);
		expect(unopened).toEqual([]);
	});

	it('Spanish speaks to people as "usted", never "tú"', () => {
		const informal = Object.entries(es)
			.filter(([, value]) => patterns(value).some((text) => INFORMAL_SPANISH.test(fillPlaceholders(text, () => ''))))
			.map(([key, value]) => `${key}: "${patterns(value).join(' / ')}"`);
		expect(informal).toEqual([]);
	});
});

describe('compiled messages (Paraglide)', () => {
	const messages = m as unknown as Record<string, unknown>;

	it('every key is a message function', () => {
		expect(keys.filter((key) => typeof messages[key] !== 'function')).toEqual([]);
	});

	it('each function gives the text of its file, in the locale asked for', () => {
		const wrong: string[] = [];
		for (const key of keys) {
			const message = messages[key];
			if (typeof message !== 'function') continue;
			for (const [locale, catalog] of [['en', en] as const, ['es', es] as const]) {
				const value = catalog[key];
				if (typeof value !== 'string') continue; // variants: covered by their own tests where used
				const inputs = Object.fromEntries(parameters(value).map((name) => [name, `<${name}>`]));
				const expected = fillPlaceholders(value, (name) => `<${name}>`);
				const actual = (message as (inputs: Record<string, string>, options: { locale: string }) => string)(inputs, { locale });
				if (actual !== expected) wrong.push(`${locale}: ${key}: "${actual}" instead of "${expected}"`);
			}
		}
		expect(wrong, 'Run `npm run i18n` after changing messages').toEqual([]);
	});
});
