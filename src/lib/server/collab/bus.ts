// Fan-out of accepted updates and awareness between the connections of one document. In-process by
// default; several app instances would share rooms by putting Redis pub/sub behind this same interface
// (the update log stays the source of truth).

/** `clients`: for awareness, the client ids whose presence the payload carries (so a room can hold some back). */
export type BusMessage = { kind: 'update' | 'awareness'; payload: Uint8Array; origin: unknown; clients?: number[] };
export type BusHandler = (message: BusMessage) => void;

export interface Bus {
	publish(docId: string, message: BusMessage): void;
	subscribe(docId: string, handler: BusHandler): () => void;
}

export class InProcessBus implements Bus {
	private readonly handlers = new Map<string, Set<BusHandler>>();

	publish(docId: string, message: BusMessage): void {
		const set = this.handlers.get(docId);
		if (set) for (const h of set) h(message);
	}

	subscribe(docId: string, handler: BusHandler): () => void {
		let set = this.handlers.get(docId);
		if (!set) this.handlers.set(docId, (set = new Set()));
		set.add(handler);
		return () => {
			set.delete(handler);
			if (set.size === 0) this.handlers.delete(docId);
		};
	}
}
