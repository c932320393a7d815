import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { dropPrefix, REDIS_URL, testRedis, uniquePrefix } from '../helpers/redis.js';
import { BIN, spawnServe, stopServe, writeServeFiles } from '../helpers/serve.js';

const prefix = uniquePrefix('sched');
let redis: Redis;
let queue: Queue;
let feedsFile: string;
let configFile: string;

const feed = (id: string, extra: Record<string, unknown> = {}) => ({ id, url: `https://feeds.example/${id}.xml`, ...extra });
const writeFeeds = (feeds: unknown[]) => writeFileSync(feedsFile, YAML.stringify({ feeds }));

beforeAll(() => {
  redis = testRedis();
  queue = new Queue('fetch-feed', { connection: redis, prefix: `{${prefix}}` });
  ({ feedsFile, configFile } = writeServeFiles('sched', [], { redis: { url: REDIS_URL, prefix, autoStart: false }, log: { level: 'info' } }));
});
afterAll(async () => {
  await queue.close();
  await dropPrefix(redis, prefix);
  await redis.quit();
});

async function schedulers() {
  const list = await queue.getJobSchedulers(0, -1);
  return Object.fromEntries(list.map((s) => [s.key, s.every ?? s.pattern]));
}

describe('crawl schedules', () => {
  it('three processes starting at once create each feed scheduler once; reload adds, changes and removes', async () => {
    writeFeeds([feed('a', { interval: '15m' }), feed('b', { interval: '1h' }), feed('c', { cron: '0 7 * * *', tz: 'Asia/Shanghai' })]);
    // Only the sink runs, so the scheduled fetch jobs stay where the schedulers put them, to be counted.
    const procs = [0, 1, 2].map(() => spawnServe(configFile, ['--stages', 'sink']));
    const synced = () => procs.map((p) => (p.logs().match(/crawl schedules synchronised/g) ?? []).length);
    try {
      const deadline = Date.now() + 30_000;
      while (synced().some((n) => n < 1)) {
        if (Date.now() > deadline) throw new Error('the processes did not all synchronise');
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(await schedulers()).toEqual({ 'feed-a': 900_000, 'feed-b': 3_600_000, 'feed-c': '0 7 * * *' });
      expect(await queue.getJobCountByTypes('waiting', 'delayed', 'prioritized', 'active')).toBe(3);

      writeFeeds([feed('b', { interval: '2h' }), feed('c', { cron: '0 7 * * *', tz: 'Asia/Shanghai' }), feed('d', { interval: '30m', maxNewItemsPerPoll: 5000 })]);
      const { stdout } = await promisify(execFile)(process.execPath, [BIN, 'feeds', 'reload', '--config', configFile]);
      expect(stdout).toMatch(/3 feeds scheduled, 1 removed/);
      expect(await schedulers()).toEqual({ 'feed-b': 7_200_000, 'feed-c': '0 7 * * *', 'feed-d': 1_800_000 });
      const jobs = await queue.getJobs(['waiting', 'delayed', 'prioritized']);
      expect(new Set(jobs.map((j) => (j.data as { feedId: string }).feedId))).toEqual(new Set(['b', 'c', 'd']));
      // A feed's own limit of new items per poll travels in its scheduled jobs.
      const templates = Object.fromEntries((await queue.getJobSchedulers(0, -1)).map((sch) => [sch.key, sch.template?.data as { maxNewItemsPerPoll?: number }]));
      expect([templates['feed-b']?.maxNewItemsPerPoll, templates['feed-d']?.maxNewItemsPerPoll]).toEqual([undefined, 5000]);

      // SIGHUP makes a running service re-read the file too.
      writeFeeds([feed('b', { interval: '2h' })]);
      procs[0]!.child.kill('SIGHUP');
      const until = Date.now() + 10_000;
      while (synced()[0]! < 2) {
        if (Date.now() > until) throw new Error('SIGHUP did not reload');
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(await schedulers()).toEqual({ 'feed-b': 7_200_000 });
    } finally {
      await stopServe(procs);
    }
  });
});
