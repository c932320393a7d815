// fetchFeed: one poll of one feed. Conditional GET, raw copy, parse, and for each new or changed item a job for
// the page fetch or, when the feed carries the full text, straight for clean.
import { canonicalizeUrl } from '../../domain/canonical-url.js';
import { describeError, permanent } from '../../domain/errors.js';
import { jobId, sha256Hex, shortId } from '../../domain/ids.js';
import type { CleanPayload, FetchArticlePayload, FetchFeedPayload, ItemHints } from '../../jobs/payloads.js';
import type { Emit, StageContext, StageResult } from '../types.js';
import type { FetchDeps, HttpResponse } from './deps.js';
import { bestHtml, itemDocument, useFeedText } from './full-text.js';
import { parseFeed } from './parse-feed.js';
import { politeGet } from './polite-get.js';
import { adaptiveIntervalMs } from './adaptive.js';
import type { FeedItem } from './types.js';

const KEPT_HEADERS = ['content-type', 'etag', 'last-modified', 'date', 'content-encoding'];

export function keptHeaders(res: HttpResponse): Record<string, string> {
  return Object.fromEntries(KEPT_HEADERS.filter((h) => res.headers[h] !== undefined).map((h) => [h, res.headers[h]!]));
}

const visibleText = (html: string | null) => (html ?? '').replace(/<[^<>]*>/g, ' ').replace(/\s+/g, ' ').trim();

/**
 * What makes an item "changed": its readable content. Not its position, the feed's build date, image URLs or
 * tracking parameters, which some feeds rotate on every request and which would re-send every item each poll.
 */
export function itemHash(item: FeedItem): string {
  const link = item.link ? canonicalizeUrl(item.link) : null;
  return sha256Hex(JSON.stringify([item.title, link, visibleText(item.contentHtml), visibleText(item.summary), item.updatedAt])).slice(0, 16);
}

/** The article id of one version (`itemHash`) of a feed's item. */
export function itemArticleId(feedId: string, itemId: string, hash: string): string {
  return shortId(feedId, itemId, hash);
}

function hintsOf(item: FeedItem): ItemHints {
  return {
    feedItemId: item.id,
    title: item.title,
    author: item.author,
    publishedAt: item.publishedAt,
    summary: item.summary,
    images: item.images,
  };
}

export async function fetchFeed(payload: FetchFeedPayload, ctx: StageContext, deps: FetchDeps): Promise<StageResult> {
  const { feedId } = payload;
  const health = await deps.feedState.getHealth(feedId);
  if (health.paused && !payload.force) {
    ctx.count('feeds-paused');
    return { drop: `feed paused after ${health.consecutiveFailures} consecutive failures (last: ${health.lastErrorCode})` };
  }
  if (payload.scheduled && !payload.force) {
    // A failing feed is polled more slowly (its backoff), an adaptive one at the rate it publishes.
    const now = ctx.now().getTime();
    if (health.nextAttemptAt && Date.parse(health.nextAttemptAt) > now) return { drop: 'not-due' };
    if (payload.adaptive) {
      const next = await deps.feedState.getNextPoll(feedId);
      if (next.at && Date.parse(next.at) > now) return { drop: 'not-due' };
    }
  }
  const validators = payload.force ? { etag: null, lastModified: null } : await deps.feedState.getValidators(feedId, payload.url);
  const headers: Record<string, string> = {};
  if (validators.etag) headers['if-none-match'] = validators.etag;
  if (validators.lastModified) headers['if-modified-since'] = validators.lastModified;

  let res: HttpResponse;
  try {
    res = await politeGet(deps, payload.url, { purpose: 'feed', headers, signal: ctx.signal });
  } catch (err) {
    // Waiting for a busy host is not the feed's failure; neither is a shutdown.
    if (!ctx.signal.aborted && describeError(err).code !== 'host-backoff') await recordFailure(deps, feedId, err, ctx);
    throw err;
  }
  if (res.status === 304) {
    await deps.feedState.recordSuccess(feedId, ctx.now());
    if (payload.adaptive) {
      const last = (await deps.feedState.getNextPoll(feedId)).intervalMs ?? deps.config.adaptive.maxIntervalMs;
      await deps.feedState.setNextPoll(feedId, new Date(ctx.now().getTime() + last), last);
    }
    ctx.count('feeds-not-modified');
    return { emit: [] };
  }

  const fetchedAt = ctx.now().toISOString();
  await deps.raw.put(res.body, { url: payload.url, finalUrl: res.finalUrl, status: res.status, headers: keptHeaders(res), fetchedAt, feedId, kind: 'feed' });
  const feed = await parseFeed(res.body, { url: res.finalUrl, contentType: res.headers['content-type'], defaultEncoding: deps.config.defaultEncoding });
  if (feed.malformed && feed.items.length === 0) {
    const err = permanent('feed-unparseable', `${payload.url}: ${feed.malformed.reason}`);
    await recordFailure(deps, feedId, err, ctx);
    throw err;
  }
  if (feed.malformed) ctx.log.warn({ feedId, reason: feed.malformed.reason, recovered: feed.items.length }, 'feed malformed; using what was recovered');
  if (feed.repairs.length) ctx.log.debug({ feedId, repairs: feed.repairs }, 'feed repaired');

  // One entry per id: feeds repeat items, and the first occurrence is the newest in practice.
  const byId = new Map<string, FeedItem>();
  for (const item of feed.items) if (!byId.has(item.id)) byId.set(item.id, item);
  const hashed = [...byId.values()].map((item) => ({ item, id: item.id, hash: itemHash(item) }));
  const fresh = payload.force ? new Set(hashed.map((h) => h.id)) : await deps.seen.unseen(feedId, hashed);

  // A poll passes on at most maxNewItemsPerPoll new items, the newest; the rest stay unseen for the next polls.
  const limit = payload.maxNewItemsPerPoll ?? deps.config.maxNewItemsPerPoll;
  const { taken, deferred } = newestFirst(hashed.filter((h) => fresh.has(h.id)), limit);
  // Items wait after two polls in a row, and no fewer than before: the feed publishes at least as fast as it is
  // read, so its oldest waiting items may leave it before a poll passes them on.
  const behind = health.itemsWaiting > 0 && deferred.size >= health.itemsWaiting;
  if (deferred.size) {
    ctx.count('items-deferred', deferred.size);
    if (behind) {
      ctx.count('feeds-behind');
      ctx.log.warn(
        { feedId, passedOn: taken.length, waiting: deferred.size, waitingBefore: health.itemsWaiting, maxNewItemsPerPoll: limit },
        'feed falls behind: it publishes more new items between polls than one poll passes on; raise its maxNewItemsPerPoll or poll it more often',
      );
    } else {
      ctx.log.info({ feedId, passedOn: taken.length, deferred: deferred.size }, 'more new items than one poll passes on; the rest wait for the next polls');
    }
  }

  const source = { id: feedId, title: payload.title ?? feed.title, url: payload.url };
  const emit: Emit[] = [];
  for (const { item, hash } of taken) {
    // Each version of an item is an article of its own: an edit must get past the job ids BullMQ keeps (scheduled
    // polls share one run id) and the ids the sink has written; dedupe marks it an update of the first version.
    const articleId = itemArticleId(feedId, item.id, hash);
    const hints = hintsOf(item);
    const html = bestHtml(item);
    if (useFeedText(item, payload.fullText, deps.config.fullTextMinChars)) {
      if (!html && !item.title) {
        ctx.count('items-empty');
        ctx.log.info({ feedId, itemId: item.id }, 'item has neither text nor link; skipped');
        continue;
      }
      const url = item.link ?? res.finalUrl;
      const rawRef = await deps.raw.put(Buffer.from(itemDocument(item, html ?? ''), 'utf8'), {
        url,
        finalUrl: url,
        status: 200,
        headers: { 'content-type': 'text/html; charset=utf-8' },
        fetchedAt,
        feedId,
        kind: 'article',
      });
      const clean: CleanPayload = { runId: payload.runId, articleId, url, source, hints, rawRef, format: 'html', fetchedAt };
      emit.push({ queue: 'clean', id: jobId('clean', articleId, payload.runId), payload: clean });
    } else {
      const article: FetchArticlePayload = { runId: payload.runId, articleId, url: item.link!, source, hints };
      emit.push({ queue: 'fetch-article', id: jobId('fetch-article', articleId, payload.runId), payload: article });
    }
  }
  ctx.count('feeds-fetched');
  ctx.count('items-new', emit.length);
  // Only once the jobs are enqueued may the feed remember these items and its validators: a crash before that
  // must lead to the same items being emitted again, not to a 304 that hides them.
  const commit = async () => {
    await deps.seen.markSeen(feedId, deferred.size ? hashed.filter((h) => !deferred.has(h.id)) : hashed, ctx.now(), hashed.length);
    // Items left for later are in this body: no validators, or the next poll's 304 would hide them.
    if (deferred.size) await deps.feedState.setValidators(feedId, payload.url, { etag: null, lastModified: null });
    else if (res.headers.etag || res.headers['last-modified']) {
      await deps.feedState.setValidators(feedId, payload.url, { etag: res.headers.etag ?? null, lastModified: res.headers['last-modified'] ?? null });
    }
    await deps.feedState.recordSuccess(feedId, ctx.now(), deferred.size, behind);
    await deps.feedState.recordItems?.(feedId, emit.length, ctx.now());
    if (payload.adaptive) {
      // A feed with items left over is polled again as soon as its bounds allow.
      const interval = deferred.size ? deps.config.adaptive.minIntervalMs : adaptiveIntervalMs(feed.items, ctx.now(), deps.config.adaptive, feed.ttlSeconds);
      await deps.feedState.setNextPoll(feedId, new Date(ctx.now().getTime() + interval), interval);
    }
  };
  return { emit, commit };
}

/**
 * Splits new items into the `limit` newest, in feed order, and the rest. Newest by published (or updated) date;
 * undated items count as oldest and keep their place in the feed, which lists the newest first in practice.
 */
export function newestFirst<T extends { id: string; item: FeedItem }>(items: T[], limit: number): { taken: T[]; deferred: Set<string> } {
  if (items.length <= limit) return { taken: items, deferred: new Set() };
  const time = (x: T) => {
    const t = Date.parse(x.item.publishedAt ?? x.item.updatedAt ?? '');
    return Number.isFinite(t) ? t : -Infinity;
  };
  const rank = items.map((x, i) => ({ i, t: time(x) })).sort((a, b) => b.t - a.t || a.i - b.i);
  const keep = new Uint8Array(items.length);
  for (let r = 0; r < limit; r++) keep[rank[r]!.i] = 1;
  const taken: T[] = [];
  const deferred = new Set<string>();
  items.forEach((x, i) => (keep[i] ? taken.push(x) : deferred.add(x.id)));
  return { taken, deferred };
}

async function recordFailure(deps: FetchDeps, feedId: string, err: unknown, ctx: StageContext): Promise<void> {
  const { code, message } = describeError(err);
  const retryAfterMs = (err as { retryAfterMs?: number }).retryAfterMs;
  const health = await deps.feedState.recordFailure(feedId, { code, message, retryAfterMs }, ctx.now());
  if (health.paused) {
    ctx.count('feeds-paused');
    ctx.log.error({ feedId, code, failures: health.consecutiveFailures }, 'feed paused after repeated failures');
  }
}
