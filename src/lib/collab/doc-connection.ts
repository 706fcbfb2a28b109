// The browser's one live connection to a shared document of any kind (doc-kinds.ts: a meeting, a part of
// one, the case plan): a Y.Doc that the stock y-websocket provider keeps in sync with /collab/<document id>,
// who is here, what is saved, and how the connection is doing. What a kind holds is read and written
// through its shape module in src/lib/domain/ (meeting-doc.ts, plan-doc.ts), the same one the server uses.
// Small (Yjs and the provider, no editor): the page imports it at mount and opens the socket at once,
// while Tiptap's much larger chunk (notes-editor.ts) is still on its way; the editor then binds to this
// Y.Doc and provider. On a slow
// phone that overlaps the socket's handshake and the document's download with the editor's download,
// instead of waiting for the editor first (issue 8).
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { toBase64UrlEncoded } from 'lib0/buffer';
import * as decoding from 'lib0/decoding';
import { EARLY_SOCKET_GLOBAL } from './early-socket-script.js';
import { SaveTracker, type SocketLedger } from './save-tracker';
import { CLOSE, decodeHearthMessage, encodeHearthMessage, MESSAGE_HEARTH, type RefusalReason, type SocketAction } from '$lib/domain/collab-protocol';

export type Presence = { clientId: number; name: string; role: string; color: string; isSelf: boolean };
/** 'ended': the server closed for good (close codes 4400-4499, see `endedBy`): nothing more is saved. */
export type ConnectionStatus = 'connecting' | 'connected' | 'disconnected' | 'ended';

/** How a document's connection is doing, as the page words it (e.g. MeetingNotes.svelte). */
export type DocState = {
	status: ConnectionStatus;
	/** The document has arrived from the server on this socket. */
	synced: boolean;
	/** Something typed on this page is not known to be stored (see save-tracker.ts). */
	unsaved: boolean;
	/** Why the server last refused something this page sent, until something later is stored. */
	refusal: RefusalReason | null;
	/** The close code when `status` is 'ended' (collab-protocol.ts CLOSE), else null. */
	endedBy: number | null;
	/** What the server says this connection may do ('read' or 'write'), null until it says. */
	access: 'read' | 'write' | null;
};

export type DocConnection = {
	doc: Y.Doc;
	provider: WebsocketProvider;
	/** True once the server has closed for good (close codes 4400-4499). */
	readonly ended: boolean;
	/** Called once, when the server closes for good. */
	onEnded: (listener: () => void) => void;
	/** Called with what the server says this connection may do, now (if it has said) and whenever it changes. */
	onAccess: (listener: (access: 'read' | 'write') => void) => void;
	/** True while something typed on this page is not known to be stored. */
	readonly unsaved: boolean;
	/**
	 * Sends a form's `fields` as socket action `action` on this document (collab-protocol.ts HearthAction):
	 * the server runs it as the form's action would, without an HTTP request. Returns null when the socket
	 * is not open (post the form instead), else the answer: null when done, or a problem code (the form's
	 * own codes; `forbidden`, `not-found`, `busy`; `unavailable` when the socket closed first: it may or may
	 * not have been done, and the document shows which).
	 */
	act: (action: SocketAction, fields: Record<string, string>) => Promise<string | null> | null;
	/** Called with each quiet word the server sends this screen alone (someone asked the facilitator for a break). */
	onBreakAsked: (listener: (name: string) => void) => () => void;
	destroy: () => void;
};

/** The server's limit for `?sv=` (src/lib/server/collab/server.ts); a larger state vector is not sent. */
const MAX_STATE_VECTOR_PARAM = 8192;

/**
 * What this Y.Doc already holds, for `?sv=` on the socket's URL: with it the server sends the document
 * with its first messages instead of waiting a round trip for our sync step 1.
 */
function stateVectorParam(doc: Y.Doc): Record<string, string> {
	const sv = toBase64UrlEncoded(Y.encodeStateVector(doc));
	return sv.length <= MAX_STATE_VECTOR_PARAM ? { sv } : {};
}

type EarlySocket = { doc: string; take: () => { socket: WebSocket; held: MessageEvent[] } };

/**
 * The socket the page's inline script opened for this document before the page's JavaScript arrived
 * (early-socket-script.js), if it is still open or opening, with what it has received so far.
 */
function takeEarlySocket(docId: string): { socket: WebSocket; held: MessageEvent[] } | null {
	const holder = window as unknown as Record<string, EarlySocket | undefined>;
	const early = holder[EARLY_SOCKET_GLOBAL];
	if (!early || early.doc !== docId) return null;
	const taken = early.take();
	const { readyState } = taken.socket;
	return readyState === WebSocket.CONNECTING || readyState === WebSocket.OPEN ? taken : null;
}

/** Failed socket attempts in a row before the page asks whether its session still holds. */
const SESSION_CHECK_AFTER_FAILURES = 2;
/** And not more often than this, while the attempts go on. */
const SESSION_CHECK_EVERY_MS = 10_000;

/**
 * Whether this page may still be had, asked again without following redirects: the close code that
 * says why not (4401 when it sends the person to sign in, 4403 when it is refused or gone), or null when
 * it answers, and when it cannot be reached (offline: the socket's failures say nothing then).
 */
async function pageStillOpen(): Promise<number | null> {
	try {
		const response = await fetch(location.href, { method: 'HEAD', redirect: 'manual', cache: 'no-store', credentials: 'same-origin' });
		if (response.type === 'opaqueredirect') return CLOSE.sessionEnded;
		return response.status === 403 || response.status === 404 ? CLOSE.accessRevoked : null;
	} catch {
		return null;
	}
}

/** Sync step 2 and update (y-protocols/sync): the messages the server acknowledges. Step 1 (0) is not. */
const SYNC_STEP2 = 1;
const SYNC_UPDATE = 2;

/**
 * The sockets the provider uses, as a WebSocket "polyfill": the early socket first (if there is one),
 * then real ones; each with a ledger of the sync messages it sent (its `send` is wrapped), so the
 * server's acknowledgements can be matched to them (save-tracker.ts).
 */
function trackedSockets(tracker: SaveTracker, early: WebSocket | null): { WebSocketPolyfill: typeof WebSocket; ledgerOf: (ws: WebSocket | null) => SocketLedger | undefined } {
	const ledgers = new WeakMap<WebSocket, SocketLedger>();
	let first: WebSocket | null = early;
	const WebSocketPolyfill = function (url: string, protocols?: string | string[]) {
		const socket = first ?? new WebSocket(url, protocols);
		first = null;
		const ledger = tracker.openSocket();
		ledgers.set(socket, ledger);
		const send = socket.send.bind(socket);
		socket.send = (data) => {
			// A y-websocket message starts with its type (0: sync) and, for sync, its step: one byte each.
			if (data instanceof Uint8Array && data[0] === 0 && (data[1] === SYNC_STEP2 || data[1] === SYNC_UPDATE)) tracker.sent(ledger, data[1] === SYNC_STEP2);
			send(data);
		};
		return socket;
	} as unknown as typeof WebSocket;
	return { WebSocketPolyfill, ledgerOf: (ws) => (ws ? ledgers.get(ws) : undefined) };
}

/**
 * Opens the live connection to the shared document `docId` (`<kind>:<id>`, doc-id.ts) and returns it at
 * once (the socket opens in the background; the inline early socket is adopted when it is for this
 * document). Browser only. A name the server does not know is refused at the socket's door exactly like a
 * forbidden one. The caller must `destroy()` it when the page goes.
 */
export function connectDocument(opts: {
	docId: string;
	/** The same fields the server puts on everyone's presence (name, colour, role). */
	user: { name: string; color: string; role: string };
	onPresence: (people: Presence[]) => void;
	/** Called whenever anything in the state changes (often: every keystroke while saving). */
	onState: (state: DocState) => void;
}): DocConnection {
	const doc = new Y.Doc();
	const tracker = new SaveTracker();
	const accessListeners: ((access: 'read' | 'write') => void)[] = [];
	const endedListeners: (() => void)[] = [];
	const state: DocState = { status: 'connecting', synced: false, unsaved: false, refusal: null, endedBy: null, access: null };
	const report = () => {
		state.unsaved = tracker.unsaved;
		state.refusal = tracker.refusal;
		opts.onState({ ...state });
	};
	// Before the provider's own listener (registered in its constructor), so a change is counted before
	// the message that carries it is sent. Changes the provider applies (origin: provider) are others'.
	doc.on('update', (_update: Uint8Array, origin: unknown) => {
		if (origin === provider) return;
		tracker.localChange();
		report();
	});
	const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
	const early = takeEarlySocket(opts.docId);
	const sockets = trackedSockets(tracker, early?.socket ?? null);
	const provider: WebsocketProvider = new WebsocketProvider(`${scheme}//${location.host}/collab`, opts.docId, doc, {
		maxBackoffTime: 5000,
		// No edits between tabs over BroadcastChannel: each tab gets them from the server, which stores them
		// first. A tab that built on another tab's edit the server had not yet received would send a change
		// the server must refuse (it would wait on the missing part: update-check.ts leavesPending).
		disableBc: true,
		params: stateVectorParam(doc),
		WebSocketPolyfill: sockets.WebSocketPolyfill
	});
	// Actions sent on the current socket and not yet answered (see `act`).
	const answers = new Map<number, (problem: string | null) => void>();
	const breakListeners = new Set<(name: string) => void>();
	let lastActionId = 0;
	// Hearth's own messages (collab-protocol.ts): acknowledgements, access, answers. A handler writes nothing back.
	provider.messageHandlers[MESSAGE_HEARTH] = (_encoder, decoder) => {
		const message = decodeHearthMessage(decoding.readTailAsUint8Array(decoder));
		if (!message) return;
		if (message.t === 'acted') {
			answers.get(message.id)?.(message.problem);
			answers.delete(message.id);
			return;
		}
		if (message.t === 'break-asked') {
			for (const listener of breakListeners) listener(message.name);
			return;
		}
		if (message.t === 'access') {
			state.access = message.access;
			for (const listener of accessListeners) listener(message.access);
		} else {
			const ledger = sockets.ledgerOf(provider.ws);
			if (ledger) tracker.acknowledged(ledger, message);
		}
		report();
	};
	// Before a reconnect (the provider reads its URL, params included, each time it opens a socket).
	provider.on('connection-close', () => {
		provider.params = stateVectorParam(doc);
		for (const answer of answers.values()) answer('unavailable');
		answers.clear();
	});
	// Who we are, from the first message on: the editor's caret extension sets the same fields later.
	provider.awareness.setLocalStateField('user', opts.user);

	const reportPresence = () => {
		const people: Presence[] = [];
		provider.awareness.getStates().forEach((state, clientId) => {
			const user = state.user as { name?: unknown; role?: unknown; color?: unknown } | undefined;
			if (!user || typeof user.name !== 'string') return;
			people.push({
				clientId,
				name: user.name,
				role: typeof user.role === 'string' ? user.role : '',
				color: typeof user.color === 'string' ? user.color : '#444',
				isSelf: clientId === doc.clientID
			});
		});
		opts.onPresence(people);
	};
	provider.awareness.on('change', reportPresence);
	provider.on('status', (e: { status: ConnectionStatus }) => {
		if (state.status === 'ended') return;
		// Once the connection dropped, it stays 'disconnected' through the provider's attempts to connect
		// again (each one 'connecting'), until one succeeds: the page says it is offline, not "Connecting…".
		if (e.status === 'connecting' && state.status === 'disconnected') return;
		state.status = e.status;
		state.synced = provider.synced;
		report();
		reportPresence();
	});
	provider.on('sync', (synced: boolean) => {
		state.synced = synced;
		report();
	});

	// Our own handlers are on now too: the early socket's story so far (open, sync, presence) reaches them,
	// in order, in this same task (nothing newer can be dispatched in between).
	if (early) {
		if (early.socket.readyState === WebSocket.OPEN) early.socket.onopen?.(new Event('open'));
		for (const message of early.held) early.socket.onmessage?.(message);
	}

	// The server says reconnecting cannot help (close codes 4400-4499): stop taking typing that would
	// never be saved (the editor listens), and say why (the page words the code).
	const end = (code: number) => {
		if (state.status === 'ended') return;
		state.status = 'ended';
		state.synced = false;
		state.endedBy = code;
		for (const listener of endedListeners.splice(0)) listener();
		report();
	};
	provider.on('closed', (close: { code: number }) => end(close.code));

	// A session that ends while the socket is down (a dropped connection, then sign-out or expiry) never
	// gets its 4401: the server refuses the new socket at the upgrade, and a browser reports that only as
	// a failed connection, so the page would say "offline" for ever (issue 16.8: never cut off silently).
	// After a few failed attempts, ask for this page itself: a signed-out person is sent to sign in.
	let failedAttempts = 0;
	let lastSessionCheck = 0;
	provider.on('status', (e: { status: ConnectionStatus }) => {
		if (e.status === 'connected') failedAttempts = 0;
	});
	provider.on('connection-close', () => {
		if (++failedAttempts < SESSION_CHECK_AFTER_FAILURES || Date.now() - lastSessionCheck < SESSION_CHECK_EVERY_MS) return;
		if (typeof navigator !== 'undefined' && navigator.onLine === false) return;
		lastSessionCheck = Date.now();
		void pageStillOpen().then((code) => {
			if (code === null || state.status === 'ended') return;
			provider.disconnect();
			end(code);
		});
	});

	// The phone knows it went offline long before a silent socket times out (about 30 s): say so at once,
	// so a person typing on a train is told their words wait on this page. Back online, a socket that
	// survived the blip says connected again; one that did not reconnects as usual.
	const wentOffline = () => {
		if (state.status === 'ended') return;
		state.status = 'disconnected';
		report();
	};
	const cameOnline = () => {
		if (state.status === 'disconnected' && provider.wsconnected) {
			state.status = 'connected';
			report();
		}
	};
	window.addEventListener('offline', wentOffline);
	window.addEventListener('online', cameOnline);

	return {
		doc,
		provider,
		get ended() {
			return state.status === 'ended';
		},
		onEnded: (listener) => {
			if (state.status === 'ended') listener();
			else endedListeners.push(listener);
		},
		onAccess: (listener) => {
			accessListeners.push(listener);
			if (state.access) listener(state.access);
		},
		get unsaved() {
			return tracker.unsaved;
		},
		act: (action, fields) => {
			const ws = provider.ws;
			if (!provider.wsconnected || !ws || ws.readyState !== WebSocket.OPEN || state.status === 'ended') return null;
			const id = ++lastActionId;
			return new Promise<string | null>((resolve) => {
				answers.set(id, resolve);
				ws.send(encodeHearthMessage({ t: 'act', id, action, fields }));
			});
		},
		onBreakAsked: (listener) => {
			breakListeners.add(listener);
			return () => breakListeners.delete(listener);
		},
		destroy: () => {
			window.removeEventListener('offline', wentOffline);
			window.removeEventListener('online', cameOnline);
			provider.destroy();
			doc.destroy();
		}
	};
}
