import { readFileSync } from 'node:fs';
import path from 'node:path';
import iconv from 'iconv-lite';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../../../src/domain/ids.js';
import { CleanArticleSchema } from '../../../../src/domain/record.js';
import { permanent } from '../../../../src/domain/errors.js';
import { CleanPayloadSchema, type CleanPayload } from '../../../../src/jobs/payloads.js';
import type { FetchManifest, RawStore } from '../../../../src/stages/raw-store.js';
import { cleanArticle } from '../../../../src/stages/clean/clean-article.js';
import { CleanConfigSchema } from '../../../../src/stages/clean/config.js';
import type { StageContext } from '../../../../src/stages/types.js';

class MemoryRawStore implements RawStore {
  private readonly bodies = new Map<string, Buffer>();
  async put(body: Uint8Array, _manifest: FetchManifest): Promise<string> {
    const sha = sha256Hex(body);
    this.bodies.set(sha, Buffer.from(body));
    return sha;
  }
  async get(sha256: string): Promise<Buffer> {
    const b = this.bodies.get(sha256);
    if (!b) throw permanent('raw-missing', `no raw body ${sha256}`);
    return b;
  }
}

function context() {
  const counts: Record<string, number> = {};
  const ctx: StageContext = {
    log: pino({ level: 'silent' }),
    signal: new AbortController().signal,
    now: () => new Date('2025-01-01T00:00:00Z'),
    count: (name, by = 1) => void (counts[name] = (counts[name] ?? 0) + by),
  };
  return { ctx, counts };
}

const manifest = (url: string): FetchManifest => ({ url, finalUrl: url, status: 200, headers: {}, fetchedAt: '2025-01-01T00:00:00Z', feedId: 'f1', kind: 'article' });

async function payloadFor(raw: RawStore, body: string, url: string, format: 'html' | 'markdown', hints: Partial<CleanPayload['hints']> = {}): Promise<CleanPayload> {
  return {
    runId: 'run1',
    articleId: 'a1b2c3d4e5f60718',
    url,
    source: { id: 'f1', title: 'Feed one', url: 'https://feeds.example/rss' },
    hints: { feedItemId: 'item-9', title: null, author: null, publishedAt: null, summary: null, images: [], ...hints },
    rawRef: await raw.put(Buffer.from(body), manifest(url)),
    format,
    fetchedAt: '2025-01-01T08:00:00+00:00',
  };
}

const deps = (raw: RawStore) => ({ raw, config: CleanConfigSchema.parse({}) });

describe('cleanArticle', () => {
  it('emits one classify job with the cleaned article of an HTML page, falling back to feed hints', async () => {
    const raw = new MemoryRawStore();
    const html = `<html><head><title>Bridge reopens | Town News</title><link rel="canonical" href="https://town.example/bridge?utm_source=x"></head>
      <body><article><p>The old bridge over the river reopened on Friday after two years of repairs, the council said.</p>
      <p>Traffic is expected to return to normal within a week, according to the transport office.</p></article></body></html>`;
    const payload = await payloadFor(raw, html, 'https://town.example/bridge?utm_medium=rss', 'html', {
      author: 'Jane Roe', publishedAt: 'Fri, 03 Jan 2025 09:30:00 +0100', summary: '<p>The <b>bridge</b> is open.</p>', images: ['https://town.example/b.jpg'],
    });
    const { ctx } = context();
    const result = await cleanArticle(payload, ctx, deps(raw));
    expect('emit' in result && result.emit).toHaveLength(1);
    if (!('emit' in result)) return;
    const job = result.emit[0]!;
    expect(job.queue).toBe('classify');
    expect(job.id).toBe('classify-a1b2c3d4e5f60718-run1');
    const article = CleanArticleSchema.parse((job.payload as { article: unknown }).article);
    expect(article).toMatchObject({
      id: 'a1b2c3d4e5f60718',
      canonicalUrl: 'https://town.example/bridge',
      title: 'Bridge reopens',
      author: 'Jane Roe',
      publishedAt: '2025-01-03T09:30:00+01:00',
      summary: 'The bridge is open.',
      images: ['https://town.example/b.jpg'],
      feedItemId: 'item-9',
      rawRef: payload.rawRef,
    });
    expect(article.text).toBe(
      'The old bridge over the river reopened on Friday after two years of repairs, the council said.\n\nTraffic is expected to return to normal within a week, according to the transport office.',
    );
    expect((job.payload as { runId: string }).runId).toBe('run1');
  });

  it('cleans a Markdown dump and reduces a WeChat URL to its canonical form', async () => {
    const raw = new MemoryRawStore();
    const md = readFileSync(path.resolve(import.meta.dirname, '../../../fixtures/clean/wechat-dump/input.md'), 'utf8');
    const payload = await payloadFor(raw, md, 'https://mp.weixin.qq.com/s?__biz=MzIyMzQ1Njc4OQ==&mid=2247480001&idx=1&sn=0a1b2c3d4e5f60718293a4b5c6d7e8f9&chksm=aa11bb22cc33&scene=58&subscene=0#rd', 'markdown');
    const { ctx } = context();
    const result = await cleanArticle(payload, ctx, deps(raw));
    if (!('emit' in result)) throw new Error('expected an emit');
    const { article } = result.emit[0]!.payload as { article: import('../../../../src/domain/record.js').CleanArticle };
    expect(article.canonicalUrl).toBe('https://mp.weixin.qq.com/s?__biz=MzIyMzQ1Njc4OQ==&mid=2247480001&idx=1&sn=0a1b2c3d4e5f60718293a4b5c6d7e8f9');
    expect(article.publishedAt).toBe('2024-11-03T00:00:00+08:00');
    expect(article.author).toBe('林远');
    expect(article.text).not.toContain('微信扫一扫');
    expect(article.summary).toBe('11月1日至2日，第五届湄公河水资源合作论坛在万象举行，来自流域六国的官员、学者和企业代表约四百人参加。');
  });

  it('takes the canonical URL from the dump when the payload names a local file', async () => {
    const raw = new MemoryRawStore();
    const md = readFileSync(path.resolve(import.meta.dirname, '../../../fixtures/clean/wechat-dump/input.md'), 'utf8');
    const payload = await payloadFor(raw, md, 'file:///data/dumps/input.md', 'markdown');
    const result = await cleanArticle(payload, context().ctx, deps(raw));
    if (!('emit' in result)) throw new Error('expected an emit');
    const { article } = result.emit[0]!.payload as { article: { canonicalUrl: string; url: string } };
    expect(article.url).toBe('file:///data/dumps/input.md');
    expect(article.canonicalUrl).toBe('https://mp.weixin.qq.com/s?__biz=MzIyMzQ1Njc4OQ==&mid=2247480001&idx=1&sn=0a1b2c3d4e5f60718293a4b5c6d7e8f9');
  });

  it('drops a page without text as empty-text, which the worker counts (the stage counts nothing more)', async () => {
    const raw = new MemoryRawStore();
    const payload = await payloadFor(raw, '<html><body><nav><a href="/">Home</a></nav><script>var x = 1;</script></body></html>', 'https://x.example/a', 'html');
    const { ctx, counts } = context();
    expect(await cleanArticle(payload, ctx, deps(raw))).toEqual({ drop: 'empty-text' });
    // The worker shell counts every drop as dropped-<reason>; a count here made summaries report each page twice.
    expect(Object.keys(counts).filter((k) => k.startsWith('dropped'))).toEqual([]);
  });

  it('fails permanently when the raw body is gone', async () => {
    const raw = new MemoryRawStore();
    const payload = { ...(await payloadFor(raw, '<p>x</p>', 'https://x.example/a', 'html')), rawRef: 'f'.repeat(64) };
    await expect(cleanArticle(payload, context().ctx, deps(raw))).rejects.toMatchObject({ kind: 'permanent', code: 'raw-missing' });
  });
});

describe('cleanArticle decoding by the Content-Type the page was served with', () => {
  const RU = 'Новости дня: погода в Москве.';
  const EL = 'Η κυβέρνηση ανακοίνωσε νέα μέτρα στήριξης.';
  /** A short page in a legacy charset, too short for a detector to tell; its <meta>, if any, is wrong. */
  async function legacyPayload(raw: RawStore, text: string, charset: string, meta = '', contentType?: string): Promise<CleanPayload> {
    const bytes = iconv.encode(`<html><head>${meta}<title>T</title></head><body><article><p>${text}</p></article></body></html>`, charset);
    const payload = await payloadFor(raw, '', 'https://news.example/a', 'html');
    return { ...payload, rawRef: await raw.put(bytes, manifest(payload.url)), ...(contentType ? { contentType } : {}) };
  }
  const textOf = (result: Awaited<ReturnType<typeof cleanArticle>>) =>
    'emit' in result ? (result.emit[0]!.payload as { article: { text: string } }).article.text : `dropped: ${result.drop}`;

  it('decodes a page whose charset only the HTTP header names', async () => {
    const raw = new MemoryRawStore();
    const ru = await legacyPayload(raw, RU, 'windows-1251', '', 'text/html; charset=windows-1251');
    const el = await legacyPayload(raw, EL, 'iso-8859-7', '', 'text/html; charset=ISO-8859-7');
    expect(textOf(await cleanArticle(ru, context().ctx, deps(raw)))).toBe(RU);
    expect(textOf(await cleanArticle(el, context().ctx, deps(raw)))).toBe(EL);
  });

  it('lets the HTTP charset win over a wrong <meta> charset', async () => {
    const raw = new MemoryRawStore();
    const el = await legacyPayload(raw, EL, 'iso-8859-7', '<meta charset="windows-1252">', 'text/html; charset=iso-8859-7');
    expect(textOf(await cleanArticle(el, context().ctx, deps(raw)))).toBe(EL);
  });

  it('decodes a payload queued before contentType was carried by the page alone', async () => {
    const raw = new MemoryRawStore();
    const ru = await legacyPayload(raw, RU, 'windows-1251', '<meta charset="windows-1251">');
    expect(ru).not.toHaveProperty('contentType');
    expect(textOf(await cleanArticle(CleanPayloadSchema.parse(ru), context().ctx, deps(raw)))).toBe(RU);
  });
});
