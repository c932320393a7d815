// Per-feed state in Redis (validators for conditional GET, health record with backoff and pause), and
// createFetchDeps, which wires every Redis-backed dependency of the fetch stages.
import type { Redis } from 'ioredis';
import type { RawStore } from '../stages/raw-store.js';
import type { FetchConfig } from '../stages/fetch/config.js';
import type { FeedHealth, FeedStateStore, FetchDeps } from '../stages/fetch/deps.js';
import { createHttpClient } from './http/client.js';
import { createRedisPoliteness } from './fetch-politeness.js';
import { createRobotsPolicy } from './fetch-robots.js';
import { createRedisSeenStore } from './fetch-seen.js';
import { luaScript } from './fetch-lua.js';

const nullable = (v: string | undefined): string | null => (v === undefined || v === '' ? null : v);

/** Delay before the next attempt after `failures` consecutive failures: exponential, capped, ±20 % jitter. */
export function backoffMs(failures: number, baseMs: number, maxMs: number, random = Math.random): number {
  const raw = Math.min(maxMs, baseMs * 2 ** Math.max(0, failures - 1));
  return Math.round(raw * (0.8 + 0.4 * random()));
}

function toHealth(h: Record<string, string>): FeedHealth {
  return {
    lastSuccessAt: nullable(h.lastSuccessAt),
    lastErrorAt: nullable(h.lastErrorAt),
    lastErrorCode: nullable(h.lastErrorCode),
    lastErrorMessage: nullable(h.lastErrorMessage),
    consecutiveFailures: Number(h.consecutiveFailures ?? 0),
    nextAttemptAt: nullable(h.nextAttemptAt),
    paused: h.paused === '1',
    itemsWaiting: Number(h.itemsWaiting ?? 0),
    fallingBehind: h.fallingBehind === '1',
  };
}

/** Where the fetch health store keeps a feed's record, the set of paused feeds, and a feed's new items per hour. */
export function feedStateKeys(keyPrefix: string) {
  return {
    feed: (feedId: string) => `${keyPrefix}:fetch:feed:${feedId}`,
    paused: `${keyPrefix}:fetch:paused`,
    items: (feedId: string) => `${keyPrefix}:fetch:items:${feedId}`,
  };
}

const HOUR_MS = 3_600_000;
/** Hourly buckets kept per feed: a day and an hour, so the last 24 are always whole or current. */
const ITEM_BUCKETS = 25;

// KEYS: items hash. ARGV: hour index, count, oldest hour kept. Adds to this hour and forgets older hours in one step.
const ADD_ITEMS = luaScript(`
redis.call('HINCRBY', KEYS[1], ARGV[1], tonumber(ARGV[2]))
for _, hour in ipairs(redis.call('HKEYS', KEYS[1])) do
  if tonumber(hour) < tonumber(ARGV[3]) then redis.call('HDEL', KEYS[1], hour) end
end
redis.call('PEXPIRE', KEYS[1], ${ITEM_BUCKETS * HOUR_MS})
return 1
`);

export function createRedisFeedState(redis: Redis, keyPrefix: string, config: FetchConfig): FeedStateStore {
  const keys = feedStateKeys(keyPrefix);
  const key = keys.feed;
  const { pauseAfterFailures, backoffBaseMs, backoffMaxMs } = config.health;
  return {
    async getValidators(feedId, url) {
      const [etag, lastModified, of] = await redis.hmget(key(feedId), 'etag', 'lastModified', 'validatorsUrl');
      // A feed whose URL changed in the feeds file is another document: the old one's date could get a 304.
      if (of !== url) return { etag: null, lastModified: null };
      return { etag: etag || null, lastModified: lastModified || null };
    },
    async setValidators(feedId, url, v) {
      await redis.hset(key(feedId), 'etag', v.etag ?? '', 'lastModified', v.lastModified ?? '', 'validatorsUrl', url);
    },
    async getHealth(feedId) {
      return toHealth(await redis.hgetall(key(feedId)));
    },
    async recordSuccess(feedId, at, itemsWaiting = 0, fallingBehind = false) {
      await redis
        .multi()
        .hset(key(feedId), {
          lastSuccessAt: at.toISOString(),
          consecutiveFailures: '0',
          nextAttemptAt: '',
          paused: '0',
          itemsWaiting: String(itemsWaiting),
          fallingBehind: fallingBehind ? '1' : '0',
        })
        .srem(keys.paused, feedId)
        .exec();
    },
    async recordFailure(feedId, error, at) {
      const failures = await redis.hincrby(key(feedId), 'consecutiveFailures', 1);
      const wait = Math.max(backoffMs(failures, backoffBaseMs, backoffMaxMs), error.retryAfterMs ?? 0);
      const paused = failures >= pauseAfterFailures;
      const tx = redis.multi().hset(key(feedId), {
        lastErrorAt: at.toISOString(),
        lastErrorCode: error.code,
        lastErrorMessage: error.message.slice(0, 500),
        nextAttemptAt: new Date(at.getTime() + wait).toISOString(),
        paused: paused ? '1' : '0',
      });
      // The set of paused feeds lets metrics count them without reading every feed's record.
      await (paused ? tx.sadd(keys.paused, feedId) : tx.srem(keys.paused, feedId)).exec();
      return toHealth(await redis.hgetall(key(feedId)));
    },
    async resetHealth(feedId) {
      await redis.multi().hset(key(feedId), 'consecutiveFailures', '0', 'nextAttemptAt', '', 'paused', '0').srem(keys.paused, feedId).exec();
    },
    async getNextPoll(feedId) {
      const [at, interval] = await redis.hmget(key(feedId), 'nextPollAt', 'pollIntervalMs');
      return { at: at || null, intervalMs: interval ? Number(interval) : null };
    },
    async setNextPoll(feedId, at, intervalMs) {
      await redis.hset(key(feedId), 'nextPollAt', at.toISOString(), 'pollIntervalMs', String(intervalMs));
    },
    async recordItems(feedId, count, at) {
      if (count <= 0) return;
      const hour = Math.floor(at.getTime() / HOUR_MS);
      await ADD_ITEMS.run(redis, [keys.items(feedId)], [hour, count, hour - ITEM_BUCKETS + 1]);
    },
  };
}

function hashReplies(replies: Array<[Error | null, unknown]> | null): Array<Record<string, string>> {
  return (replies ?? []).map(([err, value]) => {
    if (err) throw err;
    return (value ?? {}) as Record<string, string>;
  });
}

/** The health records of many feeds in one round trip (for `newsflow status`). */
export async function readFeedHealth(redis: Redis, keyPrefix: string, feedIds: readonly string[]): Promise<Map<string, FeedHealth>> {
  const keys = feedStateKeys(keyPrefix);
  const pipeline = redis.pipeline();
  for (const id of feedIds) pipeline.hgetall(keys.feed(id));
  const replies = hashReplies(await pipeline.exec());
  return new Map(feedIds.map((id, i) => [id, toHealth(replies[i] ?? {})]));
}

/** The adaptive next poll of many feeds (see setNextPoll), in one round trip; null where none is recorded. */
export async function readAdaptiveNextPolls(redis: Redis, keyPrefix: string, feedIds: readonly string[]): Promise<Map<string, string | null>> {
  const keys = feedStateKeys(keyPrefix);
  const pipeline = redis.pipeline();
  for (const id of feedIds) pipeline.hget(keys.feed(id), 'nextPollAt');
  const replies = (await pipeline.exec()) ?? [];
  return new Map(
    feedIds.map((id, i) => {
      const [err, value] = replies[i] ?? [null, null];
      if (err) throw err;
      return [id, nullable((value as string | null) ?? undefined)];
    }),
  );
}

/** How many feeds are paused after repeated failures (one SCARD). */
export async function countPausedFeeds(redis: Redis, keyPrefix: string): Promise<number> {
  return redis.scard(feedStateKeys(keyPrefix).paused);
}

/** The ids in the set of paused feeds (one SMEMBERS), e.g. to find paused feeds no longer in the feeds file. */
export async function pausedFeedIds(redis: Redis, keyPrefix: string): Promise<string[]> {
  return redis.smembers(feedStateKeys(keyPrefix).paused);
}

// KEYS: paused set, then each feed's record. Clears the pause and the failure backoff of a record that exists (no empty
// record is created for a feed that never had one) and takes every feed out of the paused set.
const FORGET_HEALTH = luaScript(`
for i = 2, #KEYS do
  if redis.call('EXISTS', KEYS[i]) == 1 then
    redis.call('HSET', KEYS[i], 'consecutiveFailures', '0', 'nextAttemptAt', '', 'paused', '0')
  end
end
return redis.call('SREM', KEYS[1], unpack(ARGV))
`);

/**
 * Forgets the failures of feeds taken out of the feeds file: no longer paused (nor counted as paused by the metrics),
 * no backoff. Their validators, seen items and error history stay, so a feed put back is not read again from the start
 * of its archive, and is polled at once rather than staying paused by a failure from before it was removed.
 * Returns how many of them were paused.
 */
export async function forgetFeedFailures(redis: Redis, keyPrefix: string, feedIds: readonly string[]): Promise<number> {
  const keys = feedStateKeys(keyPrefix);
  let paused = 0;
  // Bounded batches: one script call per 500 feeds keeps each call short for Redis and the argument list small.
  for (let i = 0; i < feedIds.length; i += 500) {
    const batch = feedIds.slice(i, i + 500);
    paused += Number(await FORGET_HEALTH.run(redis, [keys.paused, ...batch.map(keys.feed)], batch));
  }
  return paused;
}

/** New items per feed in the 24 hourly buckets up to `now` (the current hour included), one round trip for all feeds. */
export async function itemsLastDay(redis: Redis, keyPrefix: string, feedIds: readonly string[], now: Date): Promise<Map<string, number>> {
  const keys = feedStateKeys(keyPrefix);
  const since = Math.floor(now.getTime() / HOUR_MS) - 23;
  const pipeline = redis.pipeline();
  for (const id of feedIds) pipeline.hgetall(keys.items(id));
  const replies = hashReplies(await pipeline.exec());
  return new Map(
    feedIds.map((id, i) => {
      const buckets = replies[i] ?? {};
      const total = Object.entries(buckets).reduce((sum, [hour, n]) => (Number(hour) >= since ? sum + Number(n) : sum), 0);
      return [id, total];
    }),
  );
}

/** Every dependency of fetchFeed/fetchArticle on one Redis connection; close `deps.http` on shutdown. */
export function createFetchDeps(redis: Redis, keyPrefix: string, config: FetchConfig, raw: RawStore): FetchDeps {
  const http = createHttpClient(config);
  const politeness = createRedisPoliteness({ redis, keyPrefix, config: config.politeness, leaseMs: config.timeoutMs + 10_000 });
  return {
    http,
    feedState: createRedisFeedState(redis, keyPrefix, config),
    seen: createRedisSeenStore(redis, keyPrefix, config.seenItemsPerFeed),
    politeness,
    robots: createRobotsPolicy({ redis, keyPrefix, http, politeness, config }),
    raw,
    config,
  };
}
