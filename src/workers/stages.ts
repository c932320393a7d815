// Wiring: each stage core bound to its I/O (Redis-backed stores, the raw store, the output) as a StageDefinition.
import { STAGES, type StageName } from '../jobs/names.js';
import { PAYLOAD_SCHEMAS, type CleanPayload, type ClassifyPayload, type DedupePayload } from '../jobs/payloads.js';
import { journalsDrop, type JournalEntry, type JournalStage } from '../infra/journal.js';
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

/** What a replay needs of a stage input: the payload without the run it came in, and why it was dropped, if it was. */
function journalEntry(payload: JournaledPayload, dropped?: string): JournalEntry {
  const { runId: _, ...rest } = payload;
  const { articleId, feedId, fetchedAt } =
    'article' in payload
      ? { articleId: payload.article.id, feedId: payload.article.source.id, fetchedAt: payload.article.fetchedAt }
      : { articleId: payload.articleId, feedId: payload.source.id, fetchedAt: payload.fetchedAt };
  return { articleId, feedId, fetchedAt, ...(dropped === undefined ? {} : { dropped }), payload: rest };
}

export interface StageSet {
  definitions: Record<StageName, AnyStageDefinition>;
  /** Releases what the stages hold open (HTTP connection pools). */
  close(): Promise<void>;
}

/** Binds every stage core to its I/O; the dependencies of the stages named are built now, so bad rules stop start-up. */
export async function createStageDefinitions(rt: Runtime, stages: readonly StageName[] = STAGES): Promise<StageSet> {
  const { config } = rt.loaded;
  const lazy = <T>(make: () => T, eager: boolean): (() => T) => {
    let value: T | undefined;
    const get = () => (value ??= make());
    if (eager) get();
    return get;
  };
  const wants = (...names: StageName[]) => names.some((n) => stages.includes(n));
  const fetchDeps = lazy(() => createFetchDeps(rt.redis.client, rt.fetchRoot, config.fetch, rt.raw), wants('fetch-feed', 'fetch-article'));
  const classifier = lazy(() => loadClassifier(config.classify, rt.loaded.paths.classifyBaseDir), wants('classify'));
  const dedupeIndex = lazy(() => createRedisDedupeIndex(rt.redis.client, rt.dedupeRoot, config.dedupe, { readOnly: rt.dedupeReadOnly }), wants('dedupe'));
  // An input is journaled when the stage passes it on, and when it drops it for what it holds (a page without text),
  // so that a replay after a rule change can still make an article of it; see journalsDrop for the drops left out.
  const journaled = <P extends JournaledPayload>(stage: JournalStage, def: AnyStageDefinition): AnyStageDefinition => ({
    ...def,
    run: async (payload: P, ctx) => {
      const result = await def.run(payload, ctx);
      if (rt.journal && 'emit' in result) await rt.journal.append(stage, journalEntry(payload));
      else if (rt.journal && 'drop' in result && journalsDrop(result.drop)) await rt.journal.append(stage, journalEntry(payload, result.drop));
      return result;
    },
  });
  const definitions: Record<StageName, AnyStageDefinition> = {
    'fetch-feed': { name: 'fetch-feed', schema: PAYLOAD_SCHEMAS['fetch-feed'], run: (p, ctx) => fetchFeed(p, ctx, fetchDeps()) },
    'fetch-article': { name: 'fetch-article', schema: PAYLOAD_SCHEMAS['fetch-article'], run: (p, ctx) => fetchArticle(p, ctx, fetchDeps()) },
    clean: journaled('clean', {
      name: 'clean',
      schema: PAYLOAD_SCHEMAS.clean,
      run: (p: CleanPayload, ctx) => cleanArticle(p, ctx, { raw: rt.raw, config: config.clean }),
    }),
    classify: journaled('classify', {
      name: 'classify',
      schema: PAYLOAD_SCHEMAS.classify,
      run: (p: ClassifyPayload, ctx) => classifyArticle(p, ctx, { classifier: classifier() }),
    }),
    dedupe: journaled('dedupe', {
      name: 'dedupe',
      schema: PAYLOAD_SCHEMAS.dedupe,
      run: (p: DedupePayload, ctx) => dedupeArticle(p, ctx, { index: dedupeIndex(), pipelineVersion: rt.pipelineVersion }),
    }),
    sink: { name: 'sink', schema: PAYLOAD_SCHEMAS.sink, run: (p, ctx) => sinkRecord(p, ctx, { output: rt.output }) },
  };
  return {
    definitions,
    close: async () => {
      if (wants('fetch-feed', 'fetch-article')) await fetchDeps().http.close();
    },
  };
}
