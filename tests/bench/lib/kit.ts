// What the load driver needs from a client library: its Yjs and a way to open one synced document.
// Hearth and the y-websocket reference server use the app's own client (y-websocket's WebsocketProvider,
// with the session cookie and Origin a browser sends); Hocuspocus uses its own provider and its own Yjs
// copy (tests/bench/peers/hocuspocus-kit.mjs), loaded only in that driver process.
import type * as YNamespace from 'yjs';
import type WebSocket from 'ws';

export type BenchClient = { doc: YNamespace.Doc; synced: Promise<void>; destroy(): void };

export type ConnectOptions = {
	/** The server's base http:// URL (the kits derive their WebSocket URLs from it). */
	httpUrl: string;
	docName: string;
	cookie?: string;
	origin?: string;
	WebSocket: typeof WebSocket;
	/** Content the client already holds when it connects (it sends it to the server while syncing). */
	initialUpdate?: Uint8Array;
};

export type ClientKit = { name: string; Y: typeof YNamespace; connect(opts: ConnectOptions): BenchClient };

export type KitName = 'y-websocket' | 'hocuspocus';

export async function loadKit(name: KitName): Promise<ClientKit> {
	if (name === 'hocuspocus') {
		const path = '../peers/hocuspocus-kit.mjs';
		return ((await import(path)) as { kit: ClientKit }).kit;
	}
	const Y = await import('yjs');
	const { connect } = await import('../../support/clients.ts');
	return {
		name: 'y-websocket',
		Y,
		connect(opts) {
			// ws://host/collab/<doc>: Hearth's path. The reference server names its document by the whole
			// path ("collab/<doc>"), ignores the cookie and Origin, and speaks the same protocol.
			const client = connect(opts.httpUrl, opts.docName, opts.cookie, opts.origin ?? opts.httpUrl);
			// The socket opens on a later turn: content applied now goes out with the first sync.
			if (opts.initialUpdate) Y.applyUpdate(client.doc, opts.initialUpdate);
			const synced = new Promise<void>((resolve) => {
				if (client.provider.synced) resolve();
				client.provider.once('sync', (s: boolean) => s && resolve());
			});
			return {
				doc: client.doc,
				synced,
				destroy() {
					client.provider.destroy();
					client.doc.destroy();
				}
			};
		}
	};
}
