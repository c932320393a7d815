import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../../src/config/load.js';
import { ArticleRecordSchema, articleRecordJsonSchema } from '../../../src/domain/record.js';

const sample = {
  id: '0123456789abcdef',
  url: 'https://example.org/a?utm_source=x',
  canonicalUrl: 'https://example.org/a',
  source: { id: 'example', title: 'Example', url: 'https://example.org/rss' },
  title: 'A title',
  author: null,
  publishedAt: '2025-02-12T08:30:00+08:00',
  fetchedAt: '2025-02-12T01:00:00.000Z',
  lang: 'en',
  text: 'Body.',
  summary: null,
  images: [],
  topics: [{ code: 'medtop:13000000', label: 'science and technology', score: 0.8, source: 'rule:tech' }],
  rules: [],
  entities: [],
  keywords: [],
  needsReview: false,
  dedupe: { status: 'unique', duplicateOf: null, clusterId: '0123456789abcdef', similarity: null, reason: null, updateOf: null },
  pipelineVersion: '0.1.0+abcd1234',
  schemaVersion: 1,
};

describe('article record schema', () => {
  it('the committed JSON Schema file is generated from the zod schema', () => {
    const committed = JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'schema', 'article-record.schema.json'), 'utf8'));
    expect(committed).toEqual(articleRecordJsonSchema());
  });

  it('accepts a complete record and rejects unknown fields and dates without an offset', () => {
    expect(ArticleRecordSchema.safeParse(sample).success).toBe(true);
    expect(ArticleRecordSchema.safeParse({ ...sample, extra: 1 }).success).toBe(false);
    expect(ArticleRecordSchema.safeParse({ ...sample, publishedAt: '2025-02-12T08:30:00' }).success).toBe(false);
    expect(ArticleRecordSchema.safeParse({ ...sample, dedupe: { ...sample.dedupe, status: 'maybe' } }).success).toBe(false);
  });
});
