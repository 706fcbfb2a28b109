// Fan-out of accepted updates and awareness between the connections of one document. In-process by
// default; several app instances share rooms through Redis pub/sub behind this same interface
// (redis/bus.ts; the update log stays the source of truth).

/**
 * Who a presence message speaks for, as the keep-apart rule needs it on another instance: that person (null
 * for staff) and the people they must be kept apart from (domain.md §6).
 */
export type PresenceFacts = { personId: string | null; keepApartWith: readonly string[] };

/**
 * `origin`: the local connection the message came from (so a room does not send a client its own update
 * back), anything else for the server's own, or REMOTE for a message another instance published.
 * `clients`: for awareness, the client ids whose presence the payload carries (so a room can hold some back).
 * `from`: for awareness from a connection, who it speaks for (another instance filters with it).
 */
export type BusMessage = { kind: 'update' | 'awareness'; payload: Uint8Array; origin: unknown; clients?: number[]; from?: PresenceFacts };
export type BusHandler = (message: BusMessage) => void;

/** The origin of every message another instance published: never one of this instance's connections. */
export const REMOTE: unique symbol = Symbol('remote instance');

/**
 * A subscription. `ready`: null when messages published from now on reach the handler at once (in process);
 * else resolves once that holds for messages published on any instance (Redis confirmed the subscription).
 * A room loads the document from the database only after that, so it misses nothing acknowledged elsewhere.
 */
export type Subscription = { ready: Promise<void> | null; unsubscribe: () => void };

export interface Bus {
	/** True when other instances share documents through this bus (their updates arrive with origin REMOTE). */
	readonly crossInstance: boolean;
	/** Delivers `message` to this instance's subscribers of `docId` at once, and to other instances' if any. */
	publish(docId: string, message: BusMessage): void;
	subscribe(docId: string, handler: BusHandler): Subscription;
}

/** One instance: a map of handlers. */
export class InProcessBus implements Bus {
	readonly crossInstance: boolean = false;
	private readonly handlers = new Map<string, Set<BusHandler>>();

	publish(docId: string, message: BusMessage): void {
		const set = this.handlers.get(docId);
		if (set) for (const h of set) h(message);
	}

	subscribe(docId: string, handler: BusHandler): Subscription {
		let set = this.handlers.get(docId);
		if (!set) this.handlers.set(docId, (set = new Set()));
		set.add(handler);
		return {
			ready: null,
			unsubscribe: () => {
				set.delete(handler);
				if (set.size === 0) this.handlers.delete(docId);
			}
		};
	}
}
