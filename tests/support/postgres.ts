import pg from 'pg';
import { randomBytes } from 'node:crypto';

// PostgreSQL for tests. The machines of the project (and CI) run PostgreSQL 15 on 127.0.0.1:5432 with trust
// authentication; TEST_DATABASE_URL names another server (any database on it that the test may connect to,
// to create and drop its own). Each test file that needs it creates a database of its own,
// `hearth_test_<random>`, and drops it after: parallel runs never see each other's rows.

/**
 * Where tests reach PostgreSQL to create their databases. The user is named: without one, `pg` takes $USER,
 * which CI and services often leave unset ("no PostgreSQL user name specified in startup packet").
 */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';

/** The one line printed when the PostgreSQL suites are skipped. */
export const POSTGRES_SKIPPED = `PostgreSQL tests skipped: nothing answers at ${TEST_DATABASE_URL} (start PostgreSQL there, or set TEST_DATABASE_URL=postgres://…, to run them).`;

/** Whether a PostgreSQL server answers at `url` within `timeoutMs`. Never throws. */
export async function postgresAnswers(url = TEST_DATABASE_URL, timeoutMs = 2000): Promise<boolean> {
	const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
	try {
		await client.connect();
		await client.query('select 1');
		return true;
	} catch {
		return false;
	} finally {
		await client.end().catch(() => undefined);
	}
}

/** `url` with its database name replaced by `name`. */
export function withDatabase(url: string, name: string): string {
	const u = new URL(url);
	u.pathname = `/${name}`;
	return u.toString();
}

/**
 * Creates an empty database `hearth_test_<random>` on the server of `baseUrl` and returns its URL, and
 * `drop()`, which drops it (ending any connection still open to it).
 */
export async function createTestDatabase(baseUrl = TEST_DATABASE_URL): Promise<{ url: string; name: string; drop: () => Promise<void> }> {
	const name = `hearth_test_${randomBytes(6).toString('hex')}`;
	const admin = async (statement: string) => {
		const client = new pg.Client({ connectionString: baseUrl });
		await client.connect();
		try {
			await client.query(statement);
		} finally {
			await client.end();
		}
	};
	await admin(`CREATE DATABASE ${name}`);
	return { url: withDatabase(baseUrl, name), name, drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}
