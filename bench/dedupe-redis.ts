// A Redis for the dedupe benchmarks: a private redis-server on a free port in a temp dir (default settings, so
// memory figures are those of a stock server), or a given URL where only the bench's own keys are touched.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';

export interface RedisHandle {
  redis: Redis;
  /** True when the server is the bench's own, so INFO memory measures only the bench's keys. */
  private: boolean;
  stop: () => Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export async function startRedis(url?: string): Promise<RedisHandle> {
  if (url) {
    const redis = new Redis(url);
    await redis.ping();
    return { redis, private: false, stop: async () => void redis.disconnect() };
  }
  const dir = mkdtempSync(join(tmpdir(), 'newsflow-bench-redis-'));
  const port = await freePort();
  const child: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], {
    stdio: 'ignore',
  });
  // The server dies with the bench, whatever ends it.
  const killChild = () => child.kill('SIGTERM');
  process.once('exit', killChild);
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => process.exit(130));
  // ioredis retries the connection until the server listens; commands wait for it.
  const redis = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: null, retryStrategy: (n) => (n > 100 ? null : 50) });
  redis.on('error', () => {});
  try {
    await redis.ping();
  } catch (err) {
    child.kill('SIGTERM');
    throw err;
  }
  return {
    redis,
    private: true,
    stop: async () => {
      redis.disconnect();
      process.off('exit', killChild);
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Deletes the keys matching a pattern (SCAN + UNLINK, never FLUSH). */
export async function deleteKeys(redis: Redis, pattern: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 5000);
    cursor = next;
    if (keys.length > 0) await redis.unlink(...keys);
  } while (cursor !== '0');
}

export async function usedMemory(redis: Redis): Promise<number> {
  const info = await redis.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0);
}
