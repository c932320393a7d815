// robots.txt per origin: fetched through the same guarded client and politeness, cached in Redis (shared by all
// workers), interpreted with robots-parser. RFC 9309: a 4xx means no rules; an unreachable file means wait and retry.
import type { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FetchConfig } from '../stages/fetch/config.js';
import type { HttpClient, Politeness, RobotsPolicy, RobotsVerdict } from '../stages/fetch/deps.js';
import { politeGet } from '../stages/fetch/polite-get.js';
import { FetchError } from './http/errors.js';
import { releaseLease } from './lease.js';

// robots-parser is CommonJS whose typings declare an ES default export; require gives the function itself.
type RobotsParser = typeof import('robots-parser').default;
const robotsParser = createRequire(import.meta.url)('robots-parser') as RobotsParser;

interface Cached {
  /** The robots.txt text; empty when the site has none (every path allowed). */
  body: string;
  fetchedAt: number;
}

const MAX_ROBOTS_CHARS = 512 * 1024;
/** How often a process waiting for another's fetch of a robots.txt looks for it in the cache. */
const LOCK_POLL_MS = 100;
/** How long an unreachable robots.txt fails the site's pages before it is asked again. */
const UNAVAILABLE_MS = 30_000;

/** Waits for `p`, or rejects with the signal's reason once it aborts (`p` goes on for its other waiters). */
function abortable<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

export interface RobotsOptions {
  redis: Redis;
  keyPrefix: string;
  http: HttpClient;
  politeness: Politeness;
  config: FetchConfig;
}

export function createRobotsPolicy(opts: RobotsOptions): RobotsPolicy {
  const { redis, keyPrefix, http, politeness, config } = opts;
  const ttl = config.politeness.robotsTtlMs;
  // Parsed files for the last few minutes, so a burst of pages from one site parses its robots.txt once.
  const memo = new Map<string, { robot: ReturnType<typeof robotsParser>; until: number }>();

  /** Loads in flight in this process: a burst of pages from a new site waits for one answer. */
  const loading = new Map<string, Promise<Cached>>();
  // Another process fetching the file holds its lock for at most this long; past it, a waiter fetches it itself.
  const lockMs = 2 * config.timeoutMs;

  async function load(origin: string, signal?: AbortSignal): Promise<Cached> {
    const key = `${keyPrefix}:fetch:robots:${origin}`;
    const hit = await redis.get(key);
    if (hit) return JSON.parse(hit) as Cached;
    let pending = loading.get(origin);
    if (!pending) {
      pending = fetchOnce(origin, key).finally(() => loading.delete(origin));
      loading.set(origin, pending);
    }
    // Shared by the jobs that wait for it, so no one job's abort cancels it: each stops waiting on its own signal.
    return signal ? abortable(pending, signal) : pending;
  }

  /** Fetches and caches robots.txt unless another process is doing so, whose answer it then waits for. */
  async function fetchOnce(origin: string, key: string): Promise<Cached> {
    const lock = `${key}:lock`;
    const down = `${key}:down`;
    const token = randomUUID();
    const until = Date.now() + lockMs;
    for (;;) {
      const reason = await redis.get(down);
      if (reason) throw new FetchError('robots-unavailable', reason);
      if (await redis.set(lock, token, 'PX', lockMs, 'NX')) break;
      if (Date.now() > until) break;
      await sleep(LOCK_POLL_MS);
      const hit = await redis.get(key);
      if (hit) return JSON.parse(hit) as Cached;
    }
    try {
      const cached = await fetchRobots(origin);
      await redis.set(key, JSON.stringify(cached), 'PX', ttl);
      return cached;
    } catch (err) {
      // The waiting jobs (here and in other processes) fail with the same answer instead of asking again in turn.
      if (err instanceof FetchError && err.code === 'robots-unavailable') await redis.set(down, err.message, 'PX', UNAVAILABLE_MS);
      throw err;
    } finally {
      await releaseLease(redis, lock, token);
    }
  }

  async function fetchRobots(origin: string): Promise<Cached> {
    const robotsUrl = `${origin}/robots.txt`;
    let body: string;
    try {
      // A robots.txt that redirects (http to https, a bare domain to www) is a request to each host on the way.
      const res = await politeGet({ http, politeness }, robotsUrl, { purpose: 'robots' });
      body = res.body.toString('utf8').slice(0, MAX_ROBOTS_CHARS);
    } catch (err) {
      if (err instanceof FetchError && err.status !== undefined && err.status >= 400 && err.status < 500 && err.status !== 429) body = '';
      else if (err instanceof FetchError && (err.code === 'ssrf-blocked' || err.code === 'unsupported-scheme' || err.code === 'bad-url')) throw err;
      else if (err instanceof FetchError && err.kind === 'permanent') body = '';
      else throw new FetchError('robots-unavailable', `robots.txt of ${origin} unreachable; not fetching pages until it answers`, { cause: err });
    }
    return { body, fetchedAt: Date.now() };
  }

  return {
    async check(url: string, signal?: AbortSignal): Promise<RobotsVerdict> {
      const origin = new URL(url).origin;
      let entry = memo.get(origin);
      if (!entry || entry.until < Date.now()) {
        const cached = await load(origin, signal);
        entry = { robot: robotsParser(`${origin}/robots.txt`, cached.body), until: Date.now() + Math.min(ttl, 5 * 60_000) };
        if (memo.size > 1000) memo.delete(memo.keys().next().value!);
        memo.set(origin, entry);
      }
      const allowed = entry.robot.isAllowed(url, config.userAgent) !== false;
      const delay = entry.robot.getCrawlDelay(config.userAgent);
      return { allowed, crawlDelayMs: delay === undefined ? null : Math.min(delay * 1000, config.politeness.maxCrawlDelayMs) };
    },
  };
}
