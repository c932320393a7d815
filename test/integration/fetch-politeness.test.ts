// Politeness across processes: two worker processes fetching from the same hosts never have two requests in
// flight to one host; a crashed holder's lease expires; waiting is abortable.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Handler } from './fetch-support.js';
import { createFetchDeps } from '../../src/infra/fetch-state.js';
import { createRedisPoliteness } from '../../src/infra/fetch-politeness.js';
import { PolitenessConfigSchema } from '../../src/stages/fetch/config.js';
import { fetchArticle } from '../../src/stages/fetch/fetch-article.js';
import { fetchFeed } from '../../src/stages/fetch/fetch-feed.js';
import { FetchError } from '../../src/infra/http/errors.js';
import { MemoryRawStore, startServer, testConfig, testContext, testRedis, type TestRedis, type TestServer } from './fetch-support.js';

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

describe('politeness across redirects to another host', () => {
  // Two sites on two addresses, each with a slow feed and page, and links that redirect to the other site. Every
  // request a site sees counts against that site's politeness, whichever host the redirect chain started at.
  const delayMs = 40;
  interface Site {
    srv: TestServer;
    inFlight: number;
    peak: number;
    /** [start, end] of every request served, in ms on this process's clock. */
    spans: Array<[number, number]>;
  }
  const sites: Site[] = [];

  /** Wraps a handler to record how many requests the site has in flight and when each one ran. */
  const tracked = (site: Site, handler: Handler): Handler => async (req, res) => {
    const start = performance.now();
    site.peak = Math.max(site.peak, ++site.inFlight);
    res.once('finish', () => {
      site.inFlight--;
      site.spans.push([start, performance.now()]);
    });
    await handler(req, res);
  };
  const slowly = (type: string, body: string): Handler => async (_req, res) => {
    await new Promise((resolve) => setTimeout(resolve, 20));
    res.setHeader('content-type', type);
    res.end(body);
  };
  const redirectTo = (url: () => string): Handler => (req, res) => {
    res.statusCode = 302;
    res.setHeader('location', `${url()}${req.url!.slice(req.url!.indexOf('?'))}`);
    res.end();
  };

  beforeAll(async () => {
    for (const host of ['127.0.0.1', '127.0.0.2']) sites.push({ srv: await startServer(host), inFlight: 0, peak: 0, spans: [] });
    sites.forEach((site, i) => {
      const other = sites[1 - i]!;
      const rss = `<?xml version="1.0"?><rss version="2.0"><channel><title>Site ${i}</title><item><title>Story</title><link>/page</link><guid>s-${i}</guid><description>Teaser.</description></item></channel></rss>`;
      site.srv.route('/feed', tracked(site, slowly('application/rss+xml', rss)));
      site.srv.route('/page', tracked(site, slowly('text/html', '<html><body><p>The story.</p></body></html>')));
      site.srv.route('/robots.txt', tracked(site, slowly('text/plain', 'User-agent: *\nAllow: /\n')));
      // Feed proxies and link shorteners: this site answers with a redirect to the other site.
      site.srv.route('/moved', tracked(site, redirectTo(() => `${other.srv.url}/feed`)));
      site.srv.route('/go', tracked(site, redirectTo(() => `${other.srv.url}/page`)));
    });
  });
  afterAll(async () => {
    for (const site of sites) await site.srv.close();
  });

  it('holds each hop to its own host: one request at a time per host, spaced by the delay, in both directions at once', async () => {
    const config = testConfig({ allowHosts: ['127.0.0.1', '127.0.0.2'], politeness: { minDelayMs: delayMs } });
    const deps = createFetchDeps(r.redis, r.prefix, config, new MemoryRawStore());
    const feed = (url: string, n: number) => ({ runId: 'run-r', feedId: `redirected-${n}`, url, title: null, fullText: 'auto' as const, force: false, scheduled: false, adaptive: false });
    const page = (url: string, n: number) => ({
      runId: 'run-r',
      articleId: `article-${n}`,
      url,
      source: { id: 'redirected', title: null, url },
      hints: { feedItemId: null, title: 'T', author: null, publishedAt: null, summary: null, images: [] },
    });
    const jobs: Array<Promise<unknown>> = [];
    let n = 0;
    try {
      for (let k = 0; k < 3; k++) {
        for (const site of sites) {
          jobs.push(fetchFeed(feed(`${site.srv.url}/feed?k=${k}`, n++), testContext(), deps));
          jobs.push(fetchFeed(feed(`${site.srv.url}/moved?k=${k}`, n++), testContext(), deps));
          if (k < 2) jobs.push(fetchArticle(page(`${site.srv.url}/go?k=${k}`, n++), testContext(), deps));
        }
      }
      const results = await Promise.all(jobs);
      expect(results.filter((x) => typeof x === 'object' && x !== null && 'emit' in x)).toHaveLength(jobs.length);
    } finally {
      await deps.http.close();
    }
    for (const site of sites) {
      expect(site.srv.log.filter((l) => l.startsWith('GET /feed'))).toHaveLength(6);
      expect(site.peak).toBe(1);
      // The next request starts no sooner than the delay after the previous one ended (Redis counts whole ms).
      const spans = [...site.spans].sort((a, b) => a[0] - b[0]);
      const gaps = spans.slice(1).map(([start], i) => start - spans[i]![1]);
      expect(Math.min(...gaps)).toBeGreaterThanOrEqual(delayMs - 2);
    }
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

  it('keeps the minimum delay: the next request waits that long after the last one', async () => {
    const politeness = createRedisPoliteness({ redis: r.redis, keyPrefix: r.prefix, config: PolitenessConfigSchema.parse({ minDelayMs: 60_000, maxWaitMs: 120_000 }), leaseMs: 5_000 });
    await politeness.withHost('spaced.example', async () => undefined);
    // The last request's time outlives the delay, so a request a minute on still finds it.
    expect(await r.redis.pttl(`${r.prefix}:fetch:host:spaced.example:last`)).toBeGreaterThan(60_000);
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error('gave up')), 100);
    await expect(politeness.withHost('spaced.example', async () => 'too soon', { signal: ac.signal })).rejects.toThrow('gave up');
  });

  it("spaces a request by its own Crawl-delay after a request to the host that kept a shorter delay", async () => {
    const politeness = createRedisPoliteness({ redis: r.redis, keyPrefix: r.prefix, config: PolitenessConfigSchema.parse({ minDelayMs: 20 }), leaseMs: 5_000, pollMs: 10 });
    // A feed (no robots.txt consulted, so the host's 20 ms) and then a page whose robots.txt asks for 800 ms.
    let feedDone = 0;
    await politeness.withHost('crawl-delay.example', async () => {
      feedDone = performance.now();
    });
    let pageStart = 0;
    await politeness.withHost('crawl-delay.example', async () => {
      pageStart = performance.now();
    }, { minDelayMs: 800 });
    expect(pageStart - feedDone).toBeGreaterThanOrEqual(780);
    // And the other way round: a request keeping the host's own delay does not wait for the longer one.
    const t0 = performance.now();
    await politeness.withHost('crawl-delay.example', async () => undefined);
    await politeness.withHost('crawl-delay.example', async () => undefined);
    expect(performance.now() - t0).toBeLessThan(700);
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
