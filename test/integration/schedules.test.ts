import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { dropPrefix, REDIS_URL, testRedis, uniquePrefix } from '../helpers/redis.js';
import { BIN, spawnServe, stopServe, writeServeFiles } from '../helpers/serve.js';
import { openTestRuntime, type TestRuntime } from '../helpers/runtime.js';
import { FeedSchema } from '../../src/config/schema.js';
import { countPausedFeeds, createRedisFeedState, readFeedHealth } from '../../src/infra/fetch-state.js';
import { SCHEDULE_LOCK_WAIT_MS, ScheduleLockBusyError, syncSchedules } from '../../src/jobs/schedules.js';
import { resumeFeeds } from '../../src/commands/feeds.js';
import { InputError } from '../../src/domain/errors.js';

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

describe('a feeds file BullMQ cannot schedule', () => {
  const badPrefix = uniquePrefix('sched-bad');
  const feedsWith = (bad: Record<string, unknown>) => [feed('a', { interval: '15m' }), feed('d', bad)];
  let files: ReturnType<typeof writeServeFiles>;
  let badQueue: Queue;

  beforeAll(() => {
    files = writeServeFiles('sched-bad', feedsWith({ cron: '0 * * * *', tz: 'Mars/Olympus' }), {
      redis: { url: REDIS_URL, prefix: badPrefix, autoStart: false },
      log: { level: 'warn' },
    });
    badQueue = new Queue('fetch-feed', { connection: redis, prefix: `{${badPrefix}}` });
  });
  afterAll(async () => {
    await badQueue.close();
    await dropPrefix(redis, badPrefix);
  });

  const run = (args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, [BIN, ...args, '--config', files.configFile], { env: { ...process.env, NEWSFLOW_CONFIG: '' } }, (err, stdout, stderr) =>
        resolve({ code: err ? Number(err.code) : 0, stdout, stderr }),
      );
    });

  it.each([
    ['config check', ['config', 'check']],
    ['feeds reload', ['feeds', 'reload']],
    ['serve', ['serve', '--stages', 'sink']],
  ])('stops %s with one line naming the file, the feed and the key, exit 2, before any schedule is written', async (_name, args) => {
    const { code, stdout, stderr } = await run(args);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toEqual([`newsflow: ${files.feedsFile}: feeds.1.tz: not a time zone: "Mars/Olympus" (an IANA name such as Europe/Paris, Asia/Shanghai or UTC)`]);
    expect(code).toBe(2);
    // Not even the good feed before it was scheduled: no sync is left half-done.
    expect(await badQueue.getJobSchedulers(0, -1)).toEqual([]);
  }, 60_000);

  it.each([
    ['a zero interval', { interval: '0s' }, 'feeds.1.interval: a duration greater than zero'],
    ['words for a cron pattern', { cron: 'every day at noon' }, 'feeds.1.cron: not a cron pattern BullMQ can schedule: "every day at noon": Invalid characters'],
  ])('config check refuses %s', async (_name, bad, expected) => {
    writeFileSync(files.feedsFile, YAML.stringify({ feeds: feedsWith(bad) }));
    const { code, stderr } = await run(['config', 'check']);
    expect(stderr.slice(0, `newsflow: ${files.feedsFile}: ${expected}`.length)).toBe(`newsflow: ${files.feedsFile}: ${expected}`);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(code).toBe(2);
  }, 60_000);
});

describe('removing feeds from the schedule', () => {
  let rt: TestRuntime;
  const KEPT = 40;
  const REMOVED = 30;
  const OTHER_JOBS = 500;
  // Interval feeds' first jobs are due at once (waiting); cron feeds' wait for their hour (delayed).
  const feeds = Array.from({ length: KEPT + REMOVED }, (_, i) =>
    FeedSchema.parse(i % 3 === 0 ? feed(`f${i}`, { cron: '0 3 * * *' }) : feed(`f${i}`, { interval: '30m' })),
  );
  const kept = feeds.slice(0, KEPT);
  const removed = feeds.slice(KEPT);

  beforeAll(async () => {
    rt = await openTestRuntime('sched-remove', { tweak: (c) => void (c.fetch.health.pauseAfterFailures = 2) });
  });
  afterAll(async () => {
    await rt?.dispose();
  });

  it("removes each removed feed's queued job by its id, reading none of the other queued jobs", async () => {
    const queue = rt.queues['fetch-feed'];
    await syncSchedules(rt, feeds);
    // A crawl's jobs, queued beside the scheduled ones.
    await queue.addBulk(Array.from({ length: OTHER_JOBS }, (_, i) => ({ name: 'fetch-feed', data: { feedId: 'x' }, opts: { jobId: `crawl-${i}` } })));
    const before = await queue.getJobs(['waiting', 'delayed', 'prioritized']);
    expect(before).toHaveLength(OTHER_JOBS + feeds.length);
    // Both kinds of next job are there to remove: due ones (waiting) and ones of a later hour (delayed).
    const ofRemoved = (ids: Array<string | undefined>) => ids.filter((id) => removed.some((f) => id!.startsWith(`repeat:feed-${f.id}:`)));
    expect(ofRemoved((await queue.getJobs(['waiting'])).map((j) => j.id))).toHaveLength(20);
    expect(ofRemoved((await queue.getJobs(['delayed'])).map((j) => j.id))).toHaveLength(10);

    // Every command Redis runs for this deployment's queue while the sync removes the feeds.
    const monitor = await rt.redis.client.monitor();
    const commands: string[] = [];
    monitor.on('monitor', (_time: string, args: string[]) => {
      const line = args.join(' ');
      if (line.includes(`{${rt.prefix}}`)) commands.push(line);
    });
    try {
      expect(await syncSchedules(rt, kept)).toEqual({ upserted: KEPT, removed: REMOVED });
      // The monitor's connection delivers what it saw a little after the replies to the sync's own.
      await new Promise((r) => setTimeout(r, 200));
    } finally {
      await monitor.disconnect();
    }
    // The old way read every queued job once per removed feed (30 × 570 job reads).
    expect(commands.filter((c) => c.includes(':fetch-feed:crawl-'))).toEqual([]);
    // What it did read: a removed feed's due job, by its id (which the monitor did see).
    expect(commands.some((c) => c.includes(`repeat:feed-${removed[1]!.id}:`))).toBe(true);

    const after = await queue.getJobs(['waiting', 'delayed', 'prioritized']);
    const scheduledFor = (jobs: typeof after) => new Set(jobs.filter((j) => j.id!.startsWith('repeat:')).map((j) => (j.data as { feedId: string }).feedId));
    expect(scheduledFor(after)).toEqual(new Set(kept.map((f) => f.id)));
    expect(after.filter((j) => j.id!.startsWith('crawl-'))).toHaveLength(OTHER_JOBS);
    expect((await queue.getJobSchedulers(0, -1)).map((s) => s.key).sort()).toEqual(kept.map((f) => `feed-${f.id}`).sort());
  });

  it('clears the paused flag of removed feeds, also of feeds removed before, and keeps what a feed put back needs', async () => {
    const fetchPrefix = rt.fetchRoot;
    const state = createRedisFeedState(rt.redis.client, fetchPrefix, rt.loaded.config.fetch);
    const failure = { code: 'http-gone', message: 'HTTP 410' };
    const at = new Date();
    await syncSchedules(rt, kept);
    // A kept feed, one about to be removed, and one that left the file long ago (no scheduler any more): all paused.
    for (const id of [kept[0]!.id, kept[1]!.id, 'renamed-long-ago']) {
      await state.recordFailure(id, failure, at);
      await state.recordFailure(id, failure, at);
    }
    await state.setValidators(kept[1]!.id, kept[1]!.url, { etag: '"v1"', lastModified: null });
    expect(await countPausedFeeds(rt.redis.client, fetchPrefix)).toBe(3);

    expect(await syncSchedules(rt, kept.filter((f) => f.id !== kept[1]!.id))).toEqual({ upserted: KEPT - 1, removed: 1 });
    expect(await countPausedFeeds(rt.redis.client, fetchPrefix)).toBe(1);
    const health = await readFeedHealth(rt.redis.client, fetchPrefix, [kept[0]!.id, kept[1]!.id, 'renamed-long-ago']);
    expect(health.get(kept[0]!.id)).toMatchObject({ paused: true, consecutiveFailures: 2 });
    // Put back, it is polled again rather than staying paused by a failure from before; its validators stayed.
    expect(health.get(kept[1]!.id)).toMatchObject({ paused: false, consecutiveFailures: 0, nextAttemptAt: null, lastErrorCode: 'http-gone' });
    expect(await state.getValidators(kept[1]!.id, kept[1]!.url)).toEqual({ etag: '"v1"', lastModified: null });
    expect(health.get('renamed-long-ago')).toMatchObject({ paused: false, consecutiveFailures: 0 });
  });

  it('resumes paused feeds by name or all at once, refusing a name that is not paused', async () => {
    const fetchPrefix = rt.fetchRoot;
    const state = createRedisFeedState(rt.redis.client, fetchPrefix, rt.loaded.config.fetch);
    const failure = { code: 'http-gone', message: 'HTTP 410' };
    for (const id of ['resume-a', 'resume-b', 'resume-c']) {
      await state.recordFailure(id, failure, new Date());
      await state.recordFailure(id, failure, new Date());
    }
    const paused = await countPausedFeeds(rt.redis.client, fetchPrefix);
    await expect(resumeFeeds(rt, ['resume-a', 'no-such-feed'])).rejects.toThrow(new InputError('not paused: "no-such-feed"; nothing was resumed (`newsflow status` shows the paused feeds)'));
    expect(await countPausedFeeds(rt.redis.client, fetchPrefix)).toBe(paused);
    expect(await resumeFeeds(rt, ['resume-a'])).toEqual(['resume-a']);
    const health = await readFeedHealth(rt.redis.client, fetchPrefix, ['resume-a', 'resume-b']);
    expect(health.get('resume-a')).toMatchObject({ paused: false, consecutiveFailures: 0, nextAttemptAt: null, lastErrorCode: 'http-gone' });
    expect(health.get('resume-b')).toMatchObject({ paused: true });
    const rest = await resumeFeeds(rt, []);
    expect(rest).toEqual(expect.arrayContaining(['resume-b', 'resume-c']));
    expect(await countPausedFeeds(rt.redis.client, fetchPrefix)).toBe(0);
    expect(await resumeFeeds(rt, [])).toEqual([]);
  });

  it('gives up waiting for the schedule lock with a typed one-line error', async () => {
    const lock = `${rt.root}:schedules:lock`;
    await rt.redis.client.set(lock, 'another process', 'PX', 10_000);
    try {
      const err = await syncSchedules(rt, kept, { lockWaitMs: 300 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ScheduleLockBusyError);
      expect(err).toMatchObject({ code: 'schedules-busy', kind: 'retryable' });
      expect((err as Error).message).not.toContain('\n');
    } finally {
      await rt.redis.client.del(lock);
    }
    expect(SCHEDULE_LOCK_WAIT_MS).toBeGreaterThanOrEqual(60_000);
  });
});
