import { sha256 } from '@oslojs/crypto/sha2';
import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';

// The secrets of an invitation. The link token has 160 random bits; the short code (read over the phone
// instead of the link) ~49 bits from an alphabet without look-alike characters, so it is rate limited
// and expires with the invite; the 6-digit first-access code is protected by its attempt limit.
// Only SHA-256 hashes are stored.

const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTVWXYZ';

function randomBytes(n: number): Uint8Array {
	const bytes = new Uint8Array(n);
	crypto.getRandomValues(bytes);
	return bytes;
}

export function newInviteToken(): string {
	return encodeBase32LowerCaseNoPadding(randomBytes(20));
}

/** Ten characters shown as two groups of five, e.g. "K7P4Q-X9M2T". */
export function newShortCode(): string {
	let out = '';
	while (out.length < 10) {
		for (const b of randomBytes(16)) {
			// Rejection sampling keeps every character equally likely.
			if (b < 240 && out.length < 10) out += CODE_ALPHABET[b % CODE_ALPHABET.length];
		}
	}
	return `${out.slice(0, 5)}-${out.slice(5)}`;
}

/** What a person typed, made comparable: case, spaces, dashes and look-alikes (O→0 is not in the alphabet). */
export function normalizeShortCode(input: string): string | null {
	const cleaned = input.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
	return /^[2-9A-HJKMNP-TV-Z]{10}$/.test(cleaned) ? cleaned : null;
}

export function newVerifyCode(): string {
	const n = new DataView(randomBytes(4).buffer).getUint32(0) % 1_000_000;
	return n.toString().padStart(6, '0');
}

export function hashSecret(value: string): Buffer {
	return Buffer.from(sha256(new TextEncoder().encode(value)));
}
