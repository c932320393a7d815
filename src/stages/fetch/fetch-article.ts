// fetchArticle: fetches an item's page, politely and as robots.txt allows, keeps the raw bytes and sends them to clean.
import { jobId } from '../../domain/ids.js';
import type { CleanPayload, FetchArticlePayload } from '../../jobs/payloads.js';
import type { StageContext, StageResult } from '../types.js';
import type { FetchDeps } from './deps.js';
import { hostOf, keptHeaders } from './fetch-feed.js';

export async function fetchArticle(payload: FetchArticlePayload, ctx: StageContext, deps: FetchDeps): Promise<StageResult> {
  const { politeness: rules } = deps.config;
  let minDelayMs: number | undefined;
  if (rules.obeyRobots) {
    const verdict = await deps.robots.check(payload.url, ctx.signal);
    if (!verdict.allowed) {
      ctx.count('articles-robots-disallowed');
      return { drop: `robots.txt disallows ${payload.url}` };
    }
    if (verdict.crawlDelayMs !== null) minDelayMs = verdict.crawlDelayMs;
  }
  const res = await deps.politeness.withHost(hostOf(payload.url), () => deps.http.get(payload.url, { purpose: 'page', signal: ctx.signal }), {
    signal: ctx.signal,
    ...(minDelayMs === undefined ? {} : { minDelayMs }),
  });
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
  const clean: CleanPayload = {
    runId: payload.runId,
    articleId: payload.articleId,
    url: res.finalUrl,
    source: payload.source,
    hints: payload.hints,
    rawRef,
    format: 'html',
    fetchedAt,
  };
  return { emit: [{ queue: 'clean', id: jobId('clean', payload.articleId, payload.runId), payload: clean }] };
}
