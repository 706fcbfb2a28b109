// Moves an agency's data from its SQLite file into an empty PostgreSQL database (issue 19). Stop Hearth
// first (nothing may write to the file meanwhile). Usage:
//   npm run db:copy-to-postgres -- --from ./data/hearth.db --to postgres://hearth:secret@db.internal:5432/hearth
// --from defaults to DATABASE_PATH, --to to DATABASE_URL. The target is migrated first and must be empty.
// Keep the key: start the instances with HEARTH_SECRET_KEY set to the contents of hearth-secret.key (beside
// the SQLite file), or the messages still waiting in the jobs table cannot be read.
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { closeDatabase, isPostgresUrl, migrateDatabase, openDatabase, openPostgres } from '../src/lib/server/db/index.ts';
import { copyToPostgres } from '../src/lib/server/db/copy.ts';

const { values } = parseArgs({ options: { from: { type: 'string' }, to: { type: 'string' } } });
const input = z
	.object({
		from: z.string().min(1).refine((p) => existsSync(p), 'no such SQLite file'),
		to: z.string().refine(isPostgresUrl, 'must be a postgres:// URL')
	})
	.safeParse({ from: values.from ?? process.env.DATABASE_PATH ?? './data/hearth.db', to: values.to ?? process.env.DATABASE_URL ?? '' });
if (!input.success) {
	console.error('Usage: npm run db:copy-to-postgres -- --from ./data/hearth.db --to postgres://user:password@host:5432/name');
	for (const issue of input.error.issues) console.error(`  ${issue.path.join('.')}: ${issue.message}`);
	process.exit(2);
}

const from = openDatabase(input.data.from);
const to = openPostgres(input.data.to);
try {
	await migrateDatabase(from);
	await migrateDatabase(to);
	const copied = await copyToPostgres(from, to);
	for (const [table, rows] of Object.entries(copied)) console.log(`${table.padEnd(24)} ${rows}`);
	console.log('Copied. Start Hearth with DATABASE_URL set (and HEARTH_SECRET_KEY: the contents of hearth-secret.key beside the SQLite file).');
} catch (err) {
	console.error(`Nothing was copied: ${err instanceof Error ? err.message : err}`);
	process.exitCode = 1;
} finally {
	await closeDatabase(to);
	await closeDatabase(from);
}
