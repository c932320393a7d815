// `newsflow status`: queue depths per stage, jobs done in the last minutes, and every feed's health, worst first.
import type { JobSchedulerJson, Queue } from 'bullmq';
import { CronExpressionParser } from 'cron-parser';
import { loadFeeds } from '../config/load.js';
import { durationMs, type Feed } from '../config/schema.js';
import { countInWindow } from '../admin/throughput.js';
import { DEAD_LETTER_QUEUE } from '../jobs/dead-letters.js';
import { STAGES } from '../jobs/names.js';
import { itemsLastDay, readAdaptiveNextPolls, readFeedHealth } from '../infra/fetch-state.js';
import { QUEUE_STATES } from '../infra/metrics.js';
import type { FeedHealth } from '../stages/fetch/deps.js';
import { feedPayloadFields } from '../jobs/payloads.js';
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

/** What sets a feed's next poll: its schedule's next tick, its backoff after failures, or its adaptive rate. */
export type NextPollReason = 'schedule' | 'backoff' | 'adaptive';

export interface FeedStatus extends Omit<FeedHealth, 'nextAttemptAt'> {
  id: string;
  title: string | null;
  url: string;
  condition: FeedCondition;
  /**
   * When the feed is polled next: the first tick of its crawl schedule at or after both its backoff and, when adaptive,
   * the next poll its publishing rate asks for (the fetch stage drops the ticks before those). Null without a schedule
   * (`serve --no-schedule`, or never served) and while the feed is paused.
   */
  nextPollAt: string | null;
  /** What sets nextPollAt: the schedule, a backoff or the adaptive rate; null when nextPollAt is. */
  nextPollReason: NextPollReason | null;
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

/** A feed's crawl schedule: its next tick and how it ticks on. */
export type ScheduleTicks = Pick<JobSchedulerJson, 'every' | 'pattern' | 'tz'> & { next: number };

/** Each feed's crawl schedule, by feed id. */
async function schedulesByFeed(queue: Queue): Promise<Map<string, ScheduleTicks>> {
  const out = new Map<string, ScheduleTicks>();
  for (const s of await queue.getJobSchedulers(0, -1)) {
    const feedId = (s.template?.data as { feedId?: unknown } | undefined)?.feedId;
    const id = typeof feedId === 'string' ? feedId : s.key.startsWith('feed-') ? s.key.slice('feed-'.length) : null;
    if (!id || s.next === undefined) continue;
    const known = out.get(id);
    if (!known || s.next < known.next) out.set(id, { next: s.next, every: s.every, pattern: s.pattern, tz: s.tz });
  }
  return out;
}

/** The schedule's first tick at or after `at` (ms). */
export function firstTickFrom(schedule: ScheduleTicks, at: number): number {
  if (at <= schedule.next) return schedule.next;
  if (schedule.every) return schedule.next + Math.ceil((at - schedule.next) / schedule.every) * schedule.every;
  if (schedule.pattern) {
    try {
      return CronExpressionParser.parse(schedule.pattern, { currentDate: new Date(at - 1), tz: schedule.tz ?? 'UTC' }).next().getTime();
    } catch {
      // A pattern the schema would refuse (made before it checked patterns): the hold itself is the best estimate.
    }
  }
  return at;
}

/**
 * When a scheduled feed is polled next. Ticks before its backoff (after failures) or, for an adaptive feed, before the
 * next poll its publishing rate asks for are dropped by the fetch stage, so the poll is the first tick after the later
 * of the two. A paused feed is not polled until it is reset.
 */
export function nextPollOf(
  schedule: ScheduleTicks | undefined,
  feed: { paused: boolean; backoffUntil: string | null; adaptiveNextPollAt: string | null },
): { at: number | null; reason: NextPollReason | null } {
  if (!schedule || feed.paused) return { at: null, reason: null };
  const backoff = feed.backoffUntil ? Date.parse(feed.backoffUntil) : Number.NaN;
  const adaptive = feed.adaptiveNextPollAt ? Date.parse(feed.adaptiveNextPollAt) : Number.NaN;
  // A hold that ends by the schedule's next tick does not move the poll.
  if (backoff > schedule.next && !(adaptive > backoff)) return { at: firstTickFrom(schedule, backoff), reason: 'backoff' };
  if (adaptive > schedule.next) return { at: firstTickFrom(schedule, adaptive), reason: 'adaptive' };
  return { at: schedule.next, reason: 'schedule' };
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
  const fetchPrefix = rt.fetchRoot;
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
  // Only an adaptive feed's recorded next poll holds its ticks back (a feed that was adaptive before may keep one).
  const adaptiveIds = feeds.filter((f) => feedPayloadFields(f).adaptive).map((f) => f.id);
  const [health, items, schedules, adaptive] = await Promise.all([
    readFeedHealth(redis, fetchPrefix, ids),
    itemsLastDay(redis, fetchPrefix, ids, now),
    schedulesByFeed(rt.queues['fetch-feed']),
    readAdaptiveNextPolls(redis, fetchPrefix, adaptiveIds),
  ]);
  const statuses = feeds.map((feed): FeedStatus => {
    const { nextAttemptAt, ...h } = health.get(feed.id)!;
    const next = nextPollOf(schedules.get(feed.id), { paused: h.paused, backoffUntil: nextAttemptAt, adaptiveNextPollAt: adaptive.get(feed.id) ?? null });
    return {
      id: feed.id,
      title: feed.title ?? null,
      url: feed.url,
      condition: conditionOf(health.get(feed.id)!, { intervalMs: fixedIntervalMs(feed), now }),
      ...h,
      nextPollAt: next.at === null ? null : new Date(next.at).toISOString(),
      nextPollReason: next.reason,
      backoffUntil: nextAttemptAt,
      itemsLastDay: items.get(feed.id) ?? 0,
    };
  });
  return { at: now.toISOString(), windowMinutes, queues, feeds: statuses.sort(worstFirst) };
}
