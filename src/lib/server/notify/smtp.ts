import nodemailer, { type SMTPTransportOptions } from 'nodemailer';
import type { Transport } from './transports.ts';

export type SmtpSettings = {
	/** smtp://user:pass@host:587 (STARTTLS when the server offers it) or smtps://user:pass@host:465. */
	url: string;
	/** `hearth@agency.org` or `Hearth <hearth@agency.org>`. */
	from: string;
	/** Further nodemailer options (tests: `{ ignoreTLS: true }` against a local server). */
	options?: SMTPTransportOptions;
};

/** Email through an SMTP server: plain text, optional HTML, optional text/calendar alternative. */
export function smtpTransport({ url, from, options }: SmtpSettings): Transport {
	const mailer = nodemailer.createTransport(
		{
			url,
			// nodemailer waits up to 2 minutes to connect and 10 to send; a person is waiting on the page.
			connectionTimeout: 10_000,
			greetingTimeout: 10_000,
			socketTimeout: 30_000,
			// Messages are built from strings only: never let content name a local file or a URL to fetch.
			disableFileAccess: true,
			disableUrlAccess: true,
			...options
		},
		{ from }
	);
	return {
		async send(message) {
			const info = await mailer.sendMail({
				to: message.to,
				subject: message.subject,
				text: message.text,
				html: message.html,
				// A text/calendar alternative with the method in its Content-Type is what makes mail clients
				// show Accept/Decline (REQUEST) or remove the event (CANCEL).
				icalEvent: message.calendar && { method: message.calendar.method, content: message.calendar.ics },
				headers: { 'Content-Language': message.locale }
			});
			if (info.rejected.length > 0) throw Object.assign(new Error('recipient refused'), { code: 'EENVELOPE' });
		}
	};
}
