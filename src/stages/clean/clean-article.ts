// The clean stage core: a fetched page or Markdown dump in, one readable article out to the classify queue.
import { load } from 'cheerio';
import { canonicalizeUrl, siteOf } from '../../domain/canonical-url.js';
import { poison } from '../../domain/errors.js';
import { jobId } from '../../domain/ids.js';
import { CleanArticleSchema, type CleanArticle } from '../../domain/record.js';
import type { CleanPayload, ClassifyPayload, ItemHints } from '../../jobs/payloads.js';
import type { RawStore } from '../raw-store.js';
import type { StageContext, StageResult } from '../types.js';
import type { CleanConfig } from './config.js';
import { parseDate } from './dates.js';
import { extract } from './extract.js';
import { parseMarkdownDump } from './markdown-dump.js';
import { cjkRatio, normalizeInline } from './text.js';
import type { Extracted } from './types.js';
import { limitNesting } from '../../domain/html.js';

export interface CleanDeps {
  raw: RawStore;
  config: CleanConfig;
}

const SUMMARY_CHARS = 300;

/** Feed summaries are often HTML; the record's summary is plain text. */
function plainSummary(summary: string | null): string | null {
  if (!summary) return null;
  const text = summary.includes('<') ? load(limitNesting(summary)).root().text() : summary;
  const n = normalizeInline(text);
  return n || null;
}

/** The lead of the text, cut at a sentence end when one falls in the limit. */
function leadOf(text: string): string | null {
  const first = text.split('\n\n').find((p) => p.length >= 40) ?? text.split('\n\n')[0];
  if (!first) return null;
  if (first.length <= SUMMARY_CHARS) return first;
  const cut = first.slice(0, SUMMARY_CHARS);
  const end = Math.max(cut.lastIndexOf('. '), cut.lastIndexOf('。'), cut.lastIndexOf('！'), cut.lastIndexOf('？'));
  return end > SUMMARY_CHARS / 3 ? cut.slice(0, end + 1) : `${cut.trimEnd()}…`;
}

/** A page's canonical link, unless it points somewhere implausible (the site's home page, another host). */
function pickCanonical(pageCanonical: string | null, url: string): string {
  if (!pageCanonical) return canonicalizeUrl(url);
  try {
    const c = new URL(pageCanonical);
    const u = new URL(url);
    // A local file (ingest) has no address of its own: the dump's or page's URL is the article's.
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return canonicalizeUrl(pageCanonical);
    const sameSite = siteOf(c.hostname) === siteOf(u.hostname);
    if (!sameSite || (c.pathname === '/' && u.pathname !== '/')) return canonicalizeUrl(url);
    return canonicalizeUrl(pageCanonical);
  } catch {
    return canonicalizeUrl(/^https?:/i.test(url) ? url : pageCanonical);
  }
}

function readBody(payload: CleanPayload, body: Buffer, config: CleanConfig): Extracted {
  try {
    if (payload.format === 'markdown') return parseMarkdownDump(body.toString('utf8'), { config }).extracted;
    // The HTTP charset outranks the page's <meta>; a payload from before it was carried has none (see the schema).
    return extract(body, payload.url, { config, contentType: payload.contentType ?? null });
  } catch (err) {
    throw poison('clean-parse', `cannot extract ${payload.url}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

function merge(payload: CleanPayload, page: Extracted, hints: ItemHints): CleanArticle {
  const chinese = cjkRatio(page.text) > 0.3;
  const images = page.images.length > 0 ? [...page.images] : [...hints.images];
  if (page.leadImage && !images.includes(page.leadImage)) images.unshift(page.leadImage);
  return CleanArticleSchema.parse({
    id: payload.articleId,
    url: payload.url,
    canonicalUrl: pickCanonical(page.canonicalUrl, payload.url),
    source: payload.source,
    feedItemId: hints.feedItemId,
    title: page.title ?? (hints.title ? normalizeInline(hints.title) : null),
    author: page.author ?? (hints.author ? normalizeInline(hints.author) : null),
    publishedAt: page.publishedAt ?? parseDate(hints.publishedAt, chinese ? '+08:00' : '+00:00'),
    fetchedAt: payload.fetchedAt,
    langHint: page.langHint,
    text: page.text,
    summary: plainSummary(hints.summary) ?? leadOf(page.text),
    images,
    rawRef: payload.rawRef,
  });
}

/** Extracts the article behind `payload.rawRef` and emits it to classify; a page without text is dropped. */
export async function cleanArticle(payload: CleanPayload, ctx: StageContext, deps: CleanDeps): Promise<StageResult> {
  const body = await deps.raw.get(payload.rawRef);
  ctx.signal.throwIfAborted();
  const page = readBody(payload, body, deps.config);
  if (!page.text.trim()) {
    ctx.log.info({ url: payload.url, rawRef: payload.rawRef }, 'no article text found');
    return { drop: 'empty-text' };
  }
  const article = merge(payload, page, payload.hints);
  const next: ClassifyPayload = { runId: payload.runId, article };
  return { emit: [{ queue: 'classify', id: jobId('classify', payload.articleId, payload.runId), payload: next }] };
}
