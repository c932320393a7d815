// Politeness across processes: two worker processes fetching from the same hosts never have two requests in
// flight to one host; a crashed holder's lease expires; waiting is abortable.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisPoliteness } from '../../src/infra/fetch-politeness.js';
import { PolitenessConfigSchema } from '../../src/stages/fetch/config.js';
import { FetchError } from '../../src/infra/http/errors.js';
import { startServer, testRedis, type TestRedis, type TestServer } from './fetch-support.js';

const run = promisify(execFile);
const child = path.resolve(path.dirname(fileURLToPath(import.meta.url)), 'fetch-politeness-child.ts');

let r: TestRedis;
beforeAll(async () => {
  r = await testRedis();
});
afterAll(() => r.cleanup());

describe('politeness across worker processes', () => {
  let srv: TestServer;
  const inFlight = new Map<string, number>();
  const peak = new Map<string, number>();
  const workers = new Set<string>();

  beforeAll(async () => {
    srv = await startServer();
    srv.route('/slow', async (req, res) => {
      // Two host names reach this server; politeness is per host name.
      const host = req.headers.host!;
      workers.add(String(req.headers['x-worker']));
      const now = (inFlight.get(host) ?? 0) + 1;
      inFlight.set(host, now);
      peak.set(host, Math.max(peak.get(host) ?? 0, now));
      await new Promise((resolve) => setTimeout(resolve, 15));
      inFlight.set(host, inFlight.get(host)! - 1);
      res.end('ok');
    });
  });
  afterAll(() => srv.close());

  it('never has two requests in flight to one host, and both processes get served', async () => {
    const urls = Array.from({ length: 8 }, (_, i) => [`http://127.0.0.1:${srv.port}/slow?i=${i}`, `http://localhost:${srv.port}/slow?i=${i}`]).flat();
    const args = [child, r.prefix, '5', ...urls];
    const results = await Promise.all([0, 1].map(() => run(process.execPath, ['--import', 'tsx', ...args], { timeout: 60_000 })));
    const done = results.map((x) => JSON.parse(x.stdout) as { done: number });
    expect(done.map((d) => d.done)).toEqual([16, 16]);
    expect(srv.log.filter((l) => l.startsWith('GET /slow'))).toHaveLength(32);
    expect([...peak.values()]).toEqual([1, 1]);
    expect(workers.size).toBe(2);
  });
});

describe('Redis leases', () => {
  const config = PolitenessConfigSchema.parse({ minDelayMs: 0 });

  it('waits out a lease left by a crashed holder, then proceeds', async () => {
    const politeness = createRedisPoliteness({ redis: r.redis, keyPrefix: r.prefix, config, leaseMs: 5_000, pollMs: 20 });
    // A holder that died mid-request: its lease key is there with no one to release it.
    await r.redis.set(`${r.prefix}:fetch:host:crashed.example:lease:1`, 'dead-token', 'PX', 300);
    let ran = false;
    await politeness.withHost('crashed.example', async () => {
      ran = true;
    });
    expect(ran).toBe(true);
    expect(await r.redis.exists(`${r.prefix}:fetch:host:crashed.example:lease:1`)).toBe(0);
  });

  it('stops waiting when the caller aborts', async () => {
    const politeness = createRedisPoliteness({ redis: r.redis, keyPrefix: r.prefix, config, leaseMs: 5_000, pollMs: 20 });
    await r.redis.set(`${r.prefix}:fetch:host:busy.example:lease:1`, 'other', 'PX', 10_000);
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error('shutting down')), 100);
    await expect(politeness.withHost('busy.example', async () => 'never', { signal: ac.signal })).rejects.toThrow('shutting down');
  });

  it('keeps the minimum delay: the next request waits for the next-allowed time set at release', async () => {
    const politeness = createRedisPoliteness({ redis: r.redis, keyPrefix: r.prefix, config: PolitenessConfigSchema.parse({ minDelayMs: 60_000, maxWaitMs: 120_000 }), leaseMs: 5_000 });
    await politeness.withHost('spaced.example', async () => undefined);
    const ttl = await r.redis.pttl(`${r.prefix}:fetch:host:spaced.example:next`);
    const nextAt = Number(await r.redis.get(`${r.prefix}:fetch:host:spaced.example:next`));
    expect(ttl).toBeGreaterThan(59_000);
    const [sec] = await r.redis.time();
    expect(nextAt - Number(sec) * 1000).toBeGreaterThan(58_000);
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error('gave up')), 100);
    await expect(politeness.withHost('spaced.example', async () => 'too soon', { signal: ac.signal })).rejects.toThrow('gave up');
  });

  it('holds every worker back from a host that answered Retry-After, failing fast when the wait is too long', async () => {
    const politeness = createRedisPoliteness({ redis: r.redis, keyPrefix: r.prefix, config: PolitenessConfigSchema.parse({ minDelayMs: 0, maxWaitMs: 1_000 }), leaseMs: 5_000 });
    const limited = new FetchError('http-rate-limited', 'HTTP 429', { status: 429, retryAfterMs: 30_000 });
    await expect(politeness.withHost('limited.example', async () => Promise.reject(limited))).rejects.toBe(limited);
    const err = await politeness.withHost('limited.example', async () => 'too soon').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FetchError);
    expect([(err as FetchError).code, (err as FetchError).kind]).toEqual(['host-backoff', 'retryable']);
    expect((err as FetchError).retryAfterMs).toBeGreaterThan(28_000);
    expect(await politeness.withHost('other.example', async () => 'fine')).toBe('fine');
  });

  it('lets N requests in at once when the host allows N', async () => {
    const politeness = createRedisPoliteness({ redis: r.redis, keyPrefix: r.prefix, config: PolitenessConfigSchema.parse({ minDelayMs: 0, maxInFlightPerHost: 3 }), leaseMs: 5_000, pollMs: 10 });
    let now = 0;
    let max = 0;
    await Promise.all(
      Array.from({ length: 9 }, () =>
        politeness.withHost('wide.example', async () => {
          max = Math.max(max, ++now);
          await new Promise((resolve) => setTimeout(resolve, 20));
          now--;
        }),
      ),
    );
    expect(max).toBeLessThanOrEqual(3);
    expect(max).toBeGreaterThan(1);
  });
});
