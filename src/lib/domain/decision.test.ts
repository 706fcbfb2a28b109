import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { decisionOf, decisionProblem, recommendationsFor, writeDecision, OUTCOME_FIELD, type Decision } from './decision';

const facts = { allowed: recommendationsFor('FTDM', 'CONSIDERED_REMOVAL'), childIds: ['c1', 'c2'], staffIds: ['sup', 'cw'], today: '2026-11-29' };
const agreed = { recommendations: { c1: 'KIN_PLACEMENT', c2: 'KIN_PLACEMENT' }, consensus: true, decisionMakerId: null, reason: null, dissent: null, reviewDate: null };

describe('the meeting decision', () => {
	it('chooses from the trigger’s list (domain.md §1), or the agency’s response to a family plan', () => {
		expect(recommendationsFor('FTDM', 'PLACEMENT_CHANGE')).toContain('MAINTAIN_PRESENT');
		expect(recommendationsFor('FTDM', 'EXIT_REUNIFICATION')).toContain('REUNIFY_WITH_CONDITIONS');
		expect(recommendationsFor('FGDM', 'CONSIDERED_REMOVAL')).toEqual(['ACCEPTED', 'ACCEPTED_WITH_CHANGES', 'NOT_ACCEPTED']);
	});

	it('needs a recommendation from the list for every child, and none for anyone else', () => {
		expect(decisionProblem(agreed, facts)).toBeNull();
		expect(decisionProblem({ ...agreed, recommendations: { c1: 'KIN_PLACEMENT' } }, facts)).toBe('recommendation');
		expect(decisionProblem({ ...agreed, recommendations: { c1: 'KIN_PLACEMENT', c2: 'REUNIFY' } }, facts)).toBe('recommendation');
		expect(decisionProblem({ ...agreed, recommendations: { ...agreed.recommendations, stranger: 'KIN_PLACEMENT' } }, facts)).toBe('recommendation');
	});

	it('without consensus, needs who decided for the agency (on the case) and why', () => {
		const agency = { ...agreed, consensus: false, decisionMakerId: 'sup', reason: 'No relative can take them this week' };
		expect(decisionProblem(agency, facts)).toBeNull();
		expect(decisionProblem({ ...agency, decisionMakerId: null }, facts)).toBe('decision-maker');
		expect(decisionProblem({ ...agency, decisionMakerId: 'someone-else' }, facts)).toBe('decision-maker');
		expect(decisionProblem({ ...agency, reason: '   ' }, facts)).toBe('reason');
		expect(decisionProblem({ ...agency, dissent: 'x'.repeat(2001) }, facts)).toBe('too-long');
	});

	it('takes a review date that exists and is not in the past (in the meeting’s zone: `today`)', () => {
		expect(decisionProblem({ ...agreed, reviewDate: '2026-11-29' }, facts)).toBeNull();
		expect(decisionProblem({ ...agreed, reviewDate: '2026-11-28' }, facts)).toBe('review-date');
		expect(decisionProblem({ ...agreed, reviewDate: '2027-02-29' }, facts)).toBe('review-date');
	});

	it('is written and read back whole; what does not have the shape reads as none', () => {
		const doc = new Y.Doc();
		expect(decisionOf(doc)).toBeNull();
		const d: Decision = { ...agreed, dissent: 'Dad: I want them home', reviewDate: '2027-01-04', recordedAt: 5, recordedBy: 'u1' };
		writeDecision(doc, d);
		expect(decisionOf(doc)).toEqual(d);
		doc.getMap(OUTCOME_FIELD).set('consensus', 'maybe');
		expect(decisionOf(doc)).toBeNull();
	});
});
