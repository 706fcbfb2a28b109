import { POSTGRES_SKIPPED, TEST_DATABASE_URL, postgresAnswers } from './postgres.ts';

// vitest globalSetup: asks once per run whether PostgreSQL answers, prints one line when it does not, and
// hands the answer to the test files (`inject('postgresUrl')`: the URL, or null to skip their PostgreSQL
// suites). HEARTH_REQUIRE_POSTGRES=1 (CI, whose machine runs PostgreSQL) turns a missing server into a failure,
// and so does HEARTH_TEST_ENGINE=postgres (every test server of the run is to be on it).

declare module 'vitest' {
	export interface ProvidedContext {
		postgresUrl: string | null;
	}
}

export default async function setup({ provide }: { provide: (key: 'postgresUrl', value: string | null) => void }): Promise<void> {
	if (await postgresAnswers()) {
		provide('postgresUrl', TEST_DATABASE_URL);
		return;
	}
	if (process.env.HEARTH_REQUIRE_POSTGRES === '1') throw new Error(`HEARTH_REQUIRE_POSTGRES=1 but nothing answers at ${TEST_DATABASE_URL}`);
	if (process.env.HEARTH_TEST_ENGINE === 'postgres') throw new Error(`HEARTH_TEST_ENGINE=postgres but nothing answers at ${TEST_DATABASE_URL}`);
	console.log(POSTGRES_SKIPPED);
	provide('postgresUrl', null);
}
