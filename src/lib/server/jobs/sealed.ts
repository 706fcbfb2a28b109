import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

// What waits in the jobs table is sealed with AES-256-GCM: a message's payload holds a sign-in link and
// the recipient's address, and the database is a record that a message went, never a copy of it (see
// notify/). The row's id and kind are the additional data, so a sealed payload cannot be moved to another
// row or read as another kind. A payload is blanked once its job is done or has finally failed.

const VERSION = 'v1';
const IV_BYTES = 12; // GCM's standard nonce; random per seal (2^32 seals per key stay far below the collision risk)
const KEY_FILE = 'hearth-secret.key';

/**
 * Seals `plaintext` under `key` (32 bytes) bound to `context` (e.g. `<job id>:<kind>`):
 * `v1.<iv>.<tag>.<ciphertext>`, each part base64url.
 */
export function seal(key: Buffer, plaintext: string, context: string): string {
	const iv = randomBytes(IV_BYTES);
	const cipher = createCipheriv('aes-256-gcm', key, iv);
	cipher.setAAD(Buffer.from(context, 'utf8'));
	const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
	return [VERSION, iv, cipher.getAuthTag(), body].map((part) => (typeof part === 'string' ? part : part.toString('base64url'))).join('.');
}

/**
 * The plaintext of a sealed payload. Throws when it was sealed under another key or for another context,
 * or was changed (GCM's tag does not match), or is not a sealed payload at all.
 */
export function unseal(key: Buffer, sealed: string, context: string): string {
	const [version, iv, tag, body, ...rest] = sealed.split('.');
	if (version !== VERSION || iv === undefined || tag === undefined || body === undefined || rest.length > 0) throw new Error('not a sealed payload');
	const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
	decipher.setAAD(Buffer.from(context, 'utf8'));
	decipher.setAuthTag(Buffer.from(tag, 'base64url'));
	return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
}

/** Where the generated key lives when HEARTH_SECRET_KEY is not set: next to the database file. */
export function keyFilePath(databasePath: string): string {
	return join(dirname(resolve(databasePath)), KEY_FILE);
}

/**
 * The sealing key: HEARTH_SECRET_KEY (32 bytes, base64) when given; otherwise the key in
 * `hearth-secret.key` next to the database, generated there once (mode 0600, never overwritten); for an
 * in-memory database (unit tests), a key for this process only. Throws when the file holds something that
 * is not a 32-byte key: pending jobs could not be read, and a new key would hide that.
 */
export function loadSecretKey(settings: { secretKey?: string; databasePath: string }, warn: (text: string) => void = console.warn): Buffer {
	if (settings.secretKey) return Buffer.from(settings.secretKey, 'base64');
	if (settings.databasePath === ':memory:') return randomBytes(32);
	const path = keyFilePath(settings.databasePath);
	mkdirSync(dirname(path), { recursive: true });
	try {
		// 'wx': two processes starting at once never both write one; the second reads the first's.
		writeFileSync(path, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
	} catch (e) {
		if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
	}
	const key = Buffer.from(readFileSync(path, 'utf8').trim(), 'base64');
	if (key.length !== 32) throw new Error(`${path} does not hold a 32-byte key in base64; restore it from a backup or set HEARTH_SECRET_KEY.`);
	if ((statSync(path).mode & 0o077) !== 0) warn(`${path} can be read by other users of this machine: chmod 600 it.`);
	return key;
}
