// A real SMTP server on a local port, for tests: what nodemailer writes is what a mail server receives.
// smtp-server's built-in certificate has expired, so no STARTTLS here (and nodemailer must not ask for it).
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export type Received = { from: string; to: string[]; raw: Buffer };

export type RunningSmtp = { port: number; received: Received[]; close: () => Promise<void> };

/**
 * Listens on 127.0.0.1:`port` (0: any free port) and keeps every message it accepts in `received`.
 * Refuses recipients at @unknown.example.org with 550, as a server refuses an address it does not know.
 */
export async function startSmtp(port = 0, received: Received[] = []): Promise<RunningSmtp> {
	const server = new SMTPServer({
		authOptional: true,
		disabledCommands: ['STARTTLS', 'AUTH'],
		logger: false,
		onRcptTo(address, _session, callback) {
			if (address.address.endsWith('@unknown.example.org')) return callback(Object.assign(new Error('No such user'), { responseCode: 550 }));
			callback();
		},
		onData(stream, session, callback) {
			const chunks: Buffer[] = [];
			stream.on('data', (c: Buffer) => chunks.push(c));
			stream.on('end', () => {
				received.push({
					from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
					to: session.envelope.rcptTo.map((r) => r.address),
					raw: Buffer.concat(chunks)
				});
				callback();
			});
		}
	});
	await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
	return { port: (server.server.address() as AddressInfo).port, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** A local port where no mail server listens (one was there a moment ago). */
export async function closedPort(): Promise<number> {
	const probe = await startSmtp();
	await probe.close();
	return probe.port;
}
