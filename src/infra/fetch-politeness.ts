// Politeness shared by every worker process through Redis: per host, at most N leases (SET NX PX with a token,
// released by a Lua compare-and-delete, so a crashed holder's lease simply expires), the time of its last request,
// which each request waits its own delay after, and a next-allowed time for a host that asked to be left alone.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import type { PolitenessConfig } from '../stages/fetch/config.js';
import type { Politeness } from '../stages/fetch/deps.js';
import { luaScript } from './fetch-lua.js';
import { FetchError } from './http/errors.js';

// KEYS: next-allowed key, last-request key, then one lease key per slot. ARGV: token, lease ms, delay ms, spacing
// (1 = requests are spaced from their starts, 0 = from their ends), how long the last-request time is kept.
// The delay is the acquirer's own: a request whose site asked a longer Crawl-delay than the one before it waits that
// long after it, whichever delay the one before it kept. The next-allowed time carries a host's own request to wait
// (Retry-After). Returns {slot, 0} when a lease was taken; {0, ms} when the host's delay has ms to run; {-1, ms} when
// every lease is held (ms: the shortest time one has left to live).
const ACQUIRE = luaScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local delay = tonumber(ARGV[3])
local nextAt = math.max(tonumber(redis.call('GET', KEYS[1]) or '0'), tonumber(redis.call('GET', KEYS[2]) or '0') + delay)
if nextAt > now then return {0, nextAt - now} end
local shortest = nil
for i = 3, #KEYS do
  if redis.call('SET', KEYS[i], ARGV[1], 'NX', 'PX', ARGV[2]) then
    if ARGV[4] == '1' then redis.call('SET', KEYS[2], now, 'PX', ARGV[5]) end
    return {i - 2, 0}
  end
  local ttl = redis.call('PTTL', KEYS[i])
  if ttl > 0 and (shortest == nil or ttl < shortest) then shortest = ttl end
end
return {-1, shortest or 1}
`);

// KEYS: lease key, next-allowed key, last-request key. ARGV: token, ms the host asked to be left alone (0: none),
// spacing as for ACQUIRE, how long the last-request time is kept.
const RELEASE = luaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if ARGV[3] == '0' then redis.call('SET', KEYS[3], now, 'PX', ARGV[4]) end
local wait = tonumber(ARGV[2])
if wait > 0 then
  local cur = tonumber(redis.call('GET', KEYS[2]) or '0')
  if now + wait > cur then redis.call('SET', KEYS[2], now + wait, 'PX', wait + 1000) end
end
return 1
`);

// KEYS: lease key. ARGV: token, lease ms. Keeps a live holder's lease from expiring under a long request.
const EXTEND = luaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
`);

/** An abortable pause that rejects with the signal's own reason, as the caller's other awaits do. */
async function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  try {
    await sleep(ms, undefined, signal ? { signal } : undefined);
  } catch (err) {
    throw signal?.aborted ? (signal.reason ?? err) : err;
  }
}

export interface RedisPolitenessOptions {
  redis: Redis;
  keyPrefix: string;
  config: PolitenessConfig;
  /** How long a lease lives without renewal; a crashed holder blocks its host at most this long. */
  leaseMs: number;
  /** Longest pause between two attempts while another holder has the host (default 100 ms). */
  pollMs?: number;
}

export function createRedisPoliteness(opts: RedisPolitenessOptions): Politeness {
  const { redis, keyPrefix, config, leaseMs } = opts;
  const pollMs = opts.pollMs ?? 100;
  const slots = config.maxInFlightPerHost;
  const keys = (host: string) => {
    const base = `${keyPrefix}:fetch:host:${host}`;
    return { next: `${base}:next`, last: `${base}:last`, leases: Array.from({ length: slots }, (_, i) => `${base}:lease:${i + 1}`) };
  };

  return {
    async withHost(host, work, options = {}) {
      const h = host.toLowerCase();
      const configured = config.hostDelayMs[h] ?? config.minDelayMs;
      const delay = Math.max(configured, Math.min(options.minDelayMs ?? 0, config.maxCrawlDelayMs));
      // The last request's time outlives any delay a later request to the host may keep (the host's own or a
      // Crawl-delay, capped).
      const keepMs = Math.max(delay, config.maxCrawlDelayMs) + 1000;
      const spacing = slots > 1 ? '1' : '0';
      const k = keys(h);
      const token = randomUUID();
      let slot = 0;
      // A held lease is usually released within milliseconds: ask again soon, then less often the longer it lasts.
      let busyWait = 2;
      for (;;) {
        options.signal?.throwIfAborted();
        const [state, ms] = (await ACQUIRE.run(redis, [k.next, k.last, ...k.leases], [token, leaseMs, delay, spacing, keepMs])) as [number, number];
        if (state > 0) {
          slot = state;
          break;
        }
        let wait: number;
        if (state === 0) {
          // Only a long pause the host asked for fails fast; queueing behind other jobs for a busy host is waited out.
          if (ms > config.maxWaitMs) {
            throw new FetchError('host-backoff', `${h} is not to be asked again for ${Math.round(ms / 1000)} s`, { retryAfterMs: ms });
          }
          wait = ms;
        } else {
          wait = Math.min(ms, busyWait);
          busyWait = Math.min(busyWait * 2, pollMs);
        }
        // Jitter spreads waiters so they do not all ask again in the same millisecond.
        await pause(wait + Math.floor(Math.random() * Math.min(wait, 5)), options.signal);
      }
      const lease = k.leases[slot - 1]!;
      const renew = setInterval(() => void EXTEND.run(redis, [lease], [token, leaseMs]).catch(() => undefined), Math.max(100, Math.floor(leaseMs / 3)));
      renew.unref();
      let after = 0;
      try {
        return await work();
      } catch (err) {
        // The host asked every client to wait (Retry-After on 429/503): hold all our workers back, not just this job.
        const asked = (err as { retryAfterMs?: number }).retryAfterMs;
        if (typeof asked === 'number' && asked > 0) after = Math.min(asked, config.maxHostBackoffMs);
        throw err;
      } finally {
        clearInterval(renew);
        await RELEASE.run(redis, [lease, k.next, k.last], [token, after, spacing, keepMs]);
      }
    },
  };
}
