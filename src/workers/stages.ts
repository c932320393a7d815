// Wiring: each stage core bound to its I/O (Redis-backed stores, the raw store, the output) as a StageDefinition.
import type { StageName } from '../jobs/names.js';
import { PAYLOAD_SCHEMAS, type CleanPayload, type ClassifyPayload, type DedupePayload } from '../jobs/payloads.js';
import type { JournalEntry, JournalStage } from '../infra/journal.js';
import { sinkRecord } from '../stages/sink/sink-record.js';
import { dedupeArticle } from '../stages/dedupe/dedupe-article.js';
import { cleanArticle } from '../stages/clean/clean-article.js';
import { classifyArticle } from '../stages/classify/classify-article.js';
import { loadClassifier } from '../stages/classify/classifier.js';
import { fetchFeed } from '../stages/fetch/fetch-feed.js';
import { fetchArticle } from '../stages/fetch/fetch-article.js';
import { createFetchDeps } from '../infra/fetch-state.js';
import { createRedisDedupeIndex } from '../infra/dedupe-index.js';
import type { Runtime } from './runtime.js';
import type { StageDefinition } from './shell.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyStageDefinition = StageDefinition<any>;

type JournaledPayload = CleanPayload | ClassifyPayload | DedupePayload;

/** What a replay needs of a stage input: the payload without the run it came in. */
function journalEntry(payload: JournaledPayload): JournalEntry {
  const { runId: _, ...rest } = payload;
  if ('article' in payload) {
    const a = payload.article;
    return { articleId: a.id, feedId: a.source.id, fetchedAt: a.fetchedAt, payload: rest };
  }
  return { articleId: payload.articleId, feedId: payload.source.id, fetchedAt: payload.fetchedAt, payload: rest };
}

export async function createStageDefinitions(rt: Runtime): Promise<Record<StageName, AnyStageDefinition>> {
  const { config } = rt.loaded;
  const fetchDeps = createFetchDeps(rt.redis.client, `${rt.root}:fetch`, config.fetch, rt.raw);
  const classifier = loadClassifier(config.classify, rt.loaded.paths.classifyBaseDir);
  const dedupeIndex = createRedisDedupeIndex(rt.redis.client, rt.dedupeRoot, config.dedupe);
  const journaled = <P extends JournaledPayload>(stage: JournalStage, def: AnyStageDefinition): AnyStageDefinition => ({
    ...def,
    run: async (payload: P, ctx) => {
      const result = await def.run(payload, ctx);
      if (rt.journal && 'emit' in result) await rt.journal.append(stage, journalEntry(payload));
      return result;
    },
  });
  return {
    'fetch-feed': { name: 'fetch-feed', schema: PAYLOAD_SCHEMAS['fetch-feed'], run: (p, ctx) => fetchFeed(p, ctx, fetchDeps) },
    'fetch-article': { name: 'fetch-article', schema: PAYLOAD_SCHEMAS['fetch-article'], run: (p, ctx) => fetchArticle(p, ctx, fetchDeps) },
    clean: journaled('clean', {
      name: 'clean',
      schema: PAYLOAD_SCHEMAS.clean,
      run: (p: CleanPayload, ctx) => cleanArticle(p, ctx, { raw: rt.raw, config: config.clean }),
    }),
    classify: journaled('classify', {
      name: 'classify',
      schema: PAYLOAD_SCHEMAS.classify,
      run: (p: ClassifyPayload, ctx) => classifyArticle(p, ctx, { classifier }),
    }),
    dedupe: journaled('dedupe', {
      name: 'dedupe',
      schema: PAYLOAD_SCHEMAS.dedupe,
      run: (p: DedupePayload, ctx) => dedupeArticle(p, ctx, { index: dedupeIndex, pipelineVersion: rt.pipelineVersion }),
    }),
    sink: { name: 'sink', schema: PAYLOAD_SCHEMAS.sink, run: (p, ctx) => sinkRecord(p, ctx, { output: rt.output }) },
  };
}
