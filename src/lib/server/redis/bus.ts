import { z } from 'zod';
import { InProcessBus, REMOTE, type Bus, type BusHandler, type BusMessage, type Subscription } from '../collab/bus.ts';
import type { RedisLink } from './connection.ts';

// The collab bus across instances: a Redis channel per document (`<prefix>doc:<document id>`). This
// instance's own subscribers get a message at once, in process (as on one instance); other instances get
// it through Redis, with origin REMOTE: a connection here is never the origin of another instance's
// message. Payloads are binary: a frame is [4-byte length of the header][header JSON][payload bytes].

const headerSchema = z.object({
	/** The publishing instance: its own messages come back from Redis and are skipped. */
	i: z.string().min(1).max(64),
	k: z.enum(['update', 'awareness']),
	c: z.array(z.number().int().nonnegative()).max(10_000).optional(),
	f: z.object({ p: z.string().max(200).nullable(), a: z.array(z.string().max(200)).max(1000) }).optional()
});

/** The frame of `message` as published by instance `instanceId`. */
export function encodeFrame(instanceId: string, message: BusMessage): Buffer {
	const header = Buffer.from(
		JSON.stringify({
			i: instanceId,
			k: message.kind,
			...(message.clients ? { c: message.clients } : {}),
			...(message.from ? { f: { p: message.from.personId, a: message.from.keepApartWith } } : {})
		})
	);
	const frame = Buffer.allocUnsafe(4 + header.length + message.payload.byteLength);
	frame.writeUInt32BE(header.length, 0);
	header.copy(frame, 4);
	frame.set(message.payload, 4 + header.length);
	return frame;
}

/** The instance that published `frame` and its message (origin REMOTE); null for anything malformed. */
export function decodeFrame(frame: Buffer): { instanceId: string; message: BusMessage } | null {
	if (frame.length < 4) return null;
	const length = frame.readUInt32BE(0);
	if (length > frame.length - 4) return null;
	let header: z.infer<typeof headerSchema>;
	try {
		header = headerSchema.parse(JSON.parse(frame.subarray(4, 4 + length).toString('utf8')));
	} catch {
		return null;
	}
	// A copy: the payload outlives the frame's buffer, which ioredis may reuse.
	const payload = new Uint8Array(frame.subarray(4 + length));
	return {
		instanceId: header.i,
		message: {
			kind: header.k,
			payload,
			origin: REMOTE,
			...(header.c ? { clients: header.c } : {}),
			...(header.f ? { from: { personId: header.f.p, keepApartWith: header.f.a } } : {})
		}
	};
}

/**
 * Collab fan-out through Redis pub/sub: one subscription per document while a room holds it (subscribed
 * when the room opens, left when it unloads). `subscribe(...).ready` resolves once Redis confirmed the
 * subscription; the room loads from the database only then.
 */
export class RedisBus implements Bus {
	readonly crossInstance: boolean = true;
	private readonly local = new InProcessBus();
	private readonly link: RedisLink;

	constructor(link: RedisLink) {
		this.link = link;
	}

	publish(docId: string, message: BusMessage): void {
		this.local.publish(docId, message);
		this.link.publish(`doc:${docId}`, encodeFrame(this.link.instanceId, message));
	}

	subscribe(docId: string, handler: BusHandler): Subscription {
		const local = this.local.subscribe(docId, handler);
		const remote = this.link.subscribe(`doc:${docId}`, (frame) => {
			const decoded = decodeFrame(frame);
			if (!decoded) return console.error(`collab: a malformed message on the channel of ${docId} was dropped`);
			if (decoded.instanceId !== this.link.instanceId) handler(decoded.message);
		});
		return {
			ready: remote.ready,
			unsubscribe: () => {
				local.unsubscribe();
				remote.unsubscribe();
			}
		};
	}
}
