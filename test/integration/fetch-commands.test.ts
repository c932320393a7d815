// The feed-source commands: OPML import/export round trip on a real YAML file, and the debugging commands
// against a local server and a local file.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { exportOpml, importOpml, readOpml, runFetch, runParseFeed } from '../../src/commands/feeds.js';
import { ConfigError } from '../../src/config/load.js';
import { FeedsFileSchema } from '../../src/config/schema.js';
import { InputError } from '../../src/domain/errors.js';
import { startServer, testConfig, type TestServer } from './fetch-support.js';

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/feeds');
let dir: string;
let srv: TestServer;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'newsflow-feeds-'));
  srv = await startServer();
  srv.route('/feed.xml', async (_req, res) => {
    res.setHeader('content-type', 'application/rss+xml');
    res.end(await readFile(path.join(fixtures, 'parse/rss20-full.xml')));
  });
  srv.route('/page', (_req, res) => {
    res.setHeader('content-type', 'text/html; charset=gbk');
    res.end(Buffer.from([0xc4, 0xe3, 0xba, 0xc3])); // 你好 in GBK
  });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await srv.close();
});

describe('OPML', () => {
  it('reads nested outlines as tags and skips bookmarks', () => {
    const feeds = readOpml(`<opml><body><outline text="A"><outline text="B"><outline xmlUrl="https://x.example/f" text="F" category="c1,c2/c3"/></outline></outline><outline type="link" url="https://y.example/"/></body></opml>`);
    expect(feeds).toEqual([{ url: 'https://x.example/f', title: 'F', siteUrl: undefined, tags: ['A', 'B', 'c1', 'c2', 'c3'] }]);
  });

  it('merges an import into an existing feeds file, keeping its comments and entries', async () => {
    const feedsFile = path.join(dir, 'feeds.yaml');
    await writeFile(feedsFile, '# my feeds\nfeeds:\n  - id: example-world\n    url: https://example.org/world/rss.xml\n    tags: [world]\n');
    const result = await importOpml(path.join(fixtures, 'opml/subscriptions.opml'), feedsFile);
    expect(result.added.map((f) => f.url)).toEqual(['https://patchnotes.example/feed.xml', 'https://threatdesk.example/rss', 'https://caijing.example/rss.xml']);
    expect(result.existing).toBe(1);
    expect(result.skipped).toEqual([{ url: 'ftp://files.example/feed.xml', reason: 'unsupported scheme ftp:' }]);
    const text = await readFile(feedsFile, 'utf8');
    expect(text.startsWith('# my feeds')).toBe(true);
    const file = FeedsFileSchema.parse(YAML.parse(text));
    expect(file.feeds.map((f) => f.id)).toEqual(['example-world', 'patch-notes-weekly', 'threat-desk', expect.stringMatching(/^feed-[0-9a-f]{8}$/)]);
    expect(file.feeds[1]).toMatchObject({ tags: ['Security', 'Advisories'], siteUrl: 'https://patchnotes.example/', title: 'Patch Notes Weekly' });
    expect(file.feeds[2]!.tags).toEqual(['Security', 'osint', 'apt']);
    expect(file.feeds[3]!.tags).toEqual(['中文']);
    expect(file.feeds[0]!.tags).toEqual(['world']);
  });

  it('imports the same file twice without duplicating anything', async () => {
    const feedsFile = path.join(dir, 'twice.yaml');
    await importOpml(path.join(fixtures, 'opml/subscriptions.opml'), feedsFile);
    const again = await importOpml(path.join(fixtures, 'opml/subscriptions.opml'), feedsFile);
    expect(again.added).toEqual([]);
    expect(FeedsFileSchema.parse(YAML.parse(await readFile(feedsFile, 'utf8'))).feeds).toHaveLength(4);
  });

  it('imports into a feeds file that holds only `feeds:` (an empty list), keeping its comment', async () => {
    const feedsFile = path.join(dir, 'only-key.yaml');
    await writeFile(feedsFile, '# mine\nfeeds:\n');
    const result = await importOpml(path.join(fixtures, 'opml/subscriptions.opml'), feedsFile);
    expect(result.added).toHaveLength(4);
    const text = await readFile(feedsFile, 'utf8');
    expect(text.startsWith('# mine')).toBe(true);
    expect(FeedsFileSchema.parse(YAML.parse(text)).feeds).toHaveLength(4);
  });

  it('stops on an invalid feeds file as `config check` does, with its place in the file, and leaves it alone', async () => {
    const feedsFile = path.join(dir, 'bad-tz.yaml');
    const bad = 'feeds:\n  - id: a\n    url: https://example.org/a.xml\n    cron: "0 7 * * *"\n    tz: Mars/Olympus\n';
    await writeFile(feedsFile, bad);
    const importing = importOpml(path.join(fixtures, 'opml/subscriptions.opml'), feedsFile);
    await expect(importing).rejects.toBeInstanceOf(ConfigError);
    await expect(importing).rejects.toThrow(`${feedsFile}: feeds.0.tz: not a time zone: "Mars/Olympus"`);
    expect(await readFile(feedsFile, 'utf8')).toBe(bad);
  });

  it('refuses a document that is not OPML (a YAML file, an HTML page) instead of importing nothing', async () => {
    const feedsFile = path.join(dir, 'untouched.yaml');
    const yaml = path.join(dir, 'cfg.yaml');
    const html = path.join(dir, 'page.html');
    await writeFile(yaml, 'redis:\n  url: redis://127.0.0.1:6379\n');
    await writeFile(html, '<!DOCTYPE html>\n<html><body><a href="https://x.example/feed">feed</a></body></html>');
    await expect(importOpml(yaml, feedsFile)).rejects.toThrow(new InputError(`${yaml}: not an OPML document: no <opml> root element`));
    await expect(importOpml(html, feedsFile)).rejects.toThrow(new InputError(`${html}: not an OPML document: its root element is <html>, not <opml>`));
    expect(() => readOpml('<?xml version="1.0"?>\n<!-- exported -->\n<opml version="2.0"><body/></opml>')).not.toThrow();
    await expect(readFile(feedsFile)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('exports OPML that imports back to the same feeds and tags', async () => {
    const source = FeedsFileSchema.parse(YAML.parse(await readFile(path.join(dir, 'feeds.yaml'), 'utf8'))).feeds;
    const opml = exportOpml(source);
    const back = readOpml(opml);
    expect(back.map((f) => f.url)).toEqual(expect.arrayContaining(source.map((f) => f.url)));
    expect(back).toHaveLength(source.length);
    for (const f of source) expect(new Set(back.find((b) => b.url === f.url)!.tags)).toEqual(new Set(f.tags));
  });
});

describe('debugging commands', () => {
  it('runFetch prints the response and the parsed feed as JSON', async () => {
    const out = JSON.parse(await runFetch(`${srv.url}/feed.xml`, testConfig()));
    expect(out.status).toBe(200);
    expect(out.feed.title).toBe('World Briefing');
    expect(out.feed.items).toHaveLength(3);
  });

  it('runFetch prints decoded text when the URL is not a feed', async () => {
    const out = JSON.parse(await runFetch(`${srv.url}/page`, testConfig()));
    expect(out.encoding).toEqual({ name: 'gb18030', source: 'http' });
    expect(out.text).toBe('你好');
  });

  it('runFetch refuses private addresses unless allowed', async () => {
    await expect(runFetch(`${srv.url}/feed.xml`, testConfig({ allowHosts: [] }))).rejects.toMatchObject({ code: 'ssrf-blocked' });
  });

  it('runParseFeed parses a local file and a URL to the same normalized JSON', async () => {
    const fromFile = JSON.parse(await runParseFeed(path.join(fixtures, 'parse/atom10.xml'), testConfig()));
    expect(fromFile.items[0].link).toBe('https://blog.example/notes/2025/old-maps.html');
    const fromUrl = JSON.parse(await runParseFeed(`${srv.url}/feed.xml`, testConfig()));
    expect(fromUrl.items[0].id).toBe('briefing-48213');
  });
});
