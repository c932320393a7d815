// What the worker hooks and stage counters become in the Prometheus text of a process.
import type { Job, Queue } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { PipelineMetrics } from '../../../src/infra/metrics.js';

const line = (text: string, sample: string) => text.split('\n').find((l) => l.startsWith(`${sample} `))?.split(' ')[1];

describe('PipelineMetrics', () => {
  it('turns job outcomes and run counters into counters and histograms with bounded labels', async () => {
    const m = new PipelineMetrics({ processMetrics: false });
    const { onOutcome, onCount, onFinalFailure } = m.hooks;
    onCount('fetch-feed', 'feeds-fetched', 1);
    onCount('fetch-feed', 'items-new', 5);
    onOutcome('fetch-feed', 'completed', 0.2);
    onCount('fetch-feed', 'feeds-not-modified', 1);
    onOutcome('fetch-feed', 'completed', 0.03);
    onOutcome('fetch-feed', 'failed', 1.5, 'http-not-found');
    onOutcome('fetch-article', 'failed', 0.7, 'timeout');
    onCount('fetch-article', 'articles-robots-disallowed', 1);
    onCount('dedupe', 'unique', 1);
    onCount('dedupe', 'near-duplicate', 1);
    onCount('sink', 'articles-written', 2);
    onCount('sink', 'dedupe-unique', 1);
    onOutcome('sink', 'dropped', 0.001);
    await onFinalFailure({ queueName: 'fetch-feed' } as Job, { kind: 'permanent', code: 'http-not-found', message: 'gone' });

    const { contentType, body } = await m.render();
    expect(contentType).toContain('text/plain');
    expect(line(body, 'newsflow_fetches_total{kind="feed",outcome="ok"}')).toBe('1');
    expect(line(body, 'newsflow_fetches_total{kind="feed",outcome="not_modified"}')).toBe('1');
    expect(line(body, 'newsflow_fetches_total{kind="feed",outcome="http-not-found"}')).toBe('1');
    expect(line(body, 'newsflow_fetches_total{kind="article",outcome="timeout"}')).toBe('1');
    expect(line(body, 'newsflow_fetches_total{kind="article",outcome="robots_disallowed"}')).toBe('1');
    expect(line(body, 'newsflow_feed_items_new_total')).toBe('5');
    expect(line(body, 'newsflow_dedupe_outcomes_total{status="unique"}')).toBe('1');
    expect(line(body, 'newsflow_dedupe_outcomes_total{status="near-duplicate"}')).toBe('1');
    expect(line(body, 'newsflow_dedupe_outcomes_total{status="duplicate"}')).toBe('0');
    expect(line(body, 'newsflow_articles_written_total')).toBe('2');
    expect(line(body, 'newsflow_stage_jobs_total{stage="fetch-feed",outcome="completed"}')).toBe('2');
    expect(line(body, 'newsflow_stage_jobs_total{stage="fetch-feed",outcome="failed"}')).toBe('1');
    expect(line(body, 'newsflow_stage_jobs_total{stage="sink",outcome="dropped"}')).toBe('1');
    expect(line(body, 'newsflow_stage_jobs_total{stage="clean",outcome="completed"}')).toBe('0');
    expect(line(body, 'newsflow_stage_jobs_failed_final_total{stage="fetch-feed",code="http-not-found"}')).toBe('1');
    expect(line(body, 'newsflow_stage_events_total{stage="sink",event="dedupe-unique"}')).toBe('1');
    // 0.03 s and 0.2 s fall in the 0.05 s and 0.25 s buckets.
    expect(line(body, 'newsflow_stage_duration_seconds_bucket{le="0.05",stage="fetch-feed",outcome="completed"}')).toBe('1');
    expect(line(body, 'newsflow_stage_duration_seconds_bucket{le="0.25",stage="fetch-feed",outcome="completed"}')).toBe('2');
    expect(line(body, 'newsflow_stage_duration_seconds_sum{stage="fetch-feed",outcome="completed"}')).toBe('0.23');
    // No process metrics were asked for; without sources, no queue gauges.
    expect(body).not.toContain('newsflow_process_');
    expect(body).not.toMatch(/^newsflow_queue_jobs\{/m);
  });

  it('still answers a scrape when Redis cannot be read, and counts the failure', async () => {
    const m = new PipelineMetrics({ processMetrics: false });
    const broken = { getJobCounts: () => Promise.reject(new Error('Connection is closed.')) } as unknown as Queue;
    m.watch({ queues: { clean: broken }, pausedFeeds: () => Promise.reject(new Error('Connection is closed.')) });
    const { body } = await m.render();
    expect(line(body, 'newsflow_metrics_collect_errors_total{source="queues"}')).toBe('1');
    expect(line(body, 'newsflow_metrics_collect_errors_total{source="feeds"}')).toBe('1');
    expect(body).not.toMatch(/^newsflow_queue_jobs\{/m);
    // prom-client spells NaN "Nan"; Prometheus reads it (case-insensitively) as NaN: unknown, not zero.
    expect(line(body, 'newsflow_feeds_paused')).toBe('Nan');
  });

  it('exports process metrics under the newsflow_ prefix', async () => {
    const { body } = await new PipelineMetrics().render();
    expect(body).toMatch(/^newsflow_process_cpu_seconds_total \d/m);
    expect(body).toMatch(/^newsflow_nodejs_heap_size_used_bytes \d/m);
  });
});
