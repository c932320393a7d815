// Jobs finished in the last minutes, from the per-minute counts BullMQ workers keep in Redis (Worker `metrics`).
import type { Metrics } from 'bullmq';

const MINUTE_MS = 60_000;

/**
 * Sums the jobs of the `minutes` whole minutes up to and including the current one. BullMQ pushes a data point only
 * when a job finishes in a later minute than the last push (`meta.prevTS`): jobs since that push are still pending in
 * `meta.count - meta.prevCount` and belong to prevTS's minute; `data[0]` is the minute before it, `data[i]` i+1 before;
 * minutes after prevTS's, up to now, had no jobs.
 */
export function countInWindow(metrics: Metrics, now: number, minutes: number): number {
  if (minutes <= 0 || !metrics.meta.prevTS) return 0;
  const lastMinute = Math.floor(metrics.meta.prevTS / MINUTE_MS);
  // A worker whose clock runs ahead of ours may stamp a minute we have not reached: count it as the current one.
  const gap = Math.max(0, Math.floor(now / MINUTE_MS) - lastMinute);
  if (gap >= minutes) return 0;
  const pending = Math.max(0, metrics.meta.count - metrics.meta.prevCount);
  const older = metrics.data.slice(0, minutes - gap - 1).reduce((a, b) => a + b, 0);
  return pending + older;
}
