import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { createQueues, closeQueues, type Queues } from '../../src/jobs/queues.js';
import { RunStats } from '../../src/infra/run-stats.js';
import { createLogger } from '../../src/infra/logger.js';
import { permanent, retryable } from '../../src/domain/errors.js';
import { startStageWorker, backoffDelay, codeOfFailure } from '../../src/workers/shell.js';
import { closeWorkers } from '../../src/workers/shutdown.js';
import { dropPrefix, testRedis, uniquePrefix } from '../helpers/redis.js';
import type { Worker } from 'bullmq';

const prefix = uniquePrefix('shell');
const log = createLogger({ level: 'silent', pretty: false });
let redis: Redis;
let queues: Queues;
let stats: RunStats;
const workers: Worker[] = [];

const Payload = z.object({ runId: z.string(), n: z.number() });

beforeAll(() => {
  redis = testRedis();
  queues = createQueues(redis, prefix, { attempts: 3, backoffMs: 20 });
  stats = new RunStats(redis, `{${prefix}}`);
});
afterAll(async () => {
  await closeWorkers(workers, 2000, log);
  await closeQueues(queues);
  await dropPrefix(redis, prefix);
  await redis.quit();
});

async function until(check: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('worker shell', () => {
  it('runs a stage core, enqueues what it emits under its ids, counts drops, and fails bad payloads without retry', async () => {
    const base = { connection: redis, prefix, queues, stats, log, concurrency: 2 };
    let attemptsOfFlaky = 0;
    workers.push(
      startStageWorker(
        {
          name: 'clean',
          schema: Payload,
          run: async (p, ctx) => {
            ctx.count('seen');
            if (p.n === 0) return { drop: 'zero' };
            if (p.n === 7) throw permanent('http-404', 'gone');
            if (p.n === 9 && ++attemptsOfFlaky < 3) throw retryable('http-503', 'try later');
            return { emit: [{ queue: 'classify', id: `classify-${p.n}-${p.runId}`, payload: { runId: p.runId, n: p.n * 10 } }] };
          },
        },
        base,
      ),
    );
    const run = 'r1';
    await queues.clean.addBulk([
      { name: 'clean', data: { runId: run, n: 1 }, opts: { jobId: 'clean-1' } },
      { name: 'clean', data: { runId: run, n: 0 }, opts: { jobId: 'clean-0' } },
      { name: 'clean', data: { runId: run, n: 7 }, opts: { jobId: 'clean-7' } },
      { name: 'clean', data: { runId: run, n: 9 }, opts: { jobId: 'clean-9' } },
      { name: 'clean', data: { runId: run, wrong: true }, opts: { jobId: 'clean-bad' } },
    ]);
    await until(async () => (await queues.clean.getJobCounts('completed')).completed === 3 && (await queues.clean.getJobCounts('failed')).failed === 2);
    const emitted = await queues.classify.getJobs(['waiting']);
    expect(emitted.map((j) => [j.id, j.data.n]).sort()).toEqual([
      ['classify-1-r1', 10],
      ['classify-9-r1', 90],
    ]);
    const gone = await queues.clean.getJob('clean-7');
    expect(gone?.attemptsMade).toBe(1);
    expect(codeOfFailure(gone?.failedReason)).toBe('http-404');
    const bad = await queues.clean.getJob('clean-bad');
    expect(codeOfFailure(bad?.failedReason)).toBe('bad-payload');
    expect(bad?.failedReason).toMatch(/n: /);
    expect(attemptsOfFlaky).toBe(3);
    await until(async () => (await stats.get(run)).errors === 2);
    const counts = await stats.get(run);
    expect(counts['dropped-zero']).toBe(1);
    expect(counts.seen).toBe(6); // n=1, 0, 7 once each, n=9 three times; the bad payload never reaches the core
  });
});

describe('backoffDelay', () => {
  it('grows exponentially with jitter and never waits less than Retry-After asked', () => {
    for (let attempt = 1; attempt <= 5; attempt++) {
      const d = backoffDelay(attempt, 1000);
      expect(d).toBeGreaterThanOrEqual(1000 * 2 ** (attempt - 1) * 0.5);
      expect(d).toBeLessThanOrEqual(1000 * 2 ** (attempt - 1));
    }
    expect(backoffDelay(1, 1000, retryable('http-429', 'slow down', { retryAfterMs: 30_000 }))).toBe(30_000);
  });
});
