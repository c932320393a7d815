// Crawl schedules on BullMQ Job Schedulers: one scheduler per feed, synchronised with the feeds file (added, changed,
// removed) under a Redis lease, so many processes starting together create each scheduler once.
import type { JobSchedulerJson, Queue } from 'bullmq';
import type { Feed } from '../config/schema.js';
import { cronProblem, durationMs } from '../config/schema.js';
import { InputError, NewsflowError } from '../domain/errors.js';
import { forgetFeedFailures, pausedFeedIds } from '../infra/fetch-state.js';
import { feedPayloadFields, type FetchFeedPayload } from './payloads.js';
import type { Runtime } from '../workers/runtime.js';
import { withLease } from '../infra/lease.js';

export const SCHEDULED_RUN_ID = 'scheduled';

const SCHEDULER_PREFIX = 'feed-';
const schedulerId = (feed: Feed) => `${SCHEDULER_PREFIX}${feed.id}`;

/** How long a sync waits for another process's sync. The holder renews its lease while it works (one that dies frees
 *  it within the lease's 30 s), so a long wait only ever waits for real work: a sync of thousands of feeds. */
export const SCHEDULE_LOCK_WAIT_MS = 300_000;

/** Another process held the schedule lock, renewing it, for the whole wait. */
export class ScheduleLockBusyError extends NewsflowError {
  override name = 'ScheduleLockBusyError';
  constructor(waitedMs: number) {
    super(
      'retryable',
      'schedules-busy',
      `another process has been synchronising the crawl schedules for over ${Math.round(waitedMs / 1000)} s; try again when it is done`,
    );
  }
}

export interface SyncResult {
  upserted: number;
  removed: number;
}

export interface SyncOptions {
  /** How long to wait for another process's sync, in ms; default SCHEDULE_LOCK_WAIT_MS. */
  lockWaitMs?: number;
}

interface Plan {
  repeat: { every: number } | { pattern: string; tz: string };
  data: FetchFeedPayload;
}

/** What each feed's scheduler should be. Worked out before the first write, so no feed can stop a sync halfway. */
function planSchedules(rt: Runtime, feeds: Feed[]): Map<string, Plan> {
  const plans = new Map<string, Plan>();
  for (const feed of feeds) {
    const data: FetchFeedPayload = { runId: SCHEDULED_RUN_ID, ...feedPayloadFields(feed), force: false, scheduled: true };
    if (feed.cron) {
      // The feeds file schema refuses such feeds already; this guards feeds made in code.
      const problem = cronProblem(feed.cron, feed.tz ?? 'UTC');
      if (problem) throw new InputError(`feed "${feed.id}": cron: ${problem}`);
      plans.set(schedulerId(feed), { repeat: { pattern: feed.cron, tz: feed.tz ?? 'UTC' }, data });
      continue;
    }
    // An adaptive feed's schedule ticks at the fastest allowed rate; the fetch stage skips the ticks before its next poll.
    const every = feed.interval === 'auto' ? rt.loaded.config.fetch.adaptive.minIntervalMs : durationMs(feed.interval);
    if (!(every > 0)) throw new InputError(`feed "${feed.id}": interval: a duration greater than zero, not "${feed.interval}"`);
    plans.set(schedulerId(feed), { repeat: { every }, data });
  }
  return plans;
}

/**
 * Removes a scheduler and its queued next job. BullMQ names a scheduler's jobs `repeat:<schedulerId>:<millis>`, the
 * next one by the scheduler's own next millis: removeJobScheduler deletes it while it is delayed; once due it waits
 * (or is prioritized), and is removed by its id here, without reading any other job of the queue.
 */
async function removeScheduler(queue: Queue, scheduler: JobSchedulerJson): Promise<void> {
  await queue.removeJobScheduler(scheduler.key);
  if (scheduler.next === undefined) return;
  const jobId = `repeat:${scheduler.key}:${scheduler.next}`;
  const state = await queue.getJobState(jobId);
  // An active job is being fetched (and locked); a finished one is history.
  if (state === 'waiting' || state === 'prioritized' || state === 'delayed') await queue.remove(jobId);
}

export async function syncSchedules(rt: Runtime, feeds: Feed[], options: SyncOptions = {}): Promise<SyncResult> {
  const wanted = planSchedules(rt, feeds);
  const feedIds = new Set(feeds.map((f) => f.id));
  const waitMs = options.lockWaitMs ?? SCHEDULE_LOCK_WAIT_MS;
  const busy = () => new ScheduleLockBusyError(waitMs);
  return withLease(rt.redis.client, `${rt.root}:schedules:lock`, { ttlMs: 30_000, waitMs, busy }, async () => {
    const queue = rt.queues['fetch-feed'];
    const gone = (await queue.getJobSchedulers(0, -1)).filter((s) => s.key.startsWith(SCHEDULER_PREFIX) && !wanted.has(s.key));
    // A feed taken out of the file is not fetched again: neither its schedule nor its already queued next poll.
    for (const scheduler of gone) await removeScheduler(queue, scheduler);
    // Nor is it counted as paused any more. Feeds that left the file before their schedulers were removed here (or
    // while nothing synchronised) are found in the paused set itself.
    const forgotten = new Set(gone.map((s) => s.key.slice(SCHEDULER_PREFIX.length)));
    for (const id of await pausedFeedIds(rt.redis.client, rt.fetchRoot)) if (!feedIds.has(id)) forgotten.add(id);
    await forgetFeedFailures(rt.redis.client, rt.fetchRoot, [...forgotten]);
    for (const [id, { repeat, data }] of wanted) {
      // Upserting an unchanged scheduler is a no-op for BullMQ, so a restart does not shift the next poll.
      await queue.upsertJobScheduler(id, repeat, { name: 'fetch-feed', data });
    }
    return { upserted: wanted.size, removed: gone.length };
  });
}
