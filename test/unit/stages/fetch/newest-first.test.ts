import { describe, expect, it } from 'vitest';
import { newestFirst } from '../../../../src/stages/fetch/fetch-feed.js';
import type { FeedItem } from '../../../../src/stages/fetch/types.js';

const item = (id: string, publishedAt: string | null, updatedAt: string | null = null) => ({
  id,
  item: { id, link: null, title: id, author: null, publishedAt, updatedAt, contentHtml: null, summary: null, images: [] } satisfies FeedItem,
});

describe('newestFirst', () => {
  it('takes everything, in feed order, when the limit is not reached', () => {
    const items = [item('a', null), item('b', '2026-01-02T00:00:00Z'), item('c', '2026-01-01T00:00:00Z')];
    const { taken, deferred } = newestFirst(items, 3);
    expect(taken.map((x) => x.id)).toEqual(['a', 'b', 'c']);
    expect(deferred.size).toBe(0);
  });

  it('keeps the newest by published or updated date, in feed order; undated ones count as oldest, by feed position', () => {
    const items = [
      item('old', '2026-01-01T00:00:00Z'),
      item('undated-1', null),
      item('newest', '2026-01-05T00:00:00Z'),
      item('updated-only', null, '2026-01-03T00:00:00Z'),
      item('undated-2', 'not a date'),
      item('middle', '2026-01-02T00:00:00Z'),
    ];
    expect(newestFirst(items, 3).taken.map((x) => x.id)).toEqual(['newest', 'updated-only', 'middle']);
    const five = newestFirst(items, 5);
    expect(five.taken.map((x) => x.id)).toEqual(['old', 'undated-1', 'newest', 'updated-only', 'middle']);
    expect([...five.deferred]).toEqual(['undated-2']);
  });

  it('splits the items without losing or repeating one', () => {
    const items = Array.from({ length: 50 }, (_, i) => item(`i${i}`, i % 3 ? new Date(Date.UTC(2026, 0, 1) + ((i * 17) % 50) * 60_000).toISOString() : null));
    const { taken, deferred } = newestFirst(items, 20);
    expect(taken).toHaveLength(20);
    expect(new Set([...taken.map((x) => x.id), ...deferred]).size).toBe(50);
  });
});
