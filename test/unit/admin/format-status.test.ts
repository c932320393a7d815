// The order and the text of `newsflow status`.
import { describe, expect, it } from 'vitest';
import { formatStatus, relativeTime } from '../../../src/admin/format-status.js';
import { conditionOf, fixedIntervalMs, nextPollOf, worstFirst, type FeedStatus, type StatusReport } from '../../../src/commands/status.js';

const AT = '2026-03-01T12:00:00.000Z';

function feed(id: string, over: Partial<FeedStatus> = {}): FeedStatus {
  const base: FeedStatus = {
    id,
    title: null,
    url: `https://example.org/${id}.xml`,
    condition: 'ok',
    lastSuccessAt: '2026-03-01T11:50:00.000Z',
    lastErrorAt: null,
    lastErrorCode: null,
    lastErrorMessage: null,
    consecutiveFailures: 0,
    paused: false,
    nextPollAt: '2026-03-01T12:20:00.000Z',
    nextPollReason: 'schedule',
    backoffUntil: null,
    itemsLastDay: 4,
    itemsWaiting: 0,
    fallingBehind: false,
  };
  const f = { ...base, ...over };
  // Every test feed is polled every 15 minutes.
  return { ...f, condition: conditionOf({ ...f, nextAttemptAt: f.backoffUntil }, { intervalMs: 15 * 60_000, now: new Date(AT) }) };
}

describe('feed order', () => {
  it('puts paused feeds first, then failing ones by failures, overdue, never fetched, then the longest without success', () => {
    const feeds = [
      feed('fresh'),
      feed('older', { lastSuccessAt: '2026-03-01T11:25:00.000Z' }),
      feed('stale', { lastSuccessAt: '2026-02-27T08:00:00.000Z' }),
      feed('new', { lastSuccessAt: null }),
      feed('flaky', { consecutiveFailures: 2, lastErrorAt: AT, lastErrorCode: 'timeout' }),
      feed('broken', { consecutiveFailures: 7, lastErrorAt: AT, lastErrorCode: 'http-server-error' }),
      feed('dead', { consecutiveFailures: 10, paused: true, lastErrorAt: AT, lastErrorCode: 'http-gone' }),
    ];
    expect(feeds.sort(worstFirst).map((f) => [f.id, f.condition])).toEqual([
      ['dead', 'paused'],
      ['broken', 'failing'],
      ['flaky', 'failing'],
      ['stale', 'overdue'],
      ['new', 'never-fetched'],
      ['older', 'ok'],
      ['fresh', 'ok'],
    ]);
  });
});

describe('feed condition', () => {
  it('is overdue only past three fixed intervals without success, never for cron or adaptive feeds', () => {
    const h = feed('x', { lastSuccessAt: '2026-03-01T10:59:00.000Z' });
    const health = { ...h, nextAttemptAt: null };
    const now = new Date(AT);
    expect(conditionOf(health, { intervalMs: 20 * 60_000, now })).toBe('overdue');
    expect(conditionOf(health, { intervalMs: 30 * 60_000, now })).toBe('ok');
    expect(fixedIntervalMs({ interval: '20m' })).toBe(20 * 60_000);
    expect(fixedIntervalMs({ interval: '20m', cron: '0 * * * *' })).toBeNull();
    expect(fixedIntervalMs({ interval: 'auto' })).toBeNull();
  });
});

describe('next poll', () => {
  const at = (iso: string) => Date.parse(iso);
  const iso = (r: { at: number | null }) => (r.at === null ? null : new Date(r.at).toISOString());
  // A feed scheduled every 15 minutes, next at 12:15; and one on a cron pattern, at minute 0 of 7-22h in Shanghai.
  const every15 = { next: at('2026-03-01T12:15:00.000Z'), every: 15 * 60_000 };
  const cron = { next: at('2026-03-01T13:00:00.000Z'), pattern: '0 7-22 * * *', tz: 'Asia/Shanghai' };
  const none = { paused: false, backoffUntil: null, adaptiveNextPollAt: null };

  it("is the schedule's next tick when nothing holds the feed back", () => {
    expect(nextPollOf(every15, none)).toEqual({ at: every15.next, reason: 'schedule' });
    // Holds that are over by the next tick change nothing.
    expect(nextPollOf(every15, { ...none, backoffUntil: '2026-03-01T12:05:00.000Z', adaptiveNextPollAt: '2026-03-01T12:15:00.000Z' })).toEqual({ at: every15.next, reason: 'schedule' });
  });

  it("is the first tick after an adaptive feed's next poll, six hours away, not the schedule's next tick", () => {
    const r = nextPollOf(every15, { ...none, adaptiveNextPollAt: '2026-03-01T18:07:00.000Z' });
    expect([iso(r), r.reason]).toEqual(['2026-03-01T18:15:00.000Z', 'adaptive']);
  });

  it('is the first tick after a failing feed backs off for three hours, and says it is a backoff', () => {
    const r = nextPollOf(every15, { ...none, backoffUntil: '2026-03-01T15:00:00.000Z', adaptiveNextPollAt: '2026-03-01T14:00:00.000Z' });
    expect([iso(r), r.reason]).toEqual(['2026-03-01T15:00:00.000Z', 'backoff']);
    // On a cron schedule: 23:00 to 06:59 in Shanghai has no tick, so a backoff to 15:30 UTC (23:30 there) waits for 07:00.
    const c = nextPollOf(cron, { ...none, backoffUntil: '2026-03-01T15:30:00.000Z' });
    expect([iso(c), c.reason]).toEqual(['2026-03-01T23:00:00.000Z', 'backoff']);
    // A later adaptive poll wins over a shorter backoff.
    expect(nextPollOf(every15, { ...none, backoffUntil: '2026-03-01T13:00:00.000Z', adaptiveNextPollAt: '2026-03-01T18:00:00.000Z' }).reason).toBe('adaptive');
  });

  it('is none for a paused feed or one without a schedule', () => {
    expect(nextPollOf(every15, { ...none, paused: true })).toEqual({ at: null, reason: null });
    expect(nextPollOf(undefined, { ...none, backoffUntil: '2026-03-01T15:00:00.000Z' })).toEqual({ at: null, reason: null });
  });

  it('is printed with the reason when it is a backoff', () => {
    const failing = feed('failing', { consecutiveFailures: 4, lastErrorAt: AT, lastErrorCode: 'http-server-error', backoffUntil: '2026-03-01T15:00:00.000Z', nextPollAt: '2026-03-01T15:00:00.000Z', nextPollReason: 'backoff' });
    const adaptive = feed('adaptive', { nextPollAt: '2026-03-01T18:15:00.000Z', nextPollReason: 'adaptive' });
    const text = formatStatus({ at: AT, windowMinutes: 15, queues: [], feeds: [failing, adaptive] });
    expect(text).toMatch(/^failing\s+failing\s+4\s+10m ago\s+in 3h \(backoff\)\s+4/m);
    expect(text).toMatch(/^adaptive\s+ok\s+0\s+10m ago\s+in 6h\s+4/m);
  });
});

describe('status text', () => {
  it('says times relative to the report', () => {
    const now = new Date(AT);
    expect(relativeTime(null, now)).toBe('-');
    expect(relativeTime('2026-03-01T11:59:18.000Z', now)).toBe('42s ago');
    expect(relativeTime('2026-03-01T12:20:00.000Z', now)).toBe('in 20m');
    expect(relativeTime('2026-02-27T08:00:00.000Z', now)).toBe('2d ago');
    expect(relativeTime('2026-03-01T15:30:00.000Z', now)).toBe('in 3h');
  });

  it('prints aligned tables of queues and feeds', () => {
    const report: StatusReport = {
      at: AT,
      windowMinutes: 15,
      queues: [
        {
          queue: 'fetch-feed',
          counts: { waiting: 2, active: 1, delayed: 0, prioritized: 0, 'waiting-children': 0, completed: 120, failed: 3 },
          completedInWindow: 14,
          failedInWindow: 1,
        },
      ],
      feeds: [
        feed('dead', { consecutiveFailures: 10, paused: true, lastErrorAt: '2026-03-01T11:00:00.000Z', lastErrorCode: 'http-gone', lastErrorMessage: 'HTTP 410\nfrom the server' }),
        feed('fresh', { nextPollAt: '2026-03-01T11:59:00.000Z' }),
        feed('archive', { lastSuccessAt: '2026-03-01T11:55:00.000Z', itemsLastDay: 1000, itemsWaiting: 49_000 }),
      ],
    };
    expect(formatStatus(report)).toBe(
      [
        `queues at ${AT}`,
        'queue       waiting  active  delayed  prioritized  failed  completed  done/15m  failed/15m',
        'fetch-feed        2       1        0            0       3        120        14           1',
        '',
        'feeds, worst first',
        'feed     health  failures  last success  next poll              items/24h  last error',
        'dead     paused        10  10m ago       paused                         4  1h ago http-gone: HTTP 410 from the server',
        'fresh    ok             0  10m ago       due                            4  -',
        'archive  ok             0  5m ago        in 20m     1000 (+49000 waiting)  -',
        '',
      ].join('\n'),
    );
  });

  it('says when a feed with items waiting falls behind', () => {
    const report: StatusReport = { at: AT, windowMinutes: 15, queues: [], feeds: [feed('firehose', { itemsLastDay: 1000, itemsWaiting: 2500, fallingBehind: true })] };
    expect(formatStatus(report)).toContain('1000 (+2500 waiting, falling behind)');
  });
});
