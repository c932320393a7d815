// Fetch-stage benchmark: polls 5,000 feeds spread over 50 hosts (127.0.1.1 … 127.0.1.50, one local server each)
// through fetchFeed with Redis politeness on, first fetch and a 304 re-poll, and reports feeds/s against a
// baseline of plain undici GETs of the same URLs (no politeness, no parsing, no Redis) measured in the same run.
// The servers record the peak number of requests in flight per host, which politeness must hold at 1.
// Usage: npx tsx bench/fetch.ts [--feeds 5000] [--hosts 50] [--delay-ms 5] [--concurrency 100] [--service-ms 2]
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { Agent, request } from 'undici';
import { sha256Hex } from '../src/domain/ids.js';
import { createFetchDeps } from '../src/infra/fetch-state.js';
import { FetchConfigSchema } from '../src/stages/fetch/config.js';
import { fetchFeed } from '../src/stages/fetch/fetch-feed.js';
import type { RawStore } from '../src/stages/raw-store.js';

const { values: opts } = parseArgs({
  options: {
    feeds: { type: 'string', default: '5000' },
    hosts: { type: 'string', default: '50' },
    'delay-ms': { type: 'string', default: '5' },
    concurrency: { type: 'string', default: '100' },
    'service-ms': { type: 'string', default: '2' },
  },
});
const FEEDS = Number(opts.feeds);
const HOSTS = Number(opts.hosts);
const DELAY_MS = Number(opts['delay-ms']);
const CONCURRENCY = Number(opts.concurrency);
const SERVICE_MS = Number(opts['service-ms']);

function feedXml(host: number, feed: number): string {
  const items = Array.from({ length: 10 }, (_, i) => {
    const id = `h${host}-f${feed}-i${i}`;
    return `<item><title>Story ${i} of feed ${feed}</title><link>/story/${id}</link><guid>${id}</guid><pubDate>Wed, 12 Feb 2025 08:${String(i).padStart(2, '0')}:00 GMT</pubDate><description>Summary of story ${i}, short enough that the page is fetched.</description></item>`;
  });
  return `<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Bench feed ${host}/${feed}</title><link>/</link>${items.join('')}</channel></rss>`;
}

interface HostServer {
  address: string;
  port: number;
  server: Server;
  inFlight: number;
  peak: number;
}

async function startHosts(): Promise<HostServer[]> {
  return Promise.all(
    Array.from({ length: HOSTS }, async (_, h) => {
      const address = `127.0.1.${h + 1}`;
      const host: HostServer = { address, port: 0, server: createServer(), inFlight: 0, peak: 0 };
      const bodies = new Map<string, { body: string; etag: string }>();
      host.server.on('request', async (req, res) => {
        host.inFlight++;
        host.peak = Math.max(host.peak, host.inFlight);
        res.on('close', () => host.inFlight--);
        // A little service time, as real servers have: without politeness requests to one host now overlap.
        await new Promise((resolve) => setTimeout(resolve, SERVICE_MS));
        let entry = bodies.get(req.url!);
        if (!entry) {
          const feed = Number(req.url!.match(/\/feed\/(\d+)/)?.[1] ?? 0);
          const body = feedXml(h, feed);
          entry = { body, etag: `"${sha256Hex(body).slice(0, 16)}"` };
          bodies.set(req.url!, entry);
        }
        if (req.headers['if-none-match'] === entry.etag) {
          res.statusCode = 304;
          return res.end();
        }
        res.setHeader('content-type', 'application/rss+xml; charset=utf-8');
        res.setHeader('etag', entry.etag);
        res.end(entry.body);
      });
      await new Promise<void>((resolve) => host.server.listen(0, address, resolve));
      host.port = (host.server.address() as AddressInfo).port;
      return host;
    }),
  );
}

async function pool<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<number> {
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
  return (performance.now() - started) / 1000;
}

const nullRaw: RawStore = {
  async put(body) {
    return sha256Hex(body);
  },
  async get() {
    throw new Error('bench raw store keeps no bodies');
  },
};

async function main(): Promise<void> {
  const hosts = await startHosts();
  const urls = Array.from({ length: FEEDS }, (_, i) => {
    const host = hosts[i % HOSTS]!;
    return { feedId: `bench-${i}`, url: `http://${host.address}:${host.port}/feed/${Math.floor(i / HOSTS)}` };
  });
  const resetPeaks = () => hosts.forEach((h) => (h.peak = 0));
  const peak = () => Math.max(...hosts.map((h) => h.peak));

  // Baseline: plain undici GETs, same URLs and concurrency, no politeness, no parsing, no Redis.
  const agent = new Agent({ connections: 4 });
  const baseSecs = await pool(urls, CONCURRENCY, async ({ url }) => {
    const res = await request(url, { dispatcher: agent });
    await res.body.arrayBuffer();
  });
  const basePeak = peak();
  await agent.close();
  resetPeaks();

  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
  const prefix = `bench-${randomBytes(4).toString('hex')}`;
  const config = FetchConfigSchema.parse({ allowHosts: ['127.0.0.0/8'], fullTextMinChars: 500, politeness: { minDelayMs: DELAY_MS } });
  const deps = createFetchDeps(redis, prefix, config, nullRaw);
  const counts: Record<string, number> = {};
  const log = pino({ level: 'silent' });
  // One context per job, as the worker shell gives each job its own abort signal.
  const context = () => ({
    log,
    signal: new AbortController().signal,
    now: () => new Date(),
    count: (name: string, by = 1) => void (counts[name] = (counts[name] ?? 0) + by),
  });
  let jobs = 0;
  const poll = (runId: string) =>
    pool(urls, CONCURRENCY, async ({ feedId, url }) => {
      const result = await fetchFeed({ runId, feedId, url, title: null, fullText: 'auto', force: false, scheduled: false, adaptive: false }, context(), deps);
      // As the worker shell does once the emitted jobs are enqueued: mark the items seen and keep the validators.
      if ('emit' in result) {
        jobs += result.emit.length;
        await result.commit?.();
      }
    });
  const firstSecs = await poll('bench-1');
  const firstPeak = peak();
  const firstJobs = jobs;
  resetPeaks();
  jobs = 0;
  const repollSecs = await poll('bench-2');
  const repollPeak = peak();

  await deps.http.close();
  for (let cursor = '0'; ; ) {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    if (keys.length) await redis.del(...keys);
    if ((cursor = next) === '0') break;
  }
  redis.disconnect();
  await Promise.all(hosts.map((h) => new Promise((resolve) => h.server.close(resolve))));

  const rate = (secs: number) => FEEDS / secs;
  const rows = [
    ['baseline: undici GET, no politeness', rate(baseSecs), baseSecs, basePeak, '-'],
    ['fetchFeed first fetch (parse, Redis, jobs)', rate(firstSecs), firstSecs, firstPeak, `${firstJobs} jobs`],
    ['fetchFeed 304 re-poll', rate(repollSecs), repollSecs, repollPeak, `${jobs} jobs, ${counts['feeds-not-modified'] ?? 0} not modified`],
  ] as const;
  console.log(`fetch bench: ${FEEDS} feeds over ${HOSTS} hosts (each answers after ${SERVICE_MS} ms), ${CONCURRENCY} concurrent tasks, politeness: 1 in flight per host, min delay ${DELAY_MS} ms per host (default is 1000 ms)`);
  for (const [name, r, secs, pk, note] of rows) {
    console.log(`${name.padEnd(44)} ${r.toFixed(0).padStart(7)} feeds/s  ${secs.toFixed(2).padStart(6)} s  peak/host ${pk}  ${note}`);
  }
  console.log(`ratio first fetch / baseline: ${(rate(firstSecs) / rate(baseSecs)).toFixed(3)}`);
  console.log(`ratio 304 re-poll / baseline: ${(rate(repollSecs) / rate(baseSecs)).toFixed(3)}`);
  const ceiling = (1000 / Math.max(DELAY_MS + SERVICE_MS, 0.001)) * HOSTS;
  console.log(`politeness ceiling (hosts × 1000 / (delay + service time)): ${ceiling.toFixed(0)} feeds/s`);
  console.log(`peak per-host concurrency with politeness: ${Math.max(firstPeak, repollPeak)} ${Math.max(firstPeak, repollPeak) === 1 ? '(ok)' : '(VIOLATION)'}`);
  if (Math.max(firstPeak, repollPeak) !== 1) process.exitCode = 1;
}

await main();
