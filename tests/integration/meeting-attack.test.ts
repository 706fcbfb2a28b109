// What an attack on the meeting room found (issue 20, before it was called resolved), each shown on the
// real server: someone who may not use a form of the meeting page is refused as such (403, through the
// policy, on the audit trail) whatever they send, not told "what you sent is not right" (400, nothing
// written down) for a bad form and refused only for a good one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeServer, startServer, type RunningServer } from '../support/server.ts';
import { accept, demoIds, invite, personId, postForm, signIn } from '../support/clients.ts';
import { withSql } from '../support/sql.ts';

let server: RunningServer;
let ids: { caseId: string; meetingId: string };
const cookies: Record<string, string> = {};

beforeAll(async () => {
	server = await startServer({ NODE_ENV: 'test' });
	for (const role of ['facilitator', 'caseworker']) cookies[role] = await signIn(server.url, `${role}@demo.test`);
	ids = await demoIds(server.url, cookies.caseworker);
	const daniel = await personId(server.url, cookies.caseworker, ids.caseId, 'Daniel Ortiz');
	cookies.daniel = await accept(server.url, await invite(server.url, cookies.caseworker, ids.caseId, daniel, { meetingId: ids.meetingId }));
});

afterAll(async () => {
	await server?.stop();
	if (server) await removeServer(server);
});

const denials = (action: string) =>
	withSql(server, async (sql) => (await sql.all("SELECT seq FROM audit_events WHERE action = ? AND outcome = 'denied' AND actor_kind = 'participant'", [action])).length, { readonly: true });

describe('a form of the meeting page from someone who may not use it', () => {
	// Each form with something it cannot take, and the audit action its refusal is written as.
	const forms: [string, [string, string][], string][] = [
		['agenda', [['do', 'bogus']], 'meeting.agenda'],
		['agenda', [['do', 'add-stage'], ['title', ''], ['minutes', '5']], 'meeting.agenda'],
		['decision', [['consensus', 'maybe']], 'meeting.decision'],
		['addMember', [['meetingSessionId', 'x']], 'meeting.session.add'],
		['removeMember', [], 'meeting.session.remove'],
		['endFamilyTime', [['meetingSessionId', '../x']], 'meeting.session.end'],
		['separate', [['personId', '']], 'meeting.session.create'],
		['shareFamilyTime', [], 'meeting.family-time.share']
	];

	it.each(forms)('is refused (403) and audited, whatever it sends: ?/%s %j', async (action, fields, audit) => {
		const before = await denials(audit);
		expect((await postForm(server.url, `/meetings/${ids.meetingId}?/${action}`, cookies.daniel, fields)).status).toBe(403);
		expect(await denials(audit)).toBe(before + 1);
	});

	it('while whoever may use it is told what was wrong (400)', async () => {
		expect((await postForm(server.url, `/meetings/${ids.meetingId}?/agenda`, cookies.facilitator, [['do', 'bogus']])).status).toBe(400);
		expect((await postForm(server.url, `/meetings/${ids.meetingId}?/decision`, cookies.facilitator, [['consensus', 'maybe']])).status).toBe(400);
		expect((await postForm(server.url, `/meetings/${ids.meetingId}?/addMember`, cookies.caseworker, [['meetingSessionId', 'x']])).status).toBe(400);
	});
});
