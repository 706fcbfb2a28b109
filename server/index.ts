// Production entry: `npm start`. One process, one port: the SvelteKit handler for HTTP and the collab
// server for WebSocket upgrades on /collab/<document id>. Node 24 runs this file directly.
import { createServer } from 'node:http';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { bootHearth } from '../src/lib/server/boot.ts';
import { config } from '../src/lib/server/config.ts';
import { DEMO_PASSWORD, DEMO_SIGN_INS } from '../src/lib/server/services/seed.ts';
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

const server = createServer((req, res) => {
	if (!c.ORIGIN && !req.headers['x-forwarded-proto']) req.headers['x-forwarded-proto'] = 'http';
	// Pages and __data.json compressed (adapter-node sends them plain; its static files come precompressed).
	compressResponse(req, res);
	handler(req, res);
});
server.on('upgrade', (req, socket, head) => {
	if (!hearth.collab.handleUpgrade(req, socket, head)) socket.destroy();
});
server.on('clientError', (_err, socket) => socket.destroy());

server.listen(c.PORT, c.HOST, () => {
	const address = server.address();
	const port = typeof address === 'object' && address ? address.port : c.PORT;
	const shownHost = c.HOST === '0.0.0.0' || c.HOST === '::' ? 'localhost' : c.HOST;
	console.log(`Hearth is running at http://${shownHost}:${port}  (database: ${c.DATABASE_PATH})`);
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
	// Stop accepting HTTP and upgrades, flush and close documents (sockets get 1012), close the database.
	server.close();
	server.closeIdleConnections();
	await hearth.close();
	server.closeAllConnections();
	process.exit(0);
}
process.on('SIGTERM', () => void stop('SIGTERM'));
process.on('SIGINT', () => void stop('SIGINT'));
