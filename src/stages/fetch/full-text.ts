// Whether a feed item carries the article itself, and the small HTML document the clean stage gets when it does.
import type { FeedItem } from './types.js';

export function textLength(html: string | null): number {
  if (!html) return 0;
  return html.replace(/<[^<>]*>/g, ' ').replace(/&[#a-z0-9]+;/gi, ' ').replace(/\s+/g, '').length;
}

/** The item's best HTML: full content, else the summary. */
export function bestHtml(item: FeedItem): string | null {
  return textLength(item.contentHtml) >= textLength(item.summary) ? (item.contentHtml ?? item.summary) : item.summary;
}

/**
 * Decides between using the feed's text and fetching the page: `always` fetches every page, `never` none;
 * `auto` fetches when the feed's text is shorter than `minChars` (characters without whitespace, so CJK text counts fairly).
 */
export function useFeedText(item: FeedItem, mode: 'auto' | 'always' | 'never', minChars: number): boolean {
  // Nothing to fetch: no link, or one that is not a web page (mailto:, a tag: URI, a relative path with no base).
  if (!item.link || !/^https?:\/\//i.test(item.link)) return true;
  if (mode === 'never') return true;
  if (mode === 'always') return false;
  return textLength(bestHtml(item)) >= minChars;
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A standalone UTF-8 page around the item's HTML, so clean reads it like any fetched page. */
export function itemDocument(item: FeedItem, html: string): string {
  const meta = [
    '<meta charset="utf-8">',
    item.title ? `<title>${escapeHtml(item.title)}</title>` : '',
    item.link ? `<link rel="canonical" href="${escapeHtml(item.link)}">` : '',
    item.author ? `<meta name="author" content="${escapeHtml(item.author)}">` : '',
    item.publishedAt ? `<meta property="article:published_time" content="${escapeHtml(item.publishedAt)}">` : '',
  ].filter(Boolean);
  const heading = item.title ? `<h1>${escapeHtml(item.title)}</h1>` : '';
  return `<!doctype html>\n<html><head>${meta.join('')}</head><body><article>${heading}${html}</article></body></html>\n`;
}
