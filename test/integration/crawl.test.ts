import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crawlOnce } from '../../src/commands/crawl.js';
import { ArticleRecordSchema, type ArticleRecord } from '../../src/domain/record.js';
import { sampleFeeds, startSampleServer, type SampleServer } from '../../src/demo/sample-server.js';
import { openTestRuntime, type TestRuntime } from '../helpers/runtime.js';

const CHROME = ['微信扫一扫', '预览时标签不可点', '继续滑动看下一个', '轻触阅读原文', '关注该公众号', '点击上方蓝字', '往期推荐', '推荐阅读', '长按识别二维码', '点个在看', '扫码关注', 'Sign up for our newsletter', 'Share this article', 'All rights reserved', 'Related stories'];

let server: SampleServer;
let rt: TestRuntime;

beforeAll(async () => {
  server = await startSampleServer();
  rt = await openTestRuntime('crawl', {
    feeds: sampleFeeds(server.baseUrl),
    tweak: (c) => {
      c.fetch.politeness.minDelayMs = 20;
    },
  });
});
afterAll(async () => {
  await rt?.dispose();
  await server?.close();
});

function records(): ArticleRecord[] {
  return readdirSync(rt.outDir)
    .flatMap((f) => readFileSync(path.join(rt.outDir, f), 'utf8').split('\n').filter(Boolean))
    .map((l) => ArticleRecordSchema.parse(JSON.parse(l)));
}

describe('crawl --once from a local fixture server to JSONL', () => {
  it('fetches every feed, writes one valid record per item and keeps chrome out; a later repost is a duplicate', async () => {
    const summary = await crawlOnce(rt);
    expect(summary.counts['feeds-fetched']).toBe(3);
    expect(summary.counts['items-new']).toBe(8);
    expect(summary.counts['articles-written']).toBe(8);
    expect(summary.counts['dedupe-duplicate'] ?? 0).toBe(0);
    expect(summary.counts.errors ?? 0).toBe(0);

    // Later the Chinese feed gains one item: another account's repost of an article already read.
    server.advance();
    const later = await crawlOnce(rt);
    expect(later.counts['feeds-fetched']).toBe(1);
    expect(later.counts['feeds-not-modified']).toBe(2);
    expect(later.counts['items-new']).toBe(1);
    expect(later.counts['dedupe-duplicate']).toBe(1);

    const out = records();
    expect(out).toHaveLength(9);
    const byTitle = new Map(out.map((r) => [r.title, r]));

    const rates = byTitle.get('Central bank keeps rates on hold, signals patience on inflation')!;
    expect(rates.lang).toBe('en');
    expect(rates.author).toBe('Priya Raman');
    expect(rates.publishedAt).toBe('2025-02-12T07:45:00Z');
    expect(rates.text).toContain('held its main policy rate at 3.25 percent');
    expect(rates.text).not.toContain('trackRead');

    const grid = byTitle.get('Coastal states agree on shared grid for offshore wind')!;
    // The feed linked the page with tracking parameters; the canonical URL drops them.
    expect(grid.url).toContain('utm_source=rss');
    expect(grid.canonicalUrl).toBe(`${server.baseUrl}/en/offshore-grid.html`);
    expect(grid.text).toContain('permits remain the bottleneck');

    const original = byTitle.get('AI预警系统上线 江城内涝“看得见”')!;
    const repost = byTitle.get('江城用AI给内涝装上“千里眼”')!;
    expect(original.lang).toBe('zh');
    expect(original.source).toEqual({ id: 'wechat-city-tech', title: '公众号聚合：城市与科技', url: `${server.baseUrl}/zh.rss` });
    expect(original.text).toContain('降雨径流预测模型');
    expect(original.dedupe).toMatchObject({ status: 'unique', clusterId: original.id });
    expect(repost.dedupe.status).toBe('duplicate');
    expect(repost.dedupe.duplicateOf).toBe(original.id);
    expect(repost.dedupe.clusterId).toBe(original.id);
    expect(original.canonicalUrl).not.toMatch(/chksm|scene/);

    for (const r of out) for (const c of CHROME) expect(r.text, `${r.title} contains ${c}`).not.toContain(c);
  });

  it('a second crawl of unchanged feeds gets 304s and enqueues nothing', async () => {
    const summary = await crawlOnce(rt);
    expect(summary.counts['feeds-not-modified']).toBe(3);
    expect(summary.counts['items-new'] ?? 0).toBe(0);
    expect(summary.counts['articles-written'] ?? 0).toBe(0);
    expect(records()).toHaveLength(9);
  });

  it('finishes while the queues also hold jobs of no crawl: a Job Scheduler\'s next tick, another run\'s delayed job', async () => {
    const queue = rt.queues['fetch-feed'];
    const data = { runId: 'scheduled', feedId: 'en-wire', url: `${server.baseUrl}/en.rss`, force: false, scheduled: true };
    // A deployment whose feeds are scheduled (`serve`, `feeds reload`) always has each scheduler's next job delayed.
    await queue.upsertJobScheduler('feed-en-wire', { pattern: '0 0 1 1 *', tz: 'UTC' }, { name: 'fetch-feed', data });
    await queue.add('fetch-feed', { ...data, runId: 'crawl-other' }, { jobId: 'fetch-feed-en-wire-crawl-other', delay: 3_600_000 });
    try {
      const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('crawl did not finish')), 20_000).unref());
      const summary = await Promise.race([crawlOnce(rt), timeout]);
      expect(summary.counts['feeds-not-modified']).toBe(3);
      expect(await queue.getJobCounts('delayed')).toEqual({ delayed: 2 });
    } finally {
      await queue.removeJobScheduler('feed-en-wire');
      await queue.remove('fetch-feed-en-wire-crawl-other');
    }
  });
});
