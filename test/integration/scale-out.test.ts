import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleFeeds, startSampleServer, type SampleServer } from '../../src/demo/sample-server.js';
import { ArticleRecordSchema } from '../../src/domain/record.js';
import { STAGES } from '../../src/jobs/names.js';
import { closeQueues, createQueues, type Queues } from '../../src/jobs/queues.js';
import { dropPrefix, REDIS_URL, testRedis, uniquePrefix } from '../helpers/redis.js';
import { spawnServe, stopServe, writeServeFiles } from '../helpers/serve.js';

const prefix = uniquePrefix('scale');
let server: SampleServer;
let redis: Redis;
let queues: Queues;

beforeAll(async () => {
  server = await startSampleServer();
  redis = testRedis();
  queues = createQueues(redis, prefix, { attempts: 3, backoffMs: 100 });
});
afterAll(async () => {
  await closeQueues(queues);
  await dropPrefix(redis, prefix);
  await redis.quit();
  await server.close();
});

describe('scale-out', () => {
  it('a fetch-only and a processing-only serve process complete a crawl together', async () => {
    const { dir, configFile } = writeServeFiles(
      'scale',
      sampleFeeds(server.baseUrl).map((f) => ({ ...f, interval: '1h' })),
      {
        redis: { url: REDIS_URL, prefix, autoStart: false },
        log: { level: 'info' },
        fetch: { allowHosts: ['127.0.0.1'], politeness: { minDelayMs: 20 } },
      },
    );
    // The fetcher owns the schedules; the other host runs the CPU stages only.
    const fetcher = spawnServe(configFile, ['--stages', 'fetch']);
    const processor = spawnServe(configFile, ['--stages', 'clean,classify,dedupe,sink', '--no-schedule']);
    const out = path.join(dir, 'out');
    const lines = () => {
      try {
        return readdirSync(out).flatMap((f) => readFileSync(path.join(out, f), 'utf8').split('\n').filter(Boolean));
      } catch {
        return [];
      }
    };
    try {
      const deadline = Date.now() + 60_000;
      // The schedulers keep each feed's next poll delayed; the crawl is done when nothing waits or runs.
      const busy = async () => {
        const counts = await Promise.all(STAGES.map((st) => queues[st].getJobCounts('waiting', 'active', 'prioritized')));
        return counts.reduce((sum, c) => sum + (c.waiting ?? 0) + (c.active ?? 0) + (c.prioritized ?? 0), 0);
      };
      while (lines().length < 8 || (await busy()) > 0) {
        if (Date.now() > deadline) throw new Error(`crawl did not complete: ${lines().length} records\n${fetcher.logs()}\n${processor.logs()}`);
        await new Promise((r) => setTimeout(r, 200));
      }
      const records = lines().map((l) => ArticleRecordSchema.parse(JSON.parse(l)));
      expect(records).toHaveLength(8);
      expect(new Set(records.map((r) => r.source.id))).toEqual(new Set(sampleFeeds(server.baseUrl).map((f) => f.id)));
      // Each process did only its own stages.
      const stagesIn = (log: string) => new Set([...log.matchAll(/"stage":"([a-z-]+)"/g)].map((m) => m[1]!));
      expect(fetcher.logs()).toMatch(/"stages":\["fetch-feed","fetch-article"\]/);
      expect(processor.logs()).toMatch(/"stages":\["clean","classify","dedupe","sink"\]/);
      for (const s of stagesIn(fetcher.logs())) expect(['fetch-feed', 'fetch-article']).toContain(s);
      for (const s of stagesIn(processor.logs())) expect(['clean', 'classify', 'dedupe', 'sink']).toContain(s);
    } finally {
      expect(await stopServe([fetcher, processor])).toEqual([0, 0]);
    }
    for (const s of STAGES) expect(await queues[s].getActiveCount()).toBe(0);
  }, 120_000);
});
