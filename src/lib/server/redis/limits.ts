import { now as clockNow } from '../clock.ts';
import { FORGET_AFTER_MS, RULES, throttleKeys, type SignInThrottling } from '../auth/throttle.ts';
import type { TryLimiter } from '../auth/rate-limit.ts';
import type { AnonymousRefusalPolicy, RefusalCounts } from '../anonymous-refusals.ts';
import type { RedisLink } from './connection.ts';

// The sign-in throttle, the invite look-up limiter and the counts of anonymous refusals, shared by every
// instance through Redis: each is one Lua script, so a look and the count it leads to are one atomic step
// however many instances ask at once (as the in-process versions are, being synchronous). Times are the
// app's clock (ctx.now, which tests move), passed in, never Redis' own; keys expire in Redis' time only
// to be forgotten once they can no longer matter.

/** KEYS: address, account-from-address, account. ARGV: now, forget-after ms, then free, base ms, cap ms of each. */
const RESERVE = `
local now = tonumber(ARGV[1])
local wait = 0
for i = 1, 3 do
  local nextAt = tonumber(redis.call('HGET', KEYS[i], 'n') or '0')
  if nextAt - now > wait then wait = nextAt - now end
end
if wait > 0 then return wait end
for i = 1, 3 do
  local free = tonumber(ARGV[3 * i])
  local base = tonumber(ARGV[3 * i + 1])
  local cap = tonumber(ARGV[3 * i + 2])
  local failures = redis.call('HINCRBY', KEYS[i], 'f', 1)
  local over = failures - free
  local nextAt = 0
  if over > 0 then nextAt = now + math.floor(math.min(base * 2 ^ (over - 1), cap)) end
  redis.call('HSET', KEYS[i], 'n', nextAt)
  redis.call('PEXPIRE', KEYS[i], ARGV[2])
end
return 0`;

/** KEYS as RESERVE. ARGV: the address's free failures. */
const SUCCEED = `
redis.call('DEL', KEYS[2], KEYS[3])
if redis.call('EXISTS', KEYS[1]) == 1 then
  local f = redis.call('HINCRBY', KEYS[1], 'f', -1)
  if f < 0 then
    redis.call('HSET', KEYS[1], 'f', 0)
    f = 0
  end
  if f <= tonumber(ARGV[1]) then redis.call('HSET', KEYS[1], 'n', 0) end
end
return 1`;

/** KEYS: the counter. ARGV: now, window ms. Returns the count in the window, this try included. */
const TAKE = `
local now = tonumber(ARGV[1])
local win = tonumber(ARGV[2])
local start = tonumber(redis.call('HGET', KEYS[1], 's') or '-1')
local count
if start < 0 or now - start >= win then
  redis.call('HSET', KEYS[1], 's', now, 'c', 1)
  count = 1
else
  count = redis.call('HINCRBY', KEYS[1], 'c', 1)
end
redis.call('PEXPIRE', KEYS[1], win)
return count`;

/**
 * KEYS: this address in the window, all addresses in the window, and optionally the address's requests being
 * answered in the window its refused request was admitted in: that request stops counting as being answered
 * in the same step as its refusal is counted (never both at once). ARGV: rows per address, rows in all, ttl ms.
 * 1: row.
 */
const REFUSAL = `
if #KEYS > 2 and redis.call('DECR', KEYS[3]) <= 0 then redis.call('DEL', KEYS[3]) end
local seen = redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
if seen <= tonumber(ARGV[1]) then
  local written = tonumber(redis.call('GET', KEYS[2]) or '0')
  if written < tonumber(ARGV[2]) then
    redis.call('INCR', KEYS[2])
    redis.call('PEXPIRE', KEYS[2], ARGV[3])
    return 1
  end
end
return 0`;

/** KEYS: this address's refusals in the window, its requests being answered. ARGV: limit, ttl ms. 1: admitted. */
const ADMIT = `
local seen = tonumber(redis.call('GET', KEYS[1]) or '0')
local busy = tonumber(redis.call('GET', KEYS[2]) or '0')
if seen + busy >= tonumber(ARGV[1]) then return 0 end
redis.call('INCR', KEYS[2])
redis.call('PEXPIRE', KEYS[2], ARGV[2])
return 1`;

/** KEYS: this address's requests being answered in the window. */
const ANSWERED = `
if redis.call('DECR', KEYS[1]) <= 0 then redis.call('DEL', KEYS[1]) end
return 1`;

async function run(link: RedisLink, script: string, keys: string[], args: (string | number)[]): Promise<number> {
	const answer = await link.commands.eval(script, keys.length, ...keys, ...args.map(String));
	return Number(answer);
}

/** The sign-in throttle of throttle.ts, shared by every instance (same rules, same answers). */
export class RedisSignInThrottle implements SignInThrottling {
	private readonly link: RedisLink;
	private readonly rules: typeof RULES;

	constructor(link: RedisLink, rules: typeof RULES = RULES) {
		this.link = link;
		this.rules = rules;
	}

	private keys(address: string, account: string) {
		const keyed = throttleKeys(this.rules, address, account);
		return { keys: keyed.map(([k]) => `${this.link.prefix}throttle:${k}`), rules: keyed.map(([, r]) => r) };
	}

	/** 0: go ahead, and the try counts as a failure until `succeed`; else milliseconds to wait (nothing counted). */
	reserve(address: string, account: string, now = clockNow()): Promise<number> {
		const { keys, rules } = this.keys(address, account);
		return run(this.link, RESERVE, keys, [now, FORGET_AFTER_MS, ...rules.flatMap((r) => [r.free, r.baseMs, r.capMs])]);
	}

	/** The right password: the account's failures forgotten, the address given back this try. */
	async succeed(address: string, account: string): Promise<void> {
		await run(this.link, SUCCEED, this.keys(address, account).keys, [this.rules.address.free]);
	}
}

/** A fixed-window limiter (rate-limit.ts) shared by every instance; `name` keeps limiters apart. */
export class RedisRateLimiter implements TryLimiter {
	private readonly link: RedisLink;
	private readonly name: string;
	private readonly limit: number;
	private readonly windowMs: number;

	constructor(link: RedisLink, name: string, limit: number, windowMs: number) {
		this.link = link;
		this.name = name;
		this.limit = limit;
		this.windowMs = windowMs;
	}

	/** Counts a try; false when this key has used up its window. */
	async take(key: string, now = clockNow()): Promise<boolean> {
		const count = await run(this.link, TAKE, [`${this.link.prefix}limit:${this.name}:${key}`], [now, this.windowMs]);
		return count <= this.limit;
	}
}

/** The per-address counts of anonymous refusals (anonymous-refusals.ts), shared by every instance. */
export class RedisRefusalCounts implements RefusalCounts {
	private readonly link: RedisLink;

	constructor(link: RedisLink) {
		this.link = link;
	}

	private key(windowStart: number, address: string): string {
		return `${this.link.prefix}refusals:${windowStart}:a:${address}`;
	}

	/**
	 * Counts one refusal of `address` in the window starting at `windowStart`: 'row' while within the rows
	 * (per address and in all), else 'counted'. With `answeredIn`, one request of `address` admitted in that
	 * window stops counting as being answered, in the same script (one atomic step across instances).
	 * Rejects when Redis cannot be reached.
	 */
	async take(address: string, windowStart: number, policy: AnonymousRefusalPolicy, answeredIn?: number): Promise<'row' | 'counted'> {
		const all = `${this.link.prefix}refusals:${windowStart}:all`;
		const keys = [this.key(windowStart, address), all, ...(answeredIn === undefined ? [] : [this.busyKey(answeredIn, address)])];
		const row = await run(this.link, REFUSAL, keys, [policy.rowsPerAddress, policy.rowsInAll, 2 * policy.windowMs]);
		return row === 1 ? 'row' : 'counted';
	}

	async seen(address: string, windowStart: number): Promise<number> {
		return Number((await this.link.commands.get(this.key(windowStart, address))) ?? 0);
	}

	private busyKey(windowStart: number, address: string): string {
		return `${this.link.prefix}refusals:${windowStart}:busy:${address}`;
	}

	async admit(address: string, windowStart: number, limit: number, ttlMs: number): Promise<boolean> {
		return (await run(this.link, ADMIT, [this.key(windowStart, address), this.busyKey(windowStart, address)], [limit, ttlMs])) === 1;
	}

	async answered(address: string, windowStart: number): Promise<void> {
		await run(this.link, ANSWERED, [this.busyKey(windowStart, address)], []);
	}
}
