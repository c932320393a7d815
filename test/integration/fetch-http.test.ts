// The HTTP client against real servers on 127.0.0.1 (and ::1): guards, caps, timeouts, redirects, statuses.
import dns from 'node:dns';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAddressGuard } from '../../src/infra/http/address-guard.js';
import { createHttpClient } from '../../src/infra/http/client.js';
import { FetchError } from '../../src/infra/http/errors.js';
import { createGuardedAgent } from '../../src/infra/http/guarded-agent.js';
import { startServer, testConfig, type TestServer } from './fetch-support.js';

async function failure(p: Promise<unknown>): Promise<FetchError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(FetchError);
    return err as FetchError;
  }
  throw new Error('expected the request to fail');
}

let srv: TestServer;
let v6: TestServer | null = null;

beforeAll(async () => {
  srv = await startServer();
  srv.route('/ok', (_req, res) => {
    res.setHeader('content-type', 'text/plain');
    res.end('hello');
  });
  srv.route('/secret', (_req, res) => res.end('internal data'));
  srv.route('/conditional', (req, res) => {
    if (req.headers['if-none-match'] === '"abc"' || req.headers['if-modified-since'] === 'Wed, 12 Feb 2025 08:30:00 GMT') {
      res.statusCode = 304;
      return res.end();
    }
    res.setHeader('etag', '"abc"');
    res.setHeader('last-modified', 'Wed, 12 Feb 2025 08:30:00 GMT');
    res.end('<rss/>');
  });
  srv.route('/loop', (req, res) => {
    const n = Number(new URL(req.url!, 'http://x').searchParams.get('n') ?? 0);
    res.statusCode = 302;
    res.setHeader('location', `/loop?n=${n + 1}`);
    res.end();
  });
  srv.route('/hop', (_req, res) => {
    res.statusCode = 301;
    res.setHeader('location', '/ok');
    res.end();
  });
  srv.route('/redirect', (req, res) => {
    res.statusCode = 302;
    res.setHeader('location', new URL(req.url!, 'http://x').searchParams.get('to')!);
    res.end();
  });
  for (const [path, status] of [['/s404', 404], ['/s410', 410], ['/s401', 401], ['/s403', 403], ['/s500', 500], ['/s502', 502]] as const) {
    srv.route(path, (_req, res) => {
      res.statusCode = status;
      res.end('no');
    });
  }
  srv.route('/busy', (_req, res) => {
    res.statusCode = 429;
    res.setHeader('retry-after', '120');
    res.end();
  });
  srv.route('/down', (_req, res) => {
    res.statusCode = 503;
    res.setHeader('retry-after', new Date(Date.now() + 60_000).toUTCString());
    res.end();
  });
  srv.route('/image', (_req, res) => {
    res.setHeader('content-type', 'image/png');
    res.end(Buffer.alloc(100));
  });
  // 8 MiB of zeros compress to a few KiB: a small download that must not expand past the 1 MiB cap.
  const zeros = Buffer.alloc(8 * 1024 * 1024);
  const bombs = { gzip: zlib.gzipSync(zeros), deflate: zlib.deflateSync(zeros), br: zlib.brotliCompressSync(zeros) };
  for (const [coding, body] of Object.entries(bombs)) {
    srv.route(`/bomb-${coding}`, (_req, res) => {
      res.setHeader('content-type', 'application/rss+xml');
      res.setHeader('content-encoding', coding);
      res.end(body);
    });
  }
  srv.route('/gzip-ok', (_req, res) => {
    res.setHeader('content-encoding', 'gzip');
    res.end(zlib.gzipSync('<rss>small</rss>'));
  });
  srv.route('/raw-deflate', (_req, res) => {
    res.setHeader('content-encoding', 'deflate');
    res.end(zlib.deflateRawSync('<rss>raw</rss>'));
  });
  for (const coding of ['gzip', 'deflate', 'br']) {
    srv.route(`/empty-${coding}`, (_req, res) => {
      res.setHeader('content-encoding', coding);
      res.end();
    });
  }
  srv.route('/corrupt-gzip', (_req, res) => {
    res.setHeader('content-encoding', 'gzip');
    res.end(zlib.gzipSync('<rss>small</rss>').subarray(0, 12));
  });
  srv.route('/big', (_req, res) => res.end(Buffer.alloc(3 * 1024 * 1024, 0x61)));
  srv.route('/trickle', (_req, res) => {
    res.setHeader('content-type', 'application/rss+xml');
    res.flushHeaders();
    const timer = setInterval(() => res.write('<'), 100);
    res.on('close', () => clearInterval(timer));
  });
  srv.route('/silent', () => {
    /* never answers */
  });
  try {
    v6 = await startServer('::1');
    v6.route('/secret', (_req, res) => res.end('internal v6'));
  } catch {
    v6 = null;
  }
});

afterAll(async () => {
  await srv.close();
  await v6?.close();
});

describe('HTTP client with 127.0.0.1 allowed', () => {
  const client = createHttpClient(testConfig({ maxBytes: 1024 * 1024, maxRedirects: 3, timeoutMs: 1_500 }));
  afterAll(() => client.close());

  it('fetches a page and reports its headers', async () => {
    const res = await client.get(`${srv.url}/ok`, { purpose: 'page' });
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe('hello');
    expect(res.headers['content-type']).toBe('text/plain');
  });

  it('sends conditional headers and returns an empty 304', async () => {
    const first = await client.get(`${srv.url}/conditional`, { purpose: 'feed' });
    expect(first.headers.etag).toBe('"abc"');
    const again = await client.get(`${srv.url}/conditional`, { purpose: 'feed', headers: { 'if-none-match': first.headers.etag! } });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    const byDate = await client.get(`${srv.url}/conditional`, { purpose: 'feed', headers: { 'if-modified-since': first.headers['last-modified']! } });
    expect(byDate.status).toBe(304);
  });

  it('follows redirects up to the cap and refuses one more', async () => {
    const hop = await client.get(`${srv.url}/hop`, { purpose: 'page' });
    expect(hop.finalUrl).toBe(`${srv.url}/ok`);
    expect(hop.redirects).toBe(1);
    const err = await failure(client.get(`${srv.url}/loop`, { purpose: 'page' }));
    expect(err.code).toBe('too-many-redirects');
    expect(err.kind).toBe('permanent');
    expect(srv.log.filter((l) => l.startsWith('GET /loop')).length).toBe(4);
  });

  it('runs each hop through the caller\'s wrapper, one after the other, its waits not counted in the timeout', async () => {
    const brief = createHttpClient(testConfig({ timeoutMs: 300 }));
    const events: string[] = [];
    const eachHop = async <T>(url: URL, request: () => Promise<T>): Promise<T> => {
      // Longer than the whole timeout across the chain, as a wait for a busy host can be.
      await new Promise((resolve) => setTimeout(resolve, 200));
      events.push(`start ${url.pathname}`);
      try {
        return await request();
      } catch (err) {
        events.push(`${(err as FetchError).code} ${url.pathname}`);
        throw err;
      } finally {
        events.push(`end ${url.pathname}`);
      }
    };
    try {
      const res = await brief.get(`${srv.url}/hop`, { purpose: 'page', eachHop });
      expect(res.body.toString()).toBe('hello');
      expect(events).toEqual(['start /hop', 'end /hop', 'start /ok', 'end /ok']);
      // The hop that answered is the one whose wrapper sees the failure (and so whose host a Retry-After holds).
      events.length = 0;
      const err = await failure(brief.get(`${srv.url}/redirect?to=/busy`, { purpose: 'feed', eachHop }));
      expect(err.code).toBe('http-rate-limited');
      expect(events).toEqual(['start /redirect', 'end /redirect', 'start /busy', 'http-rate-limited /busy', 'end /busy']);
    } finally {
      await brief.close();
    }
  });

  it('maps statuses to kinds and codes through one table', async () => {
    const cases = [
      ['/s404', 'http-not-found', 'permanent'],
      ['/s410', 'http-gone', 'permanent'],
      ['/s401', 'http-unauthorized', 'permanent'],
      ['/s403', 'http-forbidden', 'permanent'],
      ['/s500', 'http-server-error', 'retryable'],
      ['/s502', 'http-server-error', 'retryable'],
    ] as const;
    for (const [path, code, kind] of cases) {
      const err = await failure(client.get(`${srv.url}${path}`, { purpose: 'page' }));
      expect([err.code, err.kind]).toEqual([code, kind]);
    }
  });

  it('honours Retry-After on 429 (seconds) and 503 (HTTP date)', async () => {
    const busy = await failure(client.get(`${srv.url}/busy`, { purpose: 'feed' }));
    expect([busy.code, busy.kind, busy.retryAfterMs]).toEqual(['http-rate-limited', 'retryable', 120_000]);
    const down = await failure(client.get(`${srv.url}/down`, { purpose: 'feed' }));
    expect(down.code).toBe('http-server-error');
    expect(down.retryAfterMs).toBeGreaterThan(50_000);
    expect(down.retryAfterMs).toBeLessThanOrEqual(60_000);
  });

  it('refuses an unusable content type before reading the body', async () => {
    const err = await failure(client.get(`${srv.url}/image`, { purpose: 'page' }));
    expect([err.code, err.kind]).toEqual(['unsupported-content-type', 'permanent']);
  });

  it.each(['gzip', 'deflate', 'br'])('cuts off a %s compression bomb at the decoded-size cap', async (coding) => {
    const err = await failure(client.get(`${srv.url}/bomb-${coding}`, { purpose: 'feed' }));
    expect(err.code).toBe('too-large');
  });

  it('decodes gzip and raw deflate bodies', async () => {
    expect((await client.get(`${srv.url}/gzip-ok`, { purpose: 'feed' })).body.toString()).toBe('<rss>small</rss>');
    expect((await client.get(`${srv.url}/raw-deflate`, { purpose: 'feed' })).body.toString()).toBe('<rss>raw</rss>');
  });

  it.each(['gzip', 'deflate', 'br'])('reads an empty %s body as empty, not as broken', async (coding) => {
    expect((await client.get(`${srv.url}/empty-${coding}`, { purpose: 'feed' })).body.length).toBe(0);
  });

  it('fails a body that does not decode as what its content-encoding says, with its own code', async () => {
    const err = await failure(client.get(`${srv.url}/corrupt-gzip`, { purpose: 'feed' }));
    expect([err.code, err.kind]).toEqual(['bad-encoding', 'permanent']);
  });

  it('cuts off an uncompressed body over the cap', async () => {
    expect((await failure(client.get(`${srv.url}/big`, { purpose: 'feed' }))).code).toBe('too-large');
  });

  it('gives up on a server that trickles bytes, by the whole-request deadline', async () => {
    const err = await failure(client.get(`${srv.url}/trickle`, { purpose: 'feed' }));
    expect([err.code, err.kind]).toEqual(['net-timeout', 'retryable']);
  });

  it('gives up on a server that never sends headers', async () => {
    const err = await failure(client.get(`${srv.url}/silent`, { purpose: 'feed' }));
    expect(err.code).toBe('net-timeout');
  });

  it('passes a caller abort through as an abort, not a fetch error', async () => {
    const ac = new AbortController();
    const p = client.get(`${srv.url}/silent`, { purpose: 'feed', signal: ac.signal });
    setTimeout(() => ac.abort(new Error('shutdown')), 50);
    await expect(p).rejects.toThrow('shutdown');
  });

  it('refuses a redirect to an address the allow-list does not cover', async () => {
    const to = encodeURIComponent(`http://[::ffff:127.0.0.2]:${srv.port}/secret`);
    const err = await failure(client.get(`${srv.url}/redirect?to=${to}`, { purpose: 'page' }));
    expect(err.code).toBe('ssrf-blocked');
  });

  it('refuses schemes other than http and https, also on redirect', async () => {
    expect((await failure(client.get('file:///etc/passwd', { purpose: 'page' }))).code).toBe('unsupported-scheme');
    const err = await failure(client.get(`${srv.url}/redirect?to=${encodeURIComponent('ftp://example.org/x')}`, { purpose: 'page' }));
    expect(err.code).toBe('unsupported-scheme');
  });
});

describe('SSRF guard with an empty allow-list', () => {
  const client = createHttpClient(testConfig({ allowHosts: [] }));
  afterAll(() => client.close());

  const spellings = (port: number) => [
    `http://127.0.0.1:${port}/secret`,
    `http://localhost:${port}/secret`,
    `http://2130706433:${port}/secret`, // decimal
    `http://0177.0.0.1:${port}/secret`, // octal
    `http://0x7f.0.0.1:${port}/secret`, // hex
    `http://127.1:${port}/secret`, // shortened
    `http://[::ffff:127.0.0.1]:${port}/secret`, // IPv4-mapped IPv6
    `http://[::1]:${port}/secret`,
    `http://10.0.0.1:${port}/secret`,
    `http://169.254.169.254/latest/meta-data/`,
    `http://100.64.0.1/`,
    `http://[fe80::1]/`,
    `http://[fc00::1]/`,
    `http://0.0.0.0:${port}/secret`,
    `http://224.0.0.1/`,
  ];

  it('refuses every inward spelling directly, before connecting', async () => {
    const before = srv.log.length;
    for (const url of spellings(srv.port)) {
      const err = await failure(client.get(url, { purpose: 'page' }));
      expect([url, err.code, err.kind]).toEqual([url, 'ssrf-blocked', 'permanent']);
    }
    expect(srv.log.length).toBe(before);
  });

  it('refuses IPv6 loopback where a server really listens', async () => {
    if (!v6) return;
    const err = await failure(client.get(`${v6.url}/secret`, { purpose: 'page' }));
    expect(err.code).toBe('ssrf-blocked');
    expect(v6.log).toEqual([]);
  });

  it('refuses redirects that point inward, checking every hop', async () => {
    // Only the name "localhost" is allowed: the redirector is reachable through it, its targets are not.
    const byName = createHttpClient(testConfig({ allowHosts: ['localhost'] }));
    try {
      for (const target of spellings(srv.port).slice(0, 8).filter((u) => !u.includes('localhost'))) {
        const err = await failure(byName.get(`http://localhost:${srv.port}/redirect?to=${encodeURIComponent(target)}`, { purpose: 'page' }));
        expect([target, err.code]).toEqual([target, 'ssrf-blocked']);
      }
      expect(srv.log.filter((l) => l === 'GET /secret')).toEqual([]);
    } finally {
      await byName.close();
    }
  });

  it('refuses a public-looking name that resolves to a private address', async () => {
    const config = testConfig({ allowHosts: [] });
    const resolve = ((host: string, _opts: object, cb: (e: null, a: dns.LookupAddress[]) => void) =>
      cb(null, host === 'news.example.test' ? [{ address: '127.0.0.1', family: 4 }] : [])) as unknown as typeof dns.lookup;
    const agent = createGuardedAgent({ guard: createAddressGuard([]), connectTimeoutMs: 1000, headersTimeoutMs: 1000, bodyIdleTimeoutMs: 1000, resolve });
    const viaDns = createHttpClient(config, agent);
    try {
      const err = await failure(viaDns.get(`http://news.example.test:${srv.port}/secret`, { purpose: 'page' }));
      expect(err.code).toBe('ssrf-blocked');
    } finally {
      await agent.close();
    }
  });
});
