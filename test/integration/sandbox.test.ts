import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crawlOnce } from '../../src/commands/crawl.js';
import { sampleFeeds, startSampleServer, type SampleServer } from '../../src/demo/sample-server.js';
import type { ArticleRecord } from '../../src/domain/record.js';
import { startWorkers } from '../../src/workers/pipeline.js';
import { closeWorkers } from '../../src/workers/shutdown.js';
import { openTestRuntime, type TestRuntime } from '../helpers/runtime.js';

let server: SampleServer;
const runtimes: TestRuntime[] = [];

beforeAll(async () => {
  server = await startSampleServer();
});
afterAll(async () => {
  for (const rt of runtimes) await rt.dispose();
  await server.close();
});

interface Crawled {
  records: Map<string, ArticleRecord>;
  /** What the metrics hooks of this process heard: run counters and outcomes, by stage. */
  heard: Map<string, number>;
}

async function crawlWith(sandbox: Array<'clean' | 'classify'>): Promise<Crawled> {
  const rt = await openTestRuntime(`sandbox-${sandbox.length}`, {
    feeds: sampleFeeds(server.baseUrl),
    tweak: (c) => {
      c.fetch.politeness.minDelayMs = 10;
      c.workers.sandbox = sandbox;
    },
  });
  runtimes.push(rt);
  const heard = new Map<string, number>();
  const hear = (key: string, by = 1) => heard.set(key, (heard.get(key) ?? 0) + by);
  const summary = await crawlOnce(rt, {
    hooks: {
      onCount: (stage, name, by) => hear(`${stage} ${name}`, by),
      onOutcome: (stage, outcome) => hear(`${stage} ${outcome}`),
    },
  });
  expect(summary.counts.errors ?? 0).toBe(0);
  const records = readdirSync(rt.outDir).flatMap((f) => readFileSync(path.join(rt.outDir, f), 'utf8').split('\n').filter(Boolean));
  return { records: new Map(records.map((l) => JSON.parse(l) as ArticleRecord).map((r) => [r.id, r])), heard };
}

describe('sandboxed stages', () => {
  it('clean and classify in worker threads write the same records as in the main thread', async () => {
    const { records: plain, heard: plainHeard } = await crawlWith([]);
    const { records: sandboxed, heard } = await crawlWith(['clean', 'classify']);
    expect(sandboxed.size).toBe(8);
    // The sandboxed stages' counters and outcomes reach this process's metrics as the in-process ones do.
    expect(heard.get('classify classified')).toBe(8);
    expect(heard.get('classify completed')).toBe(8);
    expect(Object.fromEntries(heard)).toEqual(Object.fromEntries(plainHeard));
    for (const [id, rec] of plain) {
      const { pipelineVersion: _a, fetchedAt: _b, ...mine } = sandboxed.get(id)!;
      const { pipelineVersion: _c, fetchedAt: _d, ...theirs } = rec;
      expect(mine).toEqual(theirs);
    }
  }, 60_000);

  it('runs a sandboxed stage with BullMQ worker threads, the others in-process', async () => {
    const rt = runtimes[1]!;
    const workers = await startWorkers(rt, ['clean', 'dedupe']);
    try {
      const byName = new Map(workers.map((w) => [w.name, w.opts]));
      expect(byName.get('clean')?.useWorkerThreads).toBe(true);
      expect(byName.get('dedupe')?.useWorkerThreads).toBeFalsy();
    } finally {
      await closeWorkers(workers, 2000, rt.log);
    }
  });
});
