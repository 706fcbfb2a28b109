import { describe, expect, it } from 'vitest';
import { docIdSchema, docName } from './doc-id';

describe('shared document ids', () => {
	it('reads meeting and plan documents', () => {
		expect(docIdSchema.parse('meeting:abcdefghijklmnopqrstuvwx')).toEqual({ kind: 'meeting', id: 'abcdefghijklmnopqrstuvwx' });
		expect(docName({ kind: 'plan', id: 'abcdefghijklmnop' })).toBe('plan:abcdefghijklmnop');
	});

	it('refuses anything else before it reaches the database', () => {
		for (const bad of ['', 'meeting', 'meeting:', 'board:abcdefghijklmnop', 'meeting:../../etc', "meeting:abc' OR 1=1", 'meeting:ABCDEFGHIJKLMNOP', `meeting:${'a'.repeat(60)}`]) {
			expect(docIdSchema.safeParse(bad).success, bad).toBe(false);
		}
	});
});
