// Two worker processes check two copies of one story at the same moment: exactly one may come out unique.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { taggedPrefix } from '../../src/infra/dedupe-index.js';
import type { DedupeResult } from '../../src/domain/record.js';
import { classifiedArticle } from '../unit/stages/dedupe/article-fixture.js';
import { loadArticles, loadChrome } from '../fixtures/dedupe/eval-set.js';
import { deletePrefix, REDIS_URL, testPrefix } from './dedupe-helpers.js';

const run = promisify(execFile);
const WORKER = fileURLToPath(new URL('./dedupe-race-worker.ts', import.meta.url));
const ROUNDS = 6;

describe('dedupe index under concurrent workers', () => {
  const prefix = testPrefix();
  const redis = new Redis(REDIS_URL);
  const dir = mkdtempSync(join(tmpdir(), 'newsflow-dedupe-race-'));

  beforeAll(async () => {
    await redis.ping();
  });
  afterAll(async () => {
    await deletePrefix(redis, prefix);
    redis.disconnect();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives exactly one "unique" when two processes check two copies of a story at once', async () => {
    const articles = [...loadArticles('en'), ...loadArticles('zh')];
    for (let round = 0; round < ROUNDS; round++) {
      const source = articles[round * 3 % articles.length]!;
      const lang = round * 3 % articles.length < articles.length / 2 ? 'en' : 'zh';
      const chrome = loadChrome(lang).reposts[round % 2]!;
      const text = source.paragraphs.join('\n\n');
      // Round by round: exact copies under another URL, and reposts wrapped in other chrome.
      const copyText = round % 2 === 0 ? text : [...chrome.header, ...source.paragraphs, ...chrome.footer].join('\n\n');
      const ids = [`a${round}`.padEnd(16, '0'), `b${round}`.padEnd(16, '0')];
      const files = ids.map((id, i) => {
        const file = join(dir, `${id}.json`);
        const article = classifiedArticle({
          id,
          url: `https://site${i}.example.com/${round}`,
          canonicalUrl: `https://site${i}.example.com/${round}`,
          feedItemId: id,
          text: i === 0 ? text : copyText,
        });
        article.classification.lang = lang;
        writeFileSync(file, JSON.stringify(article));
        return file;
      });
      const goKey = `${taggedPrefix(prefix)}:race:${round}`;
      const workers = files.map((file) =>
        run(process.execPath, ['--import', 'tsx', WORKER, prefix, file, goKey], { timeout: 30_000 }).then((r) => JSON.parse(r.stdout) as DedupeResult),
      );
      // Release both at once, only when both are connected and waiting.
      for (let ready = 0; ready < 2; ) ready += (await redis.blpop(`${goKey}:ready`, 20)) ? 1 : 0;
      await redis.rpush(goKey, 'go', 'go');
      const verdicts = await Promise.all(workers);

      const uniques = verdicts.filter((v) => v.status === 'unique');
      expect(uniques, `round ${round}: ${JSON.stringify(verdicts)}`).toHaveLength(1);
      const winner = ids[verdicts.indexOf(uniques[0]!)]!;
      const copy = verdicts.find((v) => v.status !== 'unique')!;
      expect(copy.status).toBe(round % 2 === 0 ? 'duplicate' : 'near-duplicate');
      expect(copy).toMatchObject({ duplicateOf: winner, clusterId: winner });
    }
  });
});
