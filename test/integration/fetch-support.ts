// Shared by the fetch integration tests: a programmable HTTP server on 127.0.0.1, an in-memory raw store,
// a stage context that records counters, and a per-run Redis key prefix with cleanup.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { sha256Hex } from '../../src/domain/ids.js';
import type { FetchManifest, RawStore } from '../../src/stages/raw-store.js';
import type { StageContext } from '../../src/stages/types.js';
import { FetchConfigSchema, type FetchConfig } from '../../src/stages/fetch/config.js';

export type Handler = (req: IncomingMessage, res: ServerResponse) => unknown;

export interface TestServer {
  url: string;
  port: number;
  server: Server;
  /** Requests seen, in order, as "METHOD path". */
  log: string[];
  route(path: string, handler: Handler): void;
  close(): Promise<void>;
}

export async function startServer(host = '127.0.0.1'): Promise<TestServer> {
  const routes = new Map<string, Handler>();
  const log: string[] = [];
  const server = createServer((req, res) => {
    log.push(`${req.method} ${req.url}`);
    const path = (req.url ?? '/').split('?')[0]!;
    const handler = routes.get(path);
    if (!handler) {
      res.statusCode = 404;
      res.end('not found');
      return;
    }
    Promise.resolve(handler(req, res)).catch((err) => {
      res.statusCode = 500;
      res.end(String(err));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const port = (server.address() as AddressInfo).port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}`,
    port,
    server,
    log,
    route: (path, handler) => void routes.set(path, handler),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export class MemoryRawStore implements RawStore {
  readonly bodies = new Map<string, Buffer>();
  readonly manifests: Array<FetchManifest & { sha256: string }> = [];
  async put(body: Uint8Array, manifest: FetchManifest): Promise<string> {
    const sha = sha256Hex(body);
    this.bodies.set(sha, Buffer.from(body));
    this.manifests.push({ ...manifest, sha256: sha });
    return sha;
  }
  async get(sha256: string): Promise<Buffer> {
    const b = this.bodies.get(sha256);
    if (!b) throw new Error(`no body ${sha256}`);
    return b;
  }
}

export function testContext(now = () => new Date()): StageContext & { counts: Record<string, number> } {
  const counts: Record<string, number> = {};
  return {
    log: pino({ level: 'silent' }),
    signal: new AbortController().signal,
    now,
    count: (name, by = 1) => void (counts[name] = (counts[name] ?? 0) + by),
    counts,
  };
}

export function testConfig(overrides: Record<string, unknown> = {}): FetchConfig {
  return FetchConfigSchema.parse({
    allowHosts: ['127.0.0.1'],
    timeoutMs: 5_000,
    connectTimeoutMs: 2_000,
    headersTimeoutMs: 3_000,
    bodyIdleTimeoutMs: 3_000,
    ...overrides,
    politeness: { minDelayMs: 0, ...(overrides.politeness as object | undefined) },
  });
}

export interface TestRedis {
  redis: Redis;
  prefix: string;
  cleanup(): Promise<void>;
}

/** A connection and a key prefix of this run only; cleanup deletes exactly the keys under it. */
export async function testRedis(): Promise<TestRedis> {
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 1, lazyConnect: true });
  await redis.connect();
  const prefix = `test-${randomBytes(6).toString('hex')}`;
  return {
    redis,
    prefix,
    async cleanup() {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
        if (keys.length) await redis.del(...keys);
        cursor = next;
      } while (cursor !== '0');
      redis.disconnect();
    },
  };
}
