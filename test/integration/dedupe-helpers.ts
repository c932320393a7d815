// Shared by the dedupe integration tests: a private key prefix on the shared Redis, removed afterwards.
import { Redis } from 'ioredis';
import { taggedPrefix } from '../../src/infra/dedupe-index.js';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export function testPrefix(): string {
  return `test-${Math.random().toString(36).slice(2, 10)}:dedupe`;
}

/** Deletes every key under the prefix (SCAN, never FLUSH: the server is shared). */
export async function deletePrefix(redis: Redis, prefix: string): Promise<number> {
  const pattern = `${taggedPrefix(prefix).replace(/[*?[\]\\]/g, '\\$&')}:*`;
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) deleted += await redis.unlink(...keys);
  } while (cursor !== '0');
  return deleted;
}
