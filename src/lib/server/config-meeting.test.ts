import { describe, expect, it } from 'vitest';
import { parseConfig } from './config';

describe('MEETING_FACILITATOR_RULE', () => {
	it('warns by default, refuses when set so, and takes nothing else', () => {
		expect(parseConfig({}).MEETING_FACILITATOR_RULE).toBe('warn');
		expect(parseConfig({ MEETING_FACILITATOR_RULE: 'refuse' }).MEETING_FACILITATOR_RULE).toBe('refuse');
		expect(() => parseConfig({ MEETING_FACILITATOR_RULE: 'maybe' })).toThrow(/MEETING_FACILITATOR_RULE/);
	});
});
