// Production entry: `npm start`. One process, one port: the SvelteKit handler for HTTP and the collab
// server for WebSocket upgrades on /collab/<document id>. Node 24 runs this file directly.
import { createServer } from 'node:http';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { bootHearth } from '../src/lib/server/boot.ts';
import { clockMoveSchema, isTestClock, moveClock, type ClockMove } from '../src/lib/server/clock.ts';
import { config } from '../src/lib/server/config.ts';
import { DEMO_PASSWORD, DEMO_SIGN_INS } from '../src/lib/server/services/seed.ts';
import { readiness } from '../src/lib/server/health.ts';
import { compressResponse } from './compression.ts';

// adapter-node assumes https for its CSRF origin check unless told: read the scheme from this header,
// which we default to http for plain-HTTP requests below.
process.env.PROTOCOL_HEADER ??= 'x-forwarded-proto';

const c = config();
const handlerPath = resolve(process.cwd(), process.env.HEARTH_BUILD_DIR ?? 'build', 'handler.js');
if (!existsSync(handlerPath)) {
	console.error('Hearth is not built yet: run `npm start` (it builds first) or `npm run build`.');
	process.exit(1);
}

const hearth = await bootHearth();
const { handler } = (await import(pathToFileURL(handlerPath).href)) as {
	handler: (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse, next?: () => void) => void;
};

/**
 * Tests of the real server (HEARTH_TEST_CLOCK=1 only, from this machine only): POST /__test/clock with
 * `{ "advanceMs": n }` or `{ "at": ms }` moves the clock, runs every job that became due, and answers
 * `{ now, ran }` once they have finished. Handled before SvelteKit, which never sees it.
 */
async function moveTestClock(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse): Promise<void> {
	const answer = (status: number, body: unknown) => {
		res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
		res.end(JSON.stringify(body));
	};
	if (!['127.0.0.1', '::1', '::ffff:127.0.0.1'].includes(req.socket.remoteAddress ?? '')) return answer(404, { error: 'not found' });
	if (req.method !== 'POST') return answer(405, { error: 'POST { "advanceMs": n } or { "at": ms }' });
	let text = '';
	for await (const chunk of req) {
		text += chunk;
		if (text.length > 1000) return answer(413, { error: 'too large' });
	}
	let move: ClockMove;
	try {
		move = clockMoveSchema.parse(JSON.parse(text));
	} catch {
		return answer(400, { error: 'POST { "advanceMs": n } or { "at": ms }' });
	}
	const now = moveClock(move);
	answer(200, { now, ran: await hearth.jobs.runDue() });
}

/**
 * For load balancers, before SvelteKit (no session, no audit row): GET /healthz answers 200 while the
 * process runs; GET /readyz 200 when the database (and Redis, when set) answer, else 503 with the reason.
 */
function health(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse): boolean {
	const path = (req.url ?? '').split('?')[0];
	if (path !== '/healthz' && path !== '/readyz') return false;
	const answer = (status: number, text: string) => {
		res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
		res.end(req.method === 'HEAD' ? undefined : `${text}\n`);
	};
	if (req.method !== 'GET' && req.method !== 'HEAD') {
		res.setHeader('allow', 'GET, HEAD');
		answer(405, 'method not allowed');
		return true;
	}
	if (path === '/healthz') {
		answer(200, 'ok');
		return true;
	}
	if (stopping) {
		answer(503, 'stopping');
		return true;
	}
	readiness(hearth.db, hearth.redis).then(
		(r) => answer(r.ok ? 200 : 503, r.ok ? 'ready' : r.reason),
		() => answer(503, 'not ready')
	);
	return true;
}

const server = createServer((req, res) => {
	if (health(req, res)) return;
	if (req.url === '/__test/clock' && isTestClock()) {
		moveTestClock(req, res).catch((e: unknown) => {
			console.error('test clock:', e);
			if (!res.headersSent) res.writeHead(500).end();
		});
		return;
	}
	if (!c.ORIGIN && !req.headers['x-forwarded-proto']) req.headers['x-forwarded-proto'] = 'http';
	// Pages and __data.json compressed (adapter-node sends them plain; its static files come precompressed).
	compressResponse(req, res);
	handler(req, res);
});
server.on('upgrade', (req, socket, head) => {
	if (!hearth.collab.handleUpgrade(req, socket, head)) socket.destroy();
});
// A request Node cannot even parse (headers over 16 KB, a NUL in a header, bad chunking) gets a plain answer,
// as Node's own default does, instead of a bare reset: a family whose cookies grew large sees why.
server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
	if (socket.writable && !(socket as { _httpMessage?: unknown })._httpMessage) {
		const tooLarge = err.code === 'HPE_HEADER_OVERFLOW';
		const text = tooLarge ? 'Too much was sent with this request (cookies or headers). Clear this site’s cookies, then try again.' : 'Bad request.';
		const body = Buffer.from(text + '\n');
		socket.end(`HTTP/1.1 ${tooLarge ? '431 Request Header Fields Too Large' : '400 Bad Request'}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n` + body.toString());
	} else socket.destroy();
});

server.listen(c.PORT, c.HOST, () => {
	const address = server.address();
	const port = typeof address === 'object' && address ? address.port : c.PORT;
	const shownHost = c.HOST === '0.0.0.0' || c.HOST === '::' ? 'localhost' : c.HOST;
	// Never the URL itself: it may hold a password.
	console.log(`Hearth is running at http://${shownHost}:${port}  (database: ${c.DATABASE_URL ? 'PostgreSQL (DATABASE_URL)' : c.DATABASE_PATH})`);
	if (c.HEARTH_DEMO && hearth.hasDemo) {
		console.log(`Demo sign-ins (password "${DEMO_PASSWORD}"):`);
		for (const u of DEMO_SIGN_INS) console.log(`  ${u.email.padEnd(24)} ${u.name} (${u.role})`);
		console.log(`Invitations and codes sent to people are written to ${c.OUTBOX_DIR} (MAIL_TRANSPORT=${c.MAIL_TRANSPORT}).`);
	} else if (hearth.empty) {
		console.log('No accounts yet. Create the first administrator:');
		console.log('  npm run admin:create -- --email you@agency.org --name "Your Name" --agency "Agency name" --time-zone America/Chicago');
	}
});

let stopping = false;
async function stop(signal: string): Promise<void> {
	if (stopping) return;
	stopping = true;
	console.log(`${signal}: stopping Hearth`);
	// Stop accepting HTTP and upgrades, let the jobs runner finish or give back what it runs, flush and
	// close documents (sockets get 1012), close the database.
	server.close();
	server.closeIdleConnections();
	await hearth.close();
	server.closeAllConnections();
	process.exit(0);
}
process.on('SIGTERM', () => void stop('SIGTERM'));
process.on('SIGINT', () => void stop('SIGINT'));
