// `newsflow crawl --once`: enqueue every feed (or one), run the pipeline in this process until drained, summarise.
import { loadFeeds } from '../config/load.js';
import type { Feed } from '../config/schema.js';
import { jobId } from '../domain/ids.js';
import type { Emit } from '../stages/types.js';
import { feedPayloadFields, type FetchFeedPayload } from '../jobs/payloads.js';
import { newRunId, runBatch, type WorkerHooks } from '../workers/pipeline.js';
import type { Runtime } from '../workers/runtime.js';
import type { RunSummary } from './summary.js';
import { InputError } from '../domain/errors.js';

export function feedJob(feed: Feed, runId: string, force = false): Emit {
  const payload: FetchFeedPayload = {
    runId,
    ...feedPayloadFields(feed),
    force,
    scheduled: false,
  };
  return { queue: 'fetch-feed', id: jobId('fetch-feed', feed.id, runId), payload };
}

export interface CrawlOptions {
  feedId?: string | undefined;
  force?: boolean;
  signal?: AbortSignal;
  /** Observers of every job of this crawl's workers (e.g. the metrics of `PipelineMetrics.hooks`). */
  hooks?: WorkerHooks;
}

export async function crawlOnce(rt: Runtime, options: CrawlOptions = {}): Promise<RunSummary> {
  const all = loadFeeds(rt.loaded.paths.feedsFile);
  const feeds = options.feedId ? all.filter((f) => f.id === options.feedId) : all;
  if (options.feedId && feeds.length === 0) throw new InputError(`no feed with id "${options.feedId}" in ${rt.loaded.paths.feedsFile}`);
  const runId = newRunId('crawl');
  return runBatch(rt, runId, feeds.map((f) => feedJob(f, runId, options.force)), { hooks: options.hooks, signal: options.signal });
}
