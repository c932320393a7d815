// fetchFeed and fetchArticle end to end: real HTTP on 127.0.0.1, real Redis, an in-memory raw store.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CleanPayloadSchema, FetchArticlePayloadSchema, type FetchArticlePayload, type FetchFeedPayload } from '../../src/jobs/payloads.js';
import { createFetchDeps } from '../../src/infra/fetch-state.js';
import { FetchError } from '../../src/infra/http/errors.js';
import { NewsflowError } from '../../src/domain/errors.js';
import { fetchArticle } from '../../src/stages/fetch/fetch-article.js';
import { fetchFeed as fetchFeedCore } from '../../src/stages/fetch/fetch-feed.js';
import { cleanArticle } from '../../src/stages/clean/clean-article.js';
import { CleanConfigSchema } from '../../src/stages/clean/config.js';
import type { FetchDeps } from '../../src/stages/fetch/deps.js';
import type { Emit, StageResult } from '../../src/stages/types.js';
import { ENCODING_SAMPLES, sampleFeed } from '../fixtures/feeds/encoding-samples.js';
import { MemoryRawStore, startServer, testConfig, testContext, testRedis, type TestRedis, type TestServer } from './fetch-support.js';

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/feeds/parse');
const emits = (r: StageResult): Emit[] => ('emit' in r ? r.emit : []);
/** Runs the core as the shell does: its commit only after the emits are taken. */
async function fetchFeed(...args: Parameters<typeof fetchFeedCore>): Promise<StageResult> {
  const result = await fetchFeedCore(...args);
  if ('emit' in result) await result.commit?.();
  return result;
}

let srv: TestServer;
let r: TestRedis;
let raw: MemoryRawStore;
let deps: FetchDeps;
/** What /feed currently serves; tests change it to simulate edits. */
let feedItems: Array<{ title: string; body: string }>;
let serveEtag = false;

function rss(items: Array<{ title: string; body: string }>): string {
  const xs = items.map((it, i) => `<item><title>${it.title}</title><link>/story/${i}</link><guid>story-${i}</guid><description><![CDATA[${it.body}]]></description></item>`);
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>Test Feed</title><link>/</link>${xs.join('')}</channel></rss>`;
}

const payload = (over: Partial<FetchFeedPayload> = {}): FetchFeedPayload => ({
  runId: 'run-1',
  feedId: 'test-feed',
  url: `${srv.url}/feed`,
  title: null,
  fullText: 'auto',
  force: false,
  scheduled: false,
  adaptive: false,
  ...over,
});

beforeAll(async () => {
  srv = await startServer();
  r = await testRedis();
  raw = new MemoryRawStore();
  deps = createFetchDeps(r.redis, r.prefix, testConfig({ fullTextMinChars: 200, health: { pauseAfterFailures: 3, backoffBaseMs: 1000 }, politeness: { minDelayMs: 0, maxCrawlDelayMs: 100 } }), raw);
  feedItems = [
    { title: 'Short one', body: 'Only a teaser.' },
    { title: 'Long one', body: `<p>${'Full article text. '.repeat(30)}</p>` },
  ];
  srv.route('/feed', (req, res) => {
    const body = rss(feedItems);
    const etag = `"${body.length}"`;
    if (serveEtag && req.headers['if-none-match'] === etag) {
      res.statusCode = 304;
      return res.end();
    }
    if (serveEtag) res.setHeader('etag', etag);
    res.setHeader('content-type', 'application/rss+xml');
    res.end(body);
  });
  srv.route('/failing', (_req, res) => {
    res.statusCode = 500;
    res.end();
  });
  srv.route('/html', (_req, res) => {
    res.setHeader('content-type', 'text/html');
    res.end('<html><body>no feed here</body></html>');
  });
  for (const name of readdirSync(fixtures).filter((f) => /\.(xml|json)$/.test(f) && !f.endsWith('.expected.json'))) {
    srv.route(`/fixtures/${name}`, (_req, res) => {
      res.setHeader('content-type', name.endsWith('.json') ? 'application/feed+json' : 'application/xml');
      res.end(readFileSync(path.join(fixtures, name)));
    });
  }
  for (const sample of ENCODING_SAMPLES) {
    const bytes = iconv.encode(sampleFeed(sample, true), sample.writeAs);
    srv.route(`/enc/${sample.label}/header`, (_req, res) => {
      res.setHeader('content-type', `application/rss+xml; charset=${sample.label}`);
      res.end(bytes);
    });
    srv.route(`/enc/${sample.label}/declared`, (_req, res) => {
      res.setHeader('content-type', 'application/rss+xml');
      res.end(bytes);
    });
    srv.route(`/enc/${sample.label}/bare`, (_req, res) => {
      res.setHeader('content-type', 'text/xml');
      res.end(iconv.encode(sampleFeed(sample, false), sample.writeAs));
    });
  }
  srv.route('/robots.txt', (_req, res) => res.end('User-agent: *\nDisallow: /private/\nCrawl-delay: 2\n\nUser-agent: otherbot\nDisallow: /\n'));
  srv.route('/story/0', (_req, res) => {
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.end('<html><body><article><p>The whole story.</p></article></body></html>');
  });
  srv.route('/private/page', (_req, res) => res.end('secret'));
});

afterAll(async () => {
  await deps.http.close();
  await r.cleanup();
  await srv.close();
});

describe('fetchFeed', () => {
  it('sends short items to fetch-article and full-text items straight to clean', async () => {
    const ctx = testContext();
    const out = emits(await fetchFeed(payload(), ctx, deps));
    expect(out.map((e) => e.queue).sort()).toEqual(['clean', 'fetch-article']);
    const article = FetchArticlePayloadSchema.parse(out.find((e) => e.queue === 'fetch-article')!.payload);
    expect(article.url).toBe(`${srv.url}/story/0`);
    expect(article.hints).toMatchObject({ feedItemId: 'story-0', title: 'Short one', summary: 'Only a teaser.' });
    expect(out.find((e) => e.queue === 'fetch-article')!.id).toBe(`fetch-article-${article.articleId}-run-1`);
    const clean = CleanPayloadSchema.parse(out.find((e) => e.queue === 'clean')!.payload);
    const doc = (await raw.get(clean.rawRef)).toString('utf8');
    expect(doc).toContain('<title>Long one</title>');
    expect(doc).toContain('Full article text.');
    expect(raw.manifests.some((m) => m.kind === 'feed' && m.feedId === 'test-feed')).toBe(true);
    expect(ctx.counts).toMatchObject({ 'feeds-fetched': 1, 'items-new': 2 });
  });

  it('enqueues nothing when an unchanged feed is fetched again, and only the edited item after an edit, as a version of its own', async () => {
    const ctx = testContext();
    expect(emits(await fetchFeed(payload({ runId: 'run-2' }), ctx, deps))).toEqual([]);
    expect(ctx.counts['items-new']).toBe(0);
    // Scheduled polls all carry one run id.
    const before = emits(await fetchFeed(payload({ runId: 'scheduled', force: true }), testContext(), deps));
    feedItems[0] = { title: 'Short one', body: 'Only a teaser, now corrected.' };
    const after = emits(await fetchFeed(payload({ runId: 'scheduled' }), testContext(), deps));
    expect(after).toHaveLength(1);
    const edited = after[0]!.payload as FetchArticlePayload;
    expect(edited.hints.summary).toBe('Only a teaser, now corrected.');
    // A job id BullMQ still holds from the first version would enqueue nothing, and an article id the sink has
    // written would write nothing: the edit is a new article, which dedupe marks as an update of the first.
    const first = before.find((e) => (e.payload as FetchArticlePayload).url === edited.url)!;
    expect(after[0]!.id).not.toBe(first.id);
    expect(edited.articleId).not.toBe((first.payload as FetchArticlePayload).articleId);
  });

  it('remembers items and validators only in its commit, so a crash before the enqueue loses nothing', async () => {
    const p = payload({ feedId: 'crash-feed', runId: 'run-c1' });
    const uncommitted = await fetchFeedCore(p, testContext(), deps);
    expect(emits(uncommitted)).toHaveLength(2);
    // The worker died before the shell enqueued and committed: the next attempt emits the same items again.
    const again = await fetchFeedCore({ ...p, runId: 'run-c2' }, testContext(), deps);
    expect(emits(again).map((e) => (e.payload as { articleId: string }).articleId).sort()).toEqual(
      emits(uncommitted).map((e) => (e.payload as { articleId: string }).articleId).sort(),
    );
    if ('emit' in again) await again.commit?.();
    expect(emits(await fetchFeed({ ...p, runId: 'run-c3' }, testContext(), deps))).toEqual([]);
  });

  it('a scheduled poll of an adaptive feed is skipped until the next poll its publishing rate allows', async () => {
    const p = payload({ feedId: 'adaptive-feed', runId: 'run-a1', scheduled: true, adaptive: true });
    expect(emits(await fetchFeed(p, testContext(), deps))).toHaveLength(2);
    const next = await deps.feedState.getNextPoll('adaptive-feed');
    // The test feed's items carry no dates: the slowest rate.
    expect(next.intervalMs).toBe(deps.config.adaptive.maxIntervalMs);
    expect(await fetchFeedCore({ ...p, runId: 'run-a2' }, testContext(), deps)).toEqual({ drop: 'not-due' });
    // A crawl (not scheduled) polls it anyway.
    expect('emit' in (await fetchFeedCore({ ...p, runId: 'run-a3', scheduled: false }, testContext(), deps))).toBe(true);
  });

  it('passes everything on again when forced', async () => {
    expect(emits(await fetchFeed(payload({ runId: 'run-4', force: true }), testContext(), deps))).toHaveLength(2);
  });

  it('answers a 304 with no parsing and no jobs', async () => {
    serveEtag = true;
    try {
      await fetchFeed(payload({ feedId: 'etag-feed' }), testContext(), deps);
      const rawCount = raw.manifests.length;
      const ctx = testContext();
      expect(emits(await fetchFeed(payload({ feedId: 'etag-feed', runId: 'run-5' }), ctx, deps))).toEqual([]);
      expect(ctx.counts).toEqual({ 'feeds-not-modified': 1 });
      expect(raw.manifests.length).toBe(rawCount);
      expect(srv.log.filter((l) => l === 'GET /feed').length).toBeGreaterThanOrEqual(2);
    } finally {
      serveEtag = false;
    }
  });

  it('does not send a feed the validators its old URL gave, once the feeds file moves it', async () => {
    const asked: Array<string | undefined> = [];
    srv.route('/moved-feed', (req, res) => {
      asked.push(req.headers['if-none-match']);
      res.setHeader('etag', '"moved"');
      res.setHeader('content-type', 'application/rss+xml');
      res.end(rss([{ title: 'Moved', body: 'At its new address.' }]));
    });
    serveEtag = true;
    try {
      await fetchFeed(payload({ feedId: 'moving-feed' }), testContext(), deps);
      const moved = emits(await fetchFeed(payload({ feedId: 'moving-feed', url: `${srv.url}/moved-feed`, runId: 'run-m' }), testContext(), deps));
      expect(asked).toEqual([undefined]);
      expect(moved).toHaveLength(1);
      // Its own validators are used from then on.
      await fetchFeed(payload({ feedId: 'moving-feed', url: `${srv.url}/moved-feed`, runId: 'run-m2' }), testContext(), deps);
      expect(asked).toEqual([undefined, '"moved"']);
    } finally {
      serveEtag = false;
    }
  });

  it('keeps a health record, backs off, and pauses a feed after repeated failures', async () => {
    const p = payload({ feedId: 'failing-feed', url: `${srv.url}/failing` });
    for (let i = 1; i <= 3; i++) {
      const err = await fetchFeed(p, testContext(), deps).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(FetchError);
      expect((err as FetchError).kind).toBe('retryable');
    }
    const health = await deps.feedState.getHealth('failing-feed');
    expect(health).toMatchObject({ consecutiveFailures: 3, lastErrorCode: 'http-server-error', paused: true });
    expect(Date.parse(health.nextAttemptAt!)).toBeGreaterThan(Date.now());
    const ctx = testContext();
    const dropped = await fetchFeed(p, ctx, deps);
    expect('drop' in dropped && dropped.drop).toMatch(/paused/);
    expect(ctx.counts['feeds-paused']).toBe(1);
    await deps.feedState.resetHealth('failing-feed');
    expect((await deps.feedState.getHealth('failing-feed')).paused).toBe(false);
  });

  it('honours Retry-After: the feed\'s next attempt and the whole host wait, other feeds of the host fail fast', async () => {
    // A host of its own: after its 429 every worker leaves it alone for the hour it asked for.
    const limited = await startServer();
    limited.route('/feed', (_req, res) => {
      res.statusCode = 429;
      res.setHeader('retry-after', '3600');
      res.end();
    });
    limited.route('/other-feed', (_req, res) => res.end('<rss version="2.0"><channel><title>x</title></channel></rss>'));
    try {
      const err = await fetchFeed(payload({ feedId: 'limited-feed', url: `${limited.url}/feed` }), testContext(), deps).catch((e: unknown) => e);
      expect((err as FetchError).retryAfterMs).toBe(3_600_000);
      const health = await deps.feedState.getHealth('limited-feed');
      expect(Date.parse(health.nextAttemptAt!) - Date.now()).toBeGreaterThan(3_500_000);
      const sibling = await fetchFeed(payload({ feedId: 'sibling-feed', url: `${limited.url}/other-feed` }), testContext(), deps).catch((e: unknown) => e);
      expect([(sibling as FetchError).code, (sibling as FetchError).kind]).toEqual(['host-backoff', 'retryable']);
      expect((await deps.feedState.getHealth('sibling-feed')).consecutiveFailures).toBe(0);
      expect(limited.log).toEqual(['GET /feed']);
    } finally {
      await limited.close();
    }
  });

  it('fails permanently on a document that is not a feed', async () => {
    const err = await fetchFeed(payload({ feedId: 'html-feed', url: `${srv.url}/html` }), testContext(), deps).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NewsflowError);
    expect((err as NewsflowError).code).toBe('feed-unparseable');
    expect((err as NewsflowError).kind).toBe('permanent');
  });

  it('takes a feed of 150,000 items, and on the next poll emits only the new one', async () => {
    // More items than a function call takes as arguments: the seen-items lookup and the publishing rate once spread them.
    const at = Date.now();
    const item = (i: number) =>
      `<item><title>t${i}</title><link>/big/${i}</link><guid>big-${i}</guid><pubDate>${new Date(at - i * 1000).toUTCString()}</pubDate></item>`;
    let count = 150_000;
    srv.route('/big-feed', (_req, res) => {
      res.setHeader('content-type', 'application/rss+xml');
      const items = Array.from({ length: count }, (_, i) => item(count - 1 - i)).join('');
      res.end(`<?xml version="1.0"?><rss version="2.0"><channel><title>Big</title><link>/</link>${items}</channel></rss>`);
    });
    const big = payload({ feedId: 'big-feed', url: `${srv.url}/big-feed`, fullText: 'never', adaptive: true });
    const bigDeps = createFetchDeps(
      r.redis,
      r.prefix,
      testConfig({ maxBytes: 64 * 1024 * 1024, maxNewItemsPerPoll: 200_000, politeness: { minDelayMs: 0, maxCrawlDelayMs: 100 } }),
      raw,
    );
    expect(emits(await fetchFeed(big, testContext(), bigDeps))).toHaveLength(150_000);
    count += 1;
    const next = emits(await fetchFeed(big, testContext(), bigDeps));
    expect(next.map((e) => (e.payload as FetchArticlePayload).url)).toEqual([`${srv.url}/big/150000`]);
  }, 120_000);

  it('passes on at most maxNewItemsPerPoll items a poll, newest first, and the rest at the next polls despite an ETag', async () => {
    // 25 dated items in shuffled order, served with an ETag: the first polls must not be answered by a 304.
    const at = Date.parse('2026-11-01T00:00:00Z');
    const order = Array.from({ length: 25 }, (_, i) => (i * 7) % 25);
    const body = `<?xml version="1.0"?><rss version="2.0"><channel><title>Archive</title><link>/</link>${order
      .map((i) => `<item><title>a${i}</title><link>/archive/${i}</link><guid>archive-${i}</guid><pubDate>${new Date(at + i * 60_000).toUTCString()}</pubDate></item>`)
      .join('')}</channel></rss>`;
    srv.route('/archive-feed', (req, res) => {
      if (req.headers['if-none-match'] === '"archive"') {
        res.statusCode = 304;
        return res.end();
      }
      res.setHeader('etag', '"archive"');
      res.setHeader('content-type', 'application/rss+xml');
      res.end(body);
    });
    const capDeps = createFetchDeps(r.redis, r.prefix, testConfig({ maxNewItemsPerPoll: 10, politeness: { minDelayMs: 0, maxCrawlDelayMs: 100 } }), raw);
    const p = payload({ feedId: 'archive-feed', url: `${srv.url}/archive-feed`, fullText: 'never', adaptive: true });
    const polls: number[][] = [];
    const deferred: Array<number | undefined> = [];
    for (let n = 0; n < 4; n++) {
      const ctx = testContext();
      const out = emits(await fetchFeed({ ...p, runId: `run-arch-${n}` }, ctx, capDeps));
      polls.push(out.map((e) => Number((e.payload as FetchArticlePayload).url.split('/').pop())).sort((a, b) => b - a));
      deferred.push(ctx.counts['items-deferred']);
      expect(ctx.counts['feeds-behind']).toBeUndefined();
      if (n === 0) expect((await capDeps.feedState.getNextPoll('archive-feed')).intervalMs).toBe(capDeps.config.adaptive.minIntervalMs);
      if (n < 2) expect((await capDeps.feedState.getHealth('archive-feed')).itemsWaiting).toBe(deferred[n]);
      expect((await capDeps.feedState.getHealth('archive-feed')).fallingBehind).toBe(false);
    }
    expect((await capDeps.feedState.getHealth('archive-feed')).itemsWaiting).toBe(0);
    const range = (from: number, to: number) => Array.from({ length: from - to + 1 }, (_, k) => from - k);
    expect(polls).toEqual([range(24, 15), range(14, 5), range(4, 0), []]);
    expect(deferred).toEqual([15, 5, undefined, undefined]);
    // Caught up: the validators are kept again, and the last poll was a 304.
    expect(srv.log.filter((l) => l === 'GET /archive-feed')).toHaveLength(4);
    expect(await capDeps.feedState.getValidators('archive-feed', p.url)).toMatchObject({ etag: '"archive"' });
    // A feed's own limit, from the feeds file, overrides the configured one.
    const own = emits(await fetchFeed({ ...p, feedId: 'archive-feed-own-limit', runId: 'run-arch-own', maxNewItemsPerPoll: 30 }, testContext(), capDeps));
    expect(own).toHaveLength(25);
  });

  it('counts a feed as falling behind when it publishes faster than its polls pass items on, not while it catches up', async () => {
    // A firehose: 25 items at first, 15 more before each poll, 10 passed on per poll.
    let published = 25;
    const at = Date.parse('2026-11-01T00:00:00Z');
    srv.route('/firehose', (_req, res) => {
      const items = Array.from({ length: published }, (_, k) => published - 1 - k)
        .map((i) => `<item><title>f${i}</title><link>/firehose/${i}</link><guid>firehose-${i}</guid><pubDate>${new Date(at + i * 60_000).toUTCString()}</pubDate></item>`)
        .join('');
      res.setHeader('content-type', 'application/rss+xml');
      res.end(`<?xml version="1.0"?><rss version="2.0"><channel><title>Firehose</title><link>/</link>${items}</channel></rss>`);
    });
    const capDeps = createFetchDeps(r.redis, r.prefix, testConfig({ maxNewItemsPerPoll: 10, politeness: { minDelayMs: 0, maxCrawlDelayMs: 100 } }), raw);
    const p = payload({ feedId: 'firehose', url: `${srv.url}/firehose`, fullText: 'never' });
    const polls: Array<{ deferred?: number; behind?: number }> = [];
    for (let n = 0; n < 3; n++) {
      const ctx = testContext();
      expect(emits(await fetchFeed({ ...p, runId: `run-fh-${n}` }, ctx, capDeps))).toHaveLength(10);
      polls.push({ deferred: ctx.counts['items-deferred'], behind: ctx.counts['feeds-behind'] });
      expect((await capDeps.feedState.getHealth('firehose')).fallingBehind).toBe(n > 0);
      published += 15;
    }
    // Waiting: 15, then 20, then 25: behind from the second poll on.
    expect(polls).toEqual([
      { deferred: 15, behind: undefined },
      { deferred: 20, behind: 1 },
      { deferred: 25, behind: 1 },
    ]);
    // The archive above caught up with waiting counts 15 and 5: never behind.
  });

  it('fetches every dialect and repair fixture over HTTP and emits one job per distinct item', async () => {
    for (const name of readdirSync(fixtures).filter((f) => /\.(xml|json)$/.test(f) && !f.endsWith('.expected.json'))) {
      const expected = JSON.parse(readFileSync(path.join(fixtures, `${name}.expected.json`), 'utf8')) as { items: Array<{ id: string }> };
      const out = emits(await fetchFeed(payload({ feedId: `fx-${name}`, url: `${srv.url}/fixtures/${name}`, fullText: 'never' }), testContext(), deps));
      expect([name, out.length]).toEqual([name, new Set(expected.items.map((i) => i.id)).size]);
    }
  });

  for (const sample of ENCODING_SAMPLES) {
    it(`reads ${sample.label} served with a charset header, with only a declaration, and with neither`, async () => {
      for (const variant of ['header', 'declared', 'bare']) {
        const out = emits(await fetchFeed(payload({ feedId: `enc-${sample.label}-${variant}`, url: `${srv.url}/enc/${sample.label}/${variant}` }), testContext(), deps));
        const titles = out.map((e) => (e.payload as FetchArticlePayload).hints.title);
        expect([variant, titles]).toEqual([variant, sample.items]);
        expect((out[0]!.payload as FetchArticlePayload).source.title).toBe(sample.title);
      }
    });
  }
});

describe('fetchArticle', () => {
  const article = (url: string): FetchArticlePayload => ({
    runId: 'run-a',
    articleId: 'a1b2c3d4e5f60718',
    url,
    source: { id: 'test-feed', title: 'Test Feed', url: `${srv.url}/feed` },
    hints: { feedItemId: 'x', title: 'T', author: null, publishedAt: null, summary: null, images: [] },
  });

  it('fetches an allowed page, stores it raw and emits a clean job', async () => {
    const ctx = testContext();
    const out = emits(await fetchArticle(article(`${srv.url}/story/0`), ctx, deps));
    expect(out).toHaveLength(1);
    const clean = CleanPayloadSchema.parse(out[0]!.payload);
    expect(out[0]!.id).toBe('clean-a1b2c3d4e5f60718-run-a');
    expect((await raw.get(clean.rawRef)).toString()).toContain('The whole story.');
    expect(ctx.counts['articles-fetched']).toBe(1);
  });

  it('obeys robots.txt: a disallowed page is not fetched, the feed text goes on instead, robots.txt is fetched once', async () => {
    const ctx = testContext();
    const result = await fetchArticle({ ...article(`${srv.url}/private/page`), hints: { ...article('').hints, summary: '<p>What the feed said.</p>' } }, ctx, deps);
    expect(ctx.counts['articles-robots-disallowed']).toBe(1);
    expect(ctx.counts['articles-from-feed-text']).toBe(1);
    expect(srv.log).not.toContain('GET /private/page');
    expect(srv.log.filter((l) => l === 'GET /robots.txt')).toHaveLength(1);
    const clean = CleanPayloadSchema.parse(emits(result)[0]!.payload);
    expect((await raw.get(clean.rawRef)).toString()).toContain('What the feed said.');
  });

  it('drops, with a reason, a disallowed page whose feed item had no text', async () => {
    const ctx = testContext();
    const bare = article(`${srv.url}/private/other`);
    const result = await fetchArticle({ ...bare, hints: { ...bare.hints, title: null } }, ctx, deps);
    expect('drop' in result && result.drop).toMatch(/robots\.txt disallows/);
    expect(ctx.counts['articles-unavailable']).toBe(1);
  });

  it('applies the robots.txt of the site a link redirects to, before asking that site for the page', async () => {
    const target = await startServer();
    target.route('/robots.txt', (_req, res) => res.end('User-agent: *\nDisallow: /\n'));
    target.route('/article', (_req, res) => res.end('<p>page</p>'));
    // "localhost" and "127.0.0.1" are different origins with their own robots.txt.
    const viaName = createFetchDeps(r.redis, r.prefix, testConfig({ allowHosts: ['127.0.0.1', 'localhost'] }), raw);
    srv.route('/short', (_req, res) => {
      res.statusCode = 302;
      res.setHeader('location', `http://localhost:${target.port}/article`);
      res.end();
    });
    try {
      const ctx = testContext();
      const result = await fetchArticle({ ...article(`${srv.url}/short`), hints: { ...article('').hints, summary: 'Via a shortener.' } }, ctx, viaName);
      expect(ctx.counts['articles-robots-disallowed']).toBe(1);
      expect(ctx.counts['articles-from-feed-text']).toBe(1);
      expect(emits(result)).toHaveLength(1);
      // Checked before the hop, not after: the disallowed page itself is never requested.
      expect(target.log).toEqual(['GET /robots.txt']);
    } finally {
      await viaName.http.close();
      await target.close();
    }
  });

  it('falls back to the feed text when the page is gone for good, and retries when the failure is temporary', async () => {
    srv.route('/gone', (_req, res) => {
      res.statusCode = 410;
      res.end();
    });
    srv.route('/flaky', (_req, res) => {
      res.statusCode = 503;
      res.end();
    });
    const ctx = testContext();
    const gone = await fetchArticle({ ...article(`${srv.url}/gone`), hints: { ...article('').hints, summary: 'Teaser.' } }, ctx, deps);
    expect(emits(gone)).toHaveLength(1);
    expect(ctx.counts['articles-from-feed-text']).toBe(1);
    const err = await fetchArticle(article(`${srv.url}/flaky`), testContext(), deps).catch((e: unknown) => e);
    expect((err as FetchError).kind).toBe('retryable');
  });

  describe('with the clean stage after it', () => {
    const RU = 'Новости дня: погода в Москве.';
    const EL = 'Η κυβέρνηση ανακοίνωσε νέα μέτρα στήριξης.';
    /** A short legacy page, too short for a detector, named only by the HTTP charset; its <meta>, if any, is wrong. */
    const serveLegacy = (route: string, text: string, charset: string, meta = '') =>
      srv.route(route, (_req, res) => {
        res.setHeader('content-type', `text/html; charset=${charset}`);
        res.end(iconv.encode(`<html><head>${meta}<title>T</title></head><body><article><p>${text}</p></article></body></html>`, charset));
      });
    /** Runs clean on a clean job as the worker shell does: the payload validated by its schema first. */
    async function cleanText(emit: Emit): Promise<string> {
      const result = await cleanArticle(CleanPayloadSchema.parse(emit.payload), testContext(), { raw, config: CleanConfigSchema.parse({}) });
      return 'emit' in result ? (result.emit[0]!.payload as { article: { text: string } }).article.text : `dropped: ${result.drop}`;
    }

    it('carries the page\'s Content-Type to clean, whose charset decides over a missing or wrong <meta>', async () => {
      serveLegacy('/legacy/ru', RU, 'windows-1251');
      serveLegacy('/legacy/el', EL, 'iso-8859-7', '<meta charset="windows-1252">');
      const ru = emits(await fetchArticle(article(`${srv.url}/legacy/ru`), testContext(), deps));
      const el = emits(await fetchArticle(article(`${srv.url}/legacy/el`), testContext(), deps));
      expect(CleanPayloadSchema.parse(ru[0]!.payload).contentType).toBe('text/html; charset=windows-1251');
      expect(await cleanText(ru[0]!)).toBe(RU);
      expect(await cleanText(el[0]!)).toBe(EL);
    });

    it('reads the feed text of an item in a feed named only by its HTTP charset (decoded with the feed, stored as UTF-8)', async () => {
      const body = `<p>${RU} ${'Правительство объявило о новых мерах поддержки экономики. '.repeat(5)}</p>`;
      srv.route('/legacy/feed', (_req, res) => {
        res.setHeader('content-type', 'application/rss+xml; charset=windows-1251');
        res.end(iconv.encode(`<?xml version="1.0"?><rss version="2.0"><channel><title>Лента</title><link>/</link><item><title>Новости</title><link>/legacy/item</link><guid>legacy-1</guid><description><![CDATA[${body}]]></description></item></channel></rss>`, 'windows-1251'));
      });
      const out = emits(await fetchFeed(payload({ feedId: 'legacy-feed', url: `${srv.url}/legacy/feed`, fullText: 'never' }), testContext(), deps));
      expect(out.map((e) => e.queue)).toEqual(['clean']);
      expect(await cleanText(out[0]!)).toContain(RU);
    });

    it('reads the feed text that stands in for an unavailable page', async () => {
      const out = emits(await fetchArticle({ ...article(`${srv.url}/private/ru`), hints: { ...article('').hints, summary: `<p>${RU}</p>` } }, testContext(), deps));
      expect(await cleanText(out[0]!)).toContain(RU);
    });
  });

  it('reads Crawl-delay (2 s here), capped by config (100 ms here)', async () => {
    const verdict = await deps.robots.check(`${srv.url}/story/0`);
    expect(verdict).toEqual({ allowed: true, crawlDelayMs: 100 });
  });

  it('treats a missing robots.txt as allowing everything and an unreachable one as retry later', async () => {
    const other = await startServer();
    other.route('/page', (_req, res) => res.end('<p>ok</p>'));
    try {
      expect((await deps.robots.check(`${other.url}/page`)).allowed).toBe(true);
      const down = await startServer();
      down.route('/robots.txt', (_req, res) => {
        res.statusCode = 503;
        res.end();
      });
      const err = await deps.robots.check(`${down.url}/page`).catch((e: unknown) => e);
      await down.close();
      expect((err as FetchError).code).toBe('robots-unavailable');
      expect((err as FetchError).kind).toBe('retryable');
    } finally {
      await other.close();
    }
  });

  it('asks a new site for its robots.txt once, however many pages of it several processes fetch at the same time', async () => {
    const site = await startServer();
    site.route('/robots.txt', async (_req, res) => {
      await new Promise((r) => setTimeout(r, 200));
      res.end('User-agent: *\nDisallow: /private/\n');
    });
    // Two sets of fetch dependencies are two processes: their own memory, one Redis.
    const config = testConfig({ politeness: { minDelayMs: 0, maxInFlightPerHost: 4 } });
    const processes = [createFetchDeps(r.redis, r.prefix, config, raw), createFetchDeps(r.redis, r.prefix, config, raw)];
    try {
      const verdicts = await Promise.all(Array.from({ length: 6 }, (_, i) => processes[i % 2]!.robots.check(`${site.url}/${i % 3 ? 'a' : 'private/b'}/${i}`)));
      expect(verdicts.map((v) => v.allowed)).toEqual([false, true, true, false, true, true]);
      expect(site.log.filter((l) => l === 'GET /robots.txt')).toHaveLength(1);
    } finally {
      await site.close();
    }
  });

  it('fails the pages of a site whose robots.txt is unreachable without asking again for each', async () => {
    const site = await startServer();
    site.route('/robots.txt', (_req, res) => {
      res.statusCode = 503;
      res.end();
    });
    try {
      const failure = (path: string) => deps.robots.check(`${site.url}${path}`).then(() => 'allowed', (e: unknown) => (e as FetchError).code);
      expect(await Promise.all(Array.from({ length: 4 }, (_, i) => failure(`/p/${i}`)))).toEqual(Array(4).fill('robots-unavailable'));
      expect(await failure('/later')).toBe('robots-unavailable');
      expect(site.log.filter((l) => l === 'GET /robots.txt')).toHaveLength(1);
    } finally {
      await site.close();
    }
  });
});
