// The commit thread of the update log on a SQLite file (collab-store.ts, SqliteThreadCollabStore): a worker
// with its own connection to the same file, opened with the same pragmas (WAL, synchronous=FULL), that
// runs the log's commits, compactions and trims one at a time, in the order they were asked, and answers
// each once it has returned (committed) or failed (rolled back). It never migrates: the main thread did.
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from './index.ts';
import { SqliteCollabStore, type CommitThreadAnswer, type CommitThreadRequest } from './collab-store.ts';

const { file } = workerData as { file: string };
const db = openDatabase(file);
const store = new SqliteCollabStore(db);
// Open and ready: answer 0 tells the main thread (the server waits for it before it says it is running).
parentPort!.postMessage({ n: 0, ok: true } satisfies CommitThreadAnswer);

function answer(request: CommitThreadRequest): CommitThreadAnswer {
	switch (request.op) {
		case 'commit': {
			const failed: { index: number; message: string }[] = [];
			const { ids, snapshotted } = store.commit(request.rows, request.compactions, request.now, (c, err) =>
				failed.push({ index: request.compactions.indexOf(c), message: err instanceof Error ? err.message : String(err) })
			);
			return { n: request.n, ok: true, ids, snapshotted: snapshotted.map((c) => request.compactions.indexOf(c)), failed };
		}
		case 'compactNow':
			store.compactNow(request.compaction, request.now);
			return { n: request.n, ok: true };
		case 'trim':
			store.trim(request.docId, request.throughId);
			return { n: request.n, ok: true };
		case 'close':
			db.$client.close();
			return { n: request.n, ok: true };
	}
}

parentPort!.on('message', (request: CommitThreadRequest) => {
	let reply: CommitThreadAnswer;
	try {
		reply = answer(request);
	} catch (err) {
		reply = { n: request.n, ok: false, message: err instanceof Error ? err.message : String(err) };
	}
	parentPort!.postMessage(reply);
	// Asked last, once nothing is outstanding: the connection is closed, the thread ends.
	if (request.op === 'close') parentPort!.close();
});
