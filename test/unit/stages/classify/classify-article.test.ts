import { describe, expect, it } from 'vitest';
import pino from 'pino';
import { classifyArticle } from '../../../../src/stages/classify/classify-article.js';
import type { Classifier } from '../../../../src/stages/classify/types.js';
import type { ClassifyPayload } from '../../../../src/jobs/payloads.js';
import { ClassifyPayloadSchema, DedupePayloadSchema } from '../../../../src/jobs/payloads.js';
import { loadClassifier } from '../../../../src/stages/classify/classifier.js';
import { ClassifyConfigSchema } from '../../../../src/stages/classify/config.js';
import path from 'node:path';

const payload: ClassifyPayload = ClassifyPayloadSchema.parse({
  runId: 'run1',
  article: {
    id: 'a1b2c3d4e5f60718',
    url: 'https://example.org/news/1?utm_source=x',
    canonicalUrl: 'https://example.org/news/1',
    source: { id: 'example', title: 'Example', url: 'https://example.org/feed' },
    feedItemId: null,
    title: 'Leaders meet in Paris for an AI summit',
    author: null,
    publishedAt: '2025-02-10T09:00:00+01:00',
    fetchedAt: '2025-02-10T10:00:00+00:00',
    langHint: 'en',
    text: 'Heads of government from France, India and the United States met in Paris to discuss artificial intelligence and its regulation.',
    summary: null,
    images: [],
    rawRef: null,
  },
});

function context() {
  const counts = new Map<string, number>();
  return {
    counts,
    ctx: {
      log: pino({ level: 'silent' }),
      signal: new AbortController().signal,
      now: () => new Date('2025-02-10T10:00:00Z'),
      count: (name: string, by = 1) => counts.set(name, (counts.get(name) ?? 0) + by),
    },
  };
}

describe('classifyArticle', () => {
  it('emits exactly one dedupe job carrying the article and its classification', async () => {
    const classifier = loadClassifier(ClassifyConfigSchema.parse({}), path.resolve(__dirname, '../../../../config'));
    const { ctx, counts } = context();
    const result = await classifyArticle(payload, ctx, { classifier });
    expect('emit' in result).toBe(true);
    if (!('emit' in result)) return;
    expect(result.emit).toHaveLength(1);
    const [job] = result.emit;
    expect(job!.queue).toBe('dedupe');
    expect(job!.id).toBe('dedupe-a1b2c3d4e5f60718-run1');
    const out = DedupePayloadSchema.parse(job!.payload);
    expect(out.runId).toBe('run1');
    expect(out.article.title).toBe(payload.article.title);
    expect(out.article.classification.lang).toBe('en');
    expect(out.article.classification.rules.map((r) => r.rule)).toContain('ai-summit');
    expect(out.article.classification.entities.map((e) => e.id)).toEqual(expect.arrayContaining(['FR', 'IN', 'US']));
    expect(counts.get('classified')).toBe(1);
  });

  it('passes the article fields the classifier reads', async () => {
    let seen: unknown;
    const classifier: Classifier = {
      classify(input) {
        seen = input;
        return { lang: 'en', langConfidence: 1, topics: [], rules: [], entities: [], keywords: [], needsReview: false };
      },
    };
    await classifyArticle(payload, context().ctx, { classifier });
    expect(seen).toEqual({
      title: payload.article.title,
      text: payload.article.text,
      langHint: 'en',
      sourceId: 'example',
      url: 'https://example.org/news/1',
    });
  });

  it('classifies a long unbroken run with an e-mail address in linear time', async () => {
    // One token of 400,000 characters and an "@": the address pattern, tried at every position of the run, used to
    // read to the run's end each time (160,000 characters took 12 s; this size, minutes, past the job lock).
    const text = `Contact press@example.com for details. Transaction data: 0x${'ab12'.repeat(100_000)} end.`;
    const classifier = loadClassifier(ClassifyConfigSchema.parse({}), path.resolve(__dirname, '../../../../config'));
    const big = { ...payload, article: { ...payload.article, title: 'Transaction data published', text } };
    const result = await classifyArticle(big, context().ctx, { classifier });
    if (!('emit' in result)) throw new Error('expected an emitted job');
    const { keywords } = DedupePayloadSchema.parse(result.emit[0]!.payload).article.classification;
    expect(keywords).toEqual(expect.arrayContaining(['Transaction', 'details']));
    // The address is no keyword.
    expect(keywords.filter((k) => /press|example/i.test(k))).toEqual([]);
  });

  it('turns a classifier failure into a poison error that names the article', async () => {
    const classifier: Classifier = {
      classify() {
        throw new Error('boom');
      },
    };
    await expect(classifyArticle(payload, context().ctx, { classifier })).rejects.toMatchObject({
      kind: 'poison',
      code: 'classify-failed',
      message: expect.stringContaining('a1b2c3d4e5f60718'),
    });
  });
});
