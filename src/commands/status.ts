// `newsflow status`: queue depths per stage, jobs done in the last minutes, and every feed's health, worst first.
import type { Queue } from 'bullmq';
import { loadFeeds } from '../config/load.js';
import { durationMs, type Feed } from '../config/schema.js';
import { countInWindow } from '../admin/throughput.js';
import { DEAD_LETTER_QUEUE } from '../jobs/dead-letters.js';
import { STAGES } from '../jobs/names.js';
import { itemsLastDay, readFeedHealth } from '../infra/fetch-state.js';
import { QUEUE_STATES } from '../infra/metrics.js';
import type { FeedHealth } from '../stages/fetch/deps.js';
import type { Runtime } from '../workers/runtime.js';

export type QueueState = (typeof QUEUE_STATES)[number];

export interface QueueStatus {
  queue: string;
  counts: Record<QueueState, number>;
  /** Jobs completed / failed in the last `windowMinutes` minutes, by every worker of the deployment. */
  completedInWindow: number;
  failedInWindow: number;
}

export type FeedCondition = 'paused' | 'failing' | 'overdue' | 'never-fetched' | 'ok';

export interface FeedStatus extends Omit<FeedHealth, 'nextAttemptAt'> {
  id: string;
  title: string | null;
  url: string;
  condition: FeedCondition;
  /** When the feed's crawl schedule fires next; null without a schedule (`serve --no-schedule`, or never served). */
  nextPollAt: string | null;
  /** After failures: no new attempt is wanted before this time. */
  backoffUntil: string | null;
  /** New or changed items passed on in the last 24 hours. */
  itemsLastDay: number;
}

export interface StatusReport {
  at: string;
  windowMinutes: number;
  queues: QueueStatus[];
  /** Worst first: paused, failing (most consecutive failures first), overdue, never fetched, then by oldest success. */
  feeds: FeedStatus[];
}

const RANK: Record<FeedCondition, number> = { paused: 0, failing: 1, overdue: 2, 'never-fetched': 3, ok: 4 };

/** A feed polled every `interval` is overdue when its last success is older than this many intervals. */
export const OVERDUE_INTERVALS = 3;

/** The poll interval of a feed in ms, when it has a fixed one (not a cron pattern or an adaptive interval). */
export function fixedIntervalMs(feed: Pick<Feed, 'interval' | 'cron'>): number | null {
  return !feed.cron && /^\d+[smhd]$/.test(feed.interval) ? durationMs(feed.interval) : null;
}

export function conditionOf(h: FeedHealth, expected: { intervalMs: number | null; now: Date } = { intervalMs: null, now: new Date() }): FeedCondition {
  if (h.paused) return 'paused';
  if (h.consecutiveFailures > 0) return 'failing';
  if (!h.lastSuccessAt) return 'never-fetched';
  // No failure recorded, yet no success for several intervals: nothing is polling it (no `serve`, no schedule).
  if (expected.intervalMs !== null && expected.now.getTime() - Date.parse(h.lastSuccessAt) > OVERDUE_INTERVALS * expected.intervalMs) return 'overdue';
  return 'ok';
}

/** Orders feeds worst first; ties keep a stable order by id. */
export function worstFirst(a: FeedStatus, b: FeedStatus): number {
  return (
    RANK[a.condition] - RANK[b.condition] ||
    b.consecutiveFailures - a.consecutiveFailures ||
    (a.lastSuccessAt ?? '').localeCompare(b.lastSuccessAt ?? '') ||
    a.id.localeCompare(b.id)
  );
}

/** The next run of each feed's crawl schedule, by feed id. */
async function nextPolls(queue: Queue): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const s of await queue.getJobSchedulers(0, -1)) {
    const feedId = (s.template?.data as { feedId?: unknown } | undefined)?.feedId;
    const id = typeof feedId === 'string' ? feedId : s.key.startsWith('feed-') ? s.key.slice('feed-'.length) : null;
    if (id && s.next !== undefined) out.set(id, Math.min(s.next, out.get(id) ?? Number.POSITIVE_INFINITY));
  }
  return out;
}

export interface StatusOptions {
  /** Width of the throughput window in minutes; default 15. */
  windowMinutes?: number;
  now?: Date;
  /** The feeds to report; by default the feeds file of the configuration. */
  feeds?: Feed[];
}

export async function collectStatus(rt: Runtime, options: StatusOptions = {}): Promise<StatusReport> {
  const now = options.now ?? new Date();
  const windowMinutes = options.windowMinutes ?? 15;
  const feeds = options.feeds ?? loadFeeds(rt.loaded.paths.feedsFile);
  const redis = rt.redis.client;
  const fetchPrefix = `${rt.root}:fetch`;
  const deadLetters = rt.deadLetters;
  const named: Array<[string, Queue]> = [...STAGES.map((s) => [s, rt.queues[s]] as [string, Queue]), [DEAD_LETTER_QUEUE, deadLetters]];
  const queues = await Promise.all(
    named.map(async ([name, q]): Promise<QueueStatus> => {
      const [counts, completed, failed] = await Promise.all([
        q.getJobCounts(...QUEUE_STATES),
        q.getMetrics('completed', 0, windowMinutes),
        q.getMetrics('failed', 0, windowMinutes),
      ]);
      return {
        queue: name,
        counts: Object.fromEntries(QUEUE_STATES.map((s) => [s, counts[s] ?? 0])) as Record<QueueState, number>,
        completedInWindow: countInWindow(completed, now.getTime(), windowMinutes),
        failedInWindow: countInWindow(failed, now.getTime(), windowMinutes),
      };
    }),
  );
  const ids = feeds.map((f) => f.id);
  const [health, items, polls] = await Promise.all([
    readFeedHealth(redis, fetchPrefix, ids),
    itemsLastDay(redis, fetchPrefix, ids, now),
    nextPolls(rt.queues['fetch-feed']),
  ]);
  const statuses = feeds.map((feed): FeedStatus => {
    const { nextAttemptAt, ...h } = health.get(feed.id)!;
    const next = polls.get(feed.id);
    return {
      id: feed.id,
      title: feed.title ?? null,
      url: feed.url,
      condition: conditionOf(health.get(feed.id)!, { intervalMs: fixedIntervalMs(feed), now }),
      ...h,
      nextPollAt: next === undefined ? null : new Date(next).toISOString(),
      backoffUntil: nextAttemptAt,
      itemsLastDay: items.get(feed.id) ?? 0,
    };
  });
  return { at: now.toISOString(), windowMinutes, queues, feeds: statuses.sort(worstFirst) };
}
