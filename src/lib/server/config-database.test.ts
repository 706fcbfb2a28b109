import { describe, expect, it } from 'vitest';
import { parseConfig } from './config';
import { isPostgresUrl } from './db/index';

describe('DATABASE_URL', () => {
	it('takes a postgres:// or postgresql:// URL, and treats unset or empty as the SQLite file', () => {
		expect(parseConfig({ DATABASE_URL: 'postgres://hearth@db.internal:5432/hearth' }).DATABASE_URL).toBe('postgres://hearth@db.internal:5432/hearth');
		expect(parseConfig({ DATABASE_URL: 'postgresql://db/hearth' }).DATABASE_URL).toBe('postgresql://db/hearth');
		expect(parseConfig({}).DATABASE_URL).toBeUndefined();
		expect(parseConfig({ DATABASE_URL: '' }).DATABASE_URL).toBeUndefined();
	});

	it('refuses anything else (a SQLite path belongs in DATABASE_PATH)', () => {
		expect(() => parseConfig({ DATABASE_URL: './data/hearth.db' })).toThrow(/DATABASE_URL/);
		expect(() => parseConfig({ DATABASE_URL: 'mysql://db/hearth' })).toThrow(/DATABASE_URL/);
	});

	it('is told apart from a SQLite path by the data layer', () => {
		expect(isPostgresUrl('postgres://db/hearth')).toBe(true);
		expect(isPostgresUrl('./data/postgres.db')).toBe(false);
	});
});
