// Crawl schedules on BullMQ Job Schedulers: one scheduler per feed, synchronised with the feeds file (added, changed,
// removed) under a Redis lease, so many processes starting together create each scheduler once.
import type { Feed } from '../config/schema.js';
import { durationMs } from '../config/schema.js';
import { feedPayloadFields, type FetchFeedPayload } from './payloads.js';
import type { Runtime } from '../workers/runtime.js';
import { withLease } from '../infra/lease.js';

export const SCHEDULED_RUN_ID = 'scheduled';

const schedulerId = (feed: Feed) => `feed-${feed.id}`;

export interface SyncResult {
  upserted: number;
  removed: number;
}

export async function syncSchedules(rt: Runtime, feeds: Feed[]): Promise<SyncResult> {
  const busy = () => new Error('could not take the schedule lock in 30 s');
  return withLease(rt.redis.client, `${rt.root}:schedules:lock`, { ttlMs: 30_000, waitMs: 30_000, busy }, async () => {
    const queue = rt.queues['fetch-feed'];
    const wanted = new Map(feeds.map((f) => [schedulerId(f), f]));
    let removed = 0;
    for (const existing of await queue.getJobSchedulers(0, -1)) {
      const id = existing.key;
      if (id.startsWith('feed-') && !wanted.has(id)) {
        await queue.removeJobScheduler(id);
        // The scheduler's next job is already queued; a feed taken out of the file is not fetched again.
        for (const job of await queue.getJobs(['waiting', 'delayed', 'prioritized'])) {
          if (job.repeatJobKey === id || job.id?.startsWith(`repeat:${id}:`)) await job.remove().catch(() => {});
        }
        removed += 1;
      }
    }
    for (const [id, feed] of wanted) {
      const data: FetchFeedPayload = {
        runId: SCHEDULED_RUN_ID,
        ...feedPayloadFields(feed),
        force: false,
        scheduled: true,
      };
      // An adaptive feed's schedule ticks at the fastest allowed rate; the fetch stage skips the ticks before its next poll.
      const every = feed.interval === 'auto' ? rt.loaded.config.fetch.adaptive.minIntervalMs : durationMs(feed.interval);
      const repeat = feed.cron ? { pattern: feed.cron, tz: feed.tz ?? 'UTC' } : { every };
      // Upserting an unchanged scheduler is a no-op for BullMQ, so a restart does not shift the next poll.
      await queue.upsertJobScheduler(id, repeat, { name: 'fetch-feed', data });
    }
    return { upserted: wanted.size, removed };
  });
}
