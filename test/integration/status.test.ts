// `newsflow status` after a crawl of the sample sources plus a feed that fails: real Redis, real HTTP, and the
// command line's `status --json`.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildProgram } from '../../src/cli.js';
import { formatStatus } from '../../src/admin/format-status.js';
import { crawlOnce } from '../../src/commands/crawl.js';
import { collectStatus, type StatusReport } from '../../src/commands/status.js';
import type { RunSummary } from '../../src/commands/summary.js';
import { sampleFeeds, startSampleServer, type SampleServer } from '../../src/demo/sample-server.js';
import { syncSchedules } from '../../src/jobs/schedules.js';
import { loadFeeds } from '../../src/config/load.js';
import { REDIS_URL } from '../helpers/redis.js';
import { openTestRuntime, type TestRuntime } from '../helpers/runtime.js';

let sample: SampleServer;
let rt: TestRuntime;
let summary: RunSummary;

beforeAll(async () => {
  sample = await startSampleServer();
  const feeds = [...sampleFeeds(sample.baseUrl), { id: 'gone-feed', url: `${sample.baseUrl}/no-such-feed.rss`, title: 'A feed that moved away' }];
  rt = await openTestRuntime('status', { feeds, tweak: (c) => void (c.fetch.politeness.minDelayMs = 20) });
  summary = await crawlOnce(rt);
  // Schedules after the crawl: their delayed jobs would keep the crawl from draining.
  await syncSchedules(rt, loadFeeds(rt.loaded.paths.feedsFile));
});
afterAll(async () => {
  await rt?.dispose();
  await sample?.close();
});

function checkReport(report: StatusReport): void {
  const ids = report.feeds.map((f) => f.id);
  expect(ids).toHaveLength(4);
  // Worst first: the failing feed leads.
  const [worst, ...rest] = report.feeds;
  expect(worst!.id).toBe('gone-feed');
  expect(worst!.condition).toBe('failing');
  expect(worst!.consecutiveFailures).toBe(1);
  expect(worst!.lastErrorCode).toBe('http-not-found');
  expect(worst!.lastSuccessAt).toBeNull();
  expect(worst!.itemsLastDay).toBe(0);
  for (const f of rest) {
    expect(f.condition).toBe('ok');
    expect(f.consecutiveFailures).toBe(0);
    expect(Date.parse(f.lastSuccessAt!)).toBeGreaterThan(Date.parse(report.at) - 10 * 60_000);
    expect(f.itemsLastDay).toBeGreaterThan(0);
  }
  // The items counted per feed add up to the crawl's new items.
  expect(report.feeds.reduce((n, f) => n + f.itemsLastDay, 0)).toBe(summary.counts['items-new']);
  for (const f of report.feeds) expect(Date.parse(f.nextPollAt!)).toBeGreaterThan(Date.parse(report.at) - 60_000);

  const byQueue = new Map(report.queues.map((q) => [q.queue, q]));
  expect([...byQueue.keys()]).toEqual(['fetch-feed', 'fetch-article', 'clean', 'classify', 'dedupe', 'sink', 'dead-letter']);
  const sink = byQueue.get('sink')!;
  expect(sink.counts.completed).toBe(summary.counts['articles-written']);
  expect(sink.counts.waiting + sink.counts.active).toBe(0);
  // Everything happened within the window, so throughput equals what the queues hold as finished.
  expect(sink.completedInWindow).toBe(summary.counts['articles-written']);
  const fetchFeed = byQueue.get('fetch-feed')!;
  expect(fetchFeed.completedInWindow).toBe(3);
  expect(fetchFeed.failedInWindow).toBe(1);
  expect(fetchFeed.counts.failed).toBe(1);
}

describe('newsflow status', () => {
  it('reports queues, throughput and feeds worst first', async () => {
    const report = await collectStatus(rt);
    checkReport(report);
    const text = formatStatus(report);
    const lines = text.split('\n');
    const feedHeader = lines.findIndex((l) => l.startsWith('feed '));
    // Its schedule's first tick is due, but the failure's backoff holds the poll back, and the line says so.
    expect(lines[feedHeader + 1]).toMatch(/^gone-feed\s+failing\s+1\s+-\s+(in \d+[smhd] \(backoff\)|due)\s+0\s+\d+s ago http-not-found/);
    expect(lines.find((l) => l.startsWith('sink '))).toMatch(new RegExp(`\\s${summary.counts['articles-written']}\\s+${summary.counts['articles-written']}\\s+0$`));
  });

  it('prints the same report as JSON from the command line', async () => {
    const configFile = path.join(rt.dataDir, 'config.yaml');
    writeFileSync(
      configFile,
      YAML.stringify({ dataDir: rt.dataDir, feedsFile: rt.loaded.paths.feedsFile, redis: { url: REDIS_URL, prefix: rt.prefix, autoStart: false }, log: { level: 'warn' } }),
    );
    // The command as the CLI parses and runs it, in this process; stdout is captured.
    const written: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    try {
      await buildProgram().parseAsync([process.execPath, 'newsflow', '--config', configFile, '--feeds', rt.loaded.paths.feedsFile, 'status', '--json']);
    } finally {
      write.mockRestore();
    }
    checkReport(JSON.parse(written.join('')) as StatusReport);
  });
});
