import { describe, expect, it } from 'vitest';
import { adaptiveIntervalMs } from '../../../../src/stages/fetch/adaptive.js';

const now = new Date('2025-02-12T12:00:00Z');
const bounds = { minIntervalMs: 5 * 60_000, maxIntervalMs: 6 * 3_600_000 };
const hoursAgo = (h: number) => ({ publishedAt: new Date(now.getTime() - h * 3_600_000).toISOString(), updatedAt: null });

describe('adaptiveIntervalMs', () => {
  it('polls about twice per expected item: 24 items a day gives 30 minutes', () => {
    const items = Array.from({ length: 24 }, (_, i) => hoursAgo(i + 1));
    expect(adaptiveIntervalMs(items, now, bounds, null)).toBe(30 * 60_000);
  });

  it('stays within its bounds: a busy feed at the minimum, a quiet one at the maximum', () => {
    const busy = Array.from({ length: 500 }, (_, i) => hoursAgo(i * 0.01 + 0.01));
    expect(adaptiveIntervalMs(busy, now, bounds, null)).toBe(bounds.minIntervalMs);
    expect(adaptiveIntervalMs([hoursAgo(100)], now, bounds, null)).toBe(bounds.maxIntervalMs);
    expect(adaptiveIntervalMs([], now, bounds, null)).toBe(bounds.maxIntervalMs);
  });

  it('ignores items older than a week or dated in the future, and never polls faster than the feed ttl', () => {
    const items = [hoursAgo(1), hoursAgo(2), hoursAgo(3), hoursAgo(24 * 30), { publishedAt: '2031-01-01T00:00:00Z', updatedAt: null }];
    expect(adaptiveIntervalMs(items, now, bounds, null)).toBe(30 * 60_000);
    expect(adaptiveIntervalMs(items, now, bounds, 3600)).toBe(3_600_000);
  });
});
