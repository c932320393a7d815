import { describe, expect, it } from 'vitest';
import type { FeedHealth } from '../../../../src/stages/fetch/deps.js';
import { describeHealth, isFeedDue } from '../../../../src/stages/fetch/health.js';
import { backoffMs } from '../../../../src/infra/fetch-state.js';

const healthy: FeedHealth = { lastSuccessAt: null, lastErrorAt: null, lastErrorCode: null, lastErrorMessage: null, consecutiveFailures: 0, nextAttemptAt: null, paused: false, itemsWaiting: 0, fallingBehind: false };
const now = new Date('2025-02-12T08:30:00Z');

describe('feed health', () => {
  it('is due when healthy or past its backoff, not when paused or inside it', () => {
    expect(isFeedDue(healthy, now)).toBe(true);
    expect(isFeedDue({ ...healthy, consecutiveFailures: 2, nextAttemptAt: '2025-02-12T08:29:00Z' }, now)).toBe(true);
    expect(isFeedDue({ ...healthy, consecutiveFailures: 2, nextAttemptAt: '2025-02-12T08:31:00Z' }, now)).toBe(false);
    expect(isFeedDue({ ...healthy, paused: true }, now)).toBe(false);
  });

  it('describes only feeds that need attention', () => {
    expect(describeHealth('f', healthy)).toBeNull();
    expect(describeHealth('f', { ...healthy, paused: true, consecutiveFailures: 10, lastErrorCode: 'http-gone', lastErrorMessage: 'HTTP 410' })).toMatch(
      /^f: PAUSED; 10 consecutive failures, last http-gone/,
    );
  });

  it('backs off exponentially with jitter, up to the cap', () => {
    expect(backoffMs(1, 1000, 60_000, () => 0.5)).toBe(1000);
    expect(backoffMs(3, 1000, 60_000, () => 0.5)).toBe(4000);
    expect(backoffMs(20, 1000, 60_000, () => 0.5)).toBe(60_000);
    expect(backoffMs(3, 1000, 60_000, () => 0)).toBe(3200);
    expect(backoffMs(3, 1000, 60_000, () => 0.999)).toBeLessThanOrEqual(4800);
  });
});
