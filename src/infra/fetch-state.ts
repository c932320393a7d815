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
  };
}

export function createRedisFeedState(redis: Redis, keyPrefix: string, config: FetchConfig): FeedStateStore {
  const key = (feedId: string) => `${keyPrefix}:fetch:feed:${feedId}`;
  const { pauseAfterFailures, backoffBaseMs, backoffMaxMs } = config.health;
  return {
    async getValidators(feedId) {
      const [etag, lastModified] = await redis.hmget(key(feedId), 'etag', 'lastModified');
      return { etag: etag || null, lastModified: lastModified || null };
    },
    async setValidators(feedId, v) {
      await redis.hset(key(feedId), 'etag', v.etag ?? '', 'lastModified', v.lastModified ?? '');
    },
    async getHealth(feedId) {
      return toHealth(await redis.hgetall(key(feedId)));
    },
    async recordSuccess(feedId, at) {
      await redis.hset(key(feedId), 'lastSuccessAt', at.toISOString(), 'consecutiveFailures', '0', 'nextAttemptAt', '', 'paused', '0');
    },
    async recordFailure(feedId, error, at) {
      const failures = await redis.hincrby(key(feedId), 'consecutiveFailures', 1);
      const wait = Math.max(backoffMs(failures, backoffBaseMs, backoffMaxMs), error.retryAfterMs ?? 0);
      const paused = failures >= pauseAfterFailures;
      await redis.hset(key(feedId), {
        lastErrorAt: at.toISOString(),
        lastErrorCode: error.code,
        lastErrorMessage: error.message.slice(0, 500),
        nextAttemptAt: new Date(at.getTime() + wait).toISOString(),
        paused: paused ? '1' : '0',
      });
      return toHealth(await redis.hgetall(key(feedId)));
    },
    async resetHealth(feedId) {
      await redis.hset(key(feedId), 'consecutiveFailures', '0', 'nextAttemptAt', '', 'paused', '0');
    },
  };
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
