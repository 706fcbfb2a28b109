import { describe, expect, it } from 'vitest';
import { destinationKey, typedDestinationKey } from './message';

// A new sign-in code goes only where the invitation went (issue 16.12): the destination on record and the
// one a person types must compare equal however they are written, and nothing else may.

describe('destinations, made comparable', () => {
	it('reads a record’s email and phone number', () => {
		expect(destinationKey('email', ' Rosa.Rivera@Example.test ')).toBe('email:rosa.rivera@example.test');
		expect(destinationKey('sms', '+1 (555) 555-0103')).toBe('sms:+15555550103');
		expect(destinationKey('sms', '555-0103')).toBeNull();
		expect(destinationKey('email', 'not an address')).toBeNull();
	});

	it('reads what a person types as they would type it, a US number without +1 included', () => {
		for (const typed of ['(555) 555-0103', '555 555 0103', '555.555.0103', '1-555-555-0103', '+1 555 555 0103', '+15555550103'])
			expect(typedDestinationKey(typed), typed).toBe('sms:+15555550103');
		expect(typedDestinationKey('ROSA.rivera@example.test')).toBe('email:rosa.rivera@example.test');
		expect(typedDestinationKey('0103')).toBeNull();
		expect(typedDestinationKey('')).toBeNull();
	});
});
