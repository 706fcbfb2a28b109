// A parent joining on a phone (issue 8): Chromium with DevTools' "Slow 4G" network (562.5 ms latency,
// 180 KB/s down, 84 KB/s up) and 4× CPU slowdown, cold cache, opening a meeting whose shared document is
// about 200 KB. Goals: largest contentful paint ≤ 2.5 s, the document editable (editor mounted, synced)
// ≤ 4 s, initial sync ≤ 500 ms after the socket opens. The case plan has no page yet: the meeting's notes
// editor (the same Tiptap + y-websocket chunk) stands in for it.
// Usage: npm run bench:phone [-- --runs=3 --profile=page.cpuprofile]
import { chromium, type CDPSession } from '@playwright/test';
import * as Y from 'yjs';
import { deflateRawSync } from 'node:zlib';
import { writeFileSync } from 'node:fs';
import { BUILD_DIR, startHearth } from './lib/targets.ts';
import { docBuilders } from './lib/docs.ts';
import { connect, synced, destroy, waitFor } from '../support/clients.ts';
import { cli, header, kb, ms, percentile, sleep, table, verdict } from './lib/stats.ts';
import { EDITOR_SRC, MEETING_ROUTE, splitForRoute, total } from './lib/bundle.ts';
import { pct, pressureSince, waitForQuiet } from './lib/machine.ts';

const args = cli('bench:phone');
const runs = Number(args.get('runs') ?? 3);
const GOAL = { lcp: 2500, editable: 4000, sync: 500 };
/** Chrome DevTools' "Slow 4G" preset (front_end/core/sdk/NetworkManager.ts). */
const SLOW_4G = { offline: false, latency: 150 * 3.75, downloadThroughput: ((1.6 * 1000 * 1000) / 8) * 0.9, uploadThroughput: ((750 * 1000) / 8) * 0.9 };
const CPU_SLOWDOWN = 4;

console.log(header(args.command));

type Run = {
	fcp: number;
	lcp: number;
	wsOpen: number;
	synced: number;
	editable: number;
	jsBeforeEditor: number;
	connectionChunk: number;
	editorChunk: number;
	/** The page's HTML (the saved notes in it) over the wire, compressed when the server compresses. */
	htmlBytes: number;
	syncBytes: number;
	/** When the sync frame had arrived, after the socket opened (browser network clock). */
	syncFrameAfterOpen: number;
	/** A second socket once the page is loaded (the link idle): open → the whole document received. */
	syncAlone: number;
	/** The Sec-WebSocket-Extensions the server answered (permessage-deflate and its parameters). */
	extensions: string;
	pressure: number;
};

/** Runs in the page before its own scripts: the moments we time, on the page's clock (ms since navigation). */
const PROBE = () => {
	const marks: Record<string, number> = {};
	(window as unknown as { __bench: Record<string, number> }).__bench = marks;
	const Native = window.WebSocket;
	window.WebSocket = class extends Native {
		constructor(url: string | URL, protocols?: string | string[]) {
			super(url, protocols);
			this.addEventListener('open', () => (marks.wsOpen ??= performance.now()));
		}
	};
	new PerformanceObserver((list) => {
		for (const e of list.getEntries()) marks.lcp = e.startTime;
	}).observe({ type: 'largest-contentful-paint', buffered: true });
	new PerformanceObserver((list) => {
		for (const e of list.getEntries()) if (e.name === 'first-contentful-paint') marks.fcp = e.startTime;
	}).observe({ type: 'paint', buffered: true });
	const poll = setInterval(() => {
		const status = document.querySelector('[role=status][data-synced]');
		const editor = document.querySelector('.notes-editor[contenteditable="true"]');
		if (status?.getAttribute('data-synced') === 'true') marks.synced ??= performance.now();
		if (editor && marks.synced !== undefined && (editor.textContent?.length ?? 0) > 1000) {
			marks.editable ??= performance.now();
			clearInterval(poll);
		}
	}, 10);
};

// The build's own account of the split (the budget test checks the same figures).
const split = splitForRoute(MEETING_ROUTE, EDITOR_SRC, { build: BUILD_DIR });
const editorFiles = split.editor.map((f) => f.file);
const connectionFiles = split.connection.map((f) => f.file);

const hearth = await startHearth({ COLLAB_UNLOAD_MS: '1000' });
const results: Run[] = [];
let docBytes = 0;
let docUpdate: Uint8Array = new Uint8Array();
try {
	const { meetingIds } = await hearth.seed(1, runs);
	// Each run opens its own meeting, holding ~200 KB of notes (stored, then unloaded: the page load
	// reads it back from SQLite like a real first visit of the day).
	const { notesDocOfSize } = docBuilders(Y);
	for (const [i, id] of meetingIds.entries()) {
		const notes = notesDocOfSize(7000 + i, 200 * 1024);
		const update = Y.encodeStateAsUpdate(notes);
		docBytes = update.byteLength;
		docUpdate = update;
		const writer = connect(hearth.httpUrl, `meeting:${id}`, hearth.cookies[0]);
		Y.applyUpdate(writer.doc, update);
		await synced(writer);
		const reader = connect(hearth.httpUrl, `meeting:${id}`, hearth.cookies[1]);
		await synced(reader);
		await waitFor(() => reader.doc.getXmlFragment('notes').length === notes.getXmlFragment('notes').length, 10_000, 'the notes on the server');
		destroy(writer, reader);
	}
	await sleep(2500);

	const browser = await chromium.launch({
		executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
		args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run']
	});
	try {
		const [name, value] = hearth.cookies[2].split('=');
		for (const [i, id] of meetingIds.entries()) {
			console.error(`run ${i + 1} of ${runs} …`);
			await waitForQuiet();
			const pressure = pressureSince();
			const context = await browser.newContext({ viewport: { width: 412, height: 915 }, deviceScaleFactor: 2.6, isMobile: true, hasTouch: true });
			await context.addCookies([{ name, value, domain: '127.0.0.1', path: '/', httpOnly: true, sameSite: 'Lax' }]);
			const page = await context.newPage();
			await page.addInitScript(PROBE);
			const cdp = await context.newCDPSession(page);
			const wire = await throttle(cdp);
			// --profile=<file.cpuprofile>: the page's JavaScript CPU profile of the first run (DevTools can open it).
			const profile = i === 0 ? args.get('profile') : undefined;
			if (profile) {
				await cdp.send('Profiler.enable');
				await cdp.send('Profiler.start');
			}
			await page.goto(`${hearth.httpUrl}/meetings/${id}`, { waitUntil: 'commit' });
			await page.waitForFunction(() => (window as unknown as { __bench: { editable?: number } }).__bench?.editable !== undefined, null, { timeout: 60_000, polling: 100 });
			if (profile) writeFileSync(profile, JSON.stringify((await cdp.send('Profiler.stop')).profile));
			// LCP is final once the page has had a moment without new content.
			await sleep(500);
			const marks = await page.evaluate(() => (window as unknown as { __bench: Record<string, number> }).__bench);
			// The sync on its own: the page is loaded and the link idle; a second socket asks for the whole
			// document (`?sv=AA`, as a fresh page does) and we time open → the document fully received, and
			// then → decoded into a Y.Doc-sized copy (the bytes walked once, as Yjs does on apply).
			const alone = await page.evaluate(async (docId: string) => {
				const ws = new WebSocket(`${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/collab/${docId}?sv=AA`);
				ws.binaryType = 'arraybuffer';
				const openedAt = await new Promise<number>((resolve) => ws.addEventListener('open', () => resolve(performance.now()), { once: true }));
				const received = await new Promise<{ at: number; bytes: number }>((resolve) =>
					ws.addEventListener('message', function onMessage(e: MessageEvent<ArrayBuffer>) {
						const b = new Uint8Array(e.data);
						// y-websocket sync step 2: [0, 1, …]
						if (b[0] === 0 && b[1] === 1) {
							ws.removeEventListener('message', onMessage);
							resolve({ at: performance.now(), bytes: b.byteLength });
						}
					})
				);
				ws.close();
				return { ms: received.at - openedAt, bytes: received.bytes };
			}, `meeting:${id}`);
			results.push({
				syncAlone: alone.ms,
				fcp: marks.fcp,
				lcp: marks.lcp,
				wsOpen: marks.wsOpen,
				synced: marks.synced,
				editable: marks.editable,
				...wire.bytes(),
				pressure: pressure()
			});
			await context.close();
		}
	} finally {
		await browser.close();
	}
} finally {
	await hearth.stop();
}

/**
 * Slow 4G + 4× CPU on this page, and a tally of bytes over the wire: the HTML, the editor's files, and
 * every other script (the page's, the live connection's among them).
 */
async function throttle(cdp: CDPSession) {
	await cdp.send('Network.enable');
	await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
	await cdp.send('Network.emulateNetworkConditions', SLOW_4G);
	await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_SLOWDOWN });
	const scripts = new Map<string, string>();
	let htmlRequestId = '';
	let htmlBytes = 0;
	let jsBeforeEditor = 0;
	let connectionChunk = 0;
	let editorChunk = 0;
	let syncBytes = 0;
	cdp.on('Network.requestWillBeSent', (e) => {
		if (e.type === 'Script') scripts.set(e.requestId, e.request.url);
		if (e.type === 'Document' && !htmlRequestId) htmlRequestId = e.requestId;
	});
	cdp.on('Network.loadingFinished', (e) => {
		if (e.requestId === htmlRequestId) htmlBytes = e.encodedDataLength;
		const url = scripts.get(e.requestId);
		if (!url) return;
		const is = (files: string[]) => files.some((f) => url.endsWith(f));
		if (is(editorFiles)) editorChunk += e.encodedDataLength;
		else {
			jsBeforeEditor += e.encodedDataLength;
			if (is(connectionFiles)) connectionChunk += e.encodedDataLength;
		}
	});
	// On the browser's network clock: when the socket opened, and when the largest frame (the sync) arrived.
	let openedAt = NaN;
	let largest = 0;
	let largestAt = NaN;
	let extensions = '';
	cdp.on('Network.webSocketHandshakeResponseReceived', (e) => {
		if (Number.isNaN(openedAt)) openedAt = e.timestamp;
		const headers = e.response.headers as Record<string, string>;
		extensions ||= Object.entries(headers).find(([k]) => k.toLowerCase() === 'sec-websocket-extensions')?.[1] ?? 'none';
	});
	cdp.on('Network.webSocketFrameReceived', (e) => {
		if (e.response.opcode !== 2) return;
		const bytes = (e.response.payloadData.length * 3) / 4;
		syncBytes += bytes;
		if (bytes > largest) {
			largest = bytes;
			largestAt = e.timestamp;
		}
	});
	return { bytes: () => ({ htmlBytes, jsBeforeEditor, connectionChunk, editorChunk, syncBytes, extensions, syncFrameAfterOpen: (largestAt - openedAt) * 1000 }) };
}


const median = (f: (r: Run) => number) => percentile(results.map(f), 50);
const worst = (f: (r: Run) => number) => Math.max(...results.map(f));
const row = (figure: string, f: (r: Run) => number, goal?: number) => ({
	figure,
	median: ms(median(f), 0),
	worst: ms(worst(f), 0),
	goal: goal === undefined ? '' : `≤ ${goal} ms`,
	verdict: verdict(worst(f), goal)
});
console.log(
	table(`A phone on Slow 4G with 4× CPU slowdown, cold cache, meeting notes of ${kb(docBytes, 0)} (${runs} runs)`, [
		row('first contentful paint', (r) => r.fcp),
		row('largest contentful paint', (r) => r.lcp, GOAL.lcp),
		row('socket open (after navigation start)', (r) => r.wsOpen),
		// The page's first script opens the socket before the page has hydrated, and the status line
		// (what `synced` is read from) can say "synced" only once it has: this figure includes that wait.
		// The network's share is the next row.
		row('initial sync, after the socket opened', (r) => r.synced - r.wsOpen, GOAL.sync),
		row('… of which the sync frame arriving (network)', (r) => r.syncFrameAfterOpen),
		row('initial sync on an idle link: socket open → the document received (a second socket, page loaded)', (r) => r.syncAlone, GOAL.sync),
		row('editable with the document shown (after navigation start)', (r) => r.editable, GOAL.editable),
		{ figure: 'machine CPU pressure during the run', median: pct(median((r) => r.pressure)), worst: pct(worst((r) => r.pressure)), goal: '', verdict: '—' }
	])
);
console.log(
	table('JavaScript, HTML and sync bytes', [
		{ what: 'JavaScript before the editor', 'gzipped (build)': kb(total(split.beforeEditor)), 'over the wire (as served)': kb(median((r) => r.jsBeforeEditor)), goal: '≤ 90 KB gzipped', verdict: verdict(total(split.beforeEditor), 90 * 1024) },
		{ what: '… of which the live connection (Yjs, provider)', 'gzipped (build)': kb(total(split.connection)), 'over the wire (as served)': kb(median((r) => r.connectionChunk)), goal: '', verdict: '—' },
		{ what: 'the editor chunk', 'gzipped (build)': kb(total(split.editor)), 'over the wire (as served)': kb(median((r) => r.editorChunk)), goal: '≤ 180 KB gzipped', verdict: verdict(total(split.editor), 180 * 1024) },
		{ what: 'the page’s HTML (with the saved notes)', 'gzipped (build)': '—', 'over the wire (as served)': kb(median((r) => r.htmlBytes)), goal: '', verdict: '—' },
		{ what: 'WebSocket binary frames received (sync + presence)', 'gzipped (build)': '—', 'over the wire (as served)': kb(median((r) => r.syncBytes)), goal: '', verdict: '—' },
		{
			what: 'the same document, deflated (permessage-deflate, 15 / 11 window bits); what the socket agreed',
			'gzipped (build)': `${kb(deflateRawSync(docUpdate).byteLength)} / ${kb(deflateRawSync(docUpdate, { windowBits: 11, memLevel: 4 }).byteLength)}`,
			'over the wire (as served)': results[0]?.extensions || 'none',
			goal: '',
			verdict: '—'
		}
	])
);
