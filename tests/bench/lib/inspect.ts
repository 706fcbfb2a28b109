// Looks inside a running server process (Hearth or a peer) through Node's inspector, the same way for
// all three: forced garbage collection, memory usage, and the event loop's delay histogram. The servers
// are started with `--inspect=127.0.0.1:0`; nothing in them knows about the benchmark.
import WebSocket from 'ws';

export type MemoryUsage = { rss: number; heapUsed: number; heapTotal: number; external: number; arrayBuffers: number };
export type LoopDelay = { p50: number; p99: number; max: number; count: number };

/** The inspector address a process printed on stderr ("Debugger listening on ws://…"). */
export function inspectorUrl(output: string): string | null {
	return /Debugger listening on (ws:\/\/\S+)/.exec(output)?.[1] ?? null;
}

export class Inspector {
	private readonly ws: WebSocket;
	private nextId = 1;
	private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

	private constructor(ws: WebSocket) {
		this.ws = ws;
		ws.on('message', (data) => {
			const msg = JSON.parse(String(data)) as { id?: number; result?: unknown; error?: { message: string } };
			if (msg.id === undefined) return;
			const p = this.pending.get(msg.id);
			if (!p) return;
			this.pending.delete(msg.id);
			if (msg.error) p.reject(new Error(msg.error.message));
			else p.resolve(msg.result);
		});
	}

	static async connect(url: string): Promise<Inspector> {
		const ws = new WebSocket(url, { perMessageDeflate: false });
		await new Promise<void>((resolve, reject) => {
			ws.once('open', () => resolve());
			ws.once('error', reject);
		});
		return new Inspector(ws);
	}

	send<T = unknown>(method: string, params: Record<string, unknown> = {}, timeoutMs = 60_000): Promise<T> {
		const id = this.nextId++;
		return new Promise<T>((resolve, reject) => {
			const timer = setTimeout(() => {
				this.pending.delete(id);
				reject(new Error(`inspector: ${method} timed out`));
			}, timeoutMs);
			this.pending.set(id, {
				resolve: (v) => {
					clearTimeout(timer);
					resolve(v as T);
				},
				reject: (e) => {
					clearTimeout(timer);
					reject(e);
				}
			});
			this.ws.send(JSON.stringify({ id, method, params }));
		});
	}

	/** Evaluates an expression in the process and returns its JSON value. */
	async evaluate<T>(expression: string): Promise<T> {
		const r = await this.send<{ result: { value?: T }; exceptionDetails?: { text: string; exception?: { description?: string } } }>(
			'Runtime.evaluate',
			{ expression, returnByValue: true, awaitPromise: true }
		);
		if (r.exceptionDetails) throw new Error(`inspector: ${r.exceptionDetails.exception?.description ?? r.exceptionDetails.text}`);
		return r.result.value as T;
	}

	/** Full garbage collection (twice: weak references and finalizers free more on the second pass). */
	async gc(): Promise<void> {
		await this.send('HeapProfiler.collectGarbage');
		await this.send('HeapProfiler.collectGarbage');
	}

	async memory(): Promise<MemoryUsage> {
		return this.evaluate<MemoryUsage>('process.memoryUsage()');
	}

	/**
	 * Starts (or restarts) an event-loop delay histogram in the process. `resolution` is the timer period;
	 * the figures returned by loopDelay() are what exceeds it, i.e. how late the loop was.
	 */
	async startLoopDelay(resolutionMs = 10): Promise<void> {
		await this.evaluate(`(() => {
			const g = globalThis;
			if (g.__benchLoop) g.__benchLoop.disable();
			const { monitorEventLoopDelay } = process.getBuiltinModule('node:perf_hooks');
			g.__benchLoop = monitorEventLoopDelay({ resolution: ${resolutionMs} });
			g.__benchLoopResolution = ${resolutionMs};
			g.__benchLoop.enable();
			return true;
		})()`);
	}

	async loopDelay(): Promise<LoopDelay> {
		return this.evaluate<LoopDelay>(`(() => {
			const h = globalThis.__benchLoop, r = globalThis.__benchLoopResolution;
			const late = (ns) => Math.max(0, ns / 1e6 - r);
			return { p50: late(h.percentile(50)), p99: late(h.percentile(99)), max: late(h.max), count: h.count };
		})()`);
	}

	close(): void {
		this.ws.close();
	}
}
