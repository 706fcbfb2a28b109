import type { WebSocket } from 'ws';

// ws keeps each socket's zlib streams for the socket's whole life, even without context takeover (it
// only resets them). Hearth compresses only messages over 1 KB (a document on join, a pasted page), so a
// socket uses its streams once or twice; kept, they cost about 50 KB per socket (bench:memory: 0.56 →
// 0.66 MB per open meeting with two sockets). These close a stream once it is idle; ws makes a new one,
// lazily, for the next large message. Without context takeover nothing is lost between messages.
//
// They reach into ws 8's internals (WebSocket#_extensions and #_sender, PerMessageDeflate#_deflate and
// #_inflate, Sender#_state and #_queue); zlib-release.test.ts fails if an upgrade of ws changes them.

type ZlibStream = { close(): void };
type PerMessageDeflate = { _deflate: ZlibStream | null; _inflate: ZlibStream | null };
type Internals = { _extensions?: Record<string, PerMessageDeflate | undefined>; _sender?: { _state: number; _queue: unknown[] } | null };

/** Messages from this size on may have gone through zlib (the server's permessage-deflate threshold). */
export const COMPRESSION_THRESHOLD = 1024;

function deflateOf(ws: WebSocket): PerMessageDeflate | undefined {
	return (ws as unknown as Internals)._extensions?.['permessage-deflate'];
}

/** Frees the socket's compressor, unless a message is being compressed or waits for it. */
export function releaseDeflate(ws: WebSocket): boolean {
	const pmd = deflateOf(ws);
	const sender = (ws as unknown as Internals)._sender;
	if (!pmd?._deflate || !sender || sender._state !== 0 || sender._queue.length > 0) return false;
	pmd._deflate.close();
	pmd._deflate = null;
	return true;
}

/** Frees the socket's decompressor. Call from the 'message' handler: the message is fully inflated then. */
export function releaseInflate(ws: WebSocket): boolean {
	const pmd = deflateOf(ws);
	if (!pmd?._inflate) return false;
	pmd._inflate.close();
	pmd._inflate = null;
	return true;
}
