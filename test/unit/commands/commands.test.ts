import { describe, expect, it } from 'vitest';
import { isoOrNull, readFrontMatter } from '../../../src/commands/ingest.js';
import { parseStages } from '../../../src/commands/serve.js';
import { formatSummary } from '../../../src/commands/summary.js';
import { durationMs } from '../../../src/config/schema.js';

describe('readFrontMatter', () => {
  it('reads the YAML block at the top of a Markdown dump, keeping dates as written', () => {
    const fm = readFrontMatter('---\ntitle: 标题\nurl: https://mp.weixin.qq.com/s?__biz=X&mid=1\ndate: 2025-02-12\n---\n\n# 标题\n');
    expect(fm).toEqual({ title: '标题', url: 'https://mp.weixin.qq.com/s?__biz=X&mid=1', date: '2025-02-12' });
  });

  it('returns null for text without front matter or with broken YAML', () => {
    expect(readFrontMatter('# just markdown\n')).toBeNull();
    expect(readFrontMatter('---\ntitle: [unclosed\n---\nbody')).toBeNull();
  });
});

describe('isoOrNull', () => {
  it('takes a date-time without a zone as UTC and keeps an explicit offset', () => {
    expect(isoOrNull('2025-10-06T20:37:19.371503')).toBe('2025-10-06T20:37:19.371Z');
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
