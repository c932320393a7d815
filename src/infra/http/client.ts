// The one HTTP client for feeds, article pages and robots.txt: undici behind the SSRF guard, with timeouts,
// a decoded-size cap, re-checked redirects (each hop run through the caller's `eachHop`) and statuses mapped to errors.
import { isIP } from 'node:net';
import { request, type Dispatcher } from 'undici';
import type { FetchConfig } from '../../stages/fetch/config.js';
import type { HttpClient, HttpGetOptions, HttpResponse, ResponsePurpose } from '../../stages/fetch/deps.js';
import { createAddressGuard, type AddressGuard } from './address-guard.js';
import { FetchError, networkError, statusError } from './errors.js';
import { createGuardedAgent } from './guarded-agent.js';
import { readBody } from './read-body.js';

const ACCEPT: Record<ResponsePurpose, string> = {
  feed: 'application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5',
  page: 'text/html, application/xhtml+xml;q=0.9, text/plain;q=0.5, */*;q=0.1',
  robots: 'text/plain, */*;q=0.5',
};

/** Media types a purpose cannot use; checked before the body is read. */
function acceptsType(purpose: ResponsePurpose, contentType: string | undefined): boolean {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (!type || purpose === 'robots') return true;
  if (/^(image|audio|video|font|model)\//.test(type)) return false;
  if (/^application\/(pdf|zip|gzip|x-gzip|x-tar|msword|vnd\.|x-shockwave|wasm)/.test(type)) return false;
  if (purpose === 'page') return /^(text\/|application\/(xhtml\+xml|xml|octet-stream))/.test(type);
  return true;
}

/** Drops a body we will not read; undici reports a destroyed body as an error, which is expected here. */
function discard(body: Dispatcher.ResponseData['body']): void {
  body.on('error', () => undefined);
  body.destroy();
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

function headerMap(raw: Dispatcher.ResponseData['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

/** Validates a hop's URL before any connection: http(s) only, and IP literals (any spelling URL accepts) guarded. */
export function checkTarget(raw: string, guard: AddressGuard): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new FetchError('bad-url', `not a URL: ${raw}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new FetchError('unsupported-scheme', `refused ${url.protocol} URL ${raw}`);
  if (url.username || url.password) url.username = url.password = '';
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host)) {
    const why = guard.check(host, host);
    if (why) throw new FetchError('ssrf-blocked', `refused ${raw}: ${why}`);
  } else if (host === 'localhost' || host.endsWith('.localhost')) {
    if (!guard.hostAllowed(host)) throw new FetchError('ssrf-blocked', `refused ${raw}: localhost`);
  }
  return url;
}

/** `dispatcher` replaces the guarded agent (tests inject one with a fake resolver); the caller then owns closing it. */
export function createHttpClient(config: FetchConfig, dispatcher?: Dispatcher): HttpClient {
  const guard = createAddressGuard(config.allowHosts);
  const agent =
    dispatcher ??
    createGuardedAgent({
      guard,
      connectTimeoutMs: config.connectTimeoutMs,
      headersTimeoutMs: config.headersTimeoutMs,
      bodyIdleTimeoutMs: config.bodyIdleTimeoutMs,
    });
  let closing: Promise<void> | null = null;

  async function get(startUrl: string, options: HttpGetOptions): Promise<HttpResponse> {
    const eachHop = options.eachHop ?? ((_url, request) => request());
    // The timeout bounds time spent on requests; time spent waiting between hops (for a host's turn) is not ours.
    let leftMs = config.timeoutMs;
    let current = startUrl;
    for (let redirects = 0; ; redirects++) {
      const url = checkTarget(current, guard);
      const answer = await eachHop(url, async () => {
        const started = performance.now();
        try {
          return await requestHop(url, options, leftMs);
        } finally {
          leftMs -= performance.now() - started;
        }
      });
      if ('location' in answer) {
        if (redirects >= config.maxRedirects) throw new FetchError('too-many-redirects', `more than ${config.maxRedirects} redirects from ${startUrl}`, { status: answer.status });
        current = new URL(answer.location, url).href;
        continue;
      }
      return { url: startUrl, ...answer, redirects };
    }
  }

  /** One request of a chain: where it redirects to, or the final answer with its body read (throws otherwise). */
  async function requestHop(url: URL, options: HttpGetOptions, budgetMs: number): Promise<{ location: string; status: number } | Omit<HttpResponse, 'url' | 'redirects'>> {
    const deadline = AbortSignal.timeout(Math.max(1, Math.round(budgetMs)));
    const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
    let res: Dispatcher.ResponseData;
    try {
      res = await request(url, {
        method: 'GET',
        dispatcher: agent,
        signal,
        headers: {
          'user-agent': config.userAgent,
          accept: ACCEPT[options.purpose],
          'accept-encoding': 'gzip, deflate, br',
          // Validators go to every hop: a feed that moved permanently still answers 304 at its new address.
          ...options.headers,
        },
      });
    } catch (err) {
      throw failure(err, url.href, options.signal, deadline);
    }
    const headers = headerMap(res.headers);
    const status = res.statusCode;
    if (REDIRECTS.has(status) && headers.location) {
      await res.body.dump().catch(() => undefined);
      return { location: headers.location, status };
    }
    if (status === 304) {
      await res.body.dump().catch(() => undefined);
      return { finalUrl: url.href, status, headers, body: Buffer.alloc(0) };
    }
    if (status < 200 || status > 299) {
      await res.body.dump().catch(() => undefined);
      throw statusError(status, url.href, headers['retry-after']);
    }
    if (!acceptsType(options.purpose, headers['content-type'])) {
      discard(res.body);
      throw new FetchError('unsupported-content-type', `${headers['content-type']} is not usable as a ${options.purpose} (${url.href})`, { status });
    }
    const declared = Number(headers['content-length']);
    if (!headers['content-encoding'] && Number.isFinite(declared) && declared > config.maxBytes) {
      discard(res.body);
      throw new FetchError('too-large', `${url.href} declares ${declared} bytes, more than ${config.maxBytes}`, { status });
    }
    try {
      const body = await readBody(res.body, headers['content-encoding'], config.maxBytes, url.href, signal);
      return { finalUrl: url.href, status, headers, body };
    } catch (err) {
      discard(res.body);
      throw failure(err, url.href, options.signal, deadline);
    }
  }

  /** The caller's own abort passes through untouched; our deadline becomes a timeout; the rest goes through the table. */
  function failure(err: unknown, url: string, callerSignal: AbortSignal | undefined, deadline: AbortSignal): unknown {
    if (err instanceof FetchError) return err;
    if (callerSignal?.aborted) return callerSignal.reason ?? err;
    if (deadline.aborted) {
      return new FetchError('net-timeout', `no complete answer from ${url} within ${config.timeoutMs} ms`, { cause: err });
    }
    return networkError(err, url);
  }

  return {
    get,
    close() {
      closing ??= dispatcher ? Promise.resolve() : agent.close();
      return closing;
    },
  };
}
