// What `status` and the metrics read from the fetch health store, on real Redis: the set of paused feeds follows
// failures, successes and resets; new items are kept per hour for a day and older hours are forgotten.
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countPausedFeeds, createRedisFeedState, feedStateKeys, itemsLastDay, readFeedHealth } from '../../src/infra/fetch-state.js';
import { FetchConfigSchema } from '../../src/stages/fetch/config.js';
import { dropPrefix, testRedis, uniquePrefix } from '../helpers/redis.js';

const prefix = uniquePrefix('status-state');
const keyPrefix = `{${prefix}}:fetch`;
const HOUR = 3_600_000;
let redis: Redis;

beforeAll(() => {
  redis = testRedis();
});
afterAll(async () => {
  await dropPrefix(redis, prefix);
  await redis.quit();
});

describe('fetch health store, as status reads it', () => {
  it('counts a feed as paused from the failure that pauses it until a success or a reset', async () => {
    const config = FetchConfigSchema.parse({ health: { pauseAfterFailures: 2 } });
    const state = createRedisFeedState(redis, keyPrefix, config);
    const at = new Date('2026-03-01T12:00:00Z');
    const failure = { code: 'http-server-error', message: 'HTTP 503' };

    await state.recordFailure('a', failure, at);
    expect(await countPausedFeeds(redis, keyPrefix)).toBe(0);
    await state.recordFailure('a', failure, at);
    await state.recordFailure('b', failure, at);
    await state.recordFailure('b', failure, at);
    expect(await countPausedFeeds(redis, keyPrefix)).toBe(2);

    await state.recordSuccess('a', at);
    expect(await countPausedFeeds(redis, keyPrefix)).toBe(1);
    await state.resetHealth('b');
    expect(await countPausedFeeds(redis, keyPrefix)).toBe(0);

    const health = await readFeedHealth(redis, keyPrefix, ['a', 'b', 'never-seen']);
    expect(health.get('a')).toMatchObject({ paused: false, consecutiveFailures: 0, lastSuccessAt: at.toISOString(), lastErrorCode: 'http-server-error' });
    expect(health.get('b')).toMatchObject({ paused: false, consecutiveFailures: 0, lastSuccessAt: null });
    expect(health.get('never-seen')).toMatchObject({ paused: false, consecutiveFailures: 0, lastSuccessAt: null, lastErrorAt: null });
  });

  it('sums new items of the last 24 hourly buckets and forgets older hours', async () => {
    const state = createRedisFeedState(redis, keyPrefix, FetchConfigSchema.parse({}));
    const now = new Date('2026-03-02T12:30:00Z');
    const ago = (h: number) => new Date(now.getTime() - h * HOUR);
    await state.recordItems!('c', 5, ago(30)); // outside the day
    await state.recordItems!('c', 4, ago(24)); // 24 hours ago: the bucket before the 24 counted
    await state.recordItems!('c', 3, ago(23));
    await state.recordItems!('c', 2, ago(1));
    await state.recordItems!('c', 1, now);
    await state.recordItems!('c', 0, now); // nothing to add
    await state.recordItems!('d', 7, ago(2));

    const items = await itemsLastDay(redis, keyPrefix, ['c', 'd', 'e'], now);
    expect(Object.fromEntries(items)).toEqual({ c: 6, d: 7, e: 0 });
    // The write at `now` pruned the hour of 30 hours ago; the hash holds at most 25 hours.
    const hours = (await redis.hkeys(feedStateKeys(keyPrefix).items('c'))).map(Number).sort();
    expect(hours).toHaveLength(4);
    expect(Math.min(...hours)).toBe(Math.floor(ago(24).getTime() / HOUR));
    expect(await redis.pttl(feedStateKeys(keyPrefix).items('c'))).toBeGreaterThan(24 * HOUR);
  });
});
