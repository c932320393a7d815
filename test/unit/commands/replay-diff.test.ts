import { describe, expect, it } from 'vitest';
import { diffRecords } from '../../../src/commands/replay.js';
import type { ArticleRecord } from '../../../src/domain/record.js';

function record(id: string, over: Partial<ArticleRecord> = {}): ArticleRecord {
  return {
    id, url: `https://example.org/${id}`, canonicalUrl: `https://example.org/${id}`,
    source: { id: 'example', title: null, url: null }, title: `Title ${id}`, author: null, publishedAt: null,
    fetchedAt: '2025-02-12T01:00:00.000Z', lang: 'en', text: `Text of ${id}.`, summary: null, images: [], topics: [],
    rules: [], entities: [], keywords: [], needsReview: false,
    dedupe: { status: 'unique', duplicateOf: null, clusterId: id, similarity: null, reason: null, updateOf: null },
    pipelineVersion: '0.1.0+a', schemaVersion: 1,
    ...over,
  };
}

describe('diffRecords', () => {
  it('counts what the stages changed, not the version or a later fetch of the same input', () => {
    const before = new Map([record('a'), record('b'), record('c')].map((r) => [r.id, r]));
    const after = [
      // Fetched again unchanged (crawl --force) after its record was written, under another pipeline version.
      record('a', { fetchedAt: '2025-02-14T09:00:00.000Z', pipelineVersion: '0.1.0+b' }),
      record('b', { rules: [{ rule: 'r', version: '1', hits: [] }] }),
      record('d'),
    ];
    const diff = diffRecords(before, after, new Set(['d']));
    expect(diff).toMatchObject({ changed: 1, fresh: 0, recovered: 1 });
    expect(diff.fields.map((f) => [f.field, f.changed])).toEqual([['rules', 1]]);
  });
});
