import { describe, expect, it } from 'vitest';
import { itemHash } from '../../../../src/stages/fetch/fetch-feed.js';
import type { FeedItem } from '../../../../src/stages/fetch/types.js';

const base: FeedItem = {
  id: 'g1', link: 'https://news.example/a?id=1', title: 'Title', author: null, publishedAt: null, updatedAt: null,
  contentHtml: '<p>Body text</p>', summary: null, images: ['https://img.example/1.jpg'],
};

describe('itemHash', () => {
  it('ignores what feeds rotate on every request: tracking parameters, image URLs, markup', () => {
    const h = itemHash(base);
    expect(itemHash({ ...base, link: 'https://news.example/a?id=1&utm_source=rss&utm_campaign=x' })).toBe(h);
    expect(itemHash({ ...base, images: ['https://img.example/1.jpg?cb=123'] })).toBe(h);
    expect(itemHash({ ...base, contentHtml: '<div><p>Body   text</p></div>' })).toBe(h);
  });

  it('changes when the readable content or the update date changes', () => {
    const h = itemHash(base);
    expect(itemHash({ ...base, title: 'Title (corrected)' })).not.toBe(h);
    expect(itemHash({ ...base, contentHtml: '<p>Body text, updated</p>' })).not.toBe(h);
    expect(itemHash({ ...base, updatedAt: '2025-02-12T08:30:00Z' })).not.toBe(h);
    expect(itemHash({ ...base, link: 'https://news.example/a?id=2' })).not.toBe(h);
  });
});
