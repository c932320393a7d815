import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Redis, connectRedis, RedisUnavailableError } from '../../src/infra/redis.js';
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

  it('refuses a database the server does not have, instead of carrying on in database 0', async () => {
    const base = REDIS_URL.replace(/\/\d*$/, '');
    const err = await connectRedis({ url: `${base}/99`, autoStart: false, dataDir: '/tmp', log }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RedisUnavailableError);
    expect((err as Error).message).toMatch(/has no database 99: .*out of range/i);
    // A database it has is selected.
    const handle = await connectRedis({ url: `${base}/1`, autoStart: false, dataDir: '/tmp', log });
    expect(await handle.client.client('INFO')).toMatch(/ db=1 /);
    await handle.close();
  });

  it('starts a private server for a local URL that does not answer, and stops it when no one else uses it', async () => {
    const port = await freePort();
    const dataDir = mkdtempSync(path.join(tmpdir(), 'nf-autostart-'));
    const handle = await connectRedis({ url: `redis://127.0.0.1:${port}`, autoStart: true, dataDir, log });
    expect(await handle.client.ping()).toBe('PONG');
    await handle.close();
    expect(await pings(port)).toBe(false);
  });

  it('leaves the private server running for the other processes connected to it, with their data', async () => {
    const port = await freePort();
    const dataDir = mkdtempSync(path.join(tmpdir(), 'nf-autostart-'));
    const starter = await connectRedis({ url: `redis://127.0.0.1:${port}`, autoStart: true, dataDir, log });
    // A second process (serve, say) finds it answering and uses it.
    const other = await connectRedis({ url: `redis://127.0.0.1:${port}`, autoStart: true, dataDir, log });
    try {
      await other.client.set('job', 'queued');
      await starter.close();
      expect(await other.client.get('job')).toBe('queued');
    } finally {
      await other.close();
      const admin = new Redis(`redis://127.0.0.1:${port}`, { maxRetriesPerRequest: 0, retryStrategy: () => null });
      admin.on('error', () => {});
      await admin.shutdown('NOSAVE').catch(() => {});
      admin.disconnect();
    }
    expect(await pings(port)).toBe(false);
  });
});

async function pings(port: number): Promise<boolean> {
  const probe = new Redis(`redis://127.0.0.1:${port}`, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on('error', () => {});
  const ok = await probe.connect().then(() => probe.ping()).then(() => true, () => false);
  probe.disconnect();
  return ok;
}
