// Creates the first administrator (and the agency) in an empty database: for a real deployment started
// with HEARTH_DEMO=0. Usage:
//   npm run admin:create -- --email you@agency.org --name "Your Name" --agency "County Family Services" --time-zone America/Chicago
// The password is read from HEARTH_ADMIN_PASSWORD, or asked for on the terminal (not echoed).
import { parseArgs } from 'node:util';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { config } from '../src/lib/server/config.ts';
import { closeDatabase, first, migrateDatabase, openAny, transact, tablesOf } from '../src/lib/server/db/index.ts';
import { hashPassword } from '../src/lib/server/auth/password.ts';
import { newId } from '../src/lib/server/ids.ts';

const { values } = parseArgs({
	options: { email: { type: 'string' }, name: { type: 'string' }, agency: { type: 'string' }, 'time-zone': { type: 'string' } }
});

const input = z
	.object({
		email: z.email().trim().toLowerCase(),
		name: z.string().trim().min(1).max(120),
		agency: z.string().trim().min(1).max(200),
		timeZone: z.string().refine((tz) => {
			try {
				new Intl.DateTimeFormat('en', { timeZone: tz });
				return true;
			} catch {
				return false;
			}
		}, 'not a time zone such as America/Chicago')
	})
	.safeParse({ email: values.email, name: values.name, agency: values.agency, timeZone: values['time-zone'] ?? 'America/Chicago' });
if (!input.success) {
	console.error('Usage: npm run admin:create -- --email you@agency.org --name "Your Name" --agency "Agency name" [--time-zone America/Chicago]');
	for (const issue of input.error.issues) console.error(`  ${issue.path.join('.')}: ${issue.message}`);
	process.exit(2);
}

async function askPassword(): Promise<string> {
	if (process.env.HEARTH_ADMIN_PASSWORD) return process.env.HEARTH_ADMIN_PASSWORD;
	const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
	const out = rl as unknown as { _writeToOutput: (s: string) => void; output: NodeJS.WritableStream };
	let prompted = false;
	out._writeToOutput = (s: string) => {
		if (!prompted) {
			out.output.write(s);
			prompted = true;
		}
	};
	const answer = await new Promise<string>((resolve) => rl.question('Password (at least 12 characters): ', resolve));
	rl.close();
	process.stdout.write('\n');
	return answer;
}

const password = await askPassword();
if (password.length < 12) {
	console.error('The password must have at least 12 characters.');
	process.exit(2);
}

const db = openAny(config().DATABASE_URL ?? config().DATABASE_PATH);
await migrateDatabase(db);
const { users } = tablesOf(db);
if ((await first(db.select({ id: users.id }).from(users).limit(1))) !== undefined) {
	console.error('This database already has accounts: add staff from the Staff accounts page instead.');
	process.exit(1);
}
const agencyId = newId();
const now = Date.now();
const passwordHash = await hashPassword(password);
await transact(db, async (tx) => {
	const { agencies, users } = tablesOf(tx);
	await tx.insert(agencies).values({ id: agencyId, name: input.data.agency, timeZone: input.data.timeZone, createdAt: now });
	await tx.insert(users).values({ id: newId(), agencyId, email: input.data.email, name: input.data.name, role: 'admin', passwordHash, createdAt: now });
});
await closeDatabase(db);
console.log(`Created ${input.data.agency} and its administrator ${input.data.email}. Start Hearth and sign in.`);
