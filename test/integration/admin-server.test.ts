// The admin server on real Redis and real HTTP: health probes, the Prometheus text after a crawl of the sample
// sources, readiness while Redis is down, and the bearer token off loopback.
import { request } from 'node:http';
import type { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminConfigError } from '../../src/admin/auth.js';
import { startAdminServer, type AdminServer } from '../../src/admin/server.js';
import { crawlOnce } from '../../src/commands/crawl.js';
import type { RunSummary } from '../../src/commands/summary.js';
import { sampleFeeds, startSampleServer, type SampleServer } from '../../src/demo/sample-server.js';
import { PipelineMetrics } from '../../src/infra/metrics.js';
import { closeWorkers } from '../../src/workers/shutdown.js';
import { startWorkers } from '../../src/workers/pipeline.js';
import { startPrivateRedis, type PrivateRedis } from '../helpers/redis.js';
import { openTestRuntime, type TestRuntime } from '../helpers/runtime.js';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses Prometheus text exposition (what prom-client writes): HELP/TYPE comments and `name{labels} value` lines. */
function parseExposition(text: string): { types: Map<string, string>; samples: Sample[] } {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const type = /^# TYPE (\S+) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (type) types.set(type[1]!, type[2]!);
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)(?: \d+)?$/.exec(line);
    if (!m) throw new Error(`not an exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!.replace(/\\(.)/g, '$1');
    samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return { types, samples };
}

function value(samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  return samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
}

const get = (url: string, headers: Record<string, string> = {}) => fetch(url, { headers });

/** A request with headers fetch() may not set (Host). */
function rawRequest(url: string, method: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('admin server after a crawl of the sample sources', () => {
  let sample: SampleServer;
  let rt: TestRuntime;
  let metrics: PipelineMetrics;
  let summary: RunSummary;
  let workers: Worker[] = [];
  let admin: AdminServer;

  beforeAll(async () => {
    sample = await startSampleServer();
    sample.advance(); // the edition of the feeds that holds the repost
    rt = await openTestRuntime('admin', { feeds: sampleFeeds(sample.baseUrl), tweak: (c) => void (c.fetch.politeness.minDelayMs = 20) });
    metrics = new PipelineMetrics({ processMetrics: false });
    summary = await crawlOnce(rt, { hooks: metrics.hooks });
    workers = await startWorkers(rt, ['sink'], metrics.hooks);
    admin = await startAdminServer(rt, { port: 0, metrics, workers: () => workers });
  });
  afterAll(async () => {
    await admin?.close();
    await closeWorkers(workers, 3000, rt.log);
    await rt?.dispose();
    await sample?.close();
  });

  it('listens on loopback and answers /livez', async () => {
    expect(admin.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await get(`${admin.url}/livez`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('is ready while Redis answers and its workers run', async () => {
    const res = await get(`${admin.url}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('exports the crawl in Prometheus text format with newsflow_ names and bounded labels', async () => {
    const res = await get(`${admin.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const { types, samples } = parseExposition(await res.text());
    expect(summary.counts['articles-written']).toBeGreaterThan(0);

    for (const s of samples) {
      expect(s.name.startsWith('newsflow_')).toBe(true);
      // No label carries a URL or a feed id.
      for (const v of Object.values(s.labels)) expect(v).not.toMatch(/:\/\/|harbor-ledger|circuit-notes|wechat-city/);
    }
    for (const [name, type] of types) if (type === 'counter') expect(name).toMatch(/_total$/);
    expect(types.get('newsflow_stage_duration_seconds')).toBe('histogram');
    expect(types.get('newsflow_queue_jobs')).toBe('gauge');

    const feeds = summary.counts['feeds-fetched']!;
    expect(value(samples, 'newsflow_fetches_total', { kind: 'feed', outcome: 'ok' })).toBe(feeds);
    expect(value(samples, 'newsflow_fetches_total', { kind: 'article', outcome: 'ok' })).toBe(summary.counts['articles-fetched'] ?? 0);
    expect(value(samples, 'newsflow_feed_items_new_total')).toBe(summary.counts['items-new']);
    expect(value(samples, 'newsflow_articles_written_total')).toBe(summary.counts['articles-written']);
    for (const status of ['unique', 'duplicate', 'near-duplicate']) {
      expect(value(samples, 'newsflow_dedupe_outcomes_total', { status })).toBe(summary.counts[status] ?? 0);
    }
    // The sample sources hold a repost of one article under another URL.
    expect((summary.counts.duplicate ?? 0) + (summary.counts['near-duplicate'] ?? 0)).toBeGreaterThan(0);
    expect(value(samples, 'newsflow_stage_jobs_total', { stage: 'fetch-feed', outcome: 'completed' })).toBe(feeds);
    expect(value(samples, 'newsflow_stage_jobs_total', { stage: 'sink', outcome: 'completed' })).toBe(summary.counts['articles-written']);
    expect(value(samples, 'newsflow_stage_duration_seconds_count', { stage: 'fetch-feed', outcome: 'completed' })).toBe(feeds);
    expect(value(samples, 'newsflow_stage_duration_seconds_bucket', { stage: 'fetch-feed', outcome: 'completed', le: '+Inf' })).toBe(feeds);

    // Queue depths come from Redis: the crawl left its completed jobs and nothing waiting.
    expect(value(samples, 'newsflow_queue_jobs', { queue: 'fetch-feed', state: 'completed' })).toBe(feeds);
    expect(value(samples, 'newsflow_queue_jobs', { queue: 'sink', state: 'completed' })).toBe(summary.counts['articles-written']);
    expect(value(samples, 'newsflow_queue_jobs', { queue: 'clean', state: 'waiting' })).toBe(0);
    expect(value(samples, 'newsflow_queue_jobs', { queue: 'dead-letter', state: 'waiting' })).toBe(0);
    expect(value(samples, 'newsflow_feeds_paused')).toBe(0);
  });

  it('refuses requests a web page could forge: a foreign Host (DNS rebinding) and cross-origin changes', async () => {
    const port = new URL(admin.url).port;
    const rebound = await rawRequest(`${admin.url}/metrics`, 'GET', { host: `rebind.example:${port}` });
    expect(rebound.status).toBe(403);
    expect(rebound.body).toContain('not a loopback name');
    expect((await rawRequest(`${admin.url}/livez`, 'GET', { host: `localhost:${port}` })).status).toBe(200);

    const pause = `${admin.url}/admin/queues/api/queues/sink/pause`;
    const forged = await rawRequest(pause, 'PUT', { origin: 'http://evil.example' });
    expect(forged.status).toBe(403);
    expect(forged.body).toContain('cross-origin');
    expect(await rt.queues.sink.isPaused()).toBe(false);
    // From the dashboard's own origin the same request goes through.
    const own = await rawRequest(pause, 'PUT', { origin: admin.url });
    expect(own.status).toBe(200);
    expect(await rt.queues.sink.isPaused()).toBe(true);
    await rt.queues.sink.resume();
  });

  it('serves the queue dashboard', async () => {
    const page = await get(`${admin.url}/admin/queues/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<base href="/admin/queues/"');
    const api = (await (await get(`${admin.url}/admin/queues/api/queues`)).json()) as { queues: Array<{ name: string; counts: Record<string, number> }> };
    const byName = new Map(api.queues.map((q) => [q.name, q.counts]));
    expect([...byName.keys()].sort()).toEqual(['classify', 'clean', 'dead-letter', 'dedupe', 'fetch-article', 'fetch-feed', 'sink']);
    expect(byName.get('sink')!.completed).toBe(summary.counts['articles-written']);
  });
});

describe('admin server readiness when Redis goes away', () => {
  let redis: PrivateRedis;
  let rt: TestRuntime;
  let workers: Worker[] = [];
  let admin: AdminServer;

  beforeAll(async () => {
    redis = await startPrivateRedis();
    rt = await openTestRuntime('admin-down', { redisUrl: redis.url });
    workers = await startWorkers(rt, ['sink']);
    admin = await startAdminServer(rt, { port: 0, workers: () => workers, pingTimeoutMs: 300 });
  });
  afterAll(async () => {
    await admin?.close();
    await closeWorkers(workers, 3000, rt.log);
    await rt?.dispose();
    await redis?.stop();
  });

  /** Asks /readyz until it answers `status` (the client notices a dropped connection a moment later). */
  async function readyzUntil(status: number): Promise<{ status: number; body: { status: string; reasons?: string[] } }> {
    for (let i = 0; ; i++) {
      const res = await get(`${admin.url}/readyz`);
      const body = (await res.json()) as { status: string; reasons?: string[] };
      if (res.status === status || i >= 100) return { status: res.status, body };
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it('answers 503 with the reason while Redis is down, and 200 again once it is back; /livez stays up', async () => {
    expect((await readyzUntil(200)).status).toBe(200);

    const killer = new Redis(redis.url, { maxRetriesPerRequest: 0, retryStrategy: () => null, lazyConnect: true });
    killer.on('error', () => {});
    await killer.connect();
    await killer.call('SHUTDOWN', 'NOSAVE').catch(() => undefined);
    killer.disconnect();

    const down = await readyzUntil(503);
    expect(down.status).toBe(503);
    expect(down.body.status).toBe('unavailable');
    expect(down.body.reasons?.join('; ')).toMatch(/^redis: /);
    expect((await get(`${admin.url}/livez`)).status).toBe(200);

    await redis.restart();
    expect((await readyzUntil(200)).status).toBe(200);
  });

  it('is not ready without running workers', async () => {
    const idle = await startAdminServer(rt, { port: 0, workers: () => [] });
    try {
      const res = await get(`${idle.url}/readyz`);
      expect(res.status).toBe(503);
      expect(((await res.json()) as { reasons: string[] }).reasons).toContain('workers: none running');
    } finally {
      await idle.close();
    }
  });
});

describe('admin server while Redis does not answer', () => {
  let redis: PrivateRedis;
  let rt: TestRuntime;
  let admin: AdminServer;
  let control: Redis;

  beforeAll(async () => {
    redis = await startPrivateRedis();
    rt = await openTestRuntime('admin-gone', { redisUrl: redis.url });
    admin = await startAdminServer(rt, { port: 0, workers: () => [], metrics: new PipelineMetrics({ processMetrics: false }), pingTimeoutMs: 300, collectTimeoutMs: 300 });
    control = new Redis(redis.url, { maxRetriesPerRequest: 0, retryStrategy: () => null, lazyConnect: true });
    control.on('error', () => {});
    await control.connect();
  });
  afterAll(async () => {
    await admin?.close();
    control?.disconnect();
    await redis?.restart();
    await rt?.dispose();
    await redis?.stop();
  });

  /** A scrape, which must answer (no hang) with the Redis-backed gauges left out and the failed reads counted. */
  async function scrapeWithoutRedis(): Promise<Sample[]> {
    const res = await get(`${admin.url}/metrics`);
    expect(res.status).toBe(200);
    const { samples } = parseExposition(await res.text());
    expect(samples.filter((s) => s.name === 'newsflow_queue_jobs')).toEqual([]);
    expect(value(samples, 'newsflow_feeds_paused')).toBeNaN();
    return samples;
  }

  it('answers /metrics and a 503 from the dashboard API while Redis is connected but silent', async () => {
    expect((await get(`${admin.url}/admin/queues/api/queues`)).status).toBe(200);
    // Every client's commands wait for 2 s: the connection stays "ready", nothing answers.
    await control.call('CLIENT', 'PAUSE', '2000', 'ALL');
    const samples = await scrapeWithoutRedis();
    expect(value(samples, 'newsflow_metrics_collect_errors_total', { source: 'queues' })).toBe(1);
    expect(value(samples, 'newsflow_metrics_collect_errors_total', { source: 'feeds' })).toBe(1);
    const api = await get(`${admin.url}/admin/queues/api/queues`);
    expect(api.status).toBe(503);
    expect(((await api.json()) as { reasons: string[] }).reasons).toEqual(['redis: no answer to PING within 300 ms']);
  });

  it('answers /metrics and a 503 from the dashboard API while Redis is down; the dashboard page still loads', async () => {
    // (Once the pause of the test before has ended.)
    await control.call('SHUTDOWN', 'NOSAVE').catch(() => undefined);
    for (let i = 0; rt.redis.client.status === 'ready' && i < 100; i++) await new Promise((r) => setTimeout(r, 50));
    const before = value(await scrapeWithoutRedis(), 'newsflow_metrics_collect_errors_total', { source: 'queues' })!;
    expect(value(await scrapeWithoutRedis(), 'newsflow_metrics_collect_errors_total', { source: 'queues' })).toBe(before + 1);
    const api = await get(`${admin.url}/admin/queues/api/queues`);
    expect(api.status).toBe(503);
    expect(((await api.json()) as { reasons: string[] }).reasons[0]).toMatch(/^redis: connection /);
    expect((await get(`${admin.url}/admin/queues/`)).status).toBe(200);
  });
});

describe('admin server bound beyond loopback', () => {
  const token = 'admin-test-token-0123456789';
  let rt: TestRuntime;
  let admin: AdminServer;
  let base: string;

  beforeAll(async () => {
    rt = await openTestRuntime('admin-token');
    admin = await startAdminServer(rt, { host: '0.0.0.0', port: 0, token, workers: () => [] });
    base = `http://127.0.0.1:${admin.port}`;
  });
  afterAll(async () => {
    await admin?.close();
    await rt?.dispose();
  });

  it('refuses to start without a token', async () => {
    await expect(startAdminServer(rt, { host: '0.0.0.0', port: 0, token: null })).rejects.toBeInstanceOf(AdminConfigError);
  });

  it('answers 401 on every route without the token or with a wrong one', async () => {
    for (const route of ['/livez', '/readyz', '/metrics', '/admin/queues/', '/admin/queues/api/queues']) {
      const none = await get(`${base}${route}`);
      expect(none.status, route).toBe(401);
      expect(none.headers.get('www-authenticate')).toContain('Bearer');
      const wrong = await get(`${base}${route}`, { authorization: `Bearer ${token}x` });
      expect(wrong.status, route).toBe(401);
    }
  });

  it('lets the token in as a bearer token, or as a Basic password for browsers', async () => {
    const bearer = await get(`${base}/livez`, { authorization: `Bearer ${token}` });
    expect(bearer.status).toBe(200);
    const metrics = await get(`${base}/metrics`, { authorization: `Bearer ${token}` });
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('newsflow_queue_jobs{queue="fetch-feed",state="waiting"} 0');
    const basic = await get(`${base}/admin/queues/`, { authorization: `Basic ${Buffer.from(`operator:${token}`).toString('base64')}` });
    expect(basic.status).toBe(200);
  });
});
