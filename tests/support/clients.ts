// Real clients for a running Hearth: sign in over HTTP like a browser, then open y-websocket providers
// that carry the session cookie and the app's Origin (as a browser would).
import WebSocket from 'ws';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import * as decoding from 'lib0/decoding';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MESSAGE_HEARTH, decodeHearthMessage, encodeHearthMessage, type HearthMessage, type SocketAction } from '../../src/lib/domain/collab-protocol.ts';

export const DEMO_PASSWORD = 'hearth-demo';

export async function signIn(baseUrl: string, email: string, password = DEMO_PASSWORD): Promise<string> {
	const res = await fetch(`${baseUrl}/sign-in`, {
		method: 'POST',
		headers: { origin: baseUrl, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
		body: new URLSearchParams({ email, password }),
		redirect: 'manual'
	});
	const cookie = res.headers.getSetCookie().find((c) => c.startsWith('hearth_session='));
	if (!cookie) throw new Error(`sign-in as ${email} failed with ${res.status}`);
	return cookie.split(';')[0];
}

/** A page of the app as the signed-in person (no redirects followed). */
export function get(baseUrl: string, path: string, cookie?: string): Promise<Response> {
	return fetch(`${baseUrl}${path}`, { headers: cookie ? { cookie } : {}, redirect: 'manual' });
}

/** The demo case and meeting ids, read from the pages as the caseworker sees them. */
export async function demoIds(baseUrl: string, cookie: string): Promise<{ caseId: string; meetingId: string }> {
	const cases = await (await get(baseUrl, '/cases', cookie)).text();
	const caseId = /\/cases\/([a-z2-7]{16,})/.exec(cases)?.[1];
	if (!caseId) throw new Error('no case on the case list');
	const page = await (await get(baseUrl, `/cases/${caseId}`, cookie)).text();
	const meetingId = /\/meetings\/([a-z2-7]+)/.exec(page)?.[1];
	if (!meetingId) throw new Error('no meeting on the case page');
	return { caseId, meetingId };
}

/** A WebSocket class for WebsocketProvider that sends the cookie and Origin a browser would send. */
export function browserLikeWebSocket(origin: string, cookie?: string): typeof WebSocket {
	return class extends WebSocket {
		constructor(address: string | URL, protocols?: string | string[]) {
			super(address, protocols, { headers: { origin, ...(cookie ? { cookie } : {}) } });
		}
	} as unknown as typeof WebSocket;
}

export type Client = { doc: Y.Doc; provider: WebsocketProvider; closed: Promise<{ code: number }> };

/** `doc`: the page's own Y.Doc, e.g. to come back with the same Yjs client id. */
export function connect(baseUrl: string, docId: string, cookie?: string, origin = baseUrl, doc = new Y.Doc()): Client {
	const provider = new WebsocketProvider(baseUrl.replace(/^http/, 'ws') + '/collab', docId, doc, {
		WebSocketPolyfill: browserLikeWebSocket(origin, cookie) as unknown as typeof globalThis.WebSocket,
		disableBc: true,
		maxBackoffTime: 200
	});
	// Hearth's own messages (saved, refused, access) are read as the page reads them (doc-connection.ts);
	// without a handler the provider logs "Unable to compute message" for each one, a console write per
	// acknowledged edit, which slowed the benchmarks' load driver and buried test output.
	provider.messageHandlers[MESSAGE_HEARTH] = (_encoder, decoder) => void decodeHearthMessage(decoding.readTailAsUint8Array(decoder));
	const closed = new Promise<{ code: number }>((resolve) => provider.on('connection-close', (e) => resolve({ code: e?.code ?? 0 })));
	return { doc, provider, closed };
}

/** A client that keeps the Hearth messages it is sent (saved, refused, access), in order, in `heard`. */
export function listening(baseUrl: string, docId: string, cookie?: string): Client & { heard: HearthMessage[] } {
	const client = connect(baseUrl, docId, cookie);
	const heard: HearthMessage[] = [];
	client.provider.messageHandlers[MESSAGE_HEARTH] = (_encoder, decoder) => {
		const message = decodeHearthMessage(decoding.readTailAsUint8Array(decoder));
		if (message) heard.push(message);
	};
	return Object.assign(client, { heard });
}

/**
 * Lets `client` send socket actions (collab-protocol.ts HearthAction) as the page's doc-connection.ts does:
 * `act` resolves to the server's answer (null: done; else its problem code), or rejects when the socket
 * is not open or closes first. Keeps reading the other Hearth messages as `connect` does.
 */
export function withActions<C extends Client>(client: C): C & { act: (action: SocketAction, fields: Record<string, string>) => Promise<string | null> } {
	const answers = new Map<number, { resolve: (p: string | null) => void; reject: (e: Error) => void }>();
	let lastId = 0;
	const previous = client.provider.messageHandlers[MESSAGE_HEARTH];
	client.provider.messageHandlers[MESSAGE_HEARTH] = (encoder, decoder, provider, emitSynced, messageType) => {
		const bytes = decoding.readTailAsUint8Array(decoder);
		const message = decodeHearthMessage(bytes);
		if (message?.t === 'acted') {
			answers.get(message.id)?.resolve(message.problem);
			answers.delete(message.id);
			return;
		}
		previous(encoder, decoding.createDecoder(bytes), provider, emitSynced, messageType);
	};
	client.provider.on('connection-close', () => {
		for (const a of answers.values()) a.reject(new Error('the socket closed before the answer'));
		answers.clear();
	});
	const act = (action: SocketAction, fields: Record<string, string>) =>
		new Promise<string | null>((resolve, reject) => {
			const ws = client.provider.ws;
			if (!ws || ws.readyState !== 1) return reject(new Error('the socket is not open'));
			const id = ++lastId;
			answers.set(id, { resolve, reject });
			ws.send(encodeHearthMessage({ t: 'act', id, action, fields }));
		});
	return Object.assign(client, { act });
}

/**
 * The messages a test server sent to `to` (its outbox transport writes each as a JSON file under
 * `<serverDir>/outbox`): kind, subject and text, in no particular order.
 */
export function messagesTo(serverDir: string, to: string): { kind: string; text: string; subject: string }[] {
	let names: string[] = [];
	try {
		names = readdirSync(join(serverDir, 'outbox')).filter((n) => n.endsWith('.json'));
	} catch {
		return [];
	}
	return names.map((n) => JSON.parse(readFileSync(join(serverDir, 'outbox', n), 'utf8'))).filter((m) => m.to === to);
}

/** Names in a provider's presence (everyone it has been told about; the server stamps each name). */
export function presenceNames(c: Client): string[] {
	return [...c.provider.awareness.getStates().values()].map((s) => (s.user as { name?: string } | undefined)?.name ?? '');
}

export function synced(client: Client, timeoutMs = 5000): Promise<void> {
	if (client.provider.synced) return Promise.resolve();
	return new Promise((resolve, reject) => {
		const t = setTimeout(() => reject(new Error('not synced in time')), timeoutMs);
		client.provider.once('sync', () => {
			clearTimeout(t);
			resolve();
		});
	});
}

export async function waitFor(check: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
	const start = Date.now();
	while (!check()) {
		if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 10));
	}
}

/**
 * Opens a raw socket (no provider) and reports how the upgrade or the connection ended. `received` holds
 * every message from the start: the server's first ones can arrive in the same packet as the upgrade and
 * be emitted before a listener added after `open` could hear them.
 */
export function rawSocket(url: string, headers: Record<string, string>): Promise<{ ws?: WebSocket; status?: number; received?: Buffer[] }> {
	return new Promise((resolve) => {
		const ws = new WebSocket(url, { headers });
		const received: Buffer[] = [];
		ws.on('message', (data: Buffer) => received.push(data));
		ws.once('open', () => resolve({ ws, received }));
		ws.once('unexpected-response', (_req, res) => {
			resolve({ status: res.statusCode });
			ws.terminate();
		});
		ws.once('error', () => resolve({}));
	});
}

export function destroy(...clients: Client[]): void {
	for (const c of clients) {
		c.provider.destroy();
		c.doc.destroy();
	}
}

/** The id of a person on the demo case, read from the case page as staff see it. */
export async function personId(baseUrl: string, staffCookie: string, caseId: string, fullName: string): Promise<string> {
	const html = await (await get(baseUrl, `/cases/${caseId}`, staffCookie)).text();
	const match = new RegExp(`href="/cases/${caseId}/invite\\?person=([a-z2-7]+)" aria-label="[^"]*${fullName}"`).exec(html);
	if (!match) throw new Error(`no person called ${fullName} on the case page`);
	return match[1];
}

export type CreatedInvite = { link: string; token: string; shortCode: string; verifyCode: string | null };

/** A worker invites someone on the case through the invite form, as a person would; returns what the page shows once. */
export async function invite(
	baseUrl: string,
	staffCookie: string,
	caseId: string,
	person: string,
	options: { meetingId?: string; channel?: 'email' | 'sms' | 'in_person'; locale?: 'en' | 'es'; requireCode?: boolean } = {}
): Promise<CreatedInvite> {
	const body = new URLSearchParams({
		personId: person,
		meetingId: options.meetingId ?? '',
		channel: options.channel ?? 'in_person',
		locale: options.locale ?? 'en'
	});
	if (options.requireCode ?? false) body.set('requireCode', 'on');
	const res = await fetch(`${baseUrl}/cases/${caseId}/invite`, {
		method: 'POST',
		headers: { cookie: staffCookie, origin: baseUrl, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
		body,
		redirect: 'manual'
	});
	const html = await res.text();
	const pick = (id: string) => new RegExp(`data-testid="${id}">([^<]+)<`).exec(html)?.[1] ?? null;
	const link = pick('invite-link');
	if (!link) throw new Error(`invite failed with ${res.status}`);
	return { link, token: link.split('/invite/')[1], shortCode: pick('invite-short-code')!, verifyCode: pick('invite-verify-code') };
}

/** The invited person opens the link and confirms; returns their session cookie. */
export async function accept(baseUrl: string, created: CreatedInvite): Promise<string> {
	const body = new URLSearchParams(created.verifyCode ? { code: created.verifyCode } : {});
	const res = await fetch(`${baseUrl}/invite/${created.token}`, {
		method: 'POST',
		headers: { origin: baseUrl, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
		body,
		redirect: 'manual'
	});
	const cookie = res.headers.getSetCookie().find((c) => c.startsWith('hearth_session='));
	if (res.status !== 303 || !cookie) throw new Error(`accepting the invite failed with ${res.status}`);
	return cookie.split(';')[0];
}

/** The text of each paragraph of a rich-text root, in order (the shape the editor makes: paragraph > text). */
function lines(doc: Y.Doc, field: string): Y.XmlText[] {
	return doc
		.getXmlFragment(field)
		.toArray()
		.flatMap((n) => (n instanceof Y.XmlElement && n.nodeName === 'paragraph' && n.get(0) instanceof Y.XmlText ? [n.get(0) as Y.XmlText] : []));
}

/** A new paragraph holding `text`, inserted at `index` of a rich-text root; returns its text. */
function insertLine(doc: Y.Doc, field: string, index: number, text: string): Y.XmlText {
	const line = new Y.XmlText(text);
	const paragraph = new Y.XmlElement('paragraph');
	paragraph.insert(0, [line]);
	doc.getXmlFragment(field).insert(index, [paragraph]);
	return line;
}

/**
 * A line of a shared document's notes, as a writer adds to it: the text of the first paragraph of the
 * rich-text root `field` (the notes of a meeting, `plan` for the plan), created when missing. The collab
 * server takes changes only in the roots a document's kind declares, in the editor's shape
 * (src/lib/domain/doc-kinds.ts, rich-text-schema.ts): text sits in a paragraph, never in the root itself.
 */
export function notesLine(doc: Y.Doc, field = 'notes'): Y.XmlText {
	return lines(doc, field)[0] ?? insertLine(doc, field, 0, '');
}

/** Everything in a rich-text root of a shared document, as text. */
export function notesText(doc: Y.Doc, field = 'notes'): string {
	return doc.getXmlFragment(field).toString();
}

/** Adds `text` as a new paragraph at the end of a rich-text root (the tests' own line, whatever else is there). */
export function appendLine(doc: Y.Doc, text: string, field = 'notes'): Y.XmlText {
	return insertLine(doc, field, doc.getXmlFragment(field).length, text);
}

/** The line of a rich-text root that contains `text` (undefined while it has not arrived). */
export function lineWith(doc: Y.Doc, text: string, field = 'notes'): Y.XmlText | undefined {
	return lines(doc, field).find((n) => n.toString().includes(text));
}

/** What a page's HTML says, without its tags and Svelte's markers. */
export const textOf = (html: string): string => html.replace(/<!--[\s\S]*?-->/g, '').replace(/<[^>]+>/g, '');

/** A form POST as a browser sends it (Origin, urlencoded, HTML preferred), as `cookie`; redirects not followed. */
export function postForm(baseUrl: string, path: string, cookie: string, fields: [string, string][]): Promise<Response> {
	return fetch(`${baseUrl}${path}`, {
		method: 'POST',
		headers: { cookie, origin: baseUrl, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
		body: new URLSearchParams(fields),
		redirect: 'manual'
	});
}
