// Options of the fetch stages (HTTP client, politeness, new-item detection, feed health); every default is here.
import { z } from 'zod';

export const PolitenessConfigSchema = z
  .object({
    /** Requests in flight to one host at once, across all worker processes. */
    maxInFlightPerHost: z.number().int().positive().default(1),
    /** Minimum pause between two requests to the same host, in ms. */
    minDelayMs: z.number().int().min(0).default(1_000),
    /** Per-host overrides of minDelayMs: host as in the URL, with ":port" when not the default (e.g. "mp.weixin.qq.com": 3000). */
    hostDelayMs: z.record(z.string(), z.number().int().min(0)).default({}),
    /** Obey robots.txt for article pages. Feeds are what a site offers for polling and are fetched regardless. */
    obeyRobots: z.boolean().default(true),
    /** How long a host's robots.txt is cached, in ms (6 h). */
    robotsTtlMs: z.number().int().positive().default(6 * 3600_000),
    /** robots.txt Crawl-delay is honoured up to this many ms, so one site cannot stall a worker. */
    maxCrawlDelayMs: z.number().int().min(0).default(30_000),
    /** A host that asks us to wait (Retry-After on 429/503) is left alone by every worker for that long, up to this many ms. */
    maxHostBackoffMs: z.number().int().min(0).default(3_600_000),
    /** Longest a job waits for its host's turn; beyond it the job fails as retryable and is rescheduled, freeing the worker. */
    maxWaitMs: z.number().int().positive().default(60_000),
  })
  .strict();

export const FeedHealthConfigSchema = z
  .object({
    /** Consecutive failures after which a feed is paused (reported, not polled) until `feeds resume` or a forced crawl succeeds. */
    pauseAfterFailures: z.number().int().positive().default(10),
    /** First delay before polling a failing feed again, in ms; doubles with each failure, with jitter. */
    backoffBaseMs: z.number().int().positive().default(60_000),
    /** Longest delay between attempts at a failing feed, in ms (6 h). */
    backoffMaxMs: z.number().int().positive().default(6 * 3600_000),
  })
  .strict();

export const FetchConfigSchema = z
  .object({
    /** User agent sent with every request; names the product so site owners can reach us. */
    userAgent: z.string().min(1).default('newsflow/0.1 (+https://github.com/newsflow/newsflow)'),
    /** Whole-request timeout (connect, headers and body, every redirect hop; not the waits for a host's turn) in ms. */
    timeoutMs: z.number().int().positive().default(20_000),
    /** Timeout for establishing a connection, in ms. */
    connectTimeoutMs: z.number().int().positive().default(10_000),
    /** Timeout for the response headers after the request is sent, in ms. */
    headersTimeoutMs: z.number().int().positive().default(15_000),
    /** Largest silence between two body chunks, in ms. */
    bodyIdleTimeoutMs: z.number().int().positive().default(10_000),
    /** Largest response body accepted, after decompression, in bytes. */
    maxBytes: z.number().int().positive().default(10 * 1024 * 1024),
    /** Most redirects followed per request. */
    maxRedirects: z.number().int().min(0).default(5),
    /** Hosts, IP literals or CIDR ranges exempt from the private-address guard (the demo and tests allow 127.0.0.1). */
    allowHosts: z.array(z.string()).default([]),
    /** An item whose feed content has fewer characters of text than this gets its article page fetched. */
    fullTextMinChars: z.number().int().min(0).default(500),
    /** Encoding assumed when neither the BOM, the HTTP header nor the document declares one. */
    defaultEncoding: z.string().default('utf-8'),
    /**
     * Item ids remembered per feed for new-item detection, the oldest forgotten first; never fewer than the feed
     * lists at its last fetch.
     */
    seenItemsPerFeed: z.number().int().positive().default(2_000),
    /**
     * New items one poll of a feed passes on, newest first. The rest wait for the next polls, which fetch the whole
     * feed again (no conditional request) until it is caught up: a feed that suddenly lists its whole archive is
     * taken in steps rather than flooding the queues, and none of its items is dropped. A feed in the feeds file
     * may set its own.
     */
    maxNewItemsPerPoll: z.number().int().positive().default(1_000),
    politeness: PolitenessConfigSchema.prefault({}),
    health: FeedHealthConfigSchema.prefault({}),
    /** Bounds of feeds whose interval is `auto` (polled at the rate they publish); their schedule ticks at the minimum. */
    adaptive: z
      .object({
        minIntervalMs: z.number().int().positive().default(300_000),
        maxIntervalMs: z.number().int().positive().default(21_600_000),
      })
      .strict()
      .prefault({}),
  })
  .strict();
export type FetchConfig = z.infer<typeof FetchConfigSchema>;
export type PolitenessConfig = z.infer<typeof PolitenessConfigSchema>;
