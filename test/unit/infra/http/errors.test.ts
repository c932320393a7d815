import { describe, expect, it } from 'vitest';
import { FETCH_ERRORS, FetchError, networkError, parseRetryAfter, statusCode, statusError } from '../../../../src/infra/http/errors.js';

describe('fetch error table', () => {
  it.each([
    [404, 'http-not-found', 'permanent'],
    [410, 'http-gone', 'permanent'],
    [401, 'http-unauthorized', 'permanent'],
    [403, 'http-forbidden', 'permanent'],
    [400, 'http-client-error', 'permanent'],
    [429, 'http-rate-limited', 'retryable'],
    [408, 'http-request-timeout', 'retryable'],
    [500, 'http-server-error', 'retryable'],
    [503, 'http-server-error', 'retryable'],
    [599, 'http-server-error', 'retryable'],
  ])('HTTP %i → %s (%s)', (status, code, kind) => {
    expect(statusCode(status)).toBe(code);
    expect(FETCH_ERRORS[statusCode(status)]).toBe(kind);
    expect(statusError(status, 'https://x.example/').kind).toBe(kind);
  });

  it('reads Retry-After as seconds or an HTTP date, only for 429 and 503', () => {
    const now = Date.parse('2025-02-12T08:30:00Z');
    expect(parseRetryAfter('30', now)).toBe(30_000);
    expect(parseRetryAfter('Wed, 12 Feb 2025 08:31:00 GMT', now)).toBe(60_000);
    expect(parseRetryAfter('Wed, 12 Feb 2025 08:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(statusError(429, 'u', '5').retryAfterMs).toBe(5000);
    expect(statusError(500, 'u', '5').retryAfterMs).toBeUndefined();
  });

  it('maps transport failures by their code, also when wrapped in a cause', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    expect(networkError(refused, 'u').code).toBe('net-refused');
    expect(networkError(new Error('fetch failed', { cause: refused }), 'u').code).toBe('net-refused');
    expect(networkError(Object.assign(new Error('t'), { code: 'UND_ERR_HEADERS_TIMEOUT' }), 'u')).toMatchObject({ code: 'net-timeout', kind: 'retryable' });
    expect(networkError(Object.assign(new Error('c'), { code: 'CERT_HAS_EXPIRED' }), 'u')).toMatchObject({ code: 'net-tls', kind: 'permanent' });
    expect(networkError(new Error('odd'), 'u')).toMatchObject({ code: 'net-error', kind: 'retryable' });
    const own = new FetchError('ssrf-blocked', 'no');
    expect(networkError(new Error('wrapped', { cause: own }), 'u')).toBe(own);
  });
});
