// The family's survey after a meeting, on the real server (issue 20, "Family feedback"; domain.md §7): once
// the meeting is closed, each of the family's own people invited to it may answer once, in their language;
// the answer is stored with the meeting and a coarse role only, never who or when, and "who answered" apart
// with no link to it; supervisors read aggregates only from five answers on; the caseworker and the
// facilitator never read them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeServer, startServer, type RunningServer } from '../support/server.ts';
import { accept, demoIds, get, invite, personId, postForm, signIn, textOf } from '../support/clients.ts';
import { withSql } from '../support/sql.ts';

let server: RunningServer;
let ids: { caseId: string; meetingId: string };
const cookies: Record<string, string> = {};
const people: Record<string, string> = {};
/** The family members who answer, by first name, and the one observer. */
const FAMILY = { daniel: 'Daniel Ortiz', ana: 'Ana Rivera', rosa: 'Rosa Rivera', lucia: 'Lucia Ortiz', grace: 'Grace Whitfield', jordan: 'Jordan Lee' } as const;

beforeAll(async () => {
	server = await startServer({ NODE_ENV: 'test' });
	for (const role of ['facilitator', 'caseworker', 'supervisor']) cookies[role] = await signIn(server.url, `${role}@demo.test`);
	ids = await demoIds(server.url, cookies.caseworker);
	for (const [key, name] of Object.entries(FAMILY)) {
		people[key] = await personId(server.url, cookies.caseworker, ids.caseId, name);
		cookies[key] = await accept(server.url, await invite(server.url, cookies.caseworker, ids.caseId, people[key], { meetingId: ids.meetingId, locale: key === 'ana' || key === 'rosa' ? 'es' : 'en' }));
	}
});

afterAll(async () => {
	await server?.stop();
	if (server) await removeServer(server);
});

const page = async (path: string, cookie: string) => textOf(await (await get(server.url, path, cookie)).text());
const post = (path: string, cookie: string, fields: [string, string][]) => postForm(server.url, path, cookie, fields);
const feedbackPath = () => `/meetings/${ids.meetingId}/feedback`;
const answer = (who: string, fields: [string, string][]) => post(`${feedbackPath()}?/give`, cookies[who], fields);
const allAgree = (value: string): [string, string][] => ['purpose', 'roles', 'choice', 'respect', 'listened', 'strengths', 'voice', 'safe', 'own_words', 'next_steps', 'helped'].map((item) => [`a-${item}`, value]);

describe('the family’s survey after a meeting', () => {
	it('waits until the meeting is held: the page says so, an answer is refused, and no link shows', async () => {
		const res = await get(server.url, feedbackPath(), cookies.daniel);
		expect(res.status).toBe(200);
		expect(await res.text()).toContain('data-testid="feedback-not-yet"');
		expect((await answer('daniel', allAgree('5'))).status).toBe(403);
		expect(await (await get(server.url, '/family', cookies.daniel)).text()).not.toContain('data-testid="family-feedback"');
		expect(await withSql(server, (sql) => sql.get<{ n: number }>('SELECT count(*) AS n FROM meeting_feedback'))).toEqual({ n: 0 });
	});

	it('after close, offers each family member a link on their home page and the summary, and refuses staff and the observer', async () => {
		const closed = await post(`/meetings/${ids.meetingId}/close?/close`, cookies.facilitator, [['confirm', 'yes']]);
		expect(closed.status).toBe(303);
		for (const who of ['daniel', 'ana', 'rosa']) {
			expect(await (await get(server.url, '/family', cookies[who])).text(), who).toContain(`href="${feedbackPath()}"`);
		}
		expect(await (await get(server.url, `/meetings/${ids.meetingId}/summary`, cookies.daniel)).text()).toContain('data-testid="summary-feedback"');
		expect(await (await get(server.url, `/meetings/${ids.meetingId}/summary`, cookies.jordan)).text()).not.toContain('data-testid="summary-feedback"');
		expect(await (await get(server.url, `/meetings/${ids.meetingId}/summary`, cookies.caseworker)).text()).not.toContain('data-testid="summary-feedback"');
		for (const who of ['jordan', 'caseworker', 'facilitator', 'supervisor']) {
			expect((await get(server.url, feedbackPath(), cookies[who])).status, who).toBe(403);
			expect((await answer(who, allAgree('1'))).status, who).toBe(403);
		}
		// In the family member's language.
		expect(await page(feedbackPath(), cookies.ana)).toContain('¿Cómo le fue en la reunión?');
	});

	it('keeps what was typed when the form is refused, takes one answer, then says it was given and hides the links', async () => {
		const bad = await answer('daniel', [['a-respect', '9'], ['a-safe', '4'], ['comment', 'The room was cold']]);
		expect(bad.status).toBe(400);
		const html = await bad.text();
		expect(html).toContain('data-testid="feedback-problem"');
		expect(html).toContain('The room was cold');
		expect(html).toMatch(/name="a-safe" value="4" checked/);
		expect(await withSql(server, (sql) => sql.get<{ n: number }>('SELECT count(*) AS n FROM meeting_feedback'))).toEqual({ n: 0 });

		const ok = await answer('daniel', [...allAgree('4').filter(([field]) => field !== 'a-safe'), ['a-safe', 'skip'], ['comment', 'The room was cold']]);
		expect(ok.status).toBe(200);
		expect(await ok.text()).toContain('data-testid="feedback-thanks"');
		const again = await answer('daniel', allAgree('1'));
		expect(again.status).toBe(409);
		// Invited a second time (to the whole case), he is still one person: one answer.
		const twice = await accept(server.url, await invite(server.url, cookies.caseworker, ids.caseId, people.daniel));
		const byOtherInvite = await fetch(`${server.url}${feedbackPath()}?/give`, {
			method: 'POST',
			headers: { cookie: twice, origin: server.url, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
			body: new URLSearchParams(allAgree('1')),
			redirect: 'manual'
		});
		expect(byOtherInvite.status).toBe(409);
		expect(await (await get(server.url, feedbackPath(), cookies.daniel)).text()).toContain('data-testid="feedback-answered"');
		expect(await (await get(server.url, '/family', cookies.daniel)).text()).not.toContain(`href="${feedbackPath()}"`);
		expect(await (await get(server.url, `/meetings/${ids.meetingId}/summary`, cookies.daniel)).text()).not.toContain('data-testid="summary-feedback"');
		const stored = await withSql(server, (sql) => sql.all<{ answers: string; comment: string | null }>('SELECT answers, comment FROM meeting_feedback'));
		expect(stored).toHaveLength(1);
		expect(JSON.parse(stored[0].answers)).toMatchObject({ purpose: 4, safe: null });
		expect(stored[0].comment).toBe('The room was cold');
	});

	it('stores nothing that ties an answer to the person: with both parents answering, the rows differ only in what they wrote', async () => {
		expect((await answer('ana', [...allAgree('2'), ['comment', 'Me sentí escuchada']])).status).toBe(200);
		await withSql(server, async (sql) => {
			const answers = await sql.all<Record<string, unknown>>('SELECT * FROM meeting_feedback');
			expect(answers).toHaveLength(2);
			// Only the meeting, the coarse role, the answers and the comment (and a random id): no person, participant or session, no time.
			expect(Object.keys(answers[0]).sort()).toEqual(['answers', 'comment', 'id', 'meeting_id', 'respondent']);
			expect(answers.map((a) => a.respondent)).toEqual(['parent', 'parent']);
			const participants = await sql.all<{ id: string; person_id: string }>('SELECT id, person_id FROM participants WHERE person_id IN (?, ?)', [people.daniel, people.ana]);
			const sessions = await sql.all<{ id: string }>(`SELECT id FROM sessions WHERE participant_id IN (${participants.map(() => '?').join(', ')})`, participants.map((p) => p.id));
			const theirIds = [...participants.flatMap((p) => [p.id, p.person_id]), ...sessions.map((s) => s.id)];
			expect(theirIds.length).toBeGreaterThanOrEqual(4);
			const stored = JSON.stringify(answers);
			for (const id of theirIds) expect(stored).not.toContain(id);
			// Who answered is kept apart: the meeting and the participant, nothing that points at an answer.
			const given = await sql.all<Record<string, unknown>>('SELECT * FROM meeting_feedback_given ORDER BY participant_id');
			expect(Object.keys(given[0]).sort()).toEqual(['meeting_id', 'participant_id']);
			// One mark per person (Daniel, invited twice, is one respondent).
			expect(given).toHaveLength(2);
			expect(new Set(given.map((g) => participants.find((p) => p.id === g.participant_id)?.person_id))).toEqual(new Set([people.daniel, people.ana]));
			for (const a of answers) expect(JSON.stringify(given)).not.toContain(String(a.id));
			// The audit trail says that feedback was given for the meeting, and nothing of the answers.
			const audit = await sql.all<{ outcome: string; detail: string | null; resource_id: string }>("SELECT outcome, detail, resource_id FROM audit_events WHERE action = 'meeting.feedback.give' AND outcome = 'allowed'");
			expect(audit).toHaveLength(2);
			for (const entry of audit) {
				expect(entry.resource_id).toBe(ids.meetingId);
				expect(entry.detail ?? '').not.toMatch(/cold|escuchada|answers|respondent|parent/);
			}
			// On SQLite the table keeps no rowid, so the order rows were written in tells nothing either.
			if (sql.engine === 'sqlite') await expect(sql.all('SELECT rowid FROM meeting_feedback')).rejects.toThrow();
		});
	});

	it('shows supervisors aggregates only from five answers on; the caseworker and the facilitator never', async () => {
		for (const who of ['caseworker', 'facilitator']) {
			expect((await get(server.url, '/feedback', cookies[who])).status, who).toBe(403);
			expect(await (await get(server.url, '/cases', cookies[who])).text(), who).not.toContain('href="/feedback"');
		}
		expect(await (await get(server.url, '/cases', cookies.supervisor)).text()).toContain('href="/feedback"');
		let report = await page('/feedback', cookies.supervisor);
		expect(report).toContain('Not enough answers yet to keep them anonymous.');
		expect(report).not.toContain('The room was cold');

		expect((await answer('rosa', allAgree('5'))).status).toBe(200);
		expect((await answer('lucia', [...allAgree('3'), ['comment', 'A good start']])).status).toBe(200);
		report = await page('/feedback', cookies.supervisor);
		expect(report).not.toContain('The room was cold');
		expect((await answer('grace', allAgree('4'))).status).toBe(200);

		const html = await (await get(server.url, '/feedback', cookies.supervisor)).text();
		report = textOf(html);
		expect(report).not.toContain('Not enough answers yet');
		expect(report).toContain('5 answers');
		expect(report).toContain('from 2 parents, 0 children or youth, 2 relatives or friends, 1 others');
		// Comments in alphabetical order, not the order they came in.
		expect(report.indexOf('A good start')).toBeLessThan(report.indexOf('Me sentí escuchada'));
		expect(report.indexOf('Me sentí escuchada')).toBeLessThan(report.indexOf('The room was cold'));
		// "I was treated with respect": 4, 2, 5, 3, 4 → 3.60.
		expect(report).toContain('3.60');
		for (const who of ['caseworker', 'facilitator']) expect((await get(server.url, '/feedback', cookies[who])).status, who).toBe(403);
		expect((await get(server.url, '/feedback', cookies.daniel)).status).toBe(403);
	});
});
