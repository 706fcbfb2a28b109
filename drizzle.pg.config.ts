import { defineConfig } from 'drizzle-kit';

// PostgreSQL migrations (DATABASE_URL=postgres://…): generated from schema.pg.ts into drizzle/pg/, beside
// the SQLite ones in drizzle/ (drizzle.config.ts). Hand-written SQL (the audit trail's triggers) is added
// with `drizzle-kit generate --custom --config drizzle.pg.config.ts`.
export default defineConfig({
	dialect: 'postgresql',
	schema: './src/lib/server/db/schema.pg.ts',
	out: './drizzle/pg'
});
