// The classify stage core: labels a cleaned article and hands it to dedupe.
import type { ClassifyPayload } from '../../jobs/payloads.js';
import { jobId } from '../../domain/ids.js';
import type { ClassifiedArticle } from '../../domain/record.js';
import type { StageContext, StageResult } from '../types.js';
import type { Classifier } from './types.js';
import { poison } from '../../domain/errors.js';

export async function classifyArticle(
  payload: ClassifyPayload,
  ctx: StageContext,
  deps: { classifier: Classifier },
): Promise<StageResult> {
  const { article } = payload;
  let classification;
  try {
    classification = deps.classifier.classify({
      title: article.title,
      text: article.text,
      langHint: article.langHint,
      sourceId: article.source.id,
      url: article.canonicalUrl || article.url,
    });
  } catch (err) {
    // Classification is pure computation on the payload: failing once means failing on every retry.
    throw poison('classify-failed', `classifying article ${article.id} failed: ${(err as Error).message}`, { cause: err });
  }
  ctx.count('classified');
  if (classification.rules.length) ctx.count('rule-matches', classification.rules.length);
  if (classification.needsReview) ctx.count('needs-review');
  ctx.log.debug(
    { lang: classification.lang, topics: classification.topics.map((t) => t.label), rules: classification.rules.map((r) => r.rule) },
    'classified',
  );
  const out: ClassifiedArticle = { ...article, classification };
  return { emit: [{ queue: 'dedupe', id: jobId('dedupe', article.id, payload.runId), payload: { runId: payload.runId, article: out } }] };
}
