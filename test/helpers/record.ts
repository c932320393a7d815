// An output record for tests of what reads and writes records (sink, replay): every field set, overridable.
import type { ArticleRecord } from '../../src/domain/record.js';

export function articleRecord(id: string, over: Partial<ArticleRecord> = {}): ArticleRecord {
  return {
    id, url: `https://example.org/${id}`, canonicalUrl: `https://example.org/${id}`,
    source: { id: 'example', title: null, url: null }, title: `Title ${id}`, author: null, publishedAt: null,
    fetchedAt: '2025-02-12T01:00:00.000Z', lang: 'en', text: `Text of ${id}.`, summary: null, images: [], topics: [],
    rules: [], entities: [], keywords: [], needsReview: false,
    dedupe: { status: 'unique', duplicateOf: null, clusterId: id, similarity: null, reason: null, updateOf: null },
    pipelineVersion: '0.1.0+test', schemaVersion: 1,
    ...over,
  };
}
