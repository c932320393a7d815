// Emitted jobs reach their queues in batches, each once, however many a stage emits.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueue } from '../../src/jobs/queues.js';
import type { Emit } from '../../src/stages/types.js';
import { openTestRuntime, type TestRuntime } from '../helpers/runtime.js';

let rt: TestRuntime;
beforeAll(async () => {
  rt = await openTestRuntime('enqueue');
});
afterAll(async () => {
  await rt.dispose();
});

const article = (i: number): Emit => ({
  queue: 'fetch-article',
  id: `fetch-article-big-${i}`,
  payload: { runId: 'run-1', articleId: `big-${i}`, url: `http://127.0.0.1/big/${i}`, source: { id: 'big', title: null, url: null }, hints: {} },
});

describe('enqueue', () => {
  it('adds 2,500 jobs of one queue and a few of another, and adding them again creates only the new one', async () => {
    const clean: Emit[] = [1, 2, 3].map((i) => ({ queue: 'clean', id: `clean-c-${i}`, payload: { n: i } }));
    const articles = Array.from({ length: 2_500 }, (_, i) => article(i));
    await enqueue(rt.queues, [...articles.slice(0, 1_200), ...clean, ...articles.slice(1_200)]);
    expect(await rt.queues['fetch-article'].getWaitingCount()).toBe(2_500);
    expect(await rt.queues.clean.getWaitingCount()).toBe(3);
    // A stage that died after some batches emits everything again: only what is missing is added.
    await enqueue(rt.queues, [...articles, article(2_500), ...clean]);
    expect(await rt.queues['fetch-article'].getWaitingCount()).toBe(2_501);
    expect(await rt.queues.clean.getWaitingCount()).toBe(3);
    const last = await rt.queues['fetch-article'].getJob('fetch-article-big-2499');
    expect(last?.data).toEqual(articles[2_499]!.payload);
  }, 60_000);
});
