import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runExtract } from '../../../src/commands/extract.js';
import { InputError } from '../../../src/domain/errors.js';
import { FetchConfigSchema } from '../../../src/stages/fetch/config.js';

// The local test server is on loopback, which the HTTP client's SSRF guard refuses unless allowed, as the demo does.
const fetch = FetchConfigSchema.parse({ allowHosts: ['127.0.0.1'], userAgent: 'newsflow-extract-test' });
const seen: Array<{ url: string | undefined; userAgent: string | undefined }> = [];

const PAGE = `<html lang="en"><head><title>Lighthouse restored | Coast Daily</title></head><body><nav><a href="/">Home</a></nav>
<article><p>The lighthouse on the north cape shines again after a two-year restoration, the heritage trust said on Sunday.</p>
<p>Volunteers replaced the lamp room windows and repainted the tower in its original red and white bands.</p></article></body></html>`;

let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push({ url: req.url, userAgent: req.headers['user-agent'] });
    if (req.url === '/big') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(`<html><body><p>${'x'.repeat(4096)}</p></body></html>`);
    } else if (req.url === '/lighthouse') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(PAGE);
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('runExtract', () => {
  it('prints the text of a page fetched over HTTP, with the configured user agent', async () => {
    const out = await runExtract(`${base}/lighthouse`, { format: 'text', fetch });
    expect(seen.at(-1)).toEqual({ url: '/lighthouse', userAgent: 'newsflow-extract-test' });
    expect(out).toBe(
      'The lighthouse on the north cape shines again after a two-year restoration, the heritage trust said on Sunday.\n\n' +
        'Volunteers replaced the lamp room windows and repainted the tower in its original red and white bands.',
    );
  });

  it('prints JSON for a file, with the given URL as its address', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'newsflow-extract-'));
    const file = path.join(dir, 'page.html');
    writeFileSync(file, PAGE);
    const json = JSON.parse(await runExtract(file, { format: 'json', url: 'https://coast.example/lighthouse' })) as Record<string, unknown>;
    expect(json['title']).toBe('Lighthouse restored');
    expect(json['siteName']).toBe('Coast Daily');
    expect(json['langHint']).toBe('en');
  });

  it('prints Markdown of a Markdown dump with the title as heading', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'newsflow-extract-'));
    const file = path.join(dir, 'dump.md');
    writeFileSync(file, '---\ntitle: Lighthouse restored\ndate: 2024-05-05\n---\n\n# Lighthouse restored\n\nThe lighthouse **shines** again after a long restoration.\n');
    expect(await runExtract(file, { format: 'markdown' })).toBe('# Lighthouse restored\n\nThe lighthouse **shines** again after a long restoration.');
  });

  it('fetches through the HTTP client: the SSRF guard, the size cap and its error codes', async () => {
    const before = seen.length;
    await expect(runExtract(`${base}/lighthouse`, { format: 'text', fetch: { ...fetch, allowHosts: [] } })).rejects.toMatchObject({
      kind: 'permanent',
      code: 'ssrf-blocked',
    });
    expect(seen.length).toBe(before);
    await expect(runExtract(`${base}/big`, { format: 'text', fetch: { ...fetch, maxBytes: 1024 } })).rejects.toMatchObject({ code: 'too-large' });
    await expect(runExtract(`${base}/missing`, { format: 'text', fetch })).rejects.toMatchObject({ kind: 'permanent', code: 'http-not-found' });
  });

  it('fails on a file that is not there as an input mistake naming the path (the CLI exits 2)', async () => {
    await expect(runExtract('/nonexistent/file.html', { format: 'text' })).rejects.toThrow(new InputError('/nonexistent/file.html: no such file or folder'));
  });
});
