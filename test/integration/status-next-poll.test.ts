// `newsflow status` says when a feed is really polled next: an adaptive feed after the poll its publishing rate asks
// for, a failing feed after its backoff (and says so), not at its schedule's next tick, which the fetch stage skips.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatStatus } from '../../src/admin/format-status.js';
import { collectStatus } from '../../src/commands/status.js';
import { loadFeeds } from '../../src/config/load.js';
import { createRedisFeedState } from '../../src/infra/fetch-state.js';
import { syncSchedules } from '../../src/jobs/schedules.js';
import { openTestRuntime, type TestRuntime } from '../helpers/runtime.js';

const HOUR = 3_600_000;
let rt: TestRuntime;

beforeAll(async () => {
  rt = await openTestRuntime('status-next-poll', {
    feeds: [
      { id: 'adaptive', url: 'https://feeds.example/adaptive.xml', interval: 'auto' },
      { id: 'failing', url: 'https://feeds.example/failing.xml', interval: '15m' },
      { id: 'steady', url: 'https://feeds.example/steady.xml', interval: '15m' },
    ],
  });
  await syncSchedules(rt, loadFeeds(rt.loaded.paths.feedsFile));
});
afterAll(async () => {
  await rt?.dispose();
});

describe('status next poll', () => {
  it('is the latest of the schedule, the backoff and the adaptive next poll', async () => {
    const state = createRedisFeedState(rt.redis.client, rt.fetchRoot, rt.loaded.config.fetch);
    const now = new Date();
    // What the fetch stage records: the adaptive feed polled just now, next in 6 h; the failing one asked by its
    // server (Retry-After) to wait 3 h.
    await state.recordSuccess('adaptive', now);
    await state.setNextPoll('adaptive', new Date(now.getTime() + 6 * HOUR), 6 * HOUR);
    for (let i = 0; i < 4; i++) await state.recordFailure('failing', { code: 'http-server-error', message: 'HTTP 503', retryAfterMs: 3 * HOUR }, now);
    await state.recordSuccess('steady', now);

    const report = await collectStatus(rt, { now });
    const byId = new Map(report.feeds.map((f) => [f.id, f]));
    const inHours = (id: string) => (Date.parse(byId.get(id)!.nextPollAt!) - now.getTime()) / HOUR;
    const tickMs = rt.loaded.config.fetch.adaptive.minIntervalMs;

    expect(inHours('adaptive')).toBeGreaterThanOrEqual(6);
    expect(inHours('adaptive')).toBeLessThanOrEqual(6 + tickMs / HOUR);
    expect(byId.get('adaptive')!.nextPollReason).toBe('adaptive');
    expect(inHours('failing')).toBeGreaterThanOrEqual(3);
    expect(inHours('failing')).toBeLessThanOrEqual(3.25);
    expect(Date.parse(byId.get('failing')!.nextPollAt!)).toBeGreaterThanOrEqual(Date.parse(byId.get('failing')!.backoffUntil!));
    expect(byId.get('failing')!.nextPollReason).toBe('backoff');
    expect(inHours('steady')).toBeLessThanOrEqual(0.25);
    expect(byId.get('steady')!.nextPollReason).toBe('schedule');

    const rows = formatStatus(report).split('\n');
    expect(rows.find((l) => l.startsWith('failing '))).toMatch(/\sin [23]h \(backoff\)\s/);
    expect(rows.find((l) => l.startsWith('adaptive '))).toMatch(/\sin [56]h\s/);
  });
});
