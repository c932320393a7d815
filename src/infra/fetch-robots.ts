// robots.txt per origin: fetched through the same guarded client and politeness, cached in Redis (shared by all
// workers), interpreted with robots-parser. RFC 9309: a 4xx means no rules; an unreachable file means wait and retry.
import type { Redis } from 'ioredis';
import { createRequire } from 'node:module';
import type { FetchConfig } from '../stages/fetch/config.js';
import type { HttpClient, Politeness, RobotsPolicy, RobotsVerdict } from '../stages/fetch/deps.js';
import { politeGet } from '../stages/fetch/polite-get.js';
import { FetchError } from './http/errors.js';

// robots-parser is CommonJS whose typings declare an ES default export; require gives the function itself.
type RobotsParser = typeof import('robots-parser').default;
const robotsParser = createRequire(import.meta.url)('robots-parser') as RobotsParser;

interface Cached {
  /** The robots.txt text; empty when the site has none (every path allowed). */
  body: string;
  fetchedAt: number;
}

const MAX_ROBOTS_CHARS = 512 * 1024;

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

  async function load(origin: string, signal?: AbortSignal): Promise<Cached> {
    const key = `${keyPrefix}:fetch:robots:${origin}`;
    const hit = await redis.get(key);
    if (hit) return JSON.parse(hit) as Cached;
    const robotsUrl = `${origin}/robots.txt`;
    let body: string;
    try {
      // A robots.txt that redirects (http to https, a bare domain to www) is a request to each host on the way.
      const res = await politeGet({ http, politeness }, robotsUrl, { purpose: 'robots', signal });
      body = res.body.toString('utf8').slice(0, MAX_ROBOTS_CHARS);
    } catch (err) {
      if (err instanceof FetchError && err.status !== undefined && err.status >= 400 && err.status < 500 && err.status !== 429) body = '';
      else if (err instanceof FetchError && (err.code === 'ssrf-blocked' || err.code === 'unsupported-scheme' || err.code === 'bad-url')) throw err;
      else if (err instanceof FetchError && err.kind === 'permanent') body = '';
      else if (signal?.aborted) throw err;
      else throw new FetchError('robots-unavailable', `robots.txt of ${origin} unreachable; not fetching pages until it answers`, { cause: err });
    }
    const cached: Cached = { body, fetchedAt: Date.now() };
    await redis.set(key, JSON.stringify(cached), 'PX', ttl);
    return cached;
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
