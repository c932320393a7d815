// The built-in sample sources: an HTTP server on 127.0.0.1 serving the feeds and pages under fixtures/demo, with
// `{{BASE}}` replaced by its own address. WeChat-style article URLs (`/zh/s?__biz=…&mid=M&idx=I…`) map to
// `zh/M-I.html`. Conditional GET (ETag) works, so a second crawl sees 304s. Feeds change over time: after
// `advance()`, a file `NAME.edition2.EXT` (if any) is served in place of `NAME.EXT`, as a feed that gained items.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { PACKAGE_ROOT } from '../config/load.js';

export const SAMPLE_ROOT = path.join(PACKAGE_ROOT, 'fixtures', 'demo');

const TYPES: Record<string, string> = {
  '.rss': 'application/rss+xml; charset=utf-8',
  '.atom': 'application/atom+xml; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.json': 'application/feed+json; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

/** A 1×1 transparent PNG for every image URL of the sample pages. */
const PIXEL = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000' + '1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082', 'hex');

export interface SampleServer {
  baseUrl: string;
  /** Requests served, by path, for tests. */
  hits: Map<string, number>;
  /** Moves to the next edition of the feeds. */
  advance(): void;
  close(): Promise<void>;
}

function resolveFile(url: URL): string | null {
  if (url.pathname === '/zh/s') {
    const mid = url.searchParams.get('mid');
    const idx = url.searchParams.get('idx') ?? '1';
    return mid && /^\d+$/.test(mid) && /^\d+$/.test(idx) ? `zh/${mid}-${idx}.html` : null;
  }
  const rel = path.posix.normalize(decodeURIComponent(url.pathname)).replace(/^\/+/, '');
  return rel && !rel.startsWith('..') ? rel : null;
}

export async function startSampleServer(options: { root?: string; port?: number } = {}): Promise<SampleServer> {
  const root = options.root ?? SAMPLE_ROOT;
  const hits = new Map<string, number>();
  let edition = 1;
  const readEdition = async (rel: string): Promise<string | null> => {
    const ext = path.extname(rel);
    for (let e = edition; e >= 2; e--) {
      const text = await readFile(path.join(root, `${rel.slice(0, -ext.length)}.edition${e}${ext}`), 'utf8').catch(() => null);
      if (text !== null) return text;
    }
    return readFile(path.join(root, rel), 'utf8').catch(() => null);
  };
  let baseUrl = '';
  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', baseUrl);
      hits.set(url.pathname, (hits.get(url.pathname) ?? 0) + 1);
      if (url.pathname === '/robots.txt') {
        res.writeHead(200, { 'content-type': 'text/plain' }).end('User-agent: *\nAllow: /\n');
        return;
      }
      if (url.pathname.startsWith('/img/')) {
        res.writeHead(200, { 'content-type': 'image/png' }).end(PIXEL);
        return;
      }
      const rel = resolveFile(url);
      const body = rel ? await readEdition(rel) : null;
      if (body === null) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
        return;
      }
      const text = body.replaceAll('{{BASE}}', baseUrl);
      const etag = `"${createHash('sha1').update(text).digest('hex').slice(0, 16)}"`;
      if (req.headers['if-none-match'] === etag) {
        res.writeHead(304, { etag }).end();
        return;
      }
      res.writeHead(200, { 'content-type': TYPES[path.extname(rel!)] ?? 'application/octet-stream', etag }).end(text);
    })().catch((err: Error) => res.writeHead(500).end(err.message));
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    baseUrl,
    hits,
    advance: () => {
      edition += 1;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** The feeds of the sample sources, as a feeds file would list them. */
export function sampleFeeds(baseUrl: string) {
  return [
    { id: 'harbor-ledger-world', url: `${baseUrl}/world.rss`, title: 'Harbor Ledger — World', tags: ['world', 'en'], fullText: 'auto' as const },
    { id: 'circuit-notes', url: `${baseUrl}/tech.atom`, title: 'Circuit Notes', tags: ['tech', 'en'], fullText: 'auto' as const },
    { id: 'wechat-city-tech', url: `${baseUrl}/zh.rss`, title: '公众号聚合：城市与科技', tags: ['zh', 'wechat'], fullText: 'auto' as const },
  ];
}
