// Prometheus metrics of one process (prom-client, a registry of its own): job outcomes and durations per stage from
// the worker shell's hooks, fetch/dedupe/output counters from the stage cores' run counters, and queue depths and
// paused feeds read from Redis at scrape time. Labels are bounded (stage, state, outcome, code), never URLs or feed ids.
import type { Queue } from 'bullmq';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { STAGES, type StageName } from '../jobs/names.js';
import type { WorkerHooks } from '../workers/pipeline.js';
import type { Logger } from './logger.js';

/** Job states shown per queue (BullMQ keeps the jobs of a paused queue as waiting). */
export const QUEUE_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'completed', 'failed'] as const;

/** What the scrape-time gauges read. */
export interface MetricsSources {
  /** Queues by name: every stage queue, plus e.g. the dead letters (their job counts are all that is read). */
  queues: Readonly<Record<string, Pick<Queue, 'getJobCounts'>>>;
  /** The number of feeds paused after repeated failures. */
  pausedFeeds?: () => Promise<number>;
  log?: Logger;
}

export interface MetricsOptions {
  /** Also export the process's CPU, memory, event loop and GC metrics (`newsflow_process_*`, `newsflow_nodejs_*`); default true. */
  processMetrics?: boolean;
}

const OUTCOMES = ['completed', 'dropped', 'failed'] as const;
const DEDUPE_STATUSES = ['unique', 'duplicate', 'near-duplicate'] as const;
const FETCH_KIND: Partial<Record<StageName, 'feed' | 'article'>> = { 'fetch-feed': 'feed', 'fetch-article': 'article' };

/** Run counters of the fetch stages that are fetch outcomes, by the label they get. */
const FETCH_OUTCOME_OF_COUNT: Record<string, string> = {
  'feeds-fetched': 'ok',
  'feeds-not-modified': 'not_modified',
  'articles-fetched': 'ok',
  'articles-robots-disallowed': 'robots_disallowed',
};

export class PipelineMetrics {
  readonly registry = new Registry();
  private readonly jobs: Counter<'stage' | 'outcome'>;
  private readonly failedFinal: Counter<'stage' | 'code'>;
  private readonly duration: Histogram<'stage' | 'outcome'>;
  private readonly fetches: Counter<'kind' | 'outcome'>;
  private readonly dedupe: Counter<'status'>;
  private readonly written: Counter;
  private readonly itemsNew: Counter;
  private readonly events: Counter<'stage' | 'event'>;
  private readonly collectErrors: Counter<'source'>;
  private readonly queueJobs: Gauge<'queue' | 'state'>;
  private readonly feedsPaused: Gauge;
  private sources: MetricsSources | null = null;

  constructor(options: MetricsOptions = {}) {
    const registers = [this.registry];
    this.jobs = new Counter({
      name: 'newsflow_stage_jobs_total',
      help: 'Jobs a stage finished in this process, by outcome; "failed" counts every failed attempt, retried or not.',
      labelNames: ['stage', 'outcome'],
      registers,
    });
    this.failedFinal = new Counter({
      name: 'newsflow_stage_jobs_failed_final_total',
      help: 'Jobs that failed for good (attempts used up, permanent or poison error), by stable error code.',
      labelNames: ['stage', 'code'],
      registers,
    });
    this.duration = new Histogram({
      name: 'newsflow_stage_duration_seconds',
      help: 'Time a stage spent on one job, by outcome.',
      labelNames: ['stage', 'outcome'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    });
    this.fetches = new Counter({
      name: 'newsflow_fetches_total',
      help: 'Feed polls and article page fetches, by outcome: ok, not_modified, robots_disallowed, or the error code.',
      labelNames: ['kind', 'outcome'],
      registers,
    });
    this.dedupe = new Counter({
      name: 'newsflow_dedupe_outcomes_total',
      help: 'Articles checked by the dedupe stage, by verdict.',
      labelNames: ['status'],
      registers,
    });
    this.written = new Counter({ name: 'newsflow_articles_written_total', help: 'Records appended to the output.', registers });
    this.itemsNew = new Counter({ name: 'newsflow_feed_items_new_total', help: 'New or changed feed items passed on by feed polls.', registers });
    this.events = new Counter({
      name: 'newsflow_stage_events_total',
      help: 'Every run counter a stage core adds to (classified, needs-review, items-empty, ...), by name.',
      labelNames: ['stage', 'event'],
      registers,
    });
    this.collectErrors = new Counter({
      name: 'newsflow_metrics_collect_errors_total',
      help: 'Scrapes whose reading of Redis failed; that scrape has no queue gauges, or NaN feeds paused.',
      labelNames: ['source'],
      registers,
    });
    this.queueJobs = new Gauge({
      name: 'newsflow_queue_jobs',
      help: 'Jobs in each queue by state, read from Redis at scrape time (shared by every process).',
      labelNames: ['queue', 'state'],
      registers,
    });
    this.feedsPaused = new Gauge({ name: 'newsflow_feeds_paused', help: 'Feeds paused after repeated fetch failures (shared by every process).', registers });
    // Known label sets start at zero, so a rate() works from the first scrape and dashboards show every stage.
    for (const stage of STAGES) for (const outcome of OUTCOMES) this.jobs.inc({ stage, outcome }, 0);
    for (const status of DEDUPE_STATUSES) this.dedupe.inc({ status }, 0);
    for (const kind of ['feed', 'article']) this.fetches.inc({ kind, outcome: 'ok' }, 0);
    this.fetches.inc({ kind: 'feed', outcome: 'not_modified' }, 0);
    if (options.processMetrics !== false) collectDefaultMetrics({ register: this.registry, prefix: 'newsflow_' });
  }

  /** Reads queue depths and paused feeds from these sources at each scrape. */
  watch(sources: MetricsSources): void {
    this.sources = sources;
  }

  /** Hooks for `startWorkers`, feeding the counters and histograms from every job of this process. */
  readonly hooks: Required<Pick<WorkerHooks, 'onOutcome' | 'onCount' | 'onFinalFailure'>> = {
    onOutcome: (stage, outcome, seconds, code) => {
      this.jobs.inc({ stage, outcome });
      this.duration.observe({ stage, outcome }, seconds);
      const kind = FETCH_KIND[stage];
      if (kind && outcome === 'failed') this.fetches.inc({ kind, outcome: code ?? 'internal' });
    },
    onCount: (stage, name, by) => {
      this.events.inc({ stage, event: name }, by);
      const kind = FETCH_KIND[stage];
      const fetchOutcome = kind ? FETCH_OUTCOME_OF_COUNT[name] : undefined;
      if (kind && fetchOutcome) this.fetches.inc({ kind, outcome: fetchOutcome }, by);
      if (stage === 'fetch-feed' && name === 'items-new') this.itemsNew.inc(by);
      if (stage === 'dedupe' && (DEDUPE_STATUSES as readonly string[]).includes(name)) this.dedupe.inc({ status: name }, by);
      if (stage === 'sink' && name === 'articles-written') this.written.inc(by);
    },
    onFinalFailure: async (job, error) => {
      this.failedFinal.inc({ stage: job.queueName, code: error.code });
    },
  };

  /** Reads the shared gauges from Redis, then returns the exposition text and its content type. */
  async render(): Promise<{ contentType: string; body: string }> {
    // Read before serialising (not in prom-client collect callbacks), so a failed read is counted in this scrape.
    await Promise.all([this.readQueues(), this.readPausedFeeds()]);
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  private async readQueues(): Promise<void> {
    this.queueJobs.reset();
    const queues = this.sources?.queues;
    if (!queues) return;
    try {
      const counts = await Promise.all(Object.values(queues).map((q) => q.getJobCounts(...QUEUE_STATES)));
      Object.keys(queues).forEach((queue, i) => {
        for (const state of QUEUE_STATES) this.queueJobs.set({ queue, state }, counts[i]![state] ?? 0);
      });
    } catch (err) {
      this.queueJobs.reset();
      this.collectFailed('queues', err);
    }
  }

  private async readPausedFeeds(): Promise<void> {
    // An unlabelled gauge is always exported; NaN says "unknown" where 0 would claim that no feed is paused.
    const read = this.sources?.pausedFeeds;
    if (!read) return this.feedsPaused.set(Number.NaN);
    try {
      this.feedsPaused.set(await read());
    } catch (err) {
      this.feedsPaused.set(Number.NaN);
      this.collectFailed('feeds', err);
    }
  }

  private collectFailed(source: string, err: unknown): void {
    this.collectErrors.inc({ source });
    this.sources?.log?.warn({ err, source }, 'could not read metrics from Redis');
  }
}
