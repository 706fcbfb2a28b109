import { describe, expect, it } from 'vitest';
import { houseNamesOf, isShared } from './child-voice';

describe('a child’s own words (Three Houses)', () => {
	it('are shared once the child agreed, and a parent too when the child lives with one', () => {
		expect(isShared({ childAgreedAt: null, parentNeeded: false, parentAgreedAt: null })).toBe(false);
		expect(isShared({ childAgreedAt: 1, parentNeeded: false, parentAgreedAt: null })).toBe(true);
		expect(isShared({ childAgreedAt: 1, parentNeeded: true, parentAgreedAt: null })).toBe(false);
		expect(isShared({ childAgreedAt: null, parentNeeded: true, parentAgreedAt: 2 })).toBe(false);
		expect(isShared({ childAgreedAt: 1, parentNeeded: true, parentAgreedAt: 2 })).toBe(true);
	});
	it('keep the child’s names for the houses, and read odd stored values as none', () => {
		expect(houseNamesOf(JSON.stringify({ worries: 'Grumpy house', dreams: '  ' }))).toEqual({ worries: 'Grumpy house' });
		expect(houseNamesOf('not json')).toEqual({});
		expect(houseNamesOf(null)).toEqual({});
		expect(houseNamesOf(JSON.stringify({ goodThings: 42 }))).toEqual({});
	});
});
