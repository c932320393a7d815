// New-item detection memory: per feed, item id → content hash, bounded by forgetting the ids seen longest ago (but
// never one the feed still lists).
import type { Redis } from 'ioredis';
import type { SeenItemsStore } from '../stages/fetch/deps.js';
import { luaScript } from './fetch-lua.js';

// KEYS: hash, order zset. ARGV: max, now, then id/hash pairs. Records and trims in one step.
const MARK = luaScript(`
local now = tonumber(ARGV[2])
for i = 3, #ARGV, 2 do
  redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
  redis.call('ZADD', KEYS[2], now, ARGV[i])
end
local excess = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[1])
if excess > 0 then
  local old = redis.call('ZRANGE', KEYS[2], 0, excess - 1)
  for _, id in ipairs(old) do redis.call('HDEL', KEYS[1], id) end
  redis.call('ZREMRANGEBYRANK', KEYS[2], 0, excess - 1)
end
return excess
`);

export function createRedisSeenStore(redis: Redis, keyPrefix: string, maxPerFeed: number): SeenItemsStore {
  const keys = (feedId: string) => [`${keyPrefix}:fetch:seen:${feedId}`, `${keyPrefix}:fetch:seen-order:${feedId}`] as [string, string];
  return {
    async unseen(feedId, items) {
      const fresh = new Set<string>();
      // In batches: a feed of a hundred thousand items would be more arguments than one call can take.
      for (let i = 0; i < items.length; i += 1000) {
        const batch = items.slice(i, i + 1000);
        const stored = await redis.hmget(keys(feedId)[0], ...batch.map((item) => item.id));
        for (let k = 0; k < batch.length; k++) if (stored[k] !== batch[k]!.hash) fresh.add(batch[k]!.id);
      }
      return fresh;
    },
    async markSeen(feedId, items, at, listed = items.length) {
      // Never fewer than the feed now lists: an item forgotten while still listed would count as new at every poll.
      const cap = Math.max(maxPerFeed, listed, items.length);
      // Batches keep each script call short on feeds with thousands of items.
      for (let i = 0; i < items.length; i += 500) {
        const batch = items.slice(i, i + 500).flatMap((item) => [item.id, item.hash]);
        await MARK.run(redis, keys(feedId), [cap, at.getTime(), ...batch]);
      }
    },
  };
}
