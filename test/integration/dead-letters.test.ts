import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobId, shortId } from '../../src/domain/ids.js';
import { enqueue } from '../../src/jobs/queues.js';
import type { CleanPayload } from '../../src/jobs/payloads.js';
import { addDeadLetter, createDeadLetterQueue, listDeadLetters } from '../../src/jobs/dead-letters.js';
import { jobsFailed, jobsRetry } from '../../src/commands/jobs.js';
import { closeWorkers } from '../../src/workers/shutdown.js';
import { startWorkers, waitUntilDrained } from '../../src/workers/pipeline.js';
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { InputError, permanent } from '../../src/domain/errors.js';
import type { Job } from 'bullmq';
import { startStageWorker } from '../../src/workers/shell.js';
import { openTestRuntime, type TestRuntime } from '../helpers/runtime.js';
import { dropPrefix, testRedis } from '../helpers/redis.js';

let rt: TestRuntime;
beforeAll(async () => {
  rt = await openTestRuntime('dlq', { tweak: (c) => void (c.workers.attempts = 2) });
});
afterAll(async () => {
  await rt.dispose();
});

const page = (n: number) =>
  `<html><head><title>Report ${n}</title></head><body><article><h1>Report ${n}</h1><p>The harbour board published report number ${n} on Monday, describing repairs to quay ${n} and the dredging plan for the coming season in considerable detail.</p><p>Board members said the work on quay ${n} would be finished before the autumn storms, and that shipping would not be interrupted while it lasts.</p></article></body></html>`;

async function cleanJob(n: number, runId: string, store: boolean): Promise<{ emit: Parameters<typeof enqueue>[1][number]; body: Buffer }> {
  const body = Buffer.from(page(n));
  const url = `https://harbour.example/report-${n}`;
  const rawRef = store
    ? await rt.raw.put(body, { url, finalUrl: url, status: 200, headers: {}, fetchedAt: new Date().toISOString(), feedId: null, kind: 'file' })
    : createHash('sha256').update(body).digest('hex');
  const articleId = shortId('url', url);
  const payload: CleanPayload = {
    runId, articleId, url, source: { id: 'harbour', title: null, url: null },
    hints: { feedItemId: null, title: null, author: null, publishedAt: null, summary: null, images: [] },
    rawRef, format: 'html', fetchedAt: new Date().toISOString(),
  };
  return { emit: { queue: 'clean', id: jobId('clean', articleId, runId), payload }, body };
}

const written = () =>
  readdirSync(rt.outDir).flatMap((f) => readFileSync(path.join(rt.outDir, f), 'utf8').split('\n').filter(Boolean)).map((l) => JSON.parse(l).title as string);

describe('dead letters', () => {
  it('a poison job lands in the dead letters while others flow, and `jobs retry` after the fix delivers it once', async () => {
    const workers = await startWorkers(rt, ['clean', 'classify', 'dedupe', 'sink']);
    try {
      const good = await Promise.all(Array.from({ length: 20 }, (_, i) => cleanJob(i, 'run-a', true)));
      // Its raw payload is not in the store: the clean stage fails it permanently.
      const poisoned = await cleanJob(99, 'run-a', false);
      // And one whose payload is not even valid.
      const invalid = { queue: 'clean' as const, id: 'clean-invalid-run-a', payload: { runId: 'run-a', url: 42 } };
      await enqueue(rt.queues, [poisoned.emit, ...good.map((g) => g.emit), invalid]);
      await waitUntilDrained(rt, { timeoutMs: 30_000 });
      // The failed-event handler files the letters just after the jobs leave the queue.
      for (let i = 0; (await listDeadLetters(rt.deadLetters)).length < 2 && i < 100; i++) await new Promise((r) => setTimeout(r, 50));

      expect(written().filter((t) => t.startsWith('Report')).length).toBe(20);
      const letters = await listDeadLetters(rt.deadLetters);
      expect(letters.map((l) => [l.stage, l.code]).sort()).toEqual([
        ['clean', 'bad-payload'],
        ['clean', 'raw-missing'],
      ]);
      const missing = letters.find((l) => l.code === 'raw-missing')!;
      expect(missing.payload).toMatchObject({ url: 'https://harbour.example/report-99' });
      expect(await jobsFailed(rt, { stage: 'clean' })).toMatch(/raw-missing/);

      // The fix: the payload is stored after all. Retry that letter; it is written once.
      await rt.raw.put(poisoned.body, { url: 'x', finalUrl: 'x', status: 200, headers: {}, fetchedAt: new Date().toISOString(), feedId: null, kind: 'file' });
      expect(await jobsRetry(rt, { ids: [missing.id] })).toMatch(/sent 1 job back/);
      await waitUntilDrained(rt, { timeoutMs: 30_000 });
      expect(written().filter((t) => t === 'Report 99')).toHaveLength(1);
      expect((await listDeadLetters(rt.deadLetters)).map((l) => l.code)).toEqual(['bad-payload']);
      // A second retry of the same letter names it as unknown: it was sent back already.
      await expect(jobsRetry(rt, { ids: [missing.id] })).rejects.toThrow(new InputError(`no dead letter with id "${missing.id}"; nothing was sent back (\`newsflow jobs failed\` lists the ids)`));
    } finally {
      await closeWorkers(workers, 2000, rt.log);
    }
  });

  it('a job that fails for good while the workers shut down still gets its letter before Redis closes', async () => {
    const own = await openTestRuntime('dlq-shutdown', { tweak: (c) => void (c.workers.attempts = 1) });
    const redis = testRedis();
    let started!: () => void;
    const running = new Promise<void>((r) => (started = r));
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const order: string[] = [];
    try {
      const worker = startStageWorker(
        {
          name: 'clean',
          schema: z.object({ runId: z.string() }),
          run: async () => {
            started();
            await released;
            throw permanent('gone', 'fails for good');
          },
        },
        {
          connection: own.redis.client, prefix: own.prefix, queues: own.queues, stats: own.stats, log: own.log, concurrency: 1,
          // Filed only once the worker has closed, as a failure reported while `serve` shuts down is.
          onFinalFailure: async (job, e) => {
            await worker.close();
            await addDeadLetter(own.deadLetters, job, 'clean', e);
            order.push('letter filed');
          },
        },
      );
      await own.queues.clean.add('clean', { runId: 'run-s' }, { jobId: 'clean-s' });
      await running;
      // As `serve` shuts down: close the workers (the job fails meanwhile), then the queues and Redis.
      const shutdown = closeWorkers([worker], 3000, own.log).then(() => {
        order.push('workers closed');
        return own.close();
      });
      release();
      await shutdown;
      expect(order).toEqual(['letter filed', 'workers closed']);
      const dlq = createDeadLetterQueue(redis, own.prefix);
      expect((await listDeadLetters(dlq)).map((l) => [l.jobId, l.code])).toEqual([['clean-s', 'gone']]);
      await dlq.close();
    } finally {
      await own.close();
      await dropPrefix(redis, own.prefix);
      await redis.quit();
    }
  });

  it('`jobs retry` names ids that match no dead letter and sends nothing back, not even the ids that match', async () => {
    const own = await openTestRuntime('dlq-ids');
    try {
      const file = (id: string) => addDeadLetter(own.deadLetters, { id, data: { runId: 'run-i', url: `https://x.example/${id}` }, attemptsMade: 1 } as unknown as Job, 'clean', { code: 'raw-missing', message: 'gone' });
      await file('clean-1');
      await file('clean-2');
      const [one, two] = await listDeadLetters(own.deadLetters);

      await expect(jobsRetry(own, { ids: ['nosuchid'] })).rejects.toThrow(new InputError('no dead letter with id "nosuchid"; nothing was sent back (`newsflow jobs failed` lists the ids)'));
      await expect(jobsRetry(own, { ids: [one!.id, 'nosuch-1', 'nosuch-2'] })).rejects.toThrow('no dead letters with ids "nosuch-1", "nosuch-2"; nothing was sent back');
      // A letter of another stage than --stage is not one of that stage's.
      await expect(jobsRetry(own, { ids: [one!.id], stage: 'dedupe' })).rejects.toThrow(`no dead letter of stage dedupe with id "${one!.id}"`);
      expect(await listDeadLetters(own.deadLetters)).toHaveLength(2);
      expect(await own.queues.clean.getJobCountByTypes('waiting')).toBe(0);

      // By letter id or by the original job id.
      expect(await jobsRetry(own, { ids: [one!.id, two!.jobId] })).toBe('sent 2 jobs back: clean/clean-1, clean/clean-2');
      expect(await own.queues.clean.getJobCountByTypes('waiting')).toBe(2);
      // --all with nothing left is no mistake.
      expect(await jobsRetry(own, { ids: [], all: true })).toBe('nothing to retry');
    } finally {
      await own.dispose();
    }
  });
});
