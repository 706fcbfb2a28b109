// Compression of dynamic responses (pages, __data.json, error pages), for the production server in front
// of adapter-node's handler. adapter-node serves the built static files precompressed (.br/.gz, with
// their own Content-Encoding, left alone here) but sends what SvelteKit renders as it is: a meeting page
// holding 200 KB of saved notes would cross a slow phone connection uncompressed (issue 8).
//
// Node's zlib, no dependency. Brotli (quality 5: most of its gain, at gzip's speed) when the browser
// takes it, else gzip. Streaming-safe: what SvelteKit writes in one turn of the event loop is flushed to
// the wire at the end of that turn, so a streamed page still arrives piece by piece. Headers other than
// the length and the encoding are untouched (Set-Cookie, Location, CSP); redirects, empty and partial
// responses, HEAD requests and small bodies are not compressed; WebSocket upgrades never come through
// here (they are the server's 'upgrade' event).
import { constants, createBrotliCompress, createGzip, type BrotliCompress, type Gzip } from 'node:zlib';
import type { IncomingMessage, OutgoingHttpHeader, OutgoingHttpHeaders, ServerResponse } from 'node:http';

export type Encoding = 'br' | 'gzip';

/** Below this many bytes (when the length is known up front) compression costs more than it saves. */
export const MIN_COMPRESS_BYTES = 1024;

const COMPRESSIBLE = /^\s*(text\/|application\/(json|javascript|xml|manifest\+json|ld\+json)|image\/svg\+xml)/i;

/** The encoding to answer with, from the request's Accept-Encoding (q=0 refuses; brotli preferred on a tie). */
export function chooseEncoding(acceptEncoding: string | undefined): Encoding | null {
	if (!acceptEncoding) return null;
	const q = new Map<string, number>();
	for (const part of acceptEncoding.toLowerCase().split(',')) {
		const [name, ...params] = part.trim().split(';');
		if (!name) continue;
		const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
		const value = qParam ? Number(qParam.slice(2)) : 1;
		q.set(name.trim(), Number.isFinite(value) ? value : 0);
	}
	const of = (name: Encoding) => q.get(name) ?? (q.has('*') ? q.get('*')! : 0);
	const br = of('br');
	const gzip = of('gzip');
	if (br <= 0 && gzip <= 0) return null;
	return br >= gzip ? 'br' : 'gzip';
}

/** Whether a response with these headers and status is worth compressing. */
function worthCompressing(res: ServerResponse): boolean {
	const status = res.statusCode;
	if (status < 200 || status === 204 || status === 206 || (status >= 300 && status < 400)) return false;
	if (res.hasHeader('content-encoding') || res.hasHeader('content-range')) return false;
	if (!COMPRESSIBLE.test(String(res.getHeader('content-type') ?? ''))) return false;
	if (/\bno-transform\b/i.test(String(res.getHeader('cache-control') ?? ''))) return false;
	const length = res.getHeader('content-length');
	return length === undefined || Number(length) >= MIN_COMPRESS_BYTES;
}

function compressor(encoding: Encoding): Gzip | BrotliCompress {
	return encoding === 'br'
		? createBrotliCompress({ params: { [constants.BROTLI_PARAM_QUALITY]: 5, [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT } })
		: createGzip({ level: 6 });
}

type WriteCallback = (error?: Error | null) => void;
type Chunk = string | Uint8Array;
// ServerResponse's own methods, with the one signature each that is called here (they are overloaded).
type RawWriteHead = (this: ServerResponse, status: number, reason?: string) => ServerResponse;
type RawWrite = (this: ServerResponse, chunk: Chunk, encoding?: BufferEncoding, callback?: WriteCallback) => boolean;
type RawEnd = (this: ServerResponse, chunk?: Chunk, encoding?: BufferEncoding, callback?: () => void) => ServerResponse;

/**
 * Makes `res` compress its body when the request accepts it and the response is worth it (decided when
 * the head goes out, with the first bytes of the body). Call before handing `res` to the handler.
 */
export function compressResponse(req: IncomingMessage, res: ServerResponse): void {
	const encoding = req.method === 'HEAD' ? null : chooseEncoding(req.headers['accept-encoding']);

	const writeHead = res.writeHead as unknown as RawWriteHead;
	const write = res.write as unknown as RawWrite;
	const end = res.end as unknown as RawEnd;
	let stream: Gzip | BrotliCompress | null = null;
	let decided = false;
	let flushScheduled = false;

	/** Chooses, once, just before the head is sent: identity, or `stream`. */
	const decide = (bodyLength?: number) => {
		if (decided) return;
		decided = true;
		if (res.hasHeader('content-type') && COMPRESSIBLE.test(String(res.getHeader('content-type')))) {
			// Caches must keep the compressed and the plain answer apart.
			const vary = String(res.getHeader('vary') ?? '');
			if (!/(^|,)\s*(accept-encoding|\*)\s*(,|$)/i.test(vary)) res.setHeader('vary', vary ? `${vary}, Accept-Encoding` : 'Accept-Encoding');
		}
		if (!encoding || !worthCompressing(res)) return;
		if (bodyLength !== undefined && !res.hasHeader('content-length') && bodyLength < MIN_COMPRESS_BYTES) return;
		res.removeHeader('content-length');
		res.setHeader('content-encoding', encoding);
		// A strong validator names these exact bytes; the compressed body is other bytes.
		const etag = res.getHeader('etag');
		if (typeof etag === 'string' && etag.startsWith('"')) res.setHeader('etag', `W/${etag}`);
		const s = compressor(encoding);
		stream = s;
		s.on('data', (chunk: Buffer) => {
			if (!write.call(res, chunk)) s.pause();
		});
		res.on('drain', () => s.resume());
		// Whoever writes to `res` waits for its 'drain' when write() says false: here that is the
		// compressor's buffer being full, so its 'drain' is theirs.
		s.on('drain', () => res.emit('drain'));
		s.on('end', () => end.call(res));
		s.on('error', (error) => res.destroy(error));
		res.on('close', () => {
			if (!s.destroyed) s.destroy();
		});
	};

	/** The status line and headers leave now (once): after the choice, so they carry its outcome. */
	const sendHead = () => {
		if (res.headersSent) return;
		writeHead.call(res, res.statusCode, res.statusMessage || undefined);
	};

	// writeHead(status, [reason], [headers]) only records them: the head goes out with the first bytes of
	// the body, when a body that comes whole (end(chunk)) shows its size. SvelteKit calls writeHead before
	// it has read its body; a small answer (a refusal in plain text) is then sent plain, with its length.
	res.writeHead = function (this: ServerResponse, status: number, ...rest: unknown[]) {
		if (res.headersSent) return (writeHead as unknown as (...a: unknown[]) => ServerResponse).call(this, status, ...rest);
		const headers = rest.find((r) => typeof r === 'object' && r !== null) as OutgoingHttpHeaders | OutgoingHttpHeader[] | undefined;
		const reason = rest.find((r) => typeof r === 'string') as string | undefined;
		if (headers) {
			if (Array.isArray(headers)) {
				for (let i = 0; i + 1 < headers.length; i += 2) res.appendHeader(String(headers[i]), headers[i + 1] as string);
			} else {
				for (const [name, value] of Object.entries(headers)) if (value !== undefined) res.setHeader(name, value);
			}
		}
		res.statusCode = status;
		if (reason !== undefined) res.statusMessage = reason;
		return this;
	} as typeof res.writeHead;

	// Node's own path to the head (flushHeaders, and write/end on a response whose head was never named).
	const internals = res as unknown as { _implicitHeader: () => void };
	internals._implicitHeader = () => {
		decide();
		sendHead();
	};

	const scheduleFlush = () => {
		if (flushScheduled) return;
		flushScheduled = true;
		setImmediate(() => {
			flushScheduled = false;
			// A sync flush: the bytes so far leave now, and the dictionary is kept for what follows.
			if (stream && !stream.destroyed && !stream.writableEnded) stream.flush(encoding === 'br' ? constants.BROTLI_OPERATION_FLUSH : constants.Z_SYNC_FLUSH);
		});
	};

	res.write = function (this: ServerResponse, chunk: Chunk, encodingOrCallback?: BufferEncoding | WriteCallback, callback?: WriteCallback) {
		if (!res.headersSent) {
			decide();
			sendHead();
		}
		if (!stream) return write.call(this, chunk, encodingOrCallback as BufferEncoding, callback);
		scheduleFlush();
		return typeof encodingOrCallback === 'function' ? stream.write(chunk, encodingOrCallback) : stream.write(chunk, encodingOrCallback ?? 'utf8', callback);
	} as typeof res.write;

	res.end = function (this: ServerResponse, ...args: (Chunk | BufferEncoding | (() => void) | undefined)[]) {
		const callback = args.find((a) => typeof a === 'function') as (() => void) | undefined;
		const [chunk, bodyEncoding] = args.filter((a) => typeof a !== 'function') as [Chunk | undefined, BufferEncoding | undefined];
		if (!res.headersSent) {
			// The head still to go: the whole body is this chunk, so its size is known.
			const length = chunk === undefined ? 0 : typeof chunk === 'string' ? Buffer.byteLength(chunk, bodyEncoding ?? 'utf8') : chunk.byteLength;
			decide(length);
			// Left plain, it says its length (as Node would have, had the head not been named first).
			if (!stream && length > 0 && req.method !== 'HEAD' && !res.hasHeader('content-length') && !res.hasHeader('transfer-encoding')) res.setHeader('content-length', length);
			sendHead();
		}
		if (!stream) return end.call(this, chunk, bodyEncoding, callback);
		if (callback) res.once('finish', callback);
		if (chunk !== undefined) stream.end(chunk, bodyEncoding ?? 'utf8');
		else stream.end();
		return this;
	} as typeof res.end;
}
