import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { config, type Config } from '../config.ts';
import { newId } from '../ids.ts';
import type { Outgoing } from './index.ts';
import { smtpTransport } from './smtp.ts';

/**
 * How a message leaves Hearth. `send` resolves once the message is handed over and throws when it could
 * not be; notify turns the throw into a plain, recorded failure. `meta.id` is the outbox row's id.
 *
 * The seam for a real SMS provider: implement this for `channel: 'sms'`. `message.to` arrives in E.164
 * (+15551234567), `message.text` is at most 1600 characters, `subject`, `html` and `calendar` do not apply.
 * Throw on any refusal (notify records it), keep the text out of logs (it holds sign-in links), then add
 * the provider's name to SMS_TRANSPORT in config.ts and a case in `transportsFromConfig` below, or wire it
 * at start-up with `useTransports({ sms })`.
 */
export interface Transport {
	send(message: Outgoing, meta?: { id: string }): Promise<void>;
}

export type Transports = { email: Transport; sms: Transport };

/** The transports MAIL_TRANSPORT and SMS_TRANSPORT name. */
export function transportsFromConfig(c: Config = config()): Transports {
	const email =
		c.MAIL_TRANSPORT === 'smtp'
			? // config() refuses MAIL_TRANSPORT=smtp without SMTP_URL and MAIL_FROM.
				smtpTransport({ url: c.SMTP_URL ?? '', from: c.MAIL_FROM ?? '' })
			: c.MAIL_TRANSPORT === 'log'
				? logTransport()
				: fileTransport(c.OUTBOX_DIR);
	const sms = c.SMS_TRANSPORT === 'log' ? logTransport() : fileTransport(c.OUTBOX_DIR);
	return { email, sms };
}

/** One message as the file transport stores it. */
export type FiledMessage = {
	channel: Outgoing['channel'];
	to: string;
	subject: string;
	text: string;
	html: string | null;
	locale: Outgoing['locale'];
	kind: string;
	calendar: Outgoing['calendar'] | null;
	/** ISO 8601, when it was written. */
	at: string;
};

/**
 * Development and tests: each message becomes `<timestamp>-<id>.json` in `dir`, readable only by this
 * user (the files hold sign-in links). Written to a temporary name and renamed, so a reader never sees half.
 */
export function fileTransport(dir: string): Transport {
	return {
		async send(message, meta) {
			await mkdir(dir, { recursive: true, mode: 0o700 });
			const at = new Date().toISOString();
			const filed: FiledMessage = {
				channel: message.channel,
				to: message.to,
				subject: message.subject,
				text: message.text,
				html: message.html ?? null,
				locale: message.locale,
				kind: message.kind,
				calendar: message.calendar ?? null,
				at
			};
			const path = join(dir, `${at.replace(/[:.]/g, '-')}-${meta?.id ?? newId()}.json`);
			await writeFile(`${path}.tmp`, `${JSON.stringify(filed, null, '\t')}\n`, { mode: 0o600, flag: 'wx' });
			await rename(`${path}.tmp`, path);
		}
	};
}

/** The messages in a file-transport folder, oldest first, each with the outbox id from its file name. */
export async function readFileOutbox(dir: string): Promise<(FiledMessage & { id: string })[]> {
	let names: string[];
	try {
		names = await readdir(dir);
	} catch (e) {
		if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
		throw e;
	}
	const filed = names.filter((n) => n.endsWith('.json')).sort();
	return Promise.all(
		filed.map(async (name) => {
			const message = JSON.parse(await readFile(join(dir, name), 'utf8')) as FiledMessage;
			return { ...message, id: name.slice(name.lastIndexOf('-') + 1, -'.json'.length) };
		})
	);
}

/** Development only: prints the whole message, sign-in links included, to standard output. */
export function logTransport(write: (text: string) => void = (text) => console.log(text)): Transport {
	return {
		async send(message) {
			const head = `[notify] ${message.channel} to ${message.to} (${message.kind}, ${message.locale})`;
			const subject = message.channel === 'email' ? `\nSubject: ${message.subject}` : '';
			const calendar = message.calendar ? `\n[calendar ${message.calendar.method} attached]` : '';
			write(`${head}${subject}\n\n${message.text}${calendar}\n`);
		}
	};
}
