import { describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileJob, isoOrNull, listInputs } from '../../../src/commands/ingest.js';
import { InputError } from '../../../src/domain/errors.js';
import { canonicalizeUrl } from '../../../src/domain/canonical-url.js';
import { sha256Hex, shortId } from '../../../src/domain/ids.js';
import type { CleanPayload } from '../../../src/jobs/payloads.js';
import { parseMarkdownDump } from '../../../src/stages/clean/markdown-dump.js';
import type { Runtime } from '../../../src/workers/runtime.js';
import { parseStages } from '../../../src/commands/serve.js';
import { formatSummary } from '../../../src/commands/summary.js';
import { durationMs } from '../../../src/config/schema.js';

describe('ingest: fileJob', () => {
  // A raw store that keeps nothing: the job's payload is what is checked.
  const rt = { raw: { put: async () => 'sha256-of-file' } } as unknown as Runtime;
  const job = async (name: string, text: string) => {
    const dir = await mkdtemp(path.join(tmpdir(), 'newsflow-ingest-'));
    const file = path.join(dir, name);
    await writeFile(file, text);
    const emit = await fileJob(rt, file, 'run-1', '2025-10-07T00:00:00.000Z');
    await rm(dir, { recursive: true });
    return emit.payload as CleanPayload;
  };
  const fm = 'url: https://mp.weixin.qq.com/s/abc\nsource: 情报分析师\ndate: 2025-02-12\nfetch_date: 2025-10-06T20:37:19.371503';

  it('reads the front matter the clean stage reads: id, url and hints come from it, not from the file path', async () => {
    const p = await job('a.md', `---\ntitle: 标题\n${fm}\n---\n\n# 标题\n`);
    expect(p.url).toBe('https://mp.weixin.qq.com/s/abc');
    expect(p.articleId).toBe(shortId('url', canonicalizeUrl('https://mp.weixin.qq.com/s/abc'), sha256Hex('\n# 标题\n')));
    expect(p.format).toBe('markdown');
    expect(p.source.title).toBe('情报分析师');
    expect(p.hints).toMatchObject({ title: '标题', publishedAt: '2025-02-12' });
    expect(p.fetchedAt).toBe('2025-10-06T20:37:19.371Z');
  });

  it('keeps the url with "--- " delimiters, a file ending at the closing "---", and an unquoted YAML-special title', async () => {
    const variants = [
      `--- \ntitle: 标题\n${fm}\n--- \n\n正文。\n`,
      `---\ntitle: 标题\n${fm}\n---`,
      `---\ntitle: OpenAI: 发布新模型\n${fm}\n---\n\n正文。\n`,
      `---\ntitle: [转载] 法国AI行动峰会\n${fm}\n---\n\n正文。\n`,
    ];
    for (const text of variants) {
      const p = await job('b.md', text);
      expect(p.url).toBe('https://mp.weixin.qq.com/s/abc');
      expect(p.url).toBe(parseMarkdownDump(text).meta.url);
      expect(p.source.title).toBe('情报分析师');
    }
    expect((await job('c.md', `---\ntitle: OpenAI: 发布新模型\n${fm}\n---\n`)).hints.title).toBe('OpenAI: 发布新模型');
  });

  it('names the article by its URL and body: the same body saved again is the same article, an edited one another', async () => {
    const saved = `---\ntitle: 标题\n${fm}\n---\n\n正文。\n`;
    const first = await job('a.md', saved);
    // Another archiver's copy: its own fetch date and a tracking-parameter variant of the URL.
    const again = await job('b.md', saved.replace('2025-10-06T20:37', '2025-11-01T08:00').replace('/s/abc', '/s/abc?scene=58'));
    const edited = await job('a.md', saved.replace('正文。', '正文（更新）。'));
    expect(again.articleId).toBe(first.articleId);
    expect(edited.articleId).not.toBe(first.articleId);
    expect(edited.url).toBe(first.url);
  });

  it('names a Markdown file without front matter by its path', async () => {
    const p = await job('d.md', '# just markdown\n');
    expect(p.url).toMatch(/^file:\/\/.*d\.md$/);
    expect(p.format).toBe('markdown');
  });
});

describe('ingest: listInputs', () => {
  it('refuses a named file of a type ingest does not read, and filters folders silently', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'newsflow-inputs-'));
    try {
      await writeFile(path.join(dir, 'page.html'), '<html><body><p>x</p></body></html>');
      await writeFile(path.join(dir, 'dump.md'), '---\ntitle: T\n---\n\nText.\n');
      await writeFile(path.join(dir, 'data.json'), '{"title": "not an article"}');
      const json = path.join(dir, 'data.json');
      await expect(listInputs([json])).rejects.toBeInstanceOf(InputError);
      await expect(listInputs([path.join(dir, 'page.html'), json])).rejects.toThrow(`${json}: not an HTML page or Markdown dump`);
      expect(await listInputs([dir])).toEqual([path.join(dir, 'dump.md'), path.join(dir, 'page.html')]);
      expect(await listInputs([path.join(dir, 'dump.md')])).toEqual([path.join(dir, 'dump.md')]);
    } finally {
      await rm(dir, { recursive: true });
    }
  });
});

describe('isoOrNull', () => {
  it('takes a date-time without a zone as UTC and keeps an explicit offset', () => {
    expect(isoOrNull('2025-10-06T20:37:19.371503')).toBe('2025-10-06T20:37:19.371Z');
    // With a space for the T, as archivers write it: still UTC, not the machine's time zone (Node reads TZ anew).
    const tz = process.env.TZ;
    process.env.TZ = 'Asia/Shanghai';
    try {
      expect(isoOrNull('2025-10-06 20:37:19')).toBe('2025-10-06T20:37:19.000Z');
      expect(isoOrNull('2025-10-06 20:37:19+08:00')).toBe('2025-10-06T12:37:19.000Z');
    } finally {
      if (tz === undefined) delete process.env.TZ;
      else process.env.TZ = tz;
    }
    expect(isoOrNull('2025-02-12T08:30:00+08:00')).toBe('2025-02-12T00:30:00.000Z');
    expect(isoOrNull('not a date')).toBeNull();
    expect(isoOrNull(null)).toBeNull();
  });
});

describe('parseStages', () => {
  it('expands stage groups in pipeline order and rejects unknown names', () => {
    expect(parseStages(undefined)).toEqual(['fetch-feed', 'fetch-article', 'clean', 'classify', 'dedupe', 'sink']);
    expect(parseStages('sink,fetch')).toEqual(['fetch-feed', 'fetch-article', 'sink']);
    expect(() => parseStages('fetch,cleaning')).toThrow(/unknown stage "cleaning"/);
  });
});

describe('durationMs', () => {
  it('reads seconds, minutes, hours and days', () => {
    expect(durationMs('90s')).toBe(90_000);
    expect(durationMs('15m')).toBe(900_000);
    expect(durationMs('2h')).toBe(7_200_000);
    expect(durationMs('1d')).toBe(86_400_000);
    expect(() => durationMs('soon')).toThrow();
  });
});

describe('formatSummary', () => {
  it('lists every counter a user looks for, with drops by reason', () => {
    const text = formatSummary({
      runId: 'crawl-1',
      seconds: 2.25,
      outDir: '/data/out',
      counts: { 'feeds-fetched': 3, 'items-new': 9, 'articles-written': 8, 'dedupe-duplicate': 1, 'dropped-empty-text': 1, errors: 0 },
    });
    expect(text).toContain('feeds fetched      3');
    expect(text).toContain('articles written   8');
    expect(text).toContain('duplicates         1');
    expect(text).toContain('dropped            1   (empty-text 1)');
    expect(text).toContain('output: /data/out');
    expect(text).toContain('items new          9\n');
  });

  it('says how many new items wait for the next polls', () => {
    const text = formatSummary({ runId: 'crawl-2', seconds: 1, outDir: '/o', counts: { 'items-new': 1000, 'items-deferred': 49_000 } });
    expect(text).toContain('items new          1000   (left for the next polls 49000)');
    const behind = formatSummary({ runId: 'crawl-3', seconds: 1, outDir: '/o', counts: { 'items-new': 10, 'items-deferred': 25, 'feeds-behind': 1 } });
    expect(behind).toContain('items new          10   (left for the next polls 25; feeds falling behind 1)');
  });
});
