import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { withLease } from '../../src/infra/lease.js';
import { dropPrefix, testRedis, uniquePrefix } from '../helpers/redis.js';

const prefix = uniquePrefix('lease');
let redis: Redis;
const busy = () => new Error('busy');

beforeAll(() => {
  redis = testRedis();
});
afterAll(async () => {
  await dropPrefix(redis, prefix);
  await redis.quit();
});

describe('withLease', () => {
  it('keeps the lease while work outlasts its ttl, and no one else takes it meanwhile', async () => {
    const key = `{${prefix}}:long`;
    // A ttl long enough that a loaded machine's event-loop stalls do not outlast it between two renewals (ttl / 3).
    await withLease(redis, key, { ttlMs: 600, waitMs: 0, busy }, async (lease) => {
      await new Promise((r) => setTimeout(r, 2000));
      await expect(withLease(redis, key, { ttlMs: 600, waitMs: 0, busy }, async () => 'taken')).rejects.toThrow('busy');
      expect(await lease.held()).toBe(true);
    });
    expect(await redis.exists(key)).toBe(0);
  });

  it('tells a holder that its lease was lost, and leaves the new holder its lease', async () => {
    const key = `{${prefix}}:lost`;
    await withLease(redis, key, { ttlMs: 1000, waitMs: 0, busy }, async (lease) => {
      await redis.set(key, 'someone else');
      expect(await lease.held()).toBe(false);
    });
    expect(await redis.get(key)).toBe('someone else');
  });
});
