// Scenarios shared by the Hearth-only benchmarks and the side-by-side run with the peers.
import { runLoad, runMemory, type LoadResult, type MemoryDoc } from './driver.ts';
import type { Target } from './targets.ts';
import { meetingUpdate } from './meeting-content.ts';
import { pressureSince, waitForQuiet } from './machine.ts';

export type MemoryFigures = {
	docs: number;
	encodedPerDoc: number;
	/** JS heap + memory outside the heap (buffers), after a full GC, per open document. */
	perDoc: number;
	rssPerDoc: number;
	/** Still open with every client, after nobody typed for a while (Hearth: the documents rest). */
	resting?: { perDoc: number; rssPerDoc: number; docs: number };
	/** What is still held after every client left and the unload delay passed (vs. the baseline). */
	afterLeave: number;
	/** The part of what the open documents took that is still held after they were left. */
	afterLeaveShare: number;
	baselineHeap: number;
	loadedWhileOpen: number;
	loadedAfterLeave: number;
	/** CPU pressure on the machine during the run (%): see machine.ts. */
	pressure: number;
};

/** Opens `count` documents of `kind` (two clients each) on `target` and reads its memory. */
export async function memoryPerDoc(
	target: Target,
	kind: MemoryDoc['kind'],
	count: number,
	unloadWaitMs: number
): Promise<MemoryFigures> {
	const seeded = await target.seed(count, 1);
	const docs: MemoryDoc[] =
		kind === 'meeting'
			? seeded.meetingIds.map((id, i) => ({ name: `meeting:${id}`, kind, seed: 1000 + i }))
			: seeded.caseIds.map((id, i) => ({ name: `plan:${id}`, kind, seed: 2000 + i }));
	// A meeting's agenda and outcome are the server's to write in Hearth: its meetings are stored as the
	// room leaves them; the peers take the same content from the first client.
	if (kind === 'meeting' && target.store) {
		await target.store(docs.map((d) => ({ name: d.name, update: meetingUpdate(d.seed) })));
		for (const d of docs) d.preloaded = true;
	}
	await waitForQuiet();
	const pressure = pressureSince();
	const r = await runMemory({
		mode: 'memory',
		kit: target.kit,
		httpUrl: target.httpUrl,
		cookies: target.cookies,
		authors: target.authors,
		inspector: target.inspector,
		docs,
		clientsPerDoc: 2,
		unloadWaitMs,
		loadedDocs: target.loadedDocs,
		// Every server is measured again after the same quiet time (only Hearth rests documents).
		restWait: { ms: target.resting?.ms ?? 33_000, resting: target.resting?.count ?? '0' }
	});
	const js = (m: { heapUsed: number; external: number }) => m.heapUsed + m.external;
	return {
		docs: r.docs,
		encodedPerDoc: r.encodedBytes / r.docs,
		perDoc: (js(r.open) - js(r.baseline)) / r.docs,
		rssPerDoc: (r.open.rss - r.baseline.rss) / r.docs,
		resting: r.openResting
			? { perDoc: (js(r.openResting) - js(r.baseline)) / r.docs, rssPerDoc: (r.openResting.rss - r.baseline.rss) / r.docs, docs: r.restingDocs ?? 0 }
			: undefined,
		afterLeave: js(r.afterLeave) - js(r.baseline),
		afterLeaveShare: (js(r.afterLeave) - js(r.baseline)) / (js(r.open) - js(r.baseline)),
		baselineHeap: js(r.baseline),
		loadedWhileOpen: r.loadedWhileOpen,
		loadedAfterLeave: r.loadedAfterLeave,
		pressure: pressure()
	};
}

/**
 * Each of `docs` is a meeting of 8 participants sending 2 updates a second, against `target`. Waits for a
 * quiet machine first (bounded), and says how busy it was during the run (`pressure`, %).
 */
export async function meetingLoad(
	target: Target,
	docs: string[],
	opts: { warmupSeconds: number; seconds: number; probe?: { start: string; end: string }; drivers?: number; stageMoveEveryMs?: number }
): Promise<LoadResult & { pressure: number }> {
	if (opts.stageMoveEveryMs && target.runCookies.length === 0) throw new Error(`${target.name}: stage moves go through Hearth's agenda endpoint; this target has none`);
	await waitForQuiet();
	const pressure = pressureSince();
	// More driver processes only help with cores to spare: on this project's 2-core machines two drivers
	// starved the server (150 meetings: server event-loop p99 45 ms with two, 15 ms with one).
	const drivers = opts.drivers ?? Number(process.env.BENCH_DRIVERS ?? 1);
	const result = await runLoad({
		mode: 'load',
		kit: target.kit,
		httpUrl: target.httpUrl,
		cookies: target.cookies,
		authors: target.authors,
		inspector: target.inspector,
		docs,
		participants: 8,
		rate: 2,
		warmupSeconds: opts.warmupSeconds,
		seconds: opts.seconds,
		probe: opts.probe,
		stageMoves: opts.stageMoveEveryMs ? { everyMs: opts.stageMoveEveryMs, runCookies: target.runCookies } : undefined
	}, drivers);
	return { ...result, pressure: pressure() };
}
