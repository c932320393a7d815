// The human-readable form of `newsflow status`: two aligned tables, times relative to the report's time.
import type { FeedStatus, QueueStatus, StatusReport } from '../commands/status.js';

/** "42s ago", "3m ago", "in 2h", "5d ago"; "-" for none. */
export function relativeTime(iso: string | null, now: Date): string {
  if (!iso) return '-';
  const ms = Date.parse(iso) - now.getTime();
  const abs = Math.abs(ms);
  const [n, unit] =
    abs < 60_000 ? [abs / 1000, 's'] : abs < 3_600_000 ? [abs / 60_000, 'm'] : abs < 86_400_000 ? [abs / 3_600_000, 'h'] : [abs / 86_400_000, 'd'];
  const text = `${Math.floor(n)}${unit}`;
  return ms >= 0 ? `in ${text}` : `${text} ago`;
}

function table(header: string[], rows: string[][], rightAligned: Set<number>): string {
  const widths = header.map((h, i) => rows.reduce((w, r) => Math.max(w, r[i]!.length), h.length));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (rightAligned.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

function queueRows(queues: QueueStatus[]): string[][] {
  return queues.map((q) => [
    q.queue,
    ...(['waiting', 'active', 'delayed', 'prioritized', 'failed', 'completed'] as const).map((s) => String(q.counts[s])),
    String(q.completedInWindow),
    String(q.failedInWindow),
  ]);
}

function lastError(f: FeedStatus, now: Date): string {
  if (!f.lastErrorAt) return '-';
  const message = (f.lastErrorMessage ?? '').replace(/\s+/g, ' ');
  const short = message.length > 60 ? `${message.slice(0, 59)}…` : message;
  return `${relativeTime(f.lastErrorAt, now)} ${f.lastErrorCode ?? ''}${short ? `: ${short}` : ''}`;
}

function nextPoll(f: FeedStatus, now: Date): string {
  if (f.condition === 'paused') return 'paused';
  // A schedule whose time has come waits for a worker to take its job.
  if (f.nextPollAt && Date.parse(f.nextPollAt) <= now.getTime()) return 'due';
  // A failing feed's poll waits out its backoff: say so, or it looks like a schedule slower than the file's.
  return `${relativeTime(f.nextPollAt, now)}${f.nextPollReason === 'backoff' ? ' (backoff)' : ''}`;
}

function feedRows(feeds: FeedStatus[], now: Date): string[][] {
  return feeds.map((f) => [
    f.id,
    f.condition,
    String(f.consecutiveFailures),
    relativeTime(f.lastSuccessAt, now),
    nextPoll(f, now),
    f.itemsWaiting ? `${f.itemsLastDay} (+${f.itemsWaiting} waiting${f.fallingBehind ? ', falling behind' : ''})` : String(f.itemsLastDay),
    lastError(f, now),
  ]);
}

export function formatStatus(report: StatusReport): string {
  const now = new Date(report.at);
  const w = `${report.windowMinutes}m`;
  const queues = table(
    ['queue', 'waiting', 'active', 'delayed', 'prioritized', 'failed', 'completed', `done/${w}`, `failed/${w}`],
    queueRows(report.queues),
    new Set([1, 2, 3, 4, 5, 6, 7, 8]),
  );
  const feeds = report.feeds.length
    ? table(['feed', 'health', 'failures', 'last success', 'next poll', 'items/24h', 'last error'], feedRows(report.feeds, now), new Set([2, 5]))
    : '(no feeds in the feeds file)';
  return `queues at ${report.at}\n${queues}\n\nfeeds, worst first\n${feeds}\n`;
}
