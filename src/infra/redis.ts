// Connecting to Redis: checks the eviction policy BullMQ needs and, for the default local URL only, starts a private
// redis-server under the data dir when nothing answers.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from './logger.js';
import { redactUrl } from './logger.js';

export { Redis };

/** The port of a plain local URL (no credentials, database 0), the only kind a private server is started for. */
function localPort(url: string): number | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  const local = u.protocol === 'redis:' && (u.hostname === '127.0.0.1' || u.hostname === 'localhost');
  if (!local || u.username || u.password || !['', '/', '/0'].includes(u.pathname) || u.search) return null;
  return Number(u.port || 6379);
}

export class RedisUnavailableError extends Error {
  override name = 'RedisUnavailableError';
}

/** BullMQ workers block on Redis; a per-request retry limit would make them fail instead of waiting for a restart. */
export function redisOptions(extra: RedisOptions = {}): RedisOptions {
  return { maxRetriesPerRequest: null, enableReadyCheck: true, ...extra };
}

export function createRedis(url: string, extra: RedisOptions = {}): Redis {
  return new Redis(url, redisOptions(extra));
}

async function answers(url: string, timeoutMs = 1500): Promise<boolean> {
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: timeoutMs });
  probe.on('error', () => {});
  try {
    await probe.connect();
    await probe.ping();
    return true;
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

export interface RedisHandle {
  url: string;
  /** A connection for commands and queues; workers duplicate it for their blocking reads. */
  client: Redis;
  /** Closes the client and stops the private server if this process started one. */
  close(): Promise<void>;
}

export interface ConnectOptions {
  url: string;
  autoStart: boolean;
  dataDir: string;
  log: Logger;
}

export async function connectRedis(options: ConnectOptions): Promise<RedisHandle> {
  const { url, log } = options;
  let server: ChildProcess | null = null;
  if (!(await answers(url))) {
    const port = localPort(url);
    if (!options.autoStart || port === null) {
      throw new RedisUnavailableError(`Redis does not answer at ${redactUrl(url)}. Start it, or point REDIS_URL at a running one.`);
    }
    server = await startPrivateServer(options.dataDir, port, log);
  }
  const client = createRedis(url);
  client.on('error', (err) => log.warn({ err }, 'redis connection error'));
  await client.ping();
  // ioredis reports a SELECT that fails on connect as a connection error and carries on in database 0: the jobs and
  // keys of another deployment, perhaps. A database the server does not have is a configuration mistake.
  const db = client.options.db ?? 0;
  if (db !== 0) {
    try {
      await client.select(db);
    } catch (err) {
      client.disconnect();
      if (server) await stopPrivateServer(server);
      throw new RedisUnavailableError(`Redis at ${redactUrl(url)} has no database ${db}: ${(err as Error).message}`);
    }
  }
  await checkEvictionPolicy(client, log);
  let closing: Promise<void> | null = null;
  return {
    url,
    client,
    close: () =>
      (closing ??= (async () => {
        // Other processes (serve, a second worker, a crawl) may have found the server this one started: it stays
        // up for them, and keeps their jobs.
        const others = server ? await otherClients(client) : 0;
        await client.quit().catch(() => client.disconnect());
        if (!server) return;
        if (others > 0) {
          log.info({ clients: others }, 'leaving the private redis-server running for the other clients connected to it');
          server.unref();
        } else await stopPrivateServer(server);
      })()),
  };
}

async function checkEvictionPolicy(client: Redis, log: Logger): Promise<void> {
  try {
    const reply = (await client.config('GET', 'maxmemory-policy')) as string[];
    const policy = reply[1];
    if (policy && policy !== 'noeviction') {
      log.warn(
        { policy },
        `REDIS EVICTION POLICY IS "${policy}": Redis may delete queued jobs under memory pressure. Set maxmemory-policy noeviction.`,
      );
    }
  } catch {
    log.warn('could not read maxmemory-policy (CONFIG is disabled); make sure Redis runs with noeviction');
  }
}

/** Connections to the server other than this one (CLIENT LIST), or 0 when they cannot be read. */
async function otherClients(client: Redis): Promise<number> {
  try {
    const list = (await client.client('LIST')) as string;
    return Math.max(0, list.split('\n').filter((line) => line.trim()).length - 1);
  } catch {
    return 0;
  }
}

async function startPrivateServer(dataDir: string, port: number, log: Logger): Promise<ChildProcess> {
  const url = `redis://127.0.0.1:${port}`;
  const found = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (found.error) {
    throw new RedisUnavailableError(
      `Redis does not answer at ${url} and there is no redis-server on PATH. ` +
        'Start one with `docker compose up -d redis`, or install your distribution package (e.g. `apt-get install redis-server`).',
    );
  }
  const dir = path.join(dataDir, port === 6379 ? 'redis' : `redis-${port}`);
  mkdirSync(dir, { recursive: true });
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--maxmemory-policy', 'noeviction', '--save', ''],
    // Its own process group: a Ctrl-C in the terminal must not stop Redis under the shutdown it starts.
    { stdio: 'ignore', detached: true },
  );
  for (let i = 0; i < 50; i++) {
    if (child.exitCode !== null) break;
    if (await answers(url, 200)) {
      log.info({ dir }, 'started a private redis-server with append-only persistence');
      return child;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new RedisUnavailableError(`redis-server did not start (data dir ${dir}); start Redis yourself and set REDIS_URL`);
}

async function stopPrivateServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

/** Deletes every key matching a glob pattern, in batches (SCAN, never KEYS). */
export async function deleteKeysMatching(redis: Redis, pattern: string): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    if (keys.length) deleted += await redis.unlink(...keys);
  } while (cursor !== '0');
  return deleted;
}
