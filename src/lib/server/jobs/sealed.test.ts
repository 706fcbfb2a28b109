import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../config';
import { keyFilePath, loadSecretKey, seal, unseal } from './sealed';

const key = randomBytes(32);
const words = JSON.stringify({ to: 'rosa.rivera@example.org', text: 'Ábrala aquí: https://hearth.example.org/invite/tok-ñandú' });

describe('sealing a payload (AES-256-GCM)', () => {
	it('opens again under the same key and context, and shows nothing of it in between', () => {
		const sealed = seal(key, words, 'job-1:message.send');
		expect(sealed).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
		for (const part of ['rosa', 'example', 'invite', 'tok', 'Ábrala']) expect(sealed).not.toContain(part);
		expect(unseal(key, sealed, 'job-1:message.send')).toBe(words);
	});

	it('differs each time (a fresh nonce), so two equal messages look unrelated', () => {
		expect(seal(key, words, 'a')).not.toBe(seal(key, words, 'a'));
	});

	it('refuses another key, another row or kind, a changed byte, and anything that is not sealed', () => {
		const sealed = seal(key, words, 'job-1:message.send');
		expect(() => unseal(randomBytes(32), sealed, 'job-1:message.send')).toThrow();
		expect(() => unseal(key, sealed, 'job-2:message.send')).toThrow();
		expect(() => unseal(key, sealed, 'job-1:sweep.expired')).toThrow();
		const [v, iv, tag, body] = sealed.split('.');
		const flipped = Buffer.from(body, 'base64url');
		flipped[0] ^= 1;
		expect(() => unseal(key, [v, iv, tag, flipped.toString('base64url')].join('.'), 'job-1:message.send')).toThrow();
		for (const bad of ['', words, 'v2.a.b.c', 'v1.a.b', 'v1.a.b.c.d']) expect(() => unseal(key, bad, 'x')).toThrow();
	});
});

describe('the sealing key', () => {
	let dir: string;
	beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'hearth-key-'))));
	afterEach(() => rmSync(dir, { recursive: true, force: true }));

	it('is generated once next to the database, readable by this user only, and read back after that', () => {
		const databasePath = join(dir, 'data', 'hearth.db');
		const first = loadSecretKey({ databasePath });
		const path = keyFilePath(databasePath);
		expect(path).toBe(join(dir, 'data', 'hearth-secret.key'));
		expect(statSync(path).mode & 0o777).toBe(0o600);
		expect(first).toHaveLength(32);
		expect(loadSecretKey({ databasePath }).equals(first)).toBe(true);
		expect(readFileSync(path, 'utf8').trim()).toBe(first.toString('base64'));
	});

	it('comes from HEARTH_SECRET_KEY when it is set, and writes no file', () => {
		const given = randomBytes(32).toString('base64');
		const databasePath = join(dir, 'hearth.db');
		expect(loadSecretKey({ secretKey: given, databasePath }).toString('base64')).toBe(given);
		expect(() => statSync(keyFilePath(databasePath))).toThrow();
	});

	it('refuses a key file that holds no 32-byte key rather than making a new key (pending jobs would be unreadable)', () => {
		const databasePath = join(dir, 'hearth.db');
		writeFileSync(keyFilePath(databasePath), 'not a key\n', { mode: 0o600 });
		expect(() => loadSecretKey({ databasePath })).toThrow(/does not hold a 32-byte key/);
	});

	it('warns when others may read the key file', () => {
		const databasePath = join(dir, 'hearth.db');
		writeFileSync(keyFilePath(databasePath), `${randomBytes(32).toString('base64')}\n`, { mode: 0o644 });
		const warnings: string[] = [];
		loadSecretKey({ databasePath }, (w) => warnings.push(w));
		expect(warnings).toEqual([expect.stringContaining('chmod 600')]);
	});

	it('must be 32 bytes of base64 in HEARTH_SECRET_KEY', () => {
		expect(parseConfig({ HEARTH_SECRET_KEY: randomBytes(32).toString('base64') }).HEARTH_SECRET_KEY).toBeDefined();
		expect(() => parseConfig({ HEARTH_SECRET_KEY: randomBytes(16).toString('base64') })).toThrow(/HEARTH_SECRET_KEY: must be 32 bytes/);
		expect(() => parseConfig({ HEARTH_SECRET_KEY: 'correct horse battery staple' })).toThrow(/HEARTH_SECRET_KEY/);
	});
});
