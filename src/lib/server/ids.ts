import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';

/** An opaque random id: 120 bits, lower-case base32 (24 characters). Never guessable, never sequential. */
export function newId(): string {
	const bytes = new Uint8Array(15);
	crypto.getRandomValues(bytes);
	return encodeBase32LowerCaseNoPadding(bytes);
}
