import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { NewsflowError } from '../../../../src/domain/errors.js';
import { ArticleRecordSchema, type DedupeResult } from '../../../../src/domain/record.js';
import { SinkPayloadSchema } from '../../../../src/jobs/payloads.js';
import { dedupeArticle } from '../../../../src/stages/dedupe/dedupe-article.js';
import { decodeSketch } from '../../../../src/stages/dedupe/fingerprint.js';
import { textHash } from '../../../../src/stages/dedupe/normalize.js';
import type { DedupeIndex, DedupeKeys } from '../../../../src/stages/dedupe/types.js';
import type { StageContext } from '../../../../src/stages/types.js';
import { classifiedArticle } from './article-fixture.js';

function context() {
  const counts: Record<string, number> = {};
  const ctx: StageContext = {
    log: pino({ level: 'silent' }),
    signal: new AbortController().signal,
    now: () => new Date('2025-02-12T09:05:00Z'),
    count: (name, by = 1) => {
      counts[name] = (counts[name] ?? 0) + by;
    },
  };
  return { ctx, counts };
}

/** Records the keys it is asked about and answers with a fixed verdict. */
function recordingIndex(answer: DedupeResult): DedupeIndex & { seen: DedupeKeys[] } {
  const seen: DedupeKeys[] = [];
  return {
    seen,
    async checkAndInsert(keys) {
      seen.push(keys);
      return answer;
    },
  };
}

const nearDup: DedupeResult = {
  status: 'near-duplicate',
  duplicateOf: 'fedcba9876543210',
  clusterId: 'fedcba9876543210',
  similarity: 0.83,
  reason: 'near-text',
  updateOf: null,
};

describe('dedupeArticle', () => {
  it('checks the article by its canonical URL, feed item, text hash and fingerprint', async () => {
    const index = recordingIndex({ ...nearDup, status: 'unique', duplicateOf: null, clusterId: '0123456789abcdef', similarity: null, reason: null });
    const article = classifiedArticle({ canonicalUrl: 'https://News.Example.com/ports/strike?fbclid=abc' });
    await dedupeArticle({ runId: 'run1', article }, context().ctx, { index, pipelineVersion: '0.1.0' });
    const [keys] = index.seen;
    expect(keys).toMatchObject({
      id: '0123456789abcdef',
      canonicalUrl: 'https://news.example.com/ports/strike',
      feedItemKey: 'example-news\u0000guid-42',
      textHash: textHash(article.text),
    });
    expect(decodeSketch(keys!.fingerprint!)?.size).toBeGreaterThan(5);
  });

  it('emits exactly one sink job with a valid record carrying the verdict, and counts the outcome', async () => {
    const { ctx, counts } = context();
    const article = classifiedArticle();
    const result = await dedupeArticle({ runId: 'run-7', article }, ctx, { index: recordingIndex(nearDup), pipelineVersion: '0.3.1' });
    expect('emit' in result && result.emit).toHaveLength(1);
    const [job] = 'emit' in result ? result.emit : [];
    expect(job).toMatchObject({ queue: 'sink', id: 'sink-0123456789abcdef-run-7' });
    const payload = SinkPayloadSchema.parse(job!.payload);
    expect(payload.runId).toBe('run-7');
    expect(ArticleRecordSchema.parse(payload.record)).toMatchObject({
      id: article.id,
      lang: 'en',
      dedupe: nearDup,
      pipelineVersion: '0.3.1',
      schemaVersion: 1,
      topics: article.classification.topics,
    });
    expect(counts).toEqual({ 'near-duplicate': 1 });
  });

  it('checks text-less articles by URL and feed item only', async () => {
    const index = recordingIndex({ ...nearDup, status: 'duplicate', reason: 'url', similarity: 1 });
    await dedupeArticle({ runId: 'r', article: classifiedArticle({ text: ' \n ' }) }, context().ctx, { index, pipelineVersion: '1' });
    expect(index.seen[0]).toMatchObject({ textHash: '', fingerprint: null });
  });

  it('turns an index failure into a retryable error', async () => {
    const index: DedupeIndex = {
      checkAndInsert: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:6379')),
    };
    const err = await dedupeArticle({ runId: 'r', article: classifiedArticle() }, context().ctx, { index, pipelineVersion: '1' }).catch((e) => e);
    expect(err).toBeInstanceOf(NewsflowError);
    expect(err).toMatchObject({ kind: 'retryable', code: 'dedupe-index' });
  });
});
