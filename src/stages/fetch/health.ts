// Feed health as the scheduler reads it: whether a feed is due, and one line per feed that needs attention.
import type { FeedHealth } from './deps.js';

/** A feed is due unless paused or still inside its failure backoff. */
export function isFeedDue(health: FeedHealth, now: Date): boolean {
  if (health.paused) return false;
  return health.nextAttemptAt === null || Date.parse(health.nextAttemptAt) <= now.getTime();
}

/** A short human line for a failing or paused feed; null when the feed is healthy. */
export function describeHealth(feedId: string, health: FeedHealth): string | null {
  if (health.consecutiveFailures === 0 && !health.paused) return null;
  const state = health.paused ? 'PAUSED' : `retry after ${health.nextAttemptAt ?? 'now'}`;
  return `${feedId}: ${state}; ${health.consecutiveFailures} consecutive failures, last ${health.lastErrorCode ?? '?'} (${health.lastErrorMessage ?? ''}); last success ${health.lastSuccessAt ?? 'never'}`;
}
