// A replay's failures and interruptions stay with the replay: its dead letters are its own, and Ctrl-C removes its
// queues instead of leaving thousands of jobs without expiry in Redis.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { replay } from '../../src/commands/replay.js';
import { listDeadLetters } from '../../src/jobs/dead-letters.js';
import { DirRawStore } from '../../src/infra/raw-store.js';
import { BIN, writeServeFiles } from '../helpers/serve.js';
import { dropPrefix, REDIS_URL, testRedis, uniquePrefix } from '../helpers/redis.js';
import { openTestRuntime, type TestRuntime } from '../helpers/runtime.js';

let redis: Redis;
beforeAll(() => {
  redis = testRedis();
});
afterAll(async () => {
  await redis.quit();
});

async function keys(pattern: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    found.push(...batch);
  } while (cursor !== '0');
  return found;
}

/** Journal entries for the clean stage whose raw payloads are `rawRef(i)`. */
function writeCleanJournal(dataDir: string, count: number, rawRef: (i: number) => string): void {
  const dir = path.join(dataDir, 'journal', 'clean');
  mkdirSync(dir, { recursive: true });
  const fetchedAt = '2025-02-12T01:00:00.000Z';
  const lines = Array.from({ length: count }, (_, i) => {
    const payload = {
      articleId: `a${i}`, url: `https://example.org/${i}`, source: { id: 'ex', title: null, url: null },
      hints: { feedItemId: null, title: 'T', author: null, publishedAt: null, summary: null, images: [] },
      rawRef: rawRef(i), format: 'html', fetchedAt,
    };
    return JSON.stringify({ articleId: `a${i}`, feedId: 'ex', fetchedAt, payload });
  });
  writeFileSync(path.join(dir, '2025-02-12.host-1.jsonl'), `${lines.join('\n')}\n`);
}

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

describe('replay failures', () => {
  let rt: TestRuntime;
  beforeAll(async () => {
    rt = await openTestRuntime('replay-dlq', { tweak: (c) => void (c.workers.attempts = 1) });
  });
  afterAll(async () => {
    await rt.dispose();
  });

  it("files a replay job's dead letter with the replay, counts it as failed, and removes it afterwards", async () => {
    // Not in the raw store: the clean stage fails the job for good.
    writeCleanJournal(rt.dataDir, 1, () => sha('missing'));
    const report = await replay(rt.loaded, { fromStage: 'clean', log: rt.log });
    expect(report).toMatchObject({ read: 1, processed: 0, failed: 1 });
    // `jobs retry --all` of the deployment must not send it to the live queues.
    expect(await listDeadLetters(rt.deadLetters)).toEqual([]);
    expect(await keys(`{${rt.prefix}-replay-*`)).toEqual([]);
  });
});

describe('replay interrupted', () => {
  const prefixes: string[] = [];
  afterAll(async () => {
    for (const prefix of prefixes) {
      await dropPrefix(redis, prefix);
      for (const k of await keys(`{${prefix}-replay-*`)) await redis.del(k);
    }
  });

  it.each(['SIGINT', 'SIGTERM'] as const)('on %s removes its queues and exits non-zero with a message', async (signal) => {
    const prefix = uniquePrefix('replay-int');
    prefixes.push(prefix);
    const { dir, configFile } = writeServeFiles('replay-int', [], {
      redis: { url: REDIS_URL, prefix, autoStart: false },
      log: { level: 'error' },
      // A failed attempt waits an hour for the next: the replay is still running when the signal comes.
      workers: { attempts: 5, backoffMs: 3_600_000 },
    });
    // Raw payloads that are not gzip: clean fails them with a retryable error.
    const raw = new DirRawStore(path.join(dir, 'raw'));
    const refs = Array.from({ length: 50 }, (_, i) => sha(`corrupt-${i}`));
    for (const ref of refs) {
      mkdirSync(path.dirname(raw.objectPath(ref)), { recursive: true });
      writeFileSync(raw.objectPath(ref), 'not gzip');
    }
    writeCleanJournal(dir, refs.length, (i) => refs[i]!);

    const child = spawn(process.execPath, [BIN, 'replay', '--config', configFile, '--dedupe', 'fresh'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      // tsx compiles the sources at start: on a loaded machine that takes a while.
      const deadline = Date.now() + 90_000;
      while (!(await keys(`{${prefix}-replay-*}:clean:delayed`)).length) {
        if (Date.now() > deadline) throw new Error(`the replay did not start; stderr:\n${stderr}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      child.kill(signal);
      const code = await exited;
      expect(code, stderr).toBe(signal === 'SIGINT' ? 130 : 143);
      expect(stderr).toContain(`newsflow: replay interrupted by ${signal}`);
      expect(await keys(`{${prefix}-replay-*`)).toEqual([]);
      expect(await keys(`{${prefix}}:dedupe-replay-*`)).toEqual([]);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  }, 150_000);
});
