import { describe, expect, it } from 'vitest';
import { bestHtml, itemDocument, textLength, useFeedText } from '../../../../src/stages/fetch/full-text.js';
import type { FeedItem } from '../../../../src/stages/fetch/types.js';

const item = (over: Partial<FeedItem>): FeedItem => ({
  id: 'i', link: 'https://news.example/a', title: 'T', author: null, publishedAt: null, updatedAt: null, contentHtml: null, summary: null, images: [], ...over,
});

describe('full-text decision', () => {
  const long = `<p>${'word '.repeat(200)}</p>`;
  it('counts characters without tags, entities or whitespace, so CJK text counts fairly', () => {
    expect(textLength('<p>a b&nbsp;c</p>')).toBe(3);
    expect(textLength('<p>中文内容</p>')).toBe(4);
  });

  it('uses feed text in auto mode only when it is long enough', () => {
    expect(useFeedText(item({ contentHtml: long }), 'auto', 500)).toBe(true);
    expect(useFeedText(item({ summary: '<p>teaser</p>' }), 'auto', 500)).toBe(false);
  });

  it('follows always and never', () => {
    expect(useFeedText(item({ contentHtml: long }), 'always', 500)).toBe(false);
    expect(useFeedText(item({ summary: 'short' }), 'never', 500)).toBe(true);
  });

  it('keeps feed text when there is no web page to fetch', () => {
    expect(useFeedText(item({ link: null, summary: 'short' }), 'always', 500)).toBe(true);
    expect(useFeedText(item({ link: 'mailto:desk@news.example', summary: 'short' }), 'auto', 500)).toBe(true);
  });

  it('prefers the longer of content and summary', () => {
    expect(bestHtml(item({ contentHtml: '<p>a</p>', summary: '<p>much longer summary</p>' }))).toBe('<p>much longer summary</p>');
    expect(bestHtml(item({ contentHtml: long, summary: 'x' }))).toBe(long);
  });

  it('wraps item HTML in a standalone UTF-8 page with escaped metadata', () => {
    const doc = itemDocument(item({ title: 'A <b> & "c"', publishedAt: '2025-02-12T08:30:00+08:00' }), '<p>Body</p>');
    expect(doc).toContain('<meta charset="utf-8">');
    expect(doc).toContain('<title>A &lt;b&gt; &amp; &quot;c&quot;</title>');
    expect(doc).toContain('content="2025-02-12T08:30:00+08:00"');
    expect(doc).toContain('<p>Body</p>');
  });
});
