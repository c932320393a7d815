// What the fetch stage cores need from the outside world, as interfaces: the worker wires Redis-backed
// implementations (src/infra/fetch-*.ts), tests may wire in-memory ones.
import type { RawStore } from '../raw-store.js';
import type { FetchConfig } from './config.js';

/** What a response must be for the caller to want its body; anything else fails with `unsupported-content-type`. */
export type ResponsePurpose = 'feed' | 'page' | 'robots';

/**
 * Runs one request of a redirect chain, given that hop's URL (already past the SSRF guard): where the caller waits
 * for the hop's host (politeness, robots.txt). Its waiting does not count against the request timeout.
 */
export type HopRunner = <T>(url: URL, request: () => Promise<T>) => Promise<T>;

export interface HttpGetOptions {
  purpose: ResponsePurpose;
  /** Extra request headers (If-None-Match, If-Modified-Since, ...). */
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Wraps each hop, the first included (default: none). A redirect's next hop starts only after this one returned. */
  eachHop?: HopRunner;
}

export interface HttpResponse {
  /** The URL asked for. */
  url: string;
  /** The URL after redirects. */
  finalUrl: string;
  /** 2xx, or 304 when a conditional request found nothing new (then `body` is empty). */
  status: number;
  /** Lower-cased header names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** The body after content decoding (gzip, deflate, br), at most `maxBytes`. */
  body: Buffer;
  redirects: number;
}

/** GETs a URL; non-2xx answers other than 304, refused targets and transport failures throw a FetchError. */
export interface HttpClient {
  get(url: string, options: HttpGetOptions): Promise<HttpResponse>;
  close(): Promise<void>;
}

/** Runs work against a host when politeness allows (one at a time by default, spaced by a delay), across processes. */
export interface Politeness {
  /** Waits (abortable) for the host's turn, runs `work`, then lets the next one in after the host's delay. */
  withHost<T>(host: string, work: () => Promise<T>, options?: { signal?: AbortSignal; minDelayMs?: number }): Promise<T>;
}

export interface RobotsVerdict {
  allowed: boolean;
  /** Crawl-delay asked by the site for our agent, capped by config; null when none. */
  crawlDelayMs: number | null;
}

export interface RobotsPolicy {
  check(url: string, signal?: AbortSignal): Promise<RobotsVerdict>;
}

export interface FeedValidators {
  etag: string | null;
  lastModified: string | null;
}

export interface FeedHealth {
  lastSuccessAt: string | null;
  lastErrorAt: string | null;
  lastErrorCode: string | null;
  lastErrorMessage: string | null;
  consecutiveFailures: number;
  /** When the feed should be polled again; null when it may be polled on schedule. */
  nextAttemptAt: string | null;
  paused: boolean;
  /** Items the feed listed at its last successful poll that wait for the next polls (see maxNewItemsPerPoll). */
  itemsWaiting: number;
  /** The last successful poll left at least as many items waiting as the one before: the feed publishes faster than it is read. */
  fallingBehind: boolean;
}

export interface FeedStateStore {
  /** The ETag/Last-Modified a feed's last full fetch of `url` gave; none when they came from another URL. */
  getValidators(feedId: string, url: string): Promise<FeedValidators>;
  setValidators(feedId: string, url: string, validators: FeedValidators): Promise<void>;
  getHealth(feedId: string): Promise<FeedHealth>;
  /** Records a successful poll, with how many new items it left for the next polls (none by default) and whether it fell behind. */
  recordSuccess(feedId: string, at: Date, itemsWaiting?: number, fallingBehind?: boolean): Promise<void>;
  /** Records a failure and returns the updated record (paused when the limit is reached). */
  recordFailure(feedId: string, error: { code: string; message: string; retryAfterMs?: number | undefined }, at: Date): Promise<FeedHealth>;
  /** Clears the failure count and un-pauses a feed. */
  resetHealth(feedId: string): Promise<void>;
  /** Adds to the feed's count of new items (for `newsflow status`: items in the last day); optional for test stores. */
  recordItems?(feedId: string, count: number, at: Date): Promise<void>;
  /** The next poll of an adaptive feed and the interval it came from. */
  getNextPoll(feedId: string): Promise<{ at: string | null; intervalMs: number | null }>;
  setNextPoll(feedId: string, at: Date, intervalMs: number): Promise<void>;
}

/** Per feed, the ids of items already passed on, with a hash of their content to notice edits. */
export interface SeenItemsStore {
  /** The items of `items` that are new or whose content hash changed. */
  unseen(feedId: string, items: ReadonlyArray<{ id: string; hash: string }>): Promise<Set<string>>;
  /**
   * Records `items` as passed on. `listed` is how many items the feed lists now (at least `items.length`): the
   * memory never shrinks below it, or an item still listed would be forgotten and come back as new.
   */
  markSeen(feedId: string, items: ReadonlyArray<{ id: string; hash: string }>, at: Date, listed?: number): Promise<void>;
}

export interface FetchDeps {
  http: HttpClient;
  feedState: FeedStateStore;
  seen: SeenItemsStore;
  politeness: Politeness;
  robots: RobotsPolicy;
  raw: RawStore;
  config: FetchConfig;
}
