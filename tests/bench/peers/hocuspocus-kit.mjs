// The Hocuspocus client side for the bench load driver: its own provider, and the Yjs copy it was
// installed with (one Yjs per process). Same shape as tests/bench/lib/kit.ts's ClientKit.
import * as Y from 'yjs';
import { HocuspocusProvider } from '@hocuspocus/provider';

export const kit = {
	name: 'hocuspocus',
	Y,
	/** @param {{ httpUrl: string, docName: string, WebSocket: unknown, initialUpdate?: Uint8Array }} opts */
	connect(opts) {
		const doc = new Y.Doc();
		if (opts.initialUpdate) Y.applyUpdate(doc, opts.initialUpdate);
		const provider = new HocuspocusProvider({ url: opts.httpUrl.replace(/^http/, 'ws'), name: opts.docName, document: doc, WebSocketPolyfill: opts.WebSocket });
		let resolveSynced;
		const synced = new Promise((r) => (resolveSynced = r));
		if (provider.isSynced) resolveSynced();
		provider.on('synced', () => resolveSynced());
		return {
			doc,
			synced,
			destroy() {
				provider.destroy();
				doc.destroy();
			}
		};
	}
};
