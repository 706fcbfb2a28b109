import { describe, expect, it } from 'vitest';
import { newInviteToken, newShortCode, newVerifyCode, normalizeShortCode } from './invite-secrets';

describe('invite secrets', () => {
	it('makes link tokens of at least 128 random bits', () => {
		const token = newInviteToken();
		expect(token.length * 5).toBeGreaterThanOrEqual(128);
		expect(new Set(Array.from({ length: 200 }, newInviteToken)).size).toBe(200);
	});

	it('makes short codes that survive being read over the phone', () => {
		const code = newShortCode();
		expect(code).toMatch(/^[2-9A-Z]{5}-[2-9A-Z]{5}$/);
		expect(normalizeShortCode(code.toLowerCase().replace('-', ' '))).toBe(code.replace('-', ''));
		expect(normalizeShortCode('hello')).toBeNull();
	});

	it('makes 6-digit codes', () => {
		for (let i = 0; i < 50; i++) expect(newVerifyCode()).toMatch(/^\d{6}$/);
	});
});
