// A replay enqueues its stored inputs a window at a time, so Redis holds a bounded number of its articles however
// many are replayed (classify and dedupe jobs carry the whole article).
import path from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replay } from '../../src/commands/replay.js';
import { Journal } from '../../src/infra/journal.js';
import { STAGES } from '../../src/jobs/names.js';
import { classifiedArticle } from '../unit/stages/dedupe/article-fixture.js';
import { testRedis } from '../helpers/redis.js';
import { openTestRuntime, type TestRuntime } from '../helpers/runtime.js';

const ARTICLES = 150;
const WINDOW = 10;

let rt: TestRuntime;
let redis: Redis;

beforeAll(async () => {
  redis = testRedis();
  rt = await openTestRuntime('replay-window', {
    tweak: (c) => Object.assign(c.workers.concurrency, { dedupe: 1, sink: 1 }),
  });
  const journal = new Journal(path.join(rt.dataDir, 'journal'));
  for (let i = 0; i < ARTICLES; i++) {
    const id = (0x7000000 + i).toString(16).padStart(16, '0');
    const article = classifiedArticle({
      id, url: `https://w.example.com/${i}`, canonicalUrl: `https://w.example.com/${i}`, feedItemId: `w${i}`,
      text: `Story number ${i} about harbour ${i * 7} and its cranes.\n\nA second paragraph, ${i} times over.`,
    });
    await journal.append('dedupe', { articleId: id, feedId: article.source.id, fetchedAt: article.fetchedAt, payload: { article } });
  }
});
afterAll(async () => {
  await rt?.dispose();
  await redis?.quit();
});

interface Peak {
  /** Jobs waiting for a worker: wait, paused, prioritized, delayed. */
  waiting: number;
  /** The same and the active ones. */
  inFlight: number;
}

/** Samples the job counts of the replay's queues (found by their key prefix) until `stop` is called. */
function watchReplayQueues(prefix: string): { stop: () => Promise<Peak> } {
  const peak: Peak = { waiting: 0, inFlight: 0 };
  let running = true;
  const loop = (async () => {
    let root: string | undefined;
    while (running) {
      if (!root) {
        const [, keys] = await redis.scan('0', 'MATCH', `{${prefix}-replay-*}:*`, 'COUNT', 100_000);
        root = keys[0]?.slice(0, keys[0].indexOf('}') + 1);
      }
      if (root) {
        // One transaction, so the counts of all stages are of one instant.
        const multi = redis.multi();
        for (const stage of STAGES) {
          multi.llen(`${root}:${stage}:wait`).llen(`${root}:${stage}:paused`).zcard(`${root}:${stage}:prioritized`).zcard(`${root}:${stage}:delayed`);
          multi.llen(`${root}:${stage}:active`);
        }
        const counts = ((await multi.exec()) ?? []).map(([, n]) => Number(n));
        let waiting = 0;
        let active = 0;
        counts.forEach((n, i) => (i % 5 === 4 ? (active += n) : (waiting += n)));
        peak.waiting = Math.max(peak.waiting, waiting);
        peak.inFlight = Math.max(peak.inFlight, waiting + active);
      }
      await new Promise((r) => setTimeout(r, 5));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return peak;
    },
  };
}

describe('replay window', () => {
  it('keeps at most maxPending of its jobs waiting in Redis, topping up as they finish, and replays them all', async () => {
    const watch = watchReplayQueues(rt.prefix);
    const progress: number[] = [];
    const report = await replay(rt.loaded, { fromStage: 'dedupe', maxPending: WINDOW, log: rt.log, onProgress: (done) => progress.push(done) }).finally(
      () => void watch.stop(),
    );
    const peak = await watch.stop();
    // The watcher saw the replay at work, and never more than the window waiting; an article being handed on has a
    // job active at one stage and waiting at the next, so the active ones add at most the stages' concurrency (1 each).
    expect(peak.waiting).toBeGreaterThan(0);
    expect(peak.waiting).toBeLessThanOrEqual(WINDOW);
    expect(peak.inFlight).toBeLessThanOrEqual(WINDOW + 2);
    expect(report).toMatchObject({ read: ARTICLES, processed: ARTICLES, failed: 0 });
    expect(progress.at(-1)).toBe(ARTICLES);
  });
});
