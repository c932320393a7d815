import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { Queue } from 'bullmq';
import { STAGES } from '../../src/jobs/names.js';
import { spawnServe, writeServeFiles } from '../helpers/serve.js';
import { dropPrefix, startPrivateRedis, testRedis, uniquePrefix, REDIS_URL } from '../helpers/redis.js';

const keyPrefix = uniquePrefix('serve');
let redis: Redis;
let server: Server;
let base = '';
/** Page requests the slow server has received: a job is really running (its sandbox thread is up) once one came. */
let pageRequests = 0;

beforeAll(async () => {
  redis = testRedis();
  // A feed of 30 items whose pages answer only after 60 s: fetch-article jobs are active when the signal comes.
  server = createServer((req, res) => {
    if (req.url === '/feed.rss') {
      const items = Array.from({ length: 30 }, (_, i) => `<item><title>Item ${i}</title><link>${base}/slow/${i}</link><guid>slow-${i}</guid><description>short</description></item>`).join('');
      res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(`<?xml version="1.0"?><rss version="2.0"><channel><title>Slow</title>${items}</channel></rss>`);
    } else if (req.url === '/robots.txt') {
      res.writeHead(404).end();
    } else {
      pageRequests++;
      const t = setTimeout(() => res.writeHead(200, { 'content-type': 'text/html' }).end('<p>late</p>'), 60_000);
      res.on('close', () => clearTimeout(t));
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  for (const mode of ['in-process', 'sandboxed']) await dropPrefix(redis, `${keyPrefix}-${mode}`);
  await redis.quit();
});

describe('serve', () => {
  // In-process, and with the stage in worker threads: a sandboxed job must hear the cancellation too, or it stays
  // active until its lock expires.
  it.each([
    ['in-process', []],
    ['sandboxed', ['fetch-article']],
  ])('on SIGTERM while jobs run (%s), exits 0 within the shutdown bound and leaves no job active', async (mode, sandbox) => {
    const prefix = `${keyPrefix}-${mode}`;
    const graceMs = 1500;
    const { dir, configFile } = writeServeFiles('serve', [{ id: 'slow', url: `${base}/feed.rss`, interval: '1h' }], {
      redis: { url: REDIS_URL, prefix, autoStart: false },
      log: { level: 'info' },
      workers: { shutdownGraceMs: graceMs, concurrency: { 'fetch-article': 4 }, sandbox },
      fetch: { allowHosts: ['127.0.0.1'], politeness: { maxInFlightPerHost: 4, minDelayMs: 0 } },
    });
    const serve = spawnServe(configFile, [], { cwd: dir });
    const { child } = serve;
    const queues = Object.fromEntries(STAGES.map((s) => [s, new Queue(s, { connection: redis, prefix: `{${prefix}}` })]));
    try {
      // Wait until fetch-article jobs are running: active, and asking for their pages (a sandboxed job's thread takes
      // seconds to start, and a cancel reaches it only once it has; on a loaded two-core machine, close to 20 s).
      const deadline = Date.now() + 60_000;
      pageRequests = 0;
      while ((await queues['fetch-article']!.getActiveCount()) < 1 || pageRequests < 1) {
        if (Date.now() > deadline) throw new Error(`no active jobs; logs:\n${serve.logs()}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      const t0 = Date.now();
      child.kill('SIGTERM');
      const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
      const elapsed = Date.now() - t0;
      expect(code, serve.logs()).toBe(0);
      // The bound, plus the cancel window and closing Redis.
      expect(elapsed).toBeLessThan(graceMs + 6000);
      for (const s of STAGES) expect(await queues[s]!.getActiveCount(), `${s} active`).toBe(0);
      // Cancelled jobs went back to be retried, not lost.
      const counts = await queues['fetch-article']!.getJobCounts('waiting', 'delayed', 'failed');
      expect((counts.waiting ?? 0) + (counts.delayed ?? 0)).toBeGreaterThan(0);
      expect(counts.failed).toBe(0);
      expect(serve.logs()).toMatch(/shut down/);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await Promise.all(Object.values(queues).map((q) => q.close()));
    }
  }, 90_000);

  it('on SIGTERM after Redis is gone, still exits 0 within a bound instead of hanging', async () => {
    const own = await startPrivateRedis();
    const { configFile } = writeServeFiles('serve', [], {
      redis: { url: own.url, prefix: 'gone', autoStart: false },
      log: { level: 'info' },
      workers: { shutdownGraceMs: 1000 },
    });
    const serve = spawnServe(configFile);
    const { child } = serve;
    try {
      const deadline = Date.now() + 20_000;
      while (!serve.logs().includes('"msg":"serving"')) {
        if (Date.now() > deadline) throw new Error(`serve did not start:\n${serve.logs()}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      await own.stop();
      const t0 = Date.now();
      child.kill('SIGTERM');
      const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
      expect(code, serve.logs()).toBe(0);
      // The grace, the cancel window, the forced close and the bounded close of the rest.
      expect(Date.now() - t0).toBeLessThan(1000 + 3000 + 2000 + 5000 + 3000);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await own.stop().catch(() => {});
    }
  }, 60_000);
});
