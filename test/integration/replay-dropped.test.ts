// Pages the clean stage dropped for want of text are journaled, so the usual fix -- a site rule, then a replay from
// the raw payloads -- makes articles of them, and the replay's report says so.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRecords, replay } from '../../src/commands/replay.js';
import { jobId } from '../../src/domain/ids.js';
import { Journal } from '../../src/infra/journal.js';
import { listOutputFiles } from '../../src/infra/jsonl-output.js';
import type { Emit } from '../../src/stages/types.js';
import { newRunId, runBatch } from '../../src/workers/pipeline.js';
import { loadArticles } from '../fixtures/dedupe/eval-set.js';
import { openTestRuntime, type TestRuntime } from '../helpers/runtime.js';

let rt: TestRuntime;
const SPA_HOST = 'spa.example.com';

/** A clean job for a page stored in the raw store. */
async function pageJob(runId: string, i: number, url: string, html: string): Promise<Emit> {
  const fetchedAt = new Date().toISOString();
  const rawRef = await rt.raw.put(Buffer.from(html), { url, finalUrl: url, status: 200, headers: { 'content-type': 'text/html' }, fetchedAt, feedId: 'spa', kind: 'article' });
  const articleId = (0xd00000 + i).toString(16).padStart(16, '0');
  const payload = {
    runId, articleId, url, source: { id: 'spa', title: 'SPA', url: `https://${SPA_HOST}/feed` },
    hints: { feedItemId: `item-${i}`, title: null, author: null, publishedAt: null, summary: null, images: [] },
    rawRef, format: 'html', fetchedAt,
  };
  return { queue: 'clean', id: jobId('clean', articleId, runId), payload };
}

beforeAll(async () => {
  rt = await openTestRuntime('replay-dropped');
  const runId = newRunId('crawl');
  const articles = loadArticles('en').slice(0, 4);
  const paragraphs = (i: number) => articles[i]!.paragraphs.map((p) => `<p>${p}</p>`).join('');
  const jobs = await Promise.all([
    // A site that keeps its article body in <div class="comment-body">: the generic extractor drops it as comments.
    ...[0, 1, 2].map((i) =>
      pageJob(runId, i, `https://${SPA_HOST}/story/${i}`, `<html><head><title>${articles[i]!.title}</title></head><body><div class="comment-body">${paragraphs(i)}</div></body></html>`),
    ),
    pageJob(runId, 3, 'https://plain.example.org/story/3', `<html><head><title>${articles[3]!.title}</title></head><body><article>${paragraphs(3)}</article></body></html>`),
  ]);
  const summary = await runBatch(rt, runId, jobs);
  expect(summary.counts['dropped-empty-text']).toBe(3);
  expect(summary.counts['articles-written']).toBe(1);
});
afterAll(async () => {
  await rt?.dispose();
});

const withSiteRule = () => {
  const config = structuredClone(rt.loaded.config);
  config.clean.siteRules = { ...config.clean.siteRules, [SPA_HOST]: { body: 'div.comment-body', remove: [], scriptVars: {} } };
  return { ...rt.loaded, config };
};

describe('replay of dropped pages', () => {
  it('journals a page clean dropped for want of text, with the reason', async () => {
    const entries = await new Journal(path.join(rt.dataDir, 'journal')).read('clean');
    expect(entries.map((e) => e.dropped ?? null).sort()).toEqual(['empty-text', 'empty-text', 'empty-text', null]);
  });

  it('a dry run counts them among what it would replay', async () => {
    const report = await replay(withSiteRule(), { fromStage: 'clean', dryRun: true, log: rt.log });
    expect(report).toMatchObject({ read: 4, droppedBefore: 3 });
  });

  it('without a new rule, replays them and reports them dropped again', async () => {
    const report = await replay(rt.loaded, { fromStage: 'clean', log: rt.log });
    expect(report).toMatchObject({ read: 4, droppedBefore: 3, processed: 1, unchanged: 1, new: 0, recovered: 0, dropped: 3, failed: 0 });
  });

  it('after a site rule for them, makes articles of them, reported as recovered', async () => {
    const report = await replay(withSiteRule(), { fromStage: 'clean', log: rt.log });
    expect(report).toMatchObject({ read: 4, droppedBefore: 3, processed: 4, changed: 0, unchanged: 1, new: 0, recovered: 3, dropped: 0, failed: 0 });
    const records = await readRecords(await listOutputFiles(report.outDir));
    const recovered = records.filter((r) => r.url.includes(SPA_HOST));
    expect(recovered).toHaveLength(3);
    for (const [i, r] of recovered.sort((a, b) => a.url.localeCompare(b.url)).entries()) {
      expect(r.text).toContain(loadArticles('en')[i]!.paragraphs[0]!.slice(0, 40));
    }
  });
});
