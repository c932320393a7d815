// JSON Feed 1.0 and 1.1 to the normalized feed shape.
import { sha256Hex } from '../../domain/ids.js';
import { assumedOffsetMinutes, parseFeedDate } from './parse-date.js';
import { sanitizeItemHtml, textToHtml, toPlainText } from './sanitize.js';
import type { FeedItem, ParsedFeed } from './types.js';

type Json = Record<string, unknown>;
const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v : typeof v === 'number' ? String(v) : null);
const obj = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});

function resolve(ref: string | null, base: string | null): string | null {
  if (!ref) return null;
  try {
    return new URL(ref.trim(), base ?? undefined).href;
  } catch {
    return null;
  }
}

export function isJsonFeed(value: unknown): boolean {
  const v = obj(value);
  return typeof v.version === 'string' ? v.version.includes('jsonfeed.org') : Array.isArray(v.items);
}

export function feedFromJson(doc: unknown, feedUrl: string | null): Omit<ParsedFeed, 'malformed' | 'repairs' | 'encoding'> {
  const feed = obj(doc);
  const base = resolve(str(feed.feed_url), feedUrl) ?? feedUrl;
  const sample = [str(feed.title), ...(Array.isArray(feed.items) ? feed.items.slice(0, 5) : []).map((i) => str(obj(i).title))].join(' ');
  const assumeOffsetMinutes = assumedOffsetMinutes(str(feed.language), sample);
  const feedAuthor = str(obj(feed.author).name) ?? str(obj((feed.authors as unknown[] | undefined)?.[0]).name);
  const items: FeedItem[] = (Array.isArray(feed.items) ? feed.items : []).map((value): FeedItem => {
    const it = obj(value);
    const link = resolve(str(it.url) ?? str(it.external_url), base);
    const title = toPlainText(str(it.title));
    const publishedAt = parseFeedDate(str(it.date_published), { assumeOffsetMinutes });
    const updatedAt = parseFeedDate(str(it.date_modified), { assumeOffsetMinutes });
    const html = str(it.content_html) ?? textToHtml(str(it.content_text));
    const contentHtml = sanitizeItemHtml(html, link ?? base ?? undefined);
    const summary = sanitizeItemHtml(textToHtml(str(it.summary)), link ?? base ?? undefined);
    const images: string[] = [];
    for (const candidate of [str(it.image), str(it.banner_image)]) {
      const abs = resolve(candidate, link ?? base);
      if (abs && !images.includes(abs)) images.push(abs);
    }
    for (const att of Array.isArray(it.attachments) ? it.attachments : []) {
      const a = obj(att);
      const abs = resolve(str(a.url), link ?? base);
      if (abs && (str(a.mime_type) ?? '').startsWith('image/') && !images.includes(abs)) images.push(abs);
    }
    const author = toPlainText(str(obj(it.author).name) ?? str(obj((it.authors as unknown[] | undefined)?.[0]).name) ?? feedAuthor);
    const id = str(it.id)?.trim() || link || `sha256:${sha256Hex(`${title ?? ''}\n${publishedAt ?? ''}\n${summary ?? ''}`).slice(0, 32)}`;
    return { id, link, title, author, publishedAt, updatedAt, contentHtml, summary, images };
  });
  return { format: 'json', title: toPlainText(str(feed.title)), link: resolve(str(feed.home_page_url), base), ttlSeconds: null, items };
}
