import { describe, expect, it } from 'vitest';
import { connectRedis, RedisUnavailableError } from '../../src/infra/redis.js';
import { createLogger } from '../../src/infra/logger.js';
import { freePort, REDIS_URL } from '../helpers/redis.js';

const log = createLogger({ level: 'silent', pretty: false });

describe('connectRedis', () => {
  it('connects to a running Redis and reads its eviction policy', async () => {
    const handle = await connectRedis({ url: REDIS_URL, autoStart: false, dataDir: '/tmp', log });
    expect(await handle.client.ping()).toBe('PONG');
    await handle.close();
    await handle.close(); // closing twice is safe
  });

  it('fails with one clear message when a non-default URL does not answer (no private server is started for it)', async () => {
    const port = await freePort();
    const err = await connectRedis({ url: `redis://user:s3cret@127.0.0.1:${port}`, autoStart: true, dataDir: '/tmp', log }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RedisUnavailableError);
    expect((err as Error).message).toContain(`Redis does not answer at redis://user:***@127.0.0.1:${port}`);
    expect((err as Error).message).not.toContain('s3cret');
  });
});
