// The live connection to the shared notes: a Y.Doc that the stock y-websocket provider keeps in sync with
// /collab/<document id>, who is here, and how the connection is doing. Small (Yjs and the provider, no
// editor): the page imports it at mount and opens the socket at once, while Tiptap's much larger chunk
// (notes-editor.ts) is still on its way; the editor then binds to this Y.Doc and provider. On a slow
// phone that overlaps the socket's handshake and the document's download with the editor's download,
// instead of waiting for the editor first (issue 8).
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { toBase64UrlEncoded } from 'lib0/buffer';
import { EARLY_SOCKET_GLOBAL } from './early-socket-script.js';

export type Presence = { clientId: number; name: string; role: string; color: string; isSelf: boolean };
/** 'ended': the server closed for good (4401 session ended, 4403 access revoked): nothing more is saved. */
export type ConnectionStatus = 'connecting' | 'connected' | 'disconnected' | 'ended';

export type NotesConnection = {
	doc: Y.Doc;
	provider: WebsocketProvider;
	/** True once the server has closed for good (close codes 4400-4499). */
	readonly ended: boolean;
	/** Called once, when the server closes for good. */
	onEnded: (listener: () => void) => void;
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
 * (early-socket-script.js), if it is still open or opening: handed to the provider as its first socket
 * (a WebSocket "polyfill" that returns it once, then opens real ones), with what it has received so far.
 */
function takeEarlySocket(docId: string): { WebSocketPolyfill: typeof WebSocket; replay: () => void } | null {
	const holder = window as unknown as Record<string, EarlySocket | undefined>;
	const early = holder[EARLY_SOCKET_GLOBAL];
	if (!early || early.doc !== docId) return null;
	const { socket, held } = early.take();
	if (socket.readyState !== WebSocket.CONNECTING && socket.readyState !== WebSocket.OPEN) return null;
	let taken = false;
	const WebSocketPolyfill = function (url: string, protocols?: string | string[]) {
		if (taken) return new WebSocket(url, protocols);
		taken = true;
		return socket;
	} as unknown as typeof WebSocket;
	return {
		WebSocketPolyfill,
		// The provider has set its handlers on the socket: what it missed, in order, in this same task
		// (nothing newer can be dispatched in between).
		replay: () => {
			if (socket.readyState === WebSocket.OPEN) socket.onopen?.(new Event('open'));
			for (const message of held) socket.onmessage?.(message);
		}
	};
}

export function connectNotes(opts: {
	docId: string;
	/** The same fields the server puts on everyone's presence (name, colour, role). */
	user: { name: string; color: string; role: string };
	onPresence: (people: Presence[]) => void;
	onStatus: (status: ConnectionStatus, synced: boolean) => void;
}): NotesConnection {
	const doc = new Y.Doc();
	const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
	const early = takeEarlySocket(opts.docId);
	const provider = new WebsocketProvider(`${scheme}//${location.host}/collab`, opts.docId, doc, {
		maxBackoffTime: 5000,
		params: stateVectorParam(doc),
		...(early ? { WebSocketPolyfill: early.WebSocketPolyfill } : {})
	});
	// Before a reconnect (the provider reads its URL, params included, each time it opens a socket).
	provider.on('connection-close', () => (provider.params = stateVectorParam(doc)));
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
	let status: ConnectionStatus = 'connecting';
	provider.on('status', (e: { status: ConnectionStatus }) => {
		status = e.status;
		opts.onStatus(status, provider.synced);
		reportPresence();
	});
	provider.on('sync', (synced: boolean) => opts.onStatus(status, synced));

	// Our own handlers are on now too: the early socket's story so far (open, sync, presence) reaches them.
	early?.replay();

	let ended = false;
	const endedListeners: (() => void)[] = [];
	// The server says reconnecting cannot help (close codes 4400-4499): stop taking typing that would
	// never be saved (the editor listens), and say so.
	provider.on('closed', () => {
		ended = true;
		status = 'ended';
		for (const listener of endedListeners.splice(0)) listener();
		opts.onStatus(status, false);
	});

	return {
		doc,
		provider,
		get ended() {
			return ended;
		},
		onEnded: (listener) => {
			if (ended) listener();
			else endedListeners.push(listener);
		},
		destroy: () => {
			provider.destroy();
			doc.destroy();
		}
	};
}
