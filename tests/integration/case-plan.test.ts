// The case plan (issue 21) on the real server with real y-websocket clients: the jurisdiction's template is
// seeded once by the server, even when two people open a new plan at the same moment; staff and a family
// member invited to the whole case write in it; an observer reads it live, the page says why they cannot
// change it, and the socket refuses what they write; the plan survives a restart.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { removeServer, startServer, type RunningServer } from '../support/server.ts';
import { testSql } from '../support/sql.ts';
import { accept, connect, demoIds, destroy, get, invite, listening, lineWith, personId, signIn, synced, textOf, waitFor, type Client } from '../support/clients.ts';
import { planSectionsOf, PLAN_FIELD } from '../../src/lib/domain/plan-doc.ts';
import { JURISDICTION_DEFAULTS } from '../../src/lib/domain/jurisdiction.ts';

let server: RunningServer;
let caseId = '';
let planDoc = '';
const cookies: Record<string, string> = {};

beforeAll(async () => {
	server = await startServer({ NODE_ENV: 'test' });
	for (const role of ['facilitator', 'caseworker']) cookies[role] = await signIn(server.url, `${role}@demo.test`);
	({ caseId } = await demoIds(server.url, cookies.caseworker));
	planDoc = `plan:${caseId}`;
	// Grace (a family friend) for the whole case: she writes in the plan. Jordan, an observer, for the whole case too.
	cookies.grace = await accept(server.url, await invite(server.url, cookies.caseworker, caseId, await personId(server.url, cookies.caseworker, caseId, 'Grace Whitfield')));
	cookies.jordan = await accept(server.url, await invite(server.url, cookies.caseworker, caseId, await personId(server.url, cookies.caseworker, caseId, 'Jordan Lee')));
});

afterAll(async () => {
	await server?.stop();
	if (server) await removeServer(server);
});

/** A paragraph holding `text` at the end of the plan, as the editor writes one. */
function write(c: Client, text: string): void {
	const paragraph = new Y.XmlElement('paragraph');
	paragraph.insert(0, [new Y.XmlText(text)]);
	const body = c.doc.getXmlFragment(PLAN_FIELD);
	body.insert(body.length, [paragraph]);
}

const storedChanges = async (): Promise<number> => {
	const db = await testSql(server, { readonly: true });
	try {
		return (await db.get<{ n: number }>('SELECT count(*) AS n FROM collab_updates WHERE doc_id = ?', [planDoc]))!.n;
	} finally {
		await db.close();
	}
};

describe('the case plan', () => {
	it('starts from the jurisdiction’s template, seeded once by the server though two people open it at once', async () => {
		const a = connect(server.url, planDoc, cookies.caseworker);
		const b = connect(server.url, planDoc, cookies.grace);
		try {
			await Promise.all([synced(a), synced(b)]);
			const template = [...JURISDICTION_DEFAULTS.planTemplate];
			await waitFor(() => planSectionsOf(a.doc).length > 0 && planSectionsOf(b.doc).length > 0, 3000, 'the template to reach both');
			// A pause on purpose: a second seed, if there were one, would arrive within it.
			await new Promise((r) => setTimeout(r, 300));
			expect(planSectionsOf(a.doc)).toEqual(template);
			expect(planSectionsOf(b.doc)).toEqual(template);
			expect(await storedChanges()).toBe(1);
		} finally {
			destroy(a, b);
		}
	});

	it('takes what staff and a family member write, and keeps it through a restart', async () => {
		const worker = connect(server.url, planDoc, cookies.caseworker);
		const grace = connect(server.url, planDoc, cookies.grace);
		try {
			await Promise.all([synced(worker), synced(grace)]);
			write(worker, 'Sam: weekly visits at the library');
			write(grace, 'Grace: the children stay with me on weekends');
			await waitFor(() => Boolean(lineWith(worker.doc, 'Grace: the children', PLAN_FIELD) && lineWith(grace.doc, 'Sam: weekly', PLAN_FIELD)), 3000, 'both lines on both');
		} finally {
			destroy(worker, grace);
		}
		await server.restart();
		const again = connect(server.url, planDoc, cookies.facilitator);
		try {
			await synced(again);
			expect(lineWith(again.doc, 'Sam: weekly visits', PLAN_FIELD)).toBeDefined();
			expect(lineWith(again.doc, 'Grace: the children stay', PLAN_FIELD)).toBeDefined();
			expect(planSectionsOf(again.doc)).toEqual([...JURISDICTION_DEFAULTS.planTemplate]);
		} finally {
			destroy(again);
		}
	});

	it('an observer reads it live and is told why they cannot change it; the socket refuses what they write', async () => {
		const page = textOf(await (await get(server.url, `/cases/${caseId}/plan`, cookies.jordan)).text());
		expect(page).toContain('an observer follows the plan and does not write in it');
		const worker = connect(server.url, planDoc, cookies.caseworker);
		const jordan = listening(server.url, planDoc, cookies.jordan);
		try {
			await Promise.all([synced(worker), synced(jordan)]);
			write(worker, 'Dana: call the school on Monday');
			await waitFor(() => lineWith(jordan.doc, 'Dana: call the school', PLAN_FIELD) !== undefined, 3000, 'staff typing to reach the observer');
			const before = await storedChanges();
			write(jordan, 'Jordan was here');
			await waitFor(() => jordan.heard.some((h) => h.t === 'refused' && h.reason === 'read-only'), 3000, 'the refusal');
			// A pause on purpose: had the server taken the line, it would reach Sam within it.
			await new Promise((r) => setTimeout(r, 200));
			expect(lineWith(worker.doc, 'Jordan was here', PLAN_FIELD)).toBeUndefined();
			expect(await storedChanges()).toBe(before);
		} finally {
			destroy(worker, jordan);
		}
	});

	it('shows staff and a family member who may write the editor’s page, with no read-only sentence', async () => {
		for (const who of ['caseworker', 'grace']) {
			const res = await get(server.url, `/cases/${caseId}/plan`, cookies[who]);
			expect(res.status, who).toBe(200);
			const text = textOf(await res.text());
			expect(text, who).toContain('The plan for');
			expect(text, who).not.toContain('you cannot change it');
		}
	});
});
