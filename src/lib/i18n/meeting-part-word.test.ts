import { describe, expect, it } from 'vitest';
import { loadCatalog, patterns } from './catalog';
import { isFamilyFacing } from './family-facing';

// Issue 17.11: "session" and "part" both named one thing. To families, a meeting's parts (the whole
// team, a separate meeting, family time) are "parts" (messages/glossary.md); "session" is never used,
// in English, for anything a family reads (in Spanish "sesión" is being signed in: "cerrar sesión").

describe('one word for a part of a meeting', () => {
	it('no family-facing English message says "session"', () => {
		const en = loadCatalog('en');
		const saying = Object.entries(en)
			.filter(([key]) => isFamilyFacing(key))
			.filter(([, value]) => patterns(value).some((text) => /\bsessions?\b/i.test(text)))
			.map(([key]) => key);
		expect(saying).toEqual([]);
	});

	it('family-facing messages about the parts of a meeting say "part" and "parte"', () => {
		const en = loadCatalog('en');
		const es = loadCatalog('es');
		for (const key of ['sessions_nav_label', 'meeting_no_session_yet']) {
			expect(patterns(en[key]).join(' ')).toMatch(/\bparts?\b/i);
			expect(patterns(es[key]).join(' ')).toMatch(/\bpartes?\b/i);
		}
	});
});
