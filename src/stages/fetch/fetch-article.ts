// fetchArticle: fetches an item's page, politely and as robots.txt allows, keeps the raw bytes and sends them to clean.
// When the page cannot be had for good (robots.txt, 404/410, 401/403, not a web page), the feed's own text for the
// item goes to clean instead, so the reader still gets what the feed said.
import { describeError } from '../../domain/errors.js';
import { jobId } from '../../domain/ids.js';
import type { CleanPayload, FetchArticlePayload } from '../../jobs/payloads.js';
import type { StageContext, StageResult } from '../types.js';
import type { FetchDeps } from './deps.js';
import { keptHeaders } from './fetch-feed.js';
import { itemDocument } from './full-text.js';
import { politeGet } from './polite-get.js';

/** The feed's text for an item, as the UTF-8 document itemDocument writes. */
const FEED_TEXT_TYPE = 'text/html; charset=utf-8';

/** The clean job of stored bytes; `contentType` goes along so that clean decodes by the charset they were served with. */
function cleanJob(payload: FetchArticlePayload, url: string, rawRef: string, fetchedAt: string, contentType: string | undefined) {
  const clean: CleanPayload = {
    runId: payload.runId, articleId: payload.articleId, url, source: payload.source, hints: payload.hints, rawRef, format: 'html', fetchedAt,
    ...(contentType ? { contentType } : {}),
  };
  return { queue: 'clean' as const, id: jobId('clean', payload.articleId, payload.runId), payload: clean };
}

async function fromFeedText(payload: FetchArticlePayload, reason: string, ctx: StageContext, deps: FetchDeps): Promise<StageResult> {
  const { hints } = payload;
  if (!hints.summary && !hints.title) {
    ctx.count('articles-unavailable');
    return { drop: `${reason}; the feed gave no text for ${payload.url}` };
  }
  const item = { id: hints.feedItemId ?? payload.url, link: payload.url, title: hints.title, author: hints.author, publishedAt: hints.publishedAt, updatedAt: null, contentHtml: null, summary: hints.summary, images: hints.images };
  const fetchedAt = ctx.now().toISOString();
  const rawRef = await deps.raw.put(Buffer.from(itemDocument(item, hints.summary ?? ''), 'utf8'), {
    url: payload.url,
    finalUrl: payload.url,
    status: 200,
    headers: { 'content-type': FEED_TEXT_TYPE },
    fetchedAt,
    feedId: payload.source.id,
    kind: 'article',
  });
  ctx.count('articles-from-feed-text');
  ctx.log.info({ articleId: payload.articleId, url: payload.url, reason }, 'page unavailable; using the feed text');
  return { emit: [cleanJob(payload, payload.url, rawRef, fetchedAt, FEED_TEXT_TYPE)] };
}

export async function fetchArticle(payload: FetchArticlePayload, ctx: StageContext, deps: FetchDeps): Promise<StageResult> {
  // robots.txt is checked for every hop before it is asked for: a link shortener or feed proxy that redirects to
  // another site leads to a page that site's robots.txt governs, and its Crawl-delay spaces that site's requests.
  const robots = deps.config.politeness.obeyRobots ? deps.robots : undefined;
  let res;
  try {
    res = await politeGet(deps, payload.url, { purpose: 'page', signal: ctx.signal, robots });
  } catch (err) {
    const { kind, code, message } = describeError(err);
    if (ctx.signal.aborted) throw err;
    if (code === 'robots-disallowed') {
      ctx.count('articles-robots-disallowed');
      return fromFeedText(payload, message, ctx, deps);
    }
    if (kind !== 'permanent') throw err;
    return fromFeedText(payload, `page fetch failed (${code})`, ctx, deps);
  }
  const fetchedAt = ctx.now().toISOString();
  const rawRef = await deps.raw.put(res.body, {
    url: payload.url,
    finalUrl: res.finalUrl,
    status: res.status,
    headers: keptHeaders(res),
    fetchedAt,
    feedId: payload.source.id,
    kind: 'article',
  });
  ctx.count('articles-fetched');
  return { emit: [cleanJob(payload, res.finalUrl, rawRef, fetchedAt, res.headers['content-type'])] };
}
