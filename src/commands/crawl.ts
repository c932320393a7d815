// `newsflow crawl --once`: enqueue every feed (or one), run the pipeline in this process until drained, summarise.
import { loadFeeds } from '../config/load.js';
import type { Feed } from '../config/schema.js';
import { enqueue } from '../jobs/queues.js';
import { jobId } from '../domain/ids.js';
import type { Emit } from '../stages/types.js';
import type { FetchFeedPayload } from '../jobs/payloads.js';
import { closeWorkers } from '../workers/shutdown.js';
import { newRunId, startWorkers, waitUntilDrained, type WorkerHooks } from '../workers/pipeline.js';
import type { Runtime } from '../workers/runtime.js';
import type { RunSummary } from './summary.js';

export function feedJob(feed: Feed, runId: string, force = false): Emit {
  const payload: FetchFeedPayload = {
    runId,
    feedId: feed.id,
    url: feed.url,
    title: feed.title ?? null,
    fullText: feed.fullText,
    force,
    scheduled: false,
    adaptive: feed.interval === 'auto',
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
  if (options.feedId && feeds.length === 0) throw new Error(`no feed with id "${options.feedId}" in ${rt.loaded.paths.feedsFile}`);
  const runId = newRunId('crawl');
  const started = Date.now();
  const workers = await startWorkers(rt, undefined, options.hooks);
  try {
    await enqueue(rt.queues, feeds.map((f) => feedJob(f, runId, options.force)));
    await waitUntilDrained(rt, { signal: options.signal });
  } finally {
    await closeWorkers(workers, rt.loaded.config.workers.shutdownGraceMs, rt.log);
  }
  return { runId, seconds: (Date.now() - started) / 1000, counts: await rt.stats.get(runId), outDir: rt.outDir };
}
