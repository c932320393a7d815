// Adaptive polling: how long to wait before the next poll of a feed whose interval is `auto`, from the publishing rate
// the feed itself shows (the items of its last week), within bounds, never sooner than the feed's own ttl.
import type { FeedItem } from './types.js';

const WEEK_MS = 7 * 86_400_000;

export interface AdaptiveBounds {
  minIntervalMs: number;
  maxIntervalMs: number;
}

/**
 * About two polls per expected new item: the mean gap between the items of the last week, halved. A feed with fewer
 * than two recent items is polled at the slowest rate; `ttlSeconds` (RSS ttl) is a floor.
 */
export function adaptiveIntervalMs(items: Pick<FeedItem, 'publishedAt' | 'updatedAt'>[], now: Date, bounds: AdaptiveBounds, ttlSeconds: number | null): number {
  const since = now.getTime() - WEEK_MS;
  const times = items
    .map((i) => Date.parse(i.publishedAt ?? i.updatedAt ?? ''))
    .filter((t) => Number.isFinite(t) && t >= since && t <= now.getTime() + 3_600_000);
  let interval = bounds.maxIntervalMs;
  if (times.length >= 2) {
    let oldest = Infinity;
    for (const t of times) oldest = Math.min(oldest, t);
    const span = Math.max(now.getTime() - oldest, 60_000);
    interval = span / times.length / 2;
  }
  if (ttlSeconds) interval = Math.max(interval, ttlSeconds * 1000);
  return Math.round(Math.min(bounds.maxIntervalMs, Math.max(bounds.minIntervalMs, interval)));
}
