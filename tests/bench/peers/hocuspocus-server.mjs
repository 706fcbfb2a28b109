// Peer 2 for tests/bench/peers.ts: Hocuspocus 4 as its documentation sets it up, with debounced
// persistence (its Database extension: store the whole state 2 s after the last change, at most every
// 10 s) into SQLite through the same better-sqlite3 and pragmas as Hearth. No authentication.
// Started by the benchmark with PORT, DATABASE_PATH; listens on 127.0.0.1 only.
import { Server } from '@hocuspocus/server';
import { Database } from '@hocuspocus/extension-database';
import Sqlite from 'better-sqlite3';

const db = new Sqlite(process.env.DATABASE_PATH ?? ':memory:');
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.exec('CREATE TABLE IF NOT EXISTS documents (name TEXT PRIMARY KEY, data BLOB NOT NULL)');
const select = db.prepare('SELECT data FROM documents WHERE name = ?');
const upsert = db.prepare('INSERT INTO documents (name, data) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET data = excluded.data');

const server = new Server({
	port: Number(process.env.PORT ?? 1234),
	address: '127.0.0.1',
	quiet: true,
	extensions: [
		new Database({
			fetch: async ({ documentName }) => select.get(documentName)?.data ?? null,
			store: async ({ documentName, state }) => {
				upsert.run(documentName, state);
			}
		})
	]
});
await server.listen();
// For the benchmark's inspector (how many documents are loaded); nothing else uses it.
globalThis.hocuspocusBench = server;
console.log(`hocuspocus running at 127.0.0.1:${server.address.port}`);
const stop = async () => {
	await server.destroy();
	db.close();
	process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
