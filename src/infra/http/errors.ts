// The one table that maps every way a fetch can fail to an error kind and a short stable code.
import { NewsflowError, type ErrorKind } from '../../domain/errors.js';

export const FETCH_ERRORS = {
  // HTTP statuses
  'http-not-found': 'permanent', // 404
  'http-gone': 'permanent', // 410
  'http-unauthorized': 'permanent', // 401
  'http-forbidden': 'permanent', // 403
  'http-client-error': 'permanent', // other 4xx
  'http-rate-limited': 'retryable', // 429
  'http-request-timeout': 'retryable', // 408
  'http-server-error': 'retryable', // 5xx
  'http-unexpected-status': 'permanent', // 1xx, a 3xx without Location, anything else
  // transport
  'net-timeout': 'retryable',
  'net-refused': 'retryable',
  'net-reset': 'retryable',
  'net-dns': 'retryable',
  'net-tls': 'permanent',
  'net-error': 'retryable',
  // what we refuse to fetch or keep
  'ssrf-blocked': 'permanent',
  'bad-url': 'permanent',
  'unsupported-scheme': 'permanent',
  'too-many-redirects': 'permanent',
  'too-large': 'permanent',
  'bad-encoding': 'permanent',
  'unsupported-content-type': 'permanent',
  'feed-unparseable': 'permanent',
  'robots-unavailable': 'retryable',
  'robots-disallowed': 'permanent', // a hop robots.txt refuses (the article falls back to the feed text)
  // politeness: the host is not ours to ask for longer than a job should wait
  'host-backoff': 'retryable',
} as const satisfies Record<string, ErrorKind>;
export type FetchErrorCode = keyof typeof FETCH_ERRORS;

/** A fetch failure; `status` is set when a server answered. */
export class FetchError extends NewsflowError {
  readonly status: number | undefined;
  constructor(code: FetchErrorCode, message: string, options?: { cause?: unknown; retryAfterMs?: number; status?: number }) {
    super(FETCH_ERRORS[code], code, message, options);
    this.name = 'FetchError';
    this.status = options?.status;
  }
}

export function statusCode(status: number): FetchErrorCode {
  if (status === 404) return 'http-not-found';
  if (status === 410) return 'http-gone';
  if (status === 401) return 'http-unauthorized';
  if (status === 403) return 'http-forbidden';
  if (status === 429) return 'http-rate-limited';
  if (status === 408) return 'http-request-timeout';
  if (status >= 500 && status <= 599) return 'http-server-error';
  if (status >= 400 && status <= 499) return 'http-client-error';
  return 'http-unexpected-status';
}

/** Retry-After as milliseconds from now: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export function statusError(status: number, url: string, retryAfter?: string): FetchError {
  const retryAfterMs = status === 429 || status === 503 ? parseRetryAfter(retryAfter) : undefined;
  return new FetchError(statusCode(status), `HTTP ${status} from ${url}`, {
    status,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });
}

const NET_CODES: Record<string, FetchErrorCode> = {
  UND_ERR_CONNECT_TIMEOUT: 'net-timeout',
  UND_ERR_HEADERS_TIMEOUT: 'net-timeout',
  UND_ERR_BODY_TIMEOUT: 'net-timeout',
  ETIMEDOUT: 'net-timeout',
  ECONNREFUSED: 'net-refused',
  ECONNRESET: 'net-reset',
  UND_ERR_SOCKET: 'net-reset',
  EPIPE: 'net-reset',
  ENOTFOUND: 'net-dns',
  EAI_AGAIN: 'net-dns',
  CERT_HAS_EXPIRED: 'net-tls',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'net-tls',
  SELF_SIGNED_CERT_IN_CHAIN: 'net-tls',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'net-tls',
  ERR_TLS_CERT_ALTNAME_INVALID: 'net-tls',
};

/** Maps a transport failure (undici or Node error codes, possibly wrapped in `cause`) to a FetchError. */
export function networkError(err: unknown, url: string): FetchError {
  if (err instanceof FetchError) return err;
  let e: unknown = err;
  for (let depth = 0; depth < 4 && e; depth++) {
    if (e instanceof FetchError) return e;
    const code = (e as { code?: string }).code;
    const mapped = code ? NET_CODES[code] : undefined;
    if (mapped) return new FetchError(mapped, `${code} fetching ${url}`, { cause: err });
    e = (e as { cause?: unknown }).cause;
  }
  const message = err instanceof Error ? err.message : String(err);
  return new FetchError('net-error', `${message} fetching ${url}`, { cause: err });
}
