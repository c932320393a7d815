import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runExtract } from '../../../src/commands/extract.js';

const PAGE = `<html lang="en"><head><title>Lighthouse restored | Coast Daily</title></head><body><nav><a href="/">Home</a></nav>
<article><p>The lighthouse on the north cape shines again after a two-year restoration, the heritage trust said on Sunday.</p>
<p>Volunteers replaced the lamp room windows and repainted the tower in its original red and white bands.</p></article></body></html>`;

let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/lighthouse') {
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
  it('prints the text of a page fetched over HTTP', async () => {
    const out = await runExtract(`${base}/lighthouse`, { format: 'text' });
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

  it('fails permanently on a missing page and an unreadable file', async () => {
    await expect(runExtract(`${base}/missing`, { format: 'text' })).rejects.toMatchObject({ kind: 'permanent', code: 'http-404' });
    await expect(runExtract('/nonexistent/file.html', { format: 'text' })).rejects.toMatchObject({ code: 'file-unreadable' });
  });
});
