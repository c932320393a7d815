// The dedupe stage core: check the article against the shared index (atomically inserting it), then hand the
// finished record to the sink. Every article goes on, marked; analysts filter on dedupe.status.
import { buildRecord } from '../../domain/build-record.js';
import { NewsflowError, retryable } from '../../domain/errors.js';
import { jobId } from '../../domain/ids.js';
import type { DedupeResult } from '../../domain/record.js';
import type { DedupePayload, SinkPayload } from '../../jobs/payloads.js';
import type { StageContext, StageResult } from '../types.js';
import { dedupeKeysOf } from './dedupe-keys.js';
import type { DedupeIndex } from './types.js';

export interface DedupeDeps {
  index: DedupeIndex;
  pipelineVersion: string;
}

export async function dedupeArticle(payload: DedupePayload, ctx: StageContext, deps: DedupeDeps): Promise<StageResult> {
  const { article, runId } = payload;
  let dedupe: DedupeResult;
  try {
    dedupe = await deps.index.checkAndInsert(dedupeKeysOf(article));
  } catch (err) {
    if (err instanceof NewsflowError) throw err;
    throw retryable('dedupe-index', `dedupe index check failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  ctx.count(dedupe.status);
  if (dedupe.status !== 'unique') {
    ctx.log.debug({ articleId: article.id, dedupe }, 'article is a copy');
  }
  const sink: SinkPayload = { runId, record: buildRecord(article, dedupe, deps.pipelineVersion) };
  return { emit: [{ queue: 'sink', id: jobId('sink', article.id, runId), payload: sink }] };
}
