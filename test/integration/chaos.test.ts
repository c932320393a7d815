// Nothing lost, nothing twice: 2,000 articles flow through two worker processes while one of them is SIGKILLed at
// random moments (and restarted) and Redis itself is restarted; every article must come out exactly once, whole.
import type { ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { feedJob } from '../../src/commands/crawl.js';
import { itemArticleId, itemHash } from '../../src/stages/fetch/fetch-feed.js';
import { parseFeed } from '../../src/stages/fetch/parse-feed.js';
import { STAGES } from '../../src/jobs/names.js';
import { closeQueues, createQueues, enqueue, pendingJobs, type Queues } from '../../src/jobs/queues.js';
import { startPrivateRedis, type PrivateRedis } from '../helpers/redis.js';
import { spawnServe, writeServeFiles } from '../helpers/serve.js';

const FEEDS = 20;
const ITEMS = 100;
const MIN_KILLS = 10;

const WORDS = (
  'harbour council budget river bridge school hospital railway tariff election minister parliament court police ' +
  'factory energy wind solar grid water drought flood farmer market price wage union strike export import bank ' +
  'inflation loan housing rent tenant village city district mayor governor senator treaty border customs port ' +
  'airline airport runway tunnel road traffic accident fire storm snow heat museum library theatre festival ' +
  'football league coach player season title match stadium research university student teacher exam science ' +
  'satellite rocket launch orbit telescope virus vaccine clinic doctor nurse patient trial drug license permit ' +
  'contract tender company shares profit loss merger startup software chip network outage hacker breach data'
).split(' ');

/** Deterministic text of one article: distinct enough between articles that no two are near-duplicates. */
function articleText(feed: number, item: number): string {
  let seed = (feed * 7919 + item * 104729 + 17) >>> 0;
  const next = () => {
    seed = (Math.imul(seed ^ (seed >>> 15), 2246822507) + 0x9e3779b9) >>> 0;
    return seed;
  };
  const sentences: string[] = [];
  for (let s = 0; s < 9; s++) {
    const words = Array.from({ length: 11 + (next() % 6) }, () => WORDS[next() % WORDS.length]!);
    sentences.push(`${words.join(' ')} ${feed}-${item}-${s}.`);
  }
  return sentences.join(' ');
}

function feedXml(feed: number, base: string): string {
  const items = Array.from({ length: ITEMS }, (_, i) => {
    const text = articleText(feed, i);
    return `<item><title>Report ${feed}-${i}</title><link>${base}/f${feed}/a${i}.html</link><guid isPermaLink="false">chaos-${feed}-${i}</guid><pubDate>Wed, 12 Feb 2025 08:00:00 +0000</pubDate><description><![CDATA[<p>${text}</p>]]></description></item>`;
  }).join('');
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>Chaos ${feed}</title><link>${base}/</link>${items}</channel></rss>`;
}

let server: Server;
let base = '';
let redisServer: PrivateRedis;
let dir = '';
let configFile = '';
const prefix = 'chaos';

beforeAll(async () => {
  server = createServer((req, res) => {
    const m = /^\/feed-(\d+)\.rss$/.exec(req.url ?? '');
    if (m) res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(feedXml(Number(m[1]), base));
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  redisServer = await startPrivateRedis();
  ({ dir, configFile } = writeServeFiles('chaos', [], {
    redis: { url: redisServer.url, prefix, autoStart: false },
    log: { level: 'warn' },
    // Short locks so a killed worker's jobs come back within seconds; many stalls allowed, since this test kills
    // workers far more often than any real deployment sees.
    workers: { lockMs: 3000, stalledIntervalMs: 1000, maxStalledCount: 100, attempts: 20, backoffMs: 200, shutdownGraceMs: 5000 },
    fetch: { allowHosts: ['127.0.0.1'], politeness: { minDelayMs: 0, maxInFlightPerHost: 4 } },
    sink: { leaseMs: 2000 },
  }));
});

afterAll(async () => {
  await redisServer?.stop();
  await new Promise((r) => server?.close(r));
});

function startWorker(name: string, logs: string[]): ChildProcess {
  const serve = spawnServe(configFile, ['--no-schedule'], { cwd: dir });
  // Keep what a killed worker said, for the failure message.
  serve.child.once('exit', () => logs.push(`${name}: ${serve.logs().slice(-2000)}`));
  return serve.child;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function outputLines(): string[] {
  const out = path.join(dir, 'out');
  let names: string[] = [];
  try {
    names = readdirSync(out).filter((f) => f.endsWith('.jsonl'));
  } catch {
    return [];
  }
  return names.flatMap((f) => readFileSync(path.join(out, f), 'utf8').split('\n')).filter((l) => l.length > 0);
}

describe('chaos', () => {
  it(
    'every article comes out exactly once and whole, through worker SIGKILLs and a Redis restart',
    async () => {
      const logs: string[] = [];
      const redis = new Redis(redisServer.url, { maxRetriesPerRequest: null });
      redis.on('error', () => {});
      const queues: Queues = createQueues(redis, prefix, { attempts: 20, backoffMs: 200 });
      const workers = [startWorker('a', logs), startWorker('b', logs)];
      let kills = 0;
      let redisRestarts = 0;
      try {
        const feeds = Array.from({ length: FEEDS }, (_, f) => ({
          id: `chaos-${f}`,
          url: `${base}/feed-${f}.rss`,
          tags: [],
          fullText: 'auto' as const,
          interval: '30m',
        }));
        await enqueue(queues, feeds.map((f) => feedJob(f, 'chaos')));

        const deadline = Date.now() + 240_000;
        while (kills < MIN_KILLS || redisRestarts < 1) {
          if (Date.now() > deadline) throw new Error(`chaos phase did not finish; logs:\n${logs.join('')}`);
          await sleep(700 + Math.random() * 1800);
          if (kills === 5 && redisRestarts === 0) {
            await redisServer.restart();
            redisRestarts += 1;
            continue;
          }
          const i = Math.floor(Math.random() * workers.length);
          workers[i]!.kill('SIGKILL');
          await new Promise((r) => workers[i]!.once('exit', r));
          workers[i] = startWorker(i === 0 ? 'a' : 'b', logs);
          kills += 1;
        }

        // Let both workers finish the work.
        let lines = outputLines();
        while (lines.length < FEEDS * ITEMS || (await pendingJobs(queues)) > 0) {
          if (Date.now() > deadline) throw new Error(`only ${lines.length} records in time; logs:\n${logs.join('')}`);
          await sleep(500);
          lines = outputLines();
        }
        await Promise.all(
          workers.map(async (w) => {
            w.kill('SIGTERM');
            await new Promise((r) => w.once('exit', r));
          }),
        );

        lines = outputLines();
        const records = lines.map((l) => JSON.parse(l) as { id: string }); // throws on a torn line
        const ids = records.map((r) => r.id);
        const parsed = await Promise.all(feeds.map((_, fi) => parseFeed(Buffer.from(feedXml(fi, base)), { url: `${base}/feed-${fi}.rss` })));
        const expected = feeds.flatMap((f, fi) => parsed[fi]!.items.map((item) => itemArticleId(f.id, item.id, itemHash(item))));
        expect(expected).toHaveLength(FEEDS * ITEMS);
        expect(new Set(ids).size).toBe(ids.length); // nothing twice
        expect([...ids].sort()).toEqual([...expected].sort()); // nothing lost
        for (const s of STAGES) expect(await queues[s].getActiveCount(), `${s} active`).toBe(0);
        const failed = await Promise.all(STAGES.map((s) => queues[s].getFailedCount()));
        expect(failed.reduce((a, b) => a + b, 0)).toBe(0);
        expect(kills).toBeGreaterThanOrEqual(MIN_KILLS);
        expect(redisRestarts).toBe(1);
      } finally {
        for (const w of workers) if (w.exitCode === null) w.kill('SIGKILL');
        await closeQueues(queues);
        redis.disconnect();
      }
    },
    300_000,
  );
});
