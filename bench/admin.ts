// Cost of the operations surface per job and per scrape, as ratios against baselines measured in the same run:
//  - a log line through newsflow's logger (secrets scrubbed at any depth) vs plain pino with the same options;
//  - the metrics hooks of one job vs calling no-op hooks;
//  - rendering /metrics (Redis reads of 7 queues + serialisation) vs serialisation alone.
//   npx tsx bench/admin.ts [--lines N]
import { Writable } from 'node:stream';
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { createLogger } from '../src/infra/logger.js';
import { deleteKeysMatching } from '../src/infra/redis.js';
import { PipelineMetrics } from '../src/infra/metrics.js';
import { STAGES } from '../src/jobs/names.js';

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const LINES = Number(arg('lines') ?? 50_000);

const sink = () =>
  new Writable({
    write(_chunk, _enc, done) {
      done();
    },
  });

function time(label: string, n: number, fn: (i: number) => void): number {
  for (let i = 0; i < Math.min(n, 2000); i++) fn(i); // warm-up
  const t0 = performance.now();
  for (let i = 0; i < n; i++) fn(i);
  const us = ((performance.now() - t0) * 1000) / n;
  console.log(`${label.padEnd(52)} ${us.toFixed(2).padStart(8)} µs/op`);
  return us;
}

async function timeAsync(label: string, n: number, fn: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 5; i++) await fn();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await fn();
  const us = ((performance.now() - t0) * 1000) / n;
  console.log(`${label.padEnd(52)} ${us.toFixed(1).padStart(8)} µs/op`);
  return us;
}

// Log lines as the worker shell writes them: a child bound to stage, job and feed, and an occasional error.
const ours = createLogger({ level: 'info', pretty: false, destination: sink() });
const plain = pino({ level: 'info', base: { pid: process.pid } }, sink());
const err = new Error('HTTP 503 from https://example.org/feed.xml');
const line = (log: pino.Logger) => (i: number) => {
  const job = log.child({ stage: 'fetch-article', jobId: `fetch-article:${i}`, feedId: 'harbor-ledger-world', articleId: 'a1b2c3d4e5f60718' });
  if (i % 10 === 0) job.warn({ err, code: 'http-server-error', kind: 'retryable', attempt: 2 }, 'stage failed');
  else job.info({ reason: 'already-written', url: 'https://example.org/a/1?utm_source=rss' }, 'dropped');
};
console.log(`log lines (${LINES}, 1 in 10 with an error)`);
const basePino = time('  plain pino', LINES, line(plain));
const scrubbed = time('  newsflow logger (scrubbing secrets)', LINES, line(ours));
console.log(`  ratio newsflow/plain: ${(scrubbed / basePino).toFixed(2)}`);

console.log('metrics hooks per job (3 counters + outcome)');
const metrics = new PipelineMetrics({ processMetrics: false });
const noop = { onCount: (_s: string, _n: string, _b: number) => {}, onOutcome: (_s: string, _o: string, _sec: number) => {} };
const job = (h: typeof noop) => (i: number) => {
  h.onCount('fetch-feed', 'feeds-fetched', 1);
  h.onCount('fetch-feed', 'items-new', 3);
  h.onCount('dedupe', i % 5 ? 'unique' : 'duplicate', 1);
  h.onOutcome('fetch-feed', 'completed', 0.05 + (i % 100) / 100);
};
const baseHooks = time('  no-op hooks', LINES * 4, job(noop));
const realHooks = time('  PipelineMetrics hooks', LINES * 4, job(metrics.hooks as unknown as typeof noop));
console.log(`  extra per job: ${(realHooks - baseHooks).toFixed(2)} µs`);

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const redis = new Redis(url, { maxRetriesPerRequest: 1, lazyConnect: true });
redis.on('error', () => {});
const reachable = await redis.connect().then(
  () => true,
  () => false,
);
if (!reachable) {
  console.log(`/metrics render: skipped (no Redis at ${url})`);
} else {
  const prefix = `{bench-admin-${process.pid}}`;
  const queues = Object.fromEntries([...STAGES, 'dead-letter'].map((n) => [n, new Queue(n, { connection: redis, prefix })]));
  console.log('/metrics render, 7 queues');
  const alone = new PipelineMetrics();
  const serialise = await timeAsync('  serialisation only', 200, () => alone.registry.metrics());
  const watched = new PipelineMetrics();
  watched.watch({ queues, pausedFeeds: () => redis.scard(`${prefix}:fetch:fetch:paused`) });
  const full = await timeAsync('  Redis reads + serialisation', 200, () => watched.render());
  console.log(`  ratio full/serialisation: ${(full / serialise).toFixed(2)}`);
  await Promise.all(Object.values(queues).map((q) => q.close()));
  await deleteKeysMatching(redis, `${prefix}*`);
}
redis.disconnect();
